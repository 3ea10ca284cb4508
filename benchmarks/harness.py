"""What the benchmark (`run.py`) and the load test (`loadtest.py`) share: production-like
settings for the server, gunicorn on 127.0.0.1, a logged-in client over the standard library's
`http.client`, and percentiles.

Not named `http.py`: the scripts run as `python benchmarks/…py`, which puts this folder first
on the import path, where an `http` module would hide the standard library's.
"""

import http.client
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
HOST = "127.0.0.1"
PASSWORD = "firstask-load"  # inquiries.loadgen.LOAD_PASSWORD, without importing Django yet
SERVER_HEADER = "X-Bench-Server-Ms"


def environment(database_url: str) -> dict:
    """Production-like settings (DEBUG off) that work over plain HTTP on localhost."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        ENV_FILE="/dev/null",  # never the developer's .env
        DJANGO_SETTINGS_MODULE="firstask.settings",
        DEBUG="false",
        SECRET_KEY="benchmark-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        LOG_LEVEL="WARNING",
        # Production serves hashed static files (collectstatic's manifest): our own copy.
        STATIC_ROOT=str(ROOT / "var" / "bench-static"),
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def collectstatic(env: dict) -> None:
    manage(env, "collectstatic", "--noinput", "-v", "0")


def django_setup(env: dict) -> None:
    """Django in this process too, on the same settings and database (to pick users, check)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- HTTP, with the standard library -------------------------------------------------------------


class NotSent(OSError):
    """No connection: the request never reached the server, so sending it again is safe."""


class Session:
    """Cookies and one request at a time; a new connection per request (sync workers close
    them anyway).

    A connection that cannot be opened raises `NotSent`; any other `OSError` (the connection
    reset or closed before the answer, a time-out) means the server may have acted on the
    request without anyone hearing back."""

    def __init__(self, port: int, timeout: float = 300):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.location: str | None = None  # the Location of the last answer

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
            headers["Origin"] = f"http://{HOST}:{self.port}"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.connect()
        except OSError as error:
            connection.close()
            raise NotSent(error.errno, f"{type(error).__name__}: {error}") from error
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        self.location = response.getheader("Location")
        server = response.getheader(SERVER_HEADER)
        return response.status, content, elapsed, float(server) if server else None

    def login(self, username: str, password: str = PASSWORD) -> None:
        self.request("GET", "/login/")
        status, _content, _ms, _server = self.request(
            "POST",
            "/login/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        if status != 302:
            raise RuntimeError(f"login as {username} failed: HTTP {status}")


# --- gunicorn -----------------------------------------------------------------------------------


def gunicorn_start(
    env: dict, port: int, workers: int, *, timeout: int = 300, log: Path | None = None
) -> subprocess.Popen:
    """gunicorn (sync workers) on HOST:port, once it answers /healthz; its output (and
    Django's error log, tracebacks included) appended to `log` if given."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "benchmarks.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--timeout={timeout}",
        "--log-level=warning",
    ]
    output = log.open("a") if log else None
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    if output:
        output.close()  # the child has its own copy
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s")


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return sorted(pids)


def rss_mb(pids: list[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
        if match:
            out[pid] = round(int(match.group(1)) / 1024, 1)
    return out


# --- Measuring ---------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return round(ordered[index], 1)


def without_password(database_url: str) -> str:
    return re.sub(r"//[^@/]*@", "//", database_url)
