"""Violations through due process: report → investigation → verified or dismissed."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inquiries.models import Notification
from inquiries.workdays import work_calendar
from penalties.models import Evidence, Sanction, Standing, Violation
from penalties.services.core import PenaltyError
from penalties.services.violations import (
    VIOLATION_TRANSITIONS,
    evidence_add,
    leaders_up_the_chain,
    statement_submit,
    violation_dismiss,
    violation_open_investigation,
    violation_verify,
)
from tests.penalties.violation_helpers import (
    COMPLAINANT,
    COMPLAINANT_PHONE,
    build_org,
    investigating,
    policy_in_force_as,
    report,
)

pytestmark = pytest.mark.django_db
State = Violation.State


@pytest.fixture
def policy(db):
    return policy_in_force_as("government")


@pytest.fixture
def org(make_staff, policy):
    return build_org(make_staff)


def vtype(policy, code):
    return policy.violation_types.get(code=code)


# --- The transition table ------------------------------------------------------------------


def test_the_decided_states_are_final_and_every_open_state_can_be_dismissed():
    assert VIOLATION_TRANSITIONS[State.VERIFIED] == frozenset()
    assert VIOLATION_TRANSITIONS[State.DISMISSED] == frozenset()
    for state in Violation.OPEN_STATES:
        assert State.DISMISSED in VIOLATION_TRANSITIONS[state]
    assert State.VERIFIED not in VIOLATION_TRANSITIONS[State.REPORTED]


def test_a_complaint_is_registered_as_reported_with_a_number(org):
    violation = report(org)
    assert violation.state == State.REPORTED
    assert violation.number.startswith(f"WJ{timezone.localdate().year}-")


# --- Opening the investigation -------------------------------------------------------------


def test_opening_the_investigation_sets_the_statement_deadline_and_tells_the_person(org, policy):
    violation = report(org)
    violation = violation_open_investigation(violation=violation, by=org.officer)
    assert violation.state == State.INVESTIGATING
    assert violation.investigator == org.officer
    today = timezone.localdate()
    assert violation.statement_due == work_calendar().add_working_days(today, policy.statement_days)
    note = Notification.objects.get(recipient=org.person)
    assert note.kind == "penalty"
    assert note.inquiry is None
    assert note.event_key == f"violation:{violation.pk}:investigating"
    assert note.data["url"] == f"/accountability/violations/{violation.pk}/"
    assert note.data["params"]["number"] == violation.number
    # The person is told the allegation, never who complained.
    text = str(note.data)
    assert COMPLAINANT not in text and COMPLAINANT_PHONE not in text
    assert "赵某" not in text


def test_opening_twice_is_refused(org):
    violation = investigating(org, with_statement=False)
    with pytest.raises(PenaltyError) as error:
        violation_open_investigation(violation=violation, by=org.officer)
    assert error.value.code == "illegal_transition"


def test_only_the_discipline_role_opens_an_investigation(org):
    violation = report(org)
    with pytest.raises(PenaltyError) as error:
        violation_open_investigation(violation=violation, by=org.head)
    assert error.value.code == "forbidden"
    violation.refresh_from_db()
    assert violation.state == State.REPORTED


def test_an_officer_cannot_investigate_a_complaint_about_themself(org):
    violation = report(org, person=org.officer, department=org.department)
    with pytest.raises(PenaltyError):
        violation_open_investigation(violation=violation, by=org.officer)
    with pytest.raises(PenaltyError):
        violation_open_investigation(violation=violation, by=org.officer2, investigator=org.officer)
    violation_open_investigation(violation=violation, by=org.officer2)


def test_the_investigator_must_hold_the_discipline_role(org):
    violation = report(org)
    with pytest.raises(PenaltyError) as error:
        violation_open_investigation(violation=violation, by=org.officer, investigator=org.head)
    assert error.value.code == "investigator"


# --- Statements ----------------------------------------------------------------------------


def test_the_person_concerned_may_submit_several_statements_and_the_investigator_is_told(org):
    violation = investigating(org, with_statement=False)
    statement_submit(violation=violation, author=org.person, text="第一次申辩")
    statement_submit(violation=violation, author=org.person, text="补充说明")
    assert violation.statements.count() == 2
    assert Notification.objects.filter(recipient=org.officer, kind="penalty").count() == 2


def test_nobody_else_submits_a_statement(org):
    violation = investigating(org, with_statement=False)
    with pytest.raises(PenaltyError) as error:
        statement_submit(violation=violation, author=org.colleague, text="代为申辩")
    assert error.value.code == "not_concerned"


def test_no_statement_before_the_investigation_or_after_the_decision(org, policy):
    violation = report(org)
    with pytest.raises(PenaltyError) as error:
        statement_submit(violation=violation, author=org.person, text="申辩")
    assert error.value.code == "not_investigating"
    violation = violation_open_investigation(violation=violation, by=org.officer)
    statement_submit(violation=violation, author=org.person, text="申辩")
    violation_verify(
        violation=violation,
        by=org.officer,
        violation_type=vtype(policy, "no_disclosure"),
        findings="查实",
    )
    with pytest.raises(PenaltyError):
        statement_submit(violation=violation, author=org.person, text="再申辩")


def test_an_empty_statement_is_refused(org):
    violation = investigating(org, with_statement=False)
    with pytest.raises(PenaltyError):
        statement_submit(violation=violation, author=org.person, text="   ")


# --- Verification --------------------------------------------------------------------------


def test_verifying_is_refused_before_the_person_had_the_chance_to_make_a_statement(org, policy):
    violation = investigating(org, with_statement=False)
    with pytest.raises(PenaltyError) as error:
        violation_verify(
            violation=violation,
            by=org.officer,
            violation_type=vtype(policy, "no_disclosure"),
            findings="查实",
        )
    assert error.value.code == "statement_pending"
    assert violation.statement_due.isoformat() in error.value.message
    violation.refresh_from_db()
    assert violation.state == State.INVESTIGATING
    assert not Sanction.objects.exists()


def test_verifying_without_a_statement_is_allowed_once_the_deadline_has_passed(org, policy):
    violation = investigating(org, with_statement=False)
    after = violation.statement_due + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(after, datetime.time(10)), tick=False):
        violation_verify(
            violation=violation,
            by=org.officer,
            violation_type=vtype(policy, "no_disclosure"),
            findings="逾期未申辩，查实",
        )
    violation.refresh_from_db()
    assert violation.state == State.VERIFIED


def test_verifying_makes_the_sanction_in_force_and_recomputes_the_standing(org, policy):
    violation = investigating(org)
    violation_verify(
        violation=violation,
        by=org.officer,
        violation_type=vtype(policy, "not_handled"),
        findings="查实未及时办理",
        note="情节较轻",
    )
    violation.refresh_from_db()
    assert violation.state == State.VERIFIED
    assert violation.decided_by == org.officer and violation.decided_at is not None
    sanction = Sanction.objects.get()
    assert sanction.person == org.person
    assert sanction.state == Sanction.State.IN_FORCE
    assert sanction.responsibility == Sanction.Responsibility.DIRECT
    assert sanction.level.code == "xiaoneng"
    assert sanction.decided_on == timezone.localdate()
    assert sanction.decided_by == org.officer
    standing = Standing.objects.get(person=org.person, year=timezone.localdate().year)
    assert standing.sanctions_in_force == 1
    assert Notification.objects.filter(
        recipient=org.person, event_key=f"violation:{violation.pk}:verified"
    ).exists()


def test_the_officer_may_choose_another_level_of_the_same_policy(org, policy):
    violation = investigating(org)
    violation_verify(
        violation=violation,
        by=org.officer,
        violation_type=vtype(policy, "not_handled"),
        level=policy.levels.get(code="jiemian"),
        findings="查实",
    )
    assert Sanction.objects.get().level.code == "jiemian"


def test_findings_are_required(org, policy):
    violation = investigating(org)
    with pytest.raises(PenaltyError):
        violation_verify(
            violation=violation,
            by=org.officer,
            violation_type=vtype(policy, "not_handled"),
            findings=" ",
        )


def test_a_violation_cannot_be_verified_before_the_investigation(org, policy):
    violation = report(org)
    with pytest.raises(PenaltyError) as error:
        violation_verify(
            violation=violation,
            by=org.officer,
            violation_type=vtype(policy, "not_handled"),
            findings="查实",
        )
    assert error.value.code == "illegal_transition"


def test_a_verified_violation_cannot_be_verified_again_or_dismissed(org, policy):
    violation = investigating(org)
    kwargs = {"violation_type": vtype(policy, "not_handled"), "findings": "查实"}
    violation_verify(violation=violation, by=org.officer, **kwargs)
    with pytest.raises(PenaltyError):
        violation_verify(violation=violation, by=org.officer, **kwargs)
    with pytest.raises(PenaltyError):
        violation_dismiss(violation=violation, by=org.officer, note="撤销")
    assert Sanction.objects.count() == 1


def test_the_government_template_proposes_nothing_for_leaders(org, policy):
    violation = investigating(org)
    violation_verify(
        violation=violation,
        by=org.officer,
        violation_type=vtype(policy, "not_handled"),
        findings="查实",
    )
    assert list(Sanction.objects.values_list("person__username", flat=True)) == ["clerk"]


# --- The leadership chain (第三篇) -----------------------------------------------------------


def test_the_leadership_chain_proposes_for_the_head_and_the_supervising_leader(make_staff, db):
    policy = policy_in_force_as("subdistrict")
    org = build_org(make_staff)
    violation = investigating(org)
    violation_verify(
        violation=violation,
        by=org.officer,
        violation_type=vtype(policy, "taboo_or_refusal"),
        findings="使用服务忌语",
    )
    sanctions = {s.person.username: s for s in Sanction.objects.select_related("person")}
    assert set(sanctions) == {"clerk", "head", "leader"}
    assert sanctions["clerk"].state == Sanction.State.IN_FORCE
    head, leader = sanctions["head"], sanctions["leader"]
    assert head.responsibility == Sanction.Responsibility.PRINCIPAL
    assert head.state == Sanction.State.PROPOSED and head.decided_on is None
    assert head.level == policy.principal_leader_level
    assert leader.responsibility == Sanction.Responsibility.IMPORTANT
    assert leader.level == policy.important_leader_level
    # Only the person in force has a standing; proposals count for nothing yet.
    assert not Standing.objects.filter(person=org.head, sanctions_in_force__gt=0).exists()


def test_the_chain_skips_the_person_themself(make_staff, db):
    policy = policy_in_force_as("subdistrict")
    org = build_org(make_staff)
    violation = investigating(org, person=org.head, department=org.department)
    violation_verify(
        violation=violation,
        by=org.officer,
        violation_type=vtype(policy, "not_in_time"),
        findings="查实",
    )
    people = sorted(Sanction.objects.values_list("person__username", "responsibility"))
    assert people == [("head", "direct"), ("leader", "important")]


def test_the_chain_walks_up_to_the_first_head_found(make_staff, db):
    policy_in_force_as("subdistrict")
    org = build_org(make_staff)
    assert leaders_up_the_chain(org.section) == (org.head, org.leader)
    org.section.head = org.colleague
    org.section.save()
    assert leaders_up_the_chain(org.section) == (org.colleague, org.leader)
    org.department.supervising_leader = None
    org.department.save()
    assert leaders_up_the_chain(org.section) == (org.colleague, None)


# --- Dismissal -----------------------------------------------------------------------------


def test_dismissing_needs_the_reasons_and_tells_a_person_who_was_told(org):
    violation = investigating(org, with_statement=False)
    with pytest.raises(PenaltyError):
        violation_dismiss(violation=violation, by=org.officer, note="")
    violation_dismiss(violation=violation, by=org.officer, note="经查不属实")
    violation.refresh_from_db()
    assert violation.state == State.DISMISSED
    assert violation.decision_note == "经查不属实"
    assert Notification.objects.filter(
        recipient=org.person, event_key=f"violation:{violation.pk}:dismissed"
    ).exists()
    with pytest.raises(PenaltyError):
        violation_open_investigation(violation=violation, by=org.officer)


def test_dismissing_a_report_never_investigated_tells_nobody(org):
    violation = report(org)
    violation_dismiss(violation=violation, by=org.officer, note="重复投诉")
    assert not Notification.objects.filter(recipient=org.person).exists()


# --- Evidence ------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("投诉信.pdf", PDF),
        ("现场.PNG", PNG),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
        ("说明.docx", _docx()),
        ("记录.txt", "来电记录：态度生硬".encode()),
    ],
)
def test_documents_of_the_allowed_kinds_are_stored_under_a_random_name(org, name, content):
    violation = report(org)
    evidence = evidence_add(
        violation=violation,
        by=org.officer,
        description="投诉材料",
        document=SimpleUploadedFile(name, content),
    )
    assert evidence.document_name == name
    stored = evidence.document.name.rsplit("/", 1)[-1]
    assert stored != name and len(stored.split(".")[0]) == 32
    assert evidence.document.read() == content


def test_a_refused_evidence_leaves_no_file_behind(org, settings, monkeypatch, tmp_path):
    from penalties.services import violations as violation_services

    settings.MEDIA_ROOT = tmp_path
    violation = report(org)

    def refuse(instance):
        raise PenaltyError("refused", code="invalid")

    monkeypatch.setattr(violation_services, "full_clean_or_refuse", refuse)
    with pytest.raises(PenaltyError):
        evidence_add(
            violation=violation,
            by=org.officer,
            description="投诉材料",
            document=SimpleUploadedFile("投诉信.pdf", PDF),
        )

    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("伪装.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "content"),
        ("页面.html", b"<html></html>", "extension"),
        ("脚本.txt", b"<html><script>alert(1)</script></html>", "content"),
        ("图片.png", PDF, "content"),
        ("表格.xlsx", _docx(), "content"),
        ("二进制.txt", b"\xff\xfe\x00\x01", "content"),
        ("无扩展名", PDF, "extension"),
    ],
)
def test_documents_whose_content_does_not_match_are_refused(org, name, content, code):
    violation = report(org)
    with pytest.raises(PenaltyError) as error:
        evidence_add(
            violation=violation,
            by=org.officer,
            description="材料",
            document=SimpleUploadedFile(name, content),
        )
    assert error.value.code == code
    assert not Evidence.objects.exists()


def test_an_oversize_document_is_refused(org):
    violation = report(org)
    content = PDF + b"0" * Evidence.MAX_BYTES
    with pytest.raises(PenaltyError) as error:
        evidence_add(
            violation=violation,
            by=org.officer,
            description="材料",
            document=SimpleUploadedFile("大文件.pdf", content),
        )
    assert error.value.code == "too_large"


def test_evidence_may_link_a_case_without_a_document_and_is_refused_after_dismissal(org):
    violation = report(org)
    evidence = evidence_add(
        violation=violation, by=org.officer, description="见来电记录", confidential=True
    )
    assert evidence.confidential and not evidence.document
    violation_dismiss(violation=violation, by=org.officer, note="不属实")
    with pytest.raises(PenaltyError):
        evidence_add(violation=violation, by=org.officer, description="补充")


def test_the_person_concerned_cannot_add_evidence(org):
    violation = investigating(org, with_statement=False)
    with pytest.raises(PenaltyError):
        evidence_add(violation=violation, by=org.person, description="我的证据")
