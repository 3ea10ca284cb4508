"""The restore drill of docs/operations.md ("Backup and restore"), run for real: a database
with cases, their history and penalty records is dumped with `pg_dump -Fc`, restored with
`pg_restore --clean --if-exists --no-owner` into a new database, and the application opened on
the copy finds everything the original had.

Both databases are made for the test (never the test database) and dropped at the end. CI runs
on PostgreSQL, where this must run; on SQLite there is nothing to dump this way.
"""

import json
import os
import secrets
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore are PostgreSQL's"
)

ROOT = Path(__file__).resolve().parent.parent
# One subprocess step may take this long on a busy 2-core machine before the test gives up.
STEP_TIMEOUT_SECONDS = 180

# A small organisation written through the services (so cases have history and timelines),
# a referral accepted, sanctions in force and their standings; quicker than `seed_demo`.
SEED = r"""
import datetime
from django.utils import timezone
from inquiries.models import Referral
from inquiries.services.referrals import referral_accept, referral_create
from penalties.services.standing import standings_recompute_all
from tests.penalties.helpers import make_sanction
from tests.test_case_page import register_case
from tests.test_referrals import build_referral_organisation

org = build_referral_organisation()
cases = [register_case(org, subject=f"备份演练 {n}") for n in range(5)]
referral = referral_create(
    inquiry=cases[0], by=org.clerk, target=Referral.Target.DEPARTMENT, to_department=org.food,
    reason="涉及食品经营许可", told="已转食品经营监管处",
)
referral_accept(referral=referral, by=org.food_handler)
today = timezone.localdate()
make_sanction(org.clerk, "xiaoneng", today - datetime.timedelta(days=30))
make_sanction(org.colleague, "xiaoneng", today - datetime.timedelta(days=20))
standings_recompute_all(year=today.year)
"""

# Counted in the source and in the restored copy, after `migrate --check`: every table the
# application has (historical ones included), a case's history and timeline, the standings of
# penalties and the sequences (so new rows after a restore get new ids).
SNAPSHOT = r"""
import json
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from inquiries.models import Inquiry
from penalties.models import Standing

call_command("migrate", check_unapplied=True, verbosity=0)  # exits 1 if one is unapplied
case = Inquiry.objects.order_by("pk").first()
with connection.cursor() as cursor:
    cursor.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
    sequences = dict(cursor.fetchall())
print(json.dumps({
    "rows": {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    },
    "case": case.number,
    "case_history": list(case.history.order_by("history_id").values_list("history_id", "status")),
    "case_timeline": list(case.events.order_by("pk").values_list("pk", "kind")),
    "standings": sorted(
        Standing.objects.values_list(
            "person__username", "year", "sanctions_in_force", "rating_floor", "no_promotion"
        )
    ),
    "sequences": sequences,
}, default=str))
"""


def server_settings() -> dict:
    """Where the test database's server is, from the settings in force."""
    settings = connection.settings_dict
    return {
        "host": settings["HOST"] or "127.0.0.1",
        "port": str(settings["PORT"] or 5432),
        "user": settings["USER"] or "postgres",
        "password": settings["PASSWORD"] or "",
    }


def run(command: list[str], env: dict) -> str:
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


class Cluster:
    """The PostgreSQL tools and `manage.py`, pointed at one database of the server."""

    def __init__(self, server: dict):
        self.server = server
        self.pg_env = os.environ | {
            "PGHOST": server["host"],
            "PGPORT": server["port"],
            "PGUSER": server["user"],
            "PGPASSWORD": server["password"],
        }

    def url(self, name: str) -> str:
        s = self.server
        password = urllib.parse.quote(s["password"], safe="")
        credentials = urllib.parse.quote(s["user"], safe="") + (f":{password}" if password else "")
        return f"postgres://{credentials}@{s['host']}:{s['port']}/{name}"

    def pg(self, *command: str) -> str:
        return run(list(command), self.pg_env)

    def manage(self, name: str, *args: str) -> str:
        env = os.environ | {
            "DATABASE_URL": self.url(name),
            "DJANGO_SETTINGS_MODULE": "firstask.settings",
            "ENV_FILE": "/dev/null",
            "DEBUG": "true",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("PYTEST_CURRENT_TEST", None)
        return run([sys.executable, "manage.py", *args], env)

    def snapshot(self, name: str) -> dict:
        # The last line: whatever an app prints as it starts comes before.
        output = self.manage(name, "shell", "--no-imports", "-c", SNAPSHOT)
        return json.loads(output.strip().splitlines()[-1])


@pytest.fixture
def cluster():
    return Cluster(server_settings())


@pytest.fixture
def databases(cluster):
    """Names for the original and its restored copy; both dropped whatever happens."""
    stem = f"firstask_restore_{secrets.token_hex(4)}"
    names = (f"{stem}_source", f"{stem}_copy")
    yield names
    for name in names:
        cluster.pg("dropdb", "--if-exists", "--force", name)


def test_a_dump_restored_into_a_new_database_holds_every_row_history_and_standing(
    cluster, databases, tmp_path
):
    source, copy = databases
    cluster.pg("createdb", source)
    cluster.manage(source, "migrate", "--noinput", "-v", "0")
    cluster.manage(source, "shell", "--no-imports", "-c", SEED)
    before = cluster.snapshot(source)
    dump = tmp_path / "firstask.dump"

    cluster.pg("pg_dump", "-Fc", "--file", str(dump), source)
    cluster.pg("createdb", copy)
    cluster.pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname", copy, str(dump))

    after = cluster.snapshot(copy)  # `migrate --check` first: the schema is the code's
    assert before["rows"]["inquiries.Inquiry"] > 0
    assert before["rows"]["penalties.Violation"] > 0
    assert before["standings"]
    assert len(before["case_history"]) > 1
    assert after == before
