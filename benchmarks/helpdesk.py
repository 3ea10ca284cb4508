"""Side by side with django-helpdesk (issue 9): the same number of tickets as our cases, the
same machine, the same gunicorn (2 sync workers) and 4 clients, in the same run.

    .venv/bin/python benchmarks/helpdesk.py [--tickets N] [--reload] [--seconds 10]

1. Installs `helpdesk-requirements.txt` into `var/helpdesk-venv` (once; again when the file
   changes), with a Python >= 3.12 from `scripts/find-python`.
2. Recreates `firstask_bench_helpdesk` (HELPDESK_DATABASE_URL) through `database.py`, migrates
   `helpdesk_site`, and loads as many tickets as `inquiries_inquiry` has rows in
   BENCH_DATABASE_URL (or `--tickets N`) by COPY, with about one follow-up each. Skipped when the
   database already holds that many tickets, unless `--reload`.
3. Starts gunicorn for firstask (`benchmarks/wsgi.py`) and for helpdesk
   (`helpdesk_site/wsgi.py`), both adding `X-Bench-Server-Ms`, and measures one page after the
   other: the list (our department queue; their ticket list, page + its DataTables JSON) and
   the dashboard (our supervisor dashboard; theirs).
4. Prints the table and writes `results/helpdesk-latest.json`.
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from harness import (
    HOST,
    PASSWORD,
    RESULTS,
    ROOT,
    SERVER_HEADER,
    Session,
    collectstatic,
    environment,
    gunicorn_start,
    percentile,
    rss_mb,
    without_password,
    worker_pids,
)
from psycopg import sql
from run import DEFAULT_DATABASE_URL, pick_users_and_paths

BENCH = Path(__file__).resolve().parent
VENV = ROOT / "var" / "helpdesk-venv"
REQUIREMENTS = BENCH / "helpdesk-requirements.txt"
DEFAULT_HELPDESK_URL = "postgres://postgres@127.0.0.1:5432/firstask_bench_helpdesk"
PREFIX = "firstask_bench"  # database.py refuses any other name
ADMIN = "hdadmin"  # the staff superuser we log in as; password harness.PASSWORD
STAFF = 19  # more staff accounts, tickets are assigned to them and the admin
BATCH = 50_000

QUEUES = [
    "市场监管局",
    "住房和城乡建设局",
    "交通运输局",
    "生态环境局",
    "人力资源和社会保障局",
    "公安分局",
    "教育局",
    "卫生健康委",
    "民政局",
    "城市管理局",
    "自然资源局",
    "水务局",
    "文化和旅游局",
    "商务局",
    "农业农村局",
    "应急管理局",
    "税务局",
    "医疗保障局",
    "退役军人事务局",
    "信访局",
]
SUBJECTS = [
    "咨询营业执照办理流程",
    "投诉小区夜间施工噪音",
    "反映路灯损坏",
    "举报超市销售过期食品",
    "咨询社保转移手续",
    "反映小区电梯故障",
    "投诉物业乱收费",
    "咨询居住证办理",
    "反映道路积水",
    "投诉餐馆油烟扰民",
    "咨询公积金提取",
    "反映垃圾清运不及时",
    "举报违章搭建",
    "咨询新生儿落户",
    "投诉出租车拒载",
    "反映供暖温度不达标",
    "咨询残疾人补贴申请",
    "反映学校周边交通拥堵",
    "投诉快递网点服务态度",
    "咨询不动产登记",
]
PLACES = [
    "东城街道",
    "西城街道",
    "南湖社区",
    "北苑小区",
    "人民路",
    "解放路",
    "滨江花园",
    "新华里",
    "长安街",
    "光明新村",
]
DETAILS = [
    "已多次反映未果，情绪较为激动。",
    "希望相关部门尽快核实处理并回复。",
    "来电人要求书面答复。",
    "涉及多户居民，影响较大。",
    "来电人表示如不处理将继续反映。",
]
# helpdesk's statuses: 1 open, 2 reopened, 3 resolved, 4 closed, 5 duplicate.
RECENT_STATUS = ([1, 2, 3, 4, 5], [45, 5, 20, 28, 2])  # created in the last 30 days
OLDER_STATUS = ([1, 2, 3, 4, 5], [2, 0.5, 2, 92.5, 3])
PRIORITY = ([1, 2, 3, 4, 5], [2, 10, 68, 15, 5])
CLOSING_TITLE = {3: "已答复", 4: "已办结", 5: "重复件，已合并"}


# --- The virtual environment --------------------------------------------------------------------


def ensure_venv() -> Path:
    """var/helpdesk-venv with helpdesk-requirements.txt, (re)installed when that file changes."""
    python = VENV / "bin" / "python"
    marker = VENV / ".installed"
    if marker.exists() and marker.stat().st_mtime >= REQUIREMENTS.stat().st_mtime:
        return python
    if not python.exists():
        base = subprocess.run(
            [str(ROOT / "scripts" / "find-python")], capture_output=True, text=True, check=True
        ).stdout.strip()
        print(f"Creating {VENV.relative_to(ROOT)} with {base} …", flush=True)
        subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    print(f"Installing {REQUIREMENTS.relative_to(ROOT)} …", flush=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], check=True
    )
    marker.touch()
    return python


def helpdesk_environment(base: dict, database_url: str) -> dict:
    env = dict(base)
    for name in ("VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE", "PYTHONHOME"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="benchmarks.helpdesk_site.settings",
        # The project root, not benchmarks/: there this script's name would hide the package.
        PYTHONPATH=str(ROOT),
        SECRET_KEY="helpdesk-benchmark-only-secret-key-not-for-production-0123456789",
    )
    return env


def versions(python: Path) -> dict:
    code = (
        "import importlib.metadata as m, json, platform; print(json.dumps({"
        "'django-helpdesk': m.version('django-helpdesk'), 'django': m.version('django'), "
        "'python': platform.python_version()}))"
    )
    return json.loads(
        subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout
    )


# --- The helpdesk database ---------------------------------------------------------------------


def database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def loaded_tickets(url: str) -> tuple[int | None, str]:
    """How many tickets the helpdesk database holds (None: no such database or schema), and
    the comment the last load left on it."""
    try:
        with psycopg.connect(url) as connection:
            count = connection.execute("SELECT count(*) FROM helpdesk_ticket").fetchone()[0]
            comment = connection.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
                " WHERE datname = current_database()"
            ).fetchone()[0]
            admin = connection.execute(
                "SELECT count(*) FROM auth_user WHERE username = %s", [ADMIN]
            ).fetchone()[0]
    except psycopg.Error:
        return None, ""
    return (count if admin else None), comment or ""


SETUP = """
import json
from django.contrib.auth.models import User
from helpdesk.models import Queue
admin = User.objects.create_superuser({admin!r}, {admin!r} + "@helpdesk.example", {password!r})
users = [admin.pk]
for number in range(1, {staff} + 1):
    user = User(username=f"staff{{number:02d}}", email=f"staff{{number:02d}}@helpdesk.example",
                first_name=f"办理人{{number:02d}}", is_staff=True, password=admin.password)
    user.save()
    users.append(user.pk)
queues = [Queue.objects.create(title=title, slug=f"q{{index + 1:02d}}",
                               allow_public_submission=False).pk
          for index, title in enumerate({queues!r})]
print(json.dumps({{"users": users, "queues": queues}}))
"""


def copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def load(python: Path, env: dict, url: str, tickets: int, seed: int = 1) -> float:
    """Recreate, migrate and fill the helpdesk database; returns the seconds it took."""
    started = time.monotonic()
    subprocess.run([sys.executable, str(BENCH / "database.py"), "--recreate", url], check=True)
    manage = [str(python), str(BENCH / "helpdesk_site" / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    code = SETUP.format(admin=ADMIN, password=PASSWORD, staff=STAFF, queues=QUEUES)
    output = subprocess.run(
        [*manage, "shell", "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    made = json.loads(output.strip().splitlines()[-1])
    users, queues = made["users"], made["queues"]
    print(
        f"Generating {tickets:,} tickets in {len(queues)} queues for {len(users)} staff …",
        flush=True,
    )

    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    span = 3 * 365 * 86400
    offsets = sorted(rng.random() * span for _ in range(tickets))  # ids follow time
    ticket_columns = (
        "id, title, created, modified, submitter_email, status, on_hold, description, "
        "resolution, priority, assigned_to_id, queue_id, secret_key"
    )
    followup_columns = "id, date, title, comment, public, new_status, ticket_id, user_id"
    followup_id = 0
    generating = time.monotonic()
    with psycopg.connect(url) as connection:
        for batch_start in range(0, tickets, BATCH):
            ticket_rows: list[str] = []
            followup_rows: list[str] = []
            for index in range(batch_start, min(tickets, batch_start + BATCH)):
                pk = index + 1
                created = now - dt.timedelta(seconds=span - offsets[index])
                age_days = (now - created).days
                statuses, weights = RECENT_STATUS if age_days < 30 else OLDER_STATUS
                status = rng.choices(statuses, weights)[0]
                priority = rng.choices(*PRIORITY)[0]
                subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
                unassigned = status in (1, 2) and rng.random() < 0.25
                assigned = None if unassigned else rng.choice(users)
                follow = []  # (date, title, comment, new_status)
                modified = created + dt.timedelta(minutes=rng.randint(1, 120))
                if status != 1:
                    done = min(now, created + dt.timedelta(days=rng.expovariate(1 / 7)))
                    modified = done
                    follow.append(
                        (
                            done,
                            CLOSING_TITLE.get(status, "已答复"),
                            "已按规定办理并答复来电人。",
                            3 if status == 2 else status,
                        )
                    )
                    if status == 2:
                        modified = min(now, done + dt.timedelta(days=rng.uniform(1, 10)))
                        follow.append((modified, "重新办理", "来电人对答复不满意，重新办理。", 2))
                elif rng.random() < 0.5:
                    follow.append((modified, "已受理", "已受理，正在核实。", None))
                if rng.random() < 0.2:
                    note = created + (modified - created) / 2
                    follow.append((note, "补充说明", f"来电人补充：{rng.choice(DETAILS)}", None))
                resolution = "已按规定办理并答复来电人。" if status in (3, 4, 5) else None
                ticket_rows.append(
                    "\t".join(
                        copy_text(v)
                        for v in (
                            pk,
                            f"{place}{subject}",
                            created,
                            modified,
                            f"caller{rng.randrange(200_000)}@example.cn",
                            status,
                            False,
                            f"来电人反映{place}{subject}。{rng.choice(DETAILS)}",
                            resolution,
                            priority,
                            assigned,
                            rng.choice(queues),
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                        )
                    )
                )
                for date, title, comment, new_status in sorted(follow, key=lambda f: f[0]):
                    followup_id += 1
                    followup_rows.append(
                        "\t".join(
                            copy_text(v)
                            for v in (
                                followup_id,
                                date,
                                title,
                                comment,
                                True,
                                new_status,
                                pk,
                                assigned,
                            )
                        )
                    )
            with connection.cursor() as cursor:
                with cursor.copy(f"COPY helpdesk_ticket ({ticket_columns}) FROM STDIN") as copy:
                    copy.write("\n".join(ticket_rows) + "\n")
                with cursor.copy(f"COPY helpdesk_followup ({followup_columns}) FROM STDIN") as copy:
                    copy.write("\n".join(followup_rows) + "\n")
            connection.commit()
            done_count = min(tickets, batch_start + BATCH)
            rate = done_count / (time.monotonic() - generating)
            print(f"  {done_count:,}/{tickets:,} tickets ({rate:,.0f}/s)", flush=True)
        with connection.cursor() as cursor:
            for table in ("helpdesk_ticket", "helpdesk_followup"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT coalesce(max(id), 1) FROM {table}))"
                )
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE helpdesk_ticket")
        connection.execute("VACUUM ANALYZE helpdesk_followup")
        seconds = time.monotonic() - started
        comment = f"{tickets:,} tickets, {followup_id:,} follow-ups loaded in {seconds:.0f} s"
        connection.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(database_name(url)), sql.Literal(comment)
            )
        )
    print(f"Loaded {tickets:,} tickets and {followup_id:,} follow-ups in {seconds:.0f} s.")
    return seconds


# --- The servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def helpdesk_gunicorn(env: dict, port: int, workers: int, timeout: int, log: Path):
    """gunicorn from var/helpdesk-venv serving helpdesk_site, once it answers /healthz."""
    command = [
        str(VENV / "bin" / "gunicorn"),
        "benchmarks.helpdesk_site.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--timeout={timeout}",
        "--log-level=warning",
    ]
    with log.open("a") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            session = Session(port, timeout=5)
            if session.request("GET", "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit(f"helpdesk's gunicorn did not answer /healthz within 60 s (see {log})")


# --- Measuring ---------------------------------------------------------------------------


@dataclass
class Page:
    side: str  # "ours" or "theirs"
    key: str  # "list" or "dashboard"
    label: str
    user: str
    port: int
    paths: list[str]  # one page view: these, one after the other
    parts: list[str] = field(default_factory=list)  # a name for each path


def datatables_path(port: int) -> tuple[str, dict]:
    """The JSON request helpdesk's ticket list makes for its first page (DataTables, server
    side), as the browser sends it, and what it answered."""
    session = Session(port)
    session.login(ADMIN)
    status, content, _ms, _server = session.request("GET", "/tickets/")
    if status != 200:
        sys.exit(f"helpdesk /tickets/: HTTP {status}")
    html = content.decode()
    match = re.search(r'"(/datatables_ticket_list/[^"]*)"', html)
    length = re.search(r"data-page-length='(\d+)'", html)
    if not match:
        sys.exit("helpdesk /tickets/: no datatables_ticket_list URL in the page")
    query = urllib.parse.urlencode(
        {
            "draw": 1,
            "start": 0,
            "length": length.group(1) if length else 25,
            "search[value]": "",
            "search[regex]": "false",
        }
    )
    path = f"{match.group(1)}?{query}"
    status, content, _ms, _server = session.request("GET", path)
    if status != 200:
        sys.exit(f"helpdesk {path}: HTTP {status}")
    answer = json.loads(content)
    return path, {
        "rows": len(answer["data"]),
        "recordsTotal": answer["recordsTotal"],
        "recordsFiltered": answer["recordsFiltered"],
    }


def measure(
    page: Page, clients: int, seconds: float, min_views: int, max_seconds: float, timeout: float
) -> dict:
    """`clients` logged-in threads repeat the page view until `seconds` have passed and each
    has completed `min_views` of them, or `max_seconds` have passed (checked between views)."""
    sessions = []
    for _i in range(clients):
        session = Session(page.port, timeout=timeout)
        session.login(page.user)
        sessions.append(session)
    client_ms: list[float] = []
    server_ms: list[float] = []
    part_server: list[list[float]] = [[] for _p in page.paths]
    part_client: list[list[float]] = [[] for _p in page.paths]
    errors: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()
    stop_at, hard_stop = started + seconds, started + max_seconds

    def run(session: Session) -> None:
        views = 0
        while True:
            now = time.monotonic()
            if now >= hard_stop or (now >= stop_at and views >= min_views):
                return
            timings = []
            for path in page.paths:
                try:
                    status, _content, elapsed, server = session.request("GET", path)
                except OSError as error:
                    with lock:
                        errors.append(f"{path}: {type(error).__name__}: {error}")
                    break
                if status != 200:
                    with lock:
                        errors.append(f"{path}: HTTP {status}")
                    break
                timings.append((elapsed, server))
            views += 1
            if len(timings) != len(page.paths):
                continue
            with lock:
                client_ms.append(sum(t[0] for t in timings))
                if all(t[1] is not None for t in timings):
                    server_ms.append(sum(t[1] for t in timings))
                for index, (elapsed, server) in enumerate(timings):
                    part_client[index].append(elapsed)
                    if server is not None:
                        part_server[index].append(server)

    threads = [threading.Thread(target=run, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    timing = "server" if server_ms and len(server_ms) == len(client_ms) else "client"
    chosen = server_ms if timing == "server" else client_ms
    return {
        "label": page.label,
        "user": page.user,
        "paths": page.paths,
        "views": len(client_ms),
        "errors": len(errors),
        "error_samples": errors[:5],
        "seconds": round(wall, 1),
        "rps": round(len(client_ms) / wall, 3) if wall else None,
        "timing": timing,
        "p50_ms": percentile(chosen, 0.50),
        "p95_ms": percentile(chosen, 0.95),
        "client_p95_ms": percentile(client_ms, 0.95),
        "parts": [
            {
                "name": name,
                "server_p95_ms": percentile(part_server[index], 0.95),
                "client_p95_ms": percentile(part_client[index], 0.95),
            }
            for index, name in enumerate(page.parts or [page.label])
        ],
    }


# --- Reporting --------------------------------------------------------------------------


def ratio(ours: float | None, theirs: float | None) -> float | None:
    if not ours or not theirs:
        return None
    return ours / theirs


def ratio_text(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f}×" if value >= 10 else f"{value:.3g}×"


def short(path: str) -> str:
    return re.sub(r"(/datatables_ticket_list/)[^?]*", r"\1<query>", path)


def table(rows: dict) -> str:
    def ms(value):
        return "-" if value is None else f"{value:,.1f}"

    def rps(value):
        return "-" if value is None else f"{value:,.2f}"

    header = (
        f"{'page':<11}{'ours req/s':>12}{'ours p95 ms':>13}{'theirs req/s':>14}"
        f"{'theirs p95 ms':>15}{'req/s ours/theirs':>19}{'p95 ours/theirs':>17}"
    )
    lines = [
        "req/s ours/theirs: above 1 means firstask serves more page views per second (better);",
        "p95 ours/theirs: below 1 means firstask answers faster (better).",
        "",
        header,
        "-" * len(header),
    ]
    for key, row in rows.items():
        ours, theirs = row["ours"], row["theirs"]
        lines.append(
            f"{key:<11}{rps(ours['rps']):>12}{ms(ours['p95_ms']):>13}{rps(theirs['rps']):>14}"
            f"{ms(theirs['p95_ms']):>15}{ratio_text(row['rps_ratio']):>19}"
            f"{ratio_text(row['p95_ratio']):>17}"
        )
    lines.append("")
    for key, row in rows.items():
        for side in ("ours", "theirs"):
            result = row[side]
            parts = ""
            if len(result["parts"]) > 1:
                parts = " = " + " + ".join(
                    f"{p['name']} (p95 {ms(p['server_p95_ms'])} ms)" for p in result["parts"]
                )
            lines.append(
                f"{key} {side}: {result['label']} ({' + '.join(map(short, result['paths']))})"
                f" as {result['user']}, {result['views']} views"
                f" in {result['seconds']} s, {result['errors']} errors, p95 from the "
                f"{'server (' + SERVER_HEADER + ')' if result['timing'] == 'server' else 'client'}"
                f"{parts}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, help="default: the cases in our bench database")
    parser.add_argument("--reload", action="store_true", help="reload even if already loaded")
    parser.add_argument("--seconds", type=float, default=10.0, help="per page (default 10)")
    parser.add_argument("--min-views", type=int, default=3, help="per client and page (3)")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="per page (900)")
    parser.add_argument("--timeout", type=int, default=600, help="per request, seconds (600)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=str(RESULTS / "helpdesk-latest.json"))
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", DEFAULT_DATABASE_URL
    )
    helpdesk_url = os.environ.get("HELPDESK_DATABASE_URL", DEFAULT_HELPDESK_URL)
    if not database_name(helpdesk_url).startswith(PREFIX):
        sys.exit(f"HELPDESK_DATABASE_URL must name a database starting with {PREFIX}.")
    base_env = dict(os.environ)

    with psycopg.connect(database_url) as connection:
        cases = connection.execute("SELECT count(*) FROM inquiries_inquiry").fetchone()[0]
    tickets = args.tickets or cases

    python = ensure_venv()
    hd_env = helpdesk_environment(base_env, helpdesk_url)
    hd_versions = versions(python)
    print(
        f"django-helpdesk {hd_versions['django-helpdesk']} on Django {hd_versions['django']},"
        f" Python {hd_versions['python']} ({VENV.relative_to(ROOT)})"
    )
    present, comment = loaded_tickets(helpdesk_url)
    load_seconds = None
    # Without --tickets, `make bench`'s intake POSTs (a few hundred cases a run) do not force a
    # reload: within 1% of our cases is the same number.
    close = present is not None and (
        present == tickets or (not args.tickets and abs(present - tickets) <= tickets / 100)
    )
    if close and not args.reload:
        tickets = present
        print(
            f"{database_name(helpdesk_url)} already has {tickets:,} tickets ({comment});"
            " --reload loads them again."
        )
    else:
        load_seconds = round(load(python, hd_env, helpdesk_url, tickets), 1)
        _present, comment = loaded_tickets(helpdesk_url)

    env = environment(database_url)
    collectstatic(env)
    scenarios, facts = pick_users_and_paths(env, database_url)
    ours = {s.name: s for s in scenarios}
    print(f"Ours: {without_password(database_url)} ({facts['cases']:,} cases)")
    print(f"Theirs: {without_password(helpdesk_url)} ({tickets:,} tickets)")

    RESULTS.mkdir(parents=True, exist_ok=True)
    log = Path(args.output).with_suffix(".server.log")
    log.write_text("")
    our_port, their_port = free_port(), free_port()
    while their_port == our_port:
        their_port = free_port()
    our_server = gunicorn_start(env, our_port, args.workers)
    their_server = None
    rows: dict = {}
    try:
        their_server = helpdesk_gunicorn(hd_env, their_port, args.workers, args.timeout, log)
        json_path, first_page = datatables_path(their_port)
        print(
            f"Their list: /tickets/ + {json_path.split('?')[0]} (DataTables JSON,"
            f" {first_page['rows']} rows of {first_page['recordsFiltered']:,} open tickets)"
        )
        queue, dashboard = ours["department_queue"], ours["dashboard"]
        pages = {
            "list": (
                Page("ours", "list", queue.label, queue.user, our_port, queue.paths[:1]),
                Page(
                    "theirs",
                    "list",
                    "ticket list",
                    ADMIN,
                    their_port,
                    ["/tickets/", json_path],
                    ["/tickets/ page", "DataTables JSON"],
                ),
            ),
            "dashboard": (
                Page(
                    "ours",
                    "dashboard",
                    dashboard.label,
                    dashboard.user,
                    our_port,
                    dashboard.paths[:1],
                ),
                Page("theirs", "dashboard", "dashboard", ADMIN, their_port, ["/dashboard/"]),
            ),
        }
        rss_before = {
            "ours": rss_mb(worker_pids(our_server.pid)),
            "theirs": rss_mb(worker_pids(their_server.pid)),
        }
        for key, (our_page, their_page) in pages.items():
            row = {}
            for page in (our_page, their_page):
                print(f"  {key}, {page.side}: {page.label} …", end="", flush=True)
                row[page.side] = measure(
                    page,
                    args.clients,
                    args.seconds,
                    args.min_views,
                    args.max_seconds,
                    args.timeout,
                )
                result = row[page.side]
                print(
                    f" {result['views']} views, {result['rps']} req/s, p95 {result['p95_ms']} ms"
                    f" ({result['timing']}), {result['errors']} errors",
                    flush=True,
                )
            row["rps_ratio"] = ratio(row["ours"]["rps"], row["theirs"]["rps"])
            row["p95_ratio"] = ratio(row["ours"]["p95_ms"], row["theirs"]["p95_ms"])
            rows[key] = row
        rss_after = {
            "ours": rss_mb(worker_pids(our_server.pid)),
            "theirs": rss_mb(worker_pids(their_server.pid)),
        }
    finally:
        for server in (our_server, their_server):
            if server is not None:
                server.terminate()
                server.wait(timeout=60)

    print()
    print(
        f"firstask ({facts['cases']:,} cases) vs django-helpdesk "
        f"{hd_versions['django-helpdesk']} ({tickets:,} tickets), {args.clients} clients, "
        f"{args.workers} sync workers each"
    )
    print(table(rows))
    print(
        f"\nworker RSS after, MB: ours {sorted(rss_after['ours'].values())},"
        f" theirs {sorted(rss_after['theirs'].values())}"
    )
    report = {
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count()},
        "settings": {
            "seconds": args.seconds,
            "min_views_per_client": args.min_views,
            "max_seconds": args.max_seconds,
            "timeout": args.timeout,
            "clients": args.clients,
            "workers": args.workers,
            "ours": without_password(database_url),
            "theirs": without_password(helpdesk_url),
        },
        "helpdesk": hd_versions,
        "data": {
            "cases": facts["cases"],
            "tickets": tickets,
            "load_seconds": load_seconds,
            "load": comment,
            "their_list_first_page": first_page,
            "users": facts["users"],
        },
        "pages": rows,
        "worker_rss_mb": {"before": rss_before, "after": rss_after},
        "ratios": "ours / theirs: req/s above 1 and p95 below 1 favour firstask",
    }
    output = Path(args.output)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(f"\nResults written to {output}; helpdesk's gunicorn log in {log}")


if __name__ == "__main__":
    main()
