"""Sanctions after verification: leadership proposals decided, revocation on appeal, and the
unit-level correction deadline with its sweep."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from inquiries.models import Notification
from inquiries.workdays import work_calendar
from penalties.models import Sanction, Standing, Violation
from penalties.services.core import PenaltyError
from penalties.services.sanctions import (
    SANCTION_TRANSITIONS,
    sanction_decide_proposal,
    sanction_revoke,
)
from penalties.services.violations import (
    unit_correction_record,
    unit_deadlines_sweep,
    violation_verify,
)
from tests.penalties.violation_helpers import build_org, investigating, policy_in_force_as

pytestmark = pytest.mark.django_db
SState = Sanction.State


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())


def verify(org, policy, code, **kwargs):
    violation = investigating(org, **kwargs)
    violation_verify(
        violation=violation,
        by=org.officer,
        violation_type=policy.violation_types.get(code=code),
        findings="查实",
    )
    violation.refresh_from_db()
    return violation


def test_the_table_allows_only_decisions_on_proposals_and_revocation_in_force():
    assert SANCTION_TRANSITIONS[SState.PROPOSED] == {SState.IN_FORCE, SState.WITHDRAWN}
    assert SANCTION_TRANSITIONS[SState.IN_FORCE] == {SState.REVOKED}
    assert not SANCTION_TRANSITIONS[SState.WITHDRAWN]
    assert not SANCTION_TRANSITIONS[SState.REVOKED]


# --- Leadership proposals ------------------------------------------------------------------


@pytest.fixture
def subdistrict(make_staff):
    policy = policy_in_force_as("subdistrict")
    org = build_org(make_staff)
    violation = verify(org, policy, "taboo_or_refusal")
    proposals = {
        s.person.username: s
        for s in Sanction.objects.filter(state=SState.PROPOSED).select_related("person")
    }
    return org, violation, proposals


def test_adopting_a_proposal_puts_it_in_force_today_and_recomputes(subdistrict):
    org, _violation, proposals = subdistrict
    sanction = sanction_decide_proposal(
        sanction=proposals["head"], by=org.officer, adopt=True, note="负主要领导责任"
    )
    assert sanction.state == SState.IN_FORCE
    assert sanction.decided_on == timezone.localdate()
    assert sanction.decided_by == org.officer
    standing = Standing.objects.get(person=org.head, year=timezone.localdate().year)
    assert standing.sanctions_in_force == 1
    assert Notification.objects.filter(recipient=org.head, kind="penalty").exists()


def test_a_proposal_not_adopted_is_withdrawn_with_the_reasons(subdistrict):
    org, _violation, proposals = subdistrict
    with pytest.raises(PenaltyError) as error:
        sanction_decide_proposal(sanction=proposals["leader"], by=org.officer, adopt=False)
    assert error.value.code == "no_note"
    sanction = sanction_decide_proposal(
        sanction=proposals["leader"], by=org.officer, adopt=False, note="已尽督导责任"
    )
    assert sanction.state == SState.WITHDRAWN
    assert sanction.decision_note == "已尽督导责任"
    with pytest.raises(PenaltyError) as error:
        sanction_decide_proposal(sanction=sanction, by=org.officer, adopt=True)
    assert error.value.code == "illegal_transition"


def test_a_sanction_in_force_is_not_a_proposal_to_decide(subdistrict):
    org, _violation, _proposals = subdistrict
    direct = Sanction.objects.get(person=org.person)
    with pytest.raises(PenaltyError):
        sanction_decide_proposal(sanction=direct, by=org.officer, adopt=True)


def test_only_the_discipline_role_decides_and_never_about_themself(subdistrict):
    org, _violation, proposals = subdistrict
    with pytest.raises(PenaltyError) as error:
        sanction_decide_proposal(sanction=proposals["head"], by=org.leader, adopt=True)
    assert error.value.code == "forbidden"
    org.head.groups.add(*org.officer.groups.all())
    org.head = type(org.head).objects.get(pk=org.head.pk)  # fresh permission cache
    with pytest.raises(PenaltyError) as error:
        sanction_decide_proposal(sanction=proposals["head"], by=org.head, adopt=True)
    assert error.value.code == "own_case"


# --- Revocation on appeal ------------------------------------------------------------------


def test_revoking_needs_a_reason_keeps_the_row_and_recomputes_the_year(make_staff):
    policy = policy_in_force_as("government")
    org = build_org(make_staff)
    verify(org, policy, "not_handled")
    verify(org, policy, "not_registered")
    year = timezone.localdate().year
    standing = Standing.objects.get(person=org.person, year=year)
    assert standing.sanctions_in_force == 2
    assert standing.rating_floor == "incompetent"
    first = Sanction.objects.filter(person=org.person).order_by("pk").first()
    with pytest.raises(PenaltyError) as error:
        sanction_revoke(sanction=first, by=org.officer, reason="  ")
    assert error.value.code == "no_reason"
    sanction = sanction_revoke(sanction=first, by=org.officer, reason="申诉成立，系他人所为")
    assert sanction.state == SState.REVOKED
    assert sanction.revoked_by == org.officer and sanction.revoked_at is not None
    assert Sanction.objects.filter(pk=first.pk).exists()
    standing.refresh_from_db()
    assert standing.sanctions_in_force == 1
    assert standing.rating_floor == ""
    assert sanction.history.count() >= 2
    with pytest.raises(PenaltyError) as error:
        sanction_revoke(sanction=sanction, by=org.officer, reason="再次撤销")
    assert error.value.code == "illegal_transition"


def test_a_proposal_cannot_be_revoked(subdistrict):
    org, _violation, proposals = subdistrict
    with pytest.raises(PenaltyError):
        sanction_revoke(sanction=proposals["head"], by=org.officer, reason="撤销")


def test_revoking_a_sanction_of_last_year_recomputes_last_year(make_staff):
    policy = policy_in_force_as("government")
    org = build_org(make_staff)
    last_year = timezone.localdate().year - 1
    with time_machine.travel(at(datetime.date(last_year, 6, 15)), tick=False):
        verify(org, policy, "not_handled")
    assert Standing.objects.get(person=org.person, year=last_year).sanctions_in_force == 1
    sanction_revoke(sanction=Sanction.objects.get(), by=org.officer, reason="申诉成立")
    assert Standing.objects.get(person=org.person, year=last_year).sanctions_in_force == 0


# --- Unit-level violations and the correction deadline -------------------------------------


@pytest.fixture
def unit_case(make_staff):
    policy = policy_in_force_as("government")
    org = build_org(make_staff)
    org.unit.supervising_leader = org.leader
    org.unit.save()
    violation = verify(org, policy, "unit_not_running", person=None)
    return org, policy, violation


def test_a_unit_level_violation_sanctions_the_units_leaders_and_sets_a_deadline(unit_case):
    org, policy, violation = unit_case
    assert violation.state == Violation.State.VERIFIED
    assert violation.correction_due == work_calendar().add_working_days(
        timezone.localdate(), policy.unit_correction_days
    )
    sanctions = Sanction.objects.order_by("person__username")
    assert [(s.person, s.responsibility, s.state, s.level.code) for s in sanctions] == [
        (org.unit_head, "unit_leader", "in_force", "jiemian"),
        (org.leader, "unit_leader", "in_force", "jiemian"),
    ]
    assert Notification.objects.filter(recipient=org.unit_head, kind="penalty").exists()


def test_a_unit_level_type_is_refused_for_a_person_and_a_personal_type_for_a_unit(make_staff):
    policy = policy_in_force_as("government")
    org = build_org(make_staff)
    violation = investigating(org)
    with pytest.raises(PenaltyError):
        violation_verify(
            violation=violation,
            by=org.officer,
            violation_type=policy.violation_types.get(code="unit_not_running"),
            findings="查实",
        )
    unit_violation = investigating(org, person=None)
    with pytest.raises(PenaltyError):
        violation_verify(
            violation=unit_violation,
            by=org.officer,
            violation_type=policy.violation_types.get(code="not_handled"),
            findings="查实",
        )


def test_the_sweep_proposes_once_after_the_deadline_passes_uncorrected(unit_case):
    _org, policy, violation = unit_case
    assert unit_deadlines_sweep(today=violation.correction_due) == []
    after = violation.correction_due + datetime.timedelta(days=1)
    proposed = unit_deadlines_sweep(today=after)
    assert sorted(s.person.username for s in proposed) == ["boss", "leader"]
    for sanction in proposed:
        assert sanction.state == SState.PROPOSED
        assert sanction.level == policy.unit_refusal_level
        assert sanction.proposal_key == f"unit:{violation.pk}:{sanction.person_id}"
    assert unit_deadlines_sweep(today=after) == []
    assert Sanction.objects.filter(state=SState.PROPOSED).count() == 2


def test_a_unit_that_corrected_in_time_gets_no_proposal(unit_case):
    org, _policy, violation = unit_case
    with pytest.raises(PenaltyError):
        unit_correction_record(violation=violation, by=org.officer, note="")
    unit_correction_record(violation=violation, by=org.officer, note="已建立首问登记制度")
    violation.refresh_from_db()
    assert violation.corrected_at is not None
    assert violation.correction_note == "已建立首问登记制度"
    with pytest.raises(PenaltyError):
        unit_correction_record(violation=violation, by=org.officer, note="再次")
    assert unit_deadlines_sweep(today=violation.correction_due + datetime.timedelta(days=30)) == []


def test_a_personal_violation_has_no_correction_to_record(make_staff):
    policy = policy_in_force_as("government")
    org = build_org(make_staff)
    violation = verify(org, policy, "not_handled")
    with pytest.raises(PenaltyError):
        unit_correction_record(violation=violation, by=org.officer, note="已整改")


def test_the_command_runs_the_sweep_and_says_how_many(unit_case):
    _org, _policy, violation = unit_case
    after = (violation.correction_due + datetime.timedelta(days=1)).isoformat()
    out = StringIO()
    call_command("unit_deadlines", "--date", after, stdout=out)
    assert violation.number in out.getvalue()
    assert Sanction.objects.filter(state=SState.PROPOSED).count() == 2
    out = StringIO()
    call_command("unit_deadlines", "--date", after, stdout=out)
    assert violation.number not in out.getvalue()


def test_a_long_correction_note_is_kept_whole(unit_case):
    org, _policy, violation = unit_case
    note = "已在窗口设立首问责任登记簿，" * 20  # 280 characters

    unit_correction_record(violation=violation, by=org.officer, note=note)

    violation.refresh_from_db()
    assert violation.correction_note == note
