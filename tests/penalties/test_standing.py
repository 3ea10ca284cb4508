"""Standings stored from the engine, recomputed against the database."""

import datetime

import pytest
from django.core.management import call_command

from penalties.models import Standing
from penalties.services.standing import (
    standing_recompute,
    standings_recompute_all,
    standings_recompute_for_sanction,
)
from tests.penalties.helpers import make_commendation, make_sanction

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_clean_record_gives_a_clean_standing(make_staff):
    person = make_staff()
    standing = standing_recompute(person=person, year=2026)
    assert standing.sanctions_in_force == 0
    assert standing.rating_floor == ""
    assert not standing.no_excellence
    assert standing.department_id == person.profile.department_id


def test_two_efficiency_warnings_store_incompetent_with_both_records_and_labels(make_staff):
    person = make_staff()
    first = make_sanction(person, "xiaoneng", D(2026, 3, 1))
    second = make_sanction(person, "xiaoneng", D(2026, 6, 1))
    standing = standing_recompute(person=person, year=2026)
    assert standing.sanctions_in_force == 2
    assert standing.rating_floor == "incompetent"
    assert standing.no_excellence
    floor = standing.reasons["rating_floor"]
    assert [ref["id"] for ref in floor["records"]] == [first.pk, second.pk]
    assert floor["records"][0]["label"].startswith("效能告诫 · WJT-")
    assert "未按规定及时处理" in floor["records"][0]["label"]


def test_revoking_one_warning_recomputes_the_rating_and_keeps_history(make_staff):
    person = make_staff()
    make_sanction(person, "xiaoneng", D(2026, 3, 1))
    second = make_sanction(person, "xiaoneng", D(2026, 6, 1))
    standing_recompute(person=person, year=2026)
    second.state = "revoked"
    second.revocation_reason = "申诉成立"
    second.save()
    [standing] = standings_recompute_for_sanction(second)
    assert standing.year == 2026
    assert standing.rating_floor == ""
    assert standing.sanctions_in_force == 1
    assert [e["why"] for e in standing.reasons["excluded"]] == ["revoked"]
    assert [h.rating_floor for h in standing.history.order_by("history_date")] == [
        "incompetent",
        "",
    ]


def test_recomputing_without_a_change_writes_no_history(make_staff):
    person = make_staff()
    make_sanction(person, "jiemian", D(2026, 3, 1))
    standing_recompute(person=person, year=2026)
    standing = standing_recompute(person=person, year=2026)
    assert standing.history.count() == 1


def test_a_sanction_of_last_year_does_not_count_this_year(make_staff):
    person = make_staff()
    old = make_sanction(person, "xiaoneng", D(2025, 12, 31))
    make_sanction(person, "xiaoneng", D(2026, 1, 1))
    assert standing_recompute(person=person, year=2026).rating_floor == ""
    [standing] = standings_recompute_for_sanction(old)
    assert standing.year == 2025 and standing.sanctions_in_force == 1


def test_withdrawn_proposals_and_withdrawn_commendations_do_not_count(make_staff):
    person = make_staff()
    make_sanction(person, "xiaoneng", D(2026, 3, 1))
    make_sanction(person, "xiaoneng", D(2026, 3, 2), state="withdrawn")
    make_commendation(person, D(2026, 4, 1))
    make_commendation(person, D(2026, 4, 2), withdrawn=True)
    standing = standing_recompute(person=person, year=2026)
    assert standing.sanctions_in_force == 1
    assert standing.commendations == 1
    assert standing.rating_floor == ""


def test_recompute_all_covers_everyone_with_a_record_and_the_command_runs(make_staff):
    one, two, clean = make_staff(), make_staff(), make_staff()
    make_sanction(one, "xiaoneng", D(2026, 3, 1))
    make_commendation(two, D(2026, 5, 1))
    assert standings_recompute_all(year=2026) == 2
    assert set(Standing.objects.values_list("person_id", flat=True)) == {one.pk, two.pk}
    call_command("recompute_standings", "--year", "2026")
    assert not Standing.objects.filter(person=clean).exists()
