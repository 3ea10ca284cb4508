"""A GET changes nothing: every URL of the access matrix, opened with GET by every actor,
leaves every table as it was (row counts, and the latest value of every auto_now field).

State changes are POSTs, which Django's CSRF middleware checks; a GET that wrote would be a
CSRF hole (a link or an <img> in an e-mail could make a signed-in user act).
"""

import pytest
from django.apps import apps
from django.db import models, transaction

from tests import test_access_matrix as matrix
from tests.access_world import ACTORS, build_world
from tests.factories import DepartmentFactory, UnitFactory

# Tables a GET may write: logs of what was read, not changes of state. Every export download
# leaves an ExportRecord and every unmasked view an AccessRecord (who saw which personal data,
# for PIPL); the sessions of the signed-in clients are kept by the session middleware. The
# statistics summary is derived data, built from the cases the first time a month is read.
READ_LOGS = frozenset(
    {
        "inquiries.exportrecord",
        "inquiries.accessrecord",
        "sessions.session",
        "inquiries.statisticsmonth",
        "inquiries.statisticsrow",
        "inquiries.statisticshandlingtime",
    }
)


def snapshot() -> dict[str, tuple]:
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in READ_LOGS or model._meta.proxy or not model._meta.managed:
            continue
        stamps = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateTimeField | models.DateField) and f.auto_now
        ]
        aggregates = {f"latest_{name}": models.Max(name) for name in stamps}
        values = model._base_manager.aggregate(rows=models.Count("pk"), **aggregates)
        state[label] = tuple(sorted(values.items()))
    return state


@pytest.fixture
def world(db):
    return build_world()


def test_no_get_in_the_matrix_changes_any_table(world):
    clients = {actor: matrix.client_for(world, actor) for actor in ACTORS}
    urls = [entry.url(world) for entry in matrix.ENTRIES.values()]
    before = snapshot()

    with transaction.atomic():  # so a failure cannot leave half of a write behind
        for url in urls:
            for client in clients.values():
                client.get(url)
        after = snapshot()

    changed = {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }
    assert not changed, changed


def test_the_snapshot_notices_a_new_row(db):
    before = snapshot()

    DepartmentFactory(parent=UnitFactory())

    assert snapshot() != before
