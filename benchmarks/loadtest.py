"""The bounded load test: gunicorn on 127.0.0.1 restarted under concurrent writes.

    .venv/bin/python benchmarks/loadtest.py [--seconds 120] [--workers 3] [--no-setup]

Recreates the PostgreSQL database LOADTEST_DATABASE_URL (default firstask_loadtest; only a name
starting with `firstask_loadtest` is touched), migrates it and generates a small organisation
with 2,000 cases (`--cases`). Then, for a bounded time, eight clients work at once through the
real forms (CSRF and all): front-desk staff register cases (each subject carries a marker of
its own) and refer some of them to a department's queue; two handlers of that department
accept each referral at the same moment, on purpose; two readers open lists and case pages.
At 40% of the run gunicorn is reloaded (SIGHUP); at 60% its master is stopped (SIGTERM) and a
new one started on the same port. Clients retry a refused connection with backoff; a request
sent whose answer was lost is never sent again (it might have been done).

It fails (exit 1) on any 5xx, an acknowledged case missing or written twice, a case written
with no acknowledgement other than one whose answer was lost, an acknowledged referral
missing, or a referral accepted twice. Results: benchmarks/results/loadtest-latest.json.
"""

import argparse
import json
import os
import platform
import queue
import random
import re
import signal
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from harness import (
    RESULTS,
    NotSent,
    Session,
    collectstatic,
    django_setup,
    environment,
    gunicorn_start,
    manage,
    percentile,
    without_password,
)
from psycopg import sql

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/firstask_loadtest"
DATABASE_PREFIX = "firstask_loadtest"
RELOAD_AT = 0.4  # SIGHUP: gunicorn replaces its workers gracefully
RESTART_AT = 0.6  # SIGTERM to the master, then a new gunicorn on the same port
DESK_CLIENTS = 4
READER_CLIENTS = 2  # plus the two handlers who race to accept: eight clients in all
REFER_SHARE = 0.5  # of the cases a desk client registers, the share it refers on
READ_SHARE = 0.2  # of a desk client's turns, the share spent reading its list
BACKOFF_SECONDS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0)
CASE_PATH = re.compile(r"^(?:https?://[^/]+)?/cases/([^/]+)/$")


def recreate_database(database_url: str) -> None:
    url = urllib.parse.urlsplit(database_url)
    name = url.path.lstrip("/")
    if not name.startswith(DATABASE_PREFIX):
        sys.exit(f"Refusing to recreate {name!r}: load-test databases are {DATABASE_PREFIX}*.")
    maintenance = urllib.parse.urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass
class Cast:
    desk: list[str]
    handlers: tuple[str, str]  # two handlers of the department referred to
    department: str  # its code, as typed in the refer form
    readers: list[tuple[str, list[str]]]  # user and the pages they read
    cases_before: int


def pick_cast() -> Cast:
    """Users from the generated organisation (in this process, by the ORM)."""
    from django.urls import reverse

    from inquiries.models import Department, Inquiry, StaffProfile, User

    present = {"profile__availability": StaffProfile.Availability.PRESENT, "is_active": True}
    department, handlers = None, []
    for candidate in Department.objects.filter(
        code__startswith="L", is_office=False, level=Department.Level.DEPARTMENT
    ).order_by("code"):
        handlers = list(
            User.objects.filter(
                profile__department=candidate, username__startswith="hand", **present
            )
            .order_by("username")
            .values_list("username", flat=True)[:2]
        )
        if len(handlers) == 2:
            department = candidate
            break
    if department is None:
        sys.exit("No department with two handlers present in the generated data.")
    desk = list(
        User.objects.filter(username__startswith="desk", **present)
        .exclude(profile__department=department)
        .order_by("username")
        .values_list("username", flat=True)[:DESK_CLIENTS]
    )
    leader = department.supervising_leader.username
    if len(handlers) < 2 or len(desk) < DESK_CLIENTS:
        sys.exit(f"Too few staff: handlers {handlers}, desk {desk}.")
    readers = [
        (
            handlers[0],
            [
                reverse("inquiries:referral_inbox"),
                reverse("inquiries:referral_inbox") + "?tab=department",
                reverse("inquiries:my_cases"),
                reverse("inquiries:notifications"),
            ],
        ),
        (leader, [reverse("inquiries:supervision"), reverse("inquiries:statistics")]),
    ]
    return Cast(
        desk=desk,
        handlers=(handlers[0], handlers[1]),
        department=department.code,
        readers=readers,
        cases_before=Inquiry.objects.count(),
    )


# --- What the clients saw ------------------------------------------------------------------------


@dataclass
class Tally:
    """Everything the clients saw, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: Counter = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    acknowledged: dict[str, str] = field(default_factory=dict)  # marker -> case number
    lost_intakes: set[str] = field(default_factory=set)  # sent, answer lost
    referred: dict[str, str] = field(default_factory=dict)  # number -> how it ended
    races: list[dict] = field(default_factory=list)

    def record(self, action: str, status: int, elapsed: float, server, path: str) -> None:
        with self.lock:
            self.statuses[action][status] += 1
            self.ms[action].append(elapsed)
            if server is not None:
                self.server_ms[action].append(server)
            if status >= 500:
                self.errors["http_5xx"] += 1
                if len(self.samples) < 40:
                    self.samples.append(f"{action} {path}: HTTP {status}")

    def error(self, kind: str, detail: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.samples) < 40:
                self.samples.append(f"{kind}: {detail}")


class Client:
    """One logged-in user whose requests retry a refused connection with backoff."""

    def __init__(self, port: int, username: str, tally: Tally, stop_at: float):
        self.session = Session(port, timeout=60)
        self.username = username
        self.tally = tally
        self.stop_at = stop_at
        self.login()

    def login(self) -> None:
        for delay in (*BACKOFF_SECONDS, 2.0, 2.0, 2.0):
            try:
                self.session.login(self.username)
                return
            except OSError:
                time.sleep(delay)
        self.session.login(self.username)

    def call(self, action: str, method: str, path: str, form: dict | None = None):
        """(status, html), or None when the answer was lost (or the run ended first)."""
        body = None
        if form is not None:
            body = form | {"csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        attempt = 0
        while True:
            try:
                status, content, elapsed, server = self.session.request(method, path, body)
            except NotSent as error:
                # Nothing reached the server: sending it again cannot do anything twice.
                self.tally.error("connection_refused", f"{action} {path}: {error}")
                if time.monotonic() >= self.stop_at + 30:
                    return None
                time.sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)])
                attempt += 1
                continue
            except OSError as error:
                # Sent, but no answer: the server may have done it. Never sent again.
                self.tally.error("answer_lost", f"{action} {path}: {type(error).__name__}")
                return None
            self.tally.record(action, status, elapsed, server, path)
            return status, content.decode("utf-8", "replace")


def hidden(html: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else None


def desk_client(client: Client, run_id: str, index: int, cast: Cast, work: queue.Queue) -> None:
    """Register cases (a unique marker in each subject); refer about half to the department."""
    draw = random.Random(index)
    intake = "/cases/new/"
    sequence = 0
    while time.monotonic() < client.stop_at:
        if draw.random() < READ_SHARE:
            client.call("read_my_cases", "GET", "/cases/")
            continue
        sequence += 1
        marker = f"LT{run_id}-{index}-{sequence:05d}"
        form = {
            "kind": "consultation",
            "requester_name": "王晓明",
            "requester_phone": "13812345678",
            "subject": f"{marker} 咨询营业执照办理流程",
            "content": "来访人咨询营业执照办理流程和所需材料（负载测试）。",
            "disclosure_given": "on",
        }
        outcome = client.call("intake_post", "POST", intake, form)
        if outcome is None:
            with client.tally.lock:
                client.tally.lost_intakes.add(marker)
            continue
        status, _html = outcome
        match = CASE_PATH.match(client.session.location or "") if status == 302 else None
        if match is None:
            client.tally.error("intake_refused", f"{marker}: HTTP {status}")
            continue
        number = urllib.parse.unquote(match.group(1))
        with client.tally.lock:
            client.tally.acknowledged[marker] = number
        if draw.random() >= REFER_SHARE:
            continue
        case_path = f"/cases/{urllib.parse.quote(number)}/"
        page = client.call("case_detail", "GET", case_path)
        if page is None or page[0] != 200 or hidden(page[1], "version") is None:
            continue
        refer = {
            "version": hidden(page[1], "version"),
            "target": "department",
            "department": cast.department,
            "reason": "",
            "told": "已告知来访人转业务处室办理，一个工作日内签收",
        }
        outcome = client.call("refer_post", "POST", case_path + "refer/", refer)
        if outcome is None:
            with client.tally.lock:
                client.tally.referred[number] = "lost"
            continue
        if outcome[0] == 302:
            with client.tally.lock:
                client.tally.referred[number] = "acknowledged"
            work.put(number)
        else:
            client.tally.error("refer_refused", f"{number}: HTTP {outcome[0]}")


def accept_race(first: Client, second: Client, work: queue.Queue) -> None:
    """Both handlers accept the same referral at the same moment: one wins, the other is told
    it was already decided (a redirect with a message either way, never an error)."""
    while time.monotonic() < first.stop_at:
        try:
            number = work.get(timeout=0.5)
        except queue.Empty:
            continue
        page = first.call("case_detail", "GET", f"/cases/{urllib.parse.quote(number)}/")
        if page is None:
            continue  # the answer was lost to a restart: this referral is not raced
        referral = hidden(page[1], "referral") if page[0] == 200 else None
        if referral is None:
            first.tally.error("no_referral_on_page", f"{number}: HTTP {page[0]}")
            continue
        statuses = race(first, second, f"/referrals/{referral}/accept/")
        with first.tally.lock:
            first.tally.races.append(
                {"case": number, "referral": int(referral), "statuses": statuses}
            )


def race(first: Client, second: Client, path: str) -> list[int | None]:
    """POST the accept from both clients, released together."""
    barrier = threading.Barrier(2)
    statuses: list[int | None] = [None, None]

    def accept(position: int, client: Client) -> None:
        barrier.wait(timeout=30)
        outcome = client.call("accept_post", "POST", path, {"next": "/referrals/"})
        statuses[position] = outcome[0] if outcome else None

    threads = [
        threading.Thread(target=accept, args=(position, client))
        for position, client in enumerate((first, second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def reader(client: Client, pages: list[str], index: int, own_department: bool) -> None:
    draw = random.Random(100 + index)
    while time.monotonic() < client.stop_at:
        with client.tally.lock:
            # Cases referred to the reader's department: theirs to see (any other is a 404).
            numbers = [n for n, how in client.tally.referred.items() if how == "acknowledged"]
            numbers = numbers[-50:] if own_department else []
        if numbers and draw.random() < 0.4:
            client.call("case_detail", "GET", f"/cases/{urllib.parse.quote(draw.choice(numbers))}/")
        else:
            path = draw.choice(pages)
            client.call("read_" + path.strip("/").split("/")[0].split("?")[0], "GET", path)


# --- The server and its restarts -----------------------------------------------------------------


class Server:
    def __init__(self, env: dict, port: int, workers: int, log: Path):
        self.env, self.port, self.workers, self.log = env, port, workers, log
        log.write_text("")
        self.process = gunicorn_start(env, port, workers, log=log)
        self.events: list[dict] = []

    def reload(self, at: float) -> None:
        """SIGHUP: new workers start, old ones finish their request and go; the socket stays."""
        self.process.send_signal(signal.SIGHUP)
        self.events.append({"kind": "reload (SIGHUP)", "at_s": round(at, 1)})

    def restart(self, at: float) -> None:
        """SIGTERM to the master (workers finish their requests), then a new gunicorn."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        stopped = time.monotonic()
        self.process = gunicorn_start(self.env, self.port, self.workers, log=self.log)
        self.events.append(
            {
                "kind": "restart (SIGTERM, new master)",
                "at_s": round(at, 1),
                "stopping_s": round(stopped - started, 2),
                "down_s": round(time.monotonic() - started, 2),
            }
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


def faults(server: Server, started: float, seconds: float, stop: threading.Event) -> None:
    for share, act in ((RELOAD_AT, server.reload), (RESTART_AT, server.restart)):
        if stop.wait(max(0.0, started + share * seconds - time.monotonic())):
            return
        act(time.monotonic() - started)


# --- Checking against the database ---------------------------------------------------------------


def check(tally: Tally, run_id: str, cast: Cast) -> dict:
    from django.db import close_old_connections
    from django.db.models import Count

    from inquiries.models import Inquiry, Referral, TimelineEvent

    close_old_connections()
    written = defaultdict(list)
    for number, subject in Inquiry.objects.filter(subject__startswith=f"LT{run_id}-").values_list(
        "number", "subject"
    ):
        written[subject.split(" ", 1)[0]].append(number)
    acknowledged = tally.acknowledged
    missing = sorted(m for m in acknowledged if m not in written)
    duplicated = {m: numbers for m, numbers in written.items() if len(numbers) > 1}
    wrong_number = sorted(
        m for m, number in acknowledged.items() if m in written and number not in written[m]
    )
    unacknowledged = sorted(m for m in written if m not in acknowledged)
    lost_but_written = [m for m in unacknowledged if m in tally.lost_intakes]
    written_silently = [m for m in unacknowledged if m not in tally.lost_intakes]

    numbers = set(acknowledged.values())
    referrals = Referral.objects.filter(inquiry__number__in=numbers)
    referred_cases = set(referrals.values_list("inquiry__number", flat=True))
    referral_missing = sorted(
        n for n, how in tally.referred.items() if how == "acknowledged" and n not in referred_cases
    )
    referral_twice = sorted(
        n for n, c in Counter(referrals.values_list("inquiry__number", flat=True)).items() if c > 1
    )
    accepted_events = dict(
        TimelineEvent.objects.filter(inquiry__number__in=numbers, kind=TimelineEvent.Kind.ACCEPTED)
        .values_list("inquiry__number")
        .annotate(n=Count("pk"))
        .values_list("inquiry__number", "n")
    )
    accepted_twice = sorted(n for n, c in accepted_events.items() if c > 1)
    raced = {race["referral"] for race in tally.races}
    states = Counter(Referral.objects.filter(pk__in=raced).values_list("state", flat=True))
    # Both accepts answered (a redirect each): one of them took it.
    answered = {race["referral"] for race in tally.races if race["statuses"] == [302, 302]}
    race_not_accepted = sorted(
        answered
        - set(
            Referral.objects.filter(pk__in=answered, state=Referral.State.ACCEPTED).values_list(
                "pk", flat=True
            )
        )
    )
    winners = Counter(
        Referral.objects.filter(pk__in=raced, state=Referral.State.ACCEPTED).values_list(
            "decided_by__username", flat=True
        )
    )
    return {
        "cases_acknowledged": len(acknowledged),
        "cases_written": sum(len(v) for v in written.values()),
        "intakes_answer_lost": len(tally.lost_intakes),
        "written_not_acknowledged": lost_but_written,
        "acknowledged_missing": missing,
        "acknowledged_wrong_number": wrong_number,
        "duplicated": duplicated,
        "written_without_acknowledgement_or_lost_answer": written_silently,
        "referrals_acknowledged": Counter(tally.referred.values())["acknowledged"],
        "referrals_answer_lost": Counter(tally.referred.values())["lost"],
        "referrals_written": len(referred_cases),
        "referral_acknowledged_missing": referral_missing,
        "case_referred_twice": referral_twice,
        "races": len(tally.races),
        "raced_referral_states": dict(states),
        "race_winners": dict(winners),
        "accepted_twice": accepted_twice,
        "race_answered_but_not_accepted": race_not_accepted,
        "cases_total_before": cast.cases_before,
        "cases_total_after": Inquiry.objects.count(),
    }


def failures(tally: Tally, checks: dict) -> list[str]:
    found = []
    if tally.errors["http_5xx"]:
        found.append(f"{tally.errors['http_5xx']} responses were 5xx")
    for key, label in (
        ("acknowledged_missing", "acknowledged but missing"),
        ("acknowledged_wrong_number", "acknowledged with another case number"),
        ("duplicated", "written more than once"),
        ("written_without_acknowledgement_or_lost_answer", "written, not acknowledged, not lost"),
        ("referral_acknowledged_missing", "referral acknowledged but missing"),
        ("case_referred_twice", "referred twice"),
        ("accepted_twice", "referral accepted twice"),
        ("race_answered_but_not_accepted", "both accepts answered, referral not accepted"),
    ):
        if checks[key]:
            found.append(f"{label}: {checks[key]}")
    if checks["cases_acknowledged"] == 0:
        found.append("no case was acknowledged: the test measured nothing")
    if checks["races"] == 0:
        found.append("no accept race was run")
    return found


def summary(tally: Tally) -> dict:
    actions = {}
    for action in sorted(tally.statuses):
        values = tally.ms[action]
        actions[action] = {
            "requests": sum(tally.statuses[action].values()),
            "statuses": {str(k): v for k, v in sorted(tally.statuses[action].items())},
            "p50_ms": percentile(values, 0.50),
            "p95_ms": percentile(values, 0.95),
            "max_ms": round(max(values), 1) if values else None,
            # Django's own time (X-Bench-Server-Ms), without the wait for a free worker.
            "server_p50_ms": percentile(tally.server_ms[action], 0.50),
            "server_p95_ms": percentile(tally.server_ms[action], 0.95),
        }
    return actions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("LOADTEST_SECONDS", 120))
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--cases", type=int, default=2000, help="generated before the run")
    parser.add_argument("--no-setup", action="store_true", help="reuse the database as it is")
    parser.add_argument("--output", default=str(RESULTS / "loadtest-latest.json"))
    args = parser.parse_args()
    database_url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    env = environment(database_url) | {"EMAIL_URL": "dummymail://"}  # no SMTP server here
    if not args.no_setup:
        print(f"Recreating {without_password(database_url)}, {args.cases:,} cases …", flush=True)
        recreate_database(database_url)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(
            env, "generate_load", "--cases", str(args.cases), "--staff", "80",
            "--departments", "6", "--seed", "1", "--years", "1", "--force",
        )  # fmt: skip
    collectstatic(env)
    django_setup(env)
    cast = pick_cast()
    run_id = f"{int(time.time()) % 100000:05d}"
    print(
        f"Clients: desk {', '.join(cast.desk)}; racing handlers {', '.join(cast.handlers)} "
        f"({cast.department}); readers {', '.join(user for user, _ in cast.readers)}",
        flush=True,
    )

    log = Path(args.output).with_suffix(".server.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    server = Server(env, args.port, args.workers, log)
    tally = Tally()
    work: queue.Queue = queue.Queue()
    stop = threading.Event()
    try:
        started = time.monotonic()
        stop_at = started + args.seconds
        desk = [Client(args.port, user, tally, stop_at) for user in cast.desk]
        racers = [Client(args.port, user, tally, stop_at) for user in cast.handlers]
        readers = [Client(args.port, user, tally, stop_at) for user, _pages in cast.readers]
        threads = [
            threading.Thread(target=desk_client, args=(client, run_id, i + 1, cast, work))
            for i, client in enumerate(desk)
        ]
        threads.append(threading.Thread(target=accept_race, args=(*racers, work)))
        threads += [
            threading.Thread(target=reader, args=(client, pages, i, i == 0))
            for i, (client, (_user, pages)) in enumerate(zip(readers, cast.readers, strict=True))
        ]
        fault_thread = threading.Thread(target=faults, args=(server, started, args.seconds, stop))
        print(f"Running {args.seconds:g} s with {len(desk) + len(racers) + len(readers)} clients …")
        for thread in [*threads, fault_thread]:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        fault_thread.join()
        wall = time.monotonic() - started
    finally:
        stop.set()
        server.stop()

    checks = check(tally, run_id, cast)
    found = failures(tally, checks)
    actions = summary(tally)
    requests = sum(row["requests"] for row in actions.values())
    print()
    header = (
        f"{'action':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'server p50':>12}{'server p95':>12}  statuses"
    )
    print(header)
    print("-" * len(header))
    for action, row in actions.items():
        print(
            f"{action:<22}{row['requests']:>9}{row['p50_ms'] or 0:>9.1f}{row['p95_ms'] or 0:>9.1f}"
            f"{row['max_ms'] or 0:>9.1f}{row['server_p50_ms'] or 0:>12.1f}"
            f"{row['server_p95_ms'] or 0:>12.1f}  {row['statuses']}"
        )
    print(f"\n{requests} answered requests in {wall:.1f} s ({requests / wall:.1f}/s)")
    print("errors:", dict(tally.errors) or "none")
    for event in server.events:
        print("server:", event)
    print(
        f"cases: {checks['cases_acknowledged']} acknowledged, {checks['cases_written']} written, "
        f"{checks['intakes_answer_lost']} answers lost, written but not acknowledged: "
        f"{checks['written_not_acknowledged'] or 'none'}"
    )
    print(
        f"referrals: {checks['referrals_acknowledged']} acknowledged, "
        f"{checks['referrals_written']} written, {checks['races']} accept races, states "
        f"{checks['raced_referral_states']}, winners {checks['race_winners']}"
    )
    print(f"server log (tracebacks of any 5xx): {log}")
    print("RESULT:", "FAIL\n  " + "\n  ".join(found) if found else "PASS")
    report = {
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "seconds": args.seconds,
            "workers": args.workers,
            "clients": len(cast.desk) + 2 + len(cast.readers),
            "database": without_password(database_url),
            "reload_at": RELOAD_AT,
            "restart_at": RESTART_AT,
        },
        "wall_s": round(wall, 1),
        "requests": requests,
        "actions": actions,
        "errors": dict(tally.errors),
        "error_samples": tally.samples[:40],
        "server_events": server.events,
        "checks": checks,
        "races": tally.races,
        "failures": found,
        "result": "FAIL" if found else "PASS",
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(f"Results written to {output}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
