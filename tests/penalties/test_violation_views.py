"""The violation pages through the test client: the list, registering a complaint, the action
panels (each a POST with CSRF; a refusal is a form error, nothing changes) and the download."""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from penalties.models import Evidence, Sanction, Statement, Violation
from tests.penalties.violation_helpers import (
    COMPLAINANT,
    build_org,
    investigating,
    policy_in_force_as,
    report,
)

pytestmark = pytest.mark.django_db
PASSWORD = "pass-firstask-2026"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def policy(db):
    return policy_in_force_as("government")


@pytest.fixture
def org(make_staff, policy):
    return build_org(make_staff)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def action_url(violation, action):
    return reverse("penalties:violation_action", args=[violation.pk, action])


def detail_url(violation):
    return reverse("penalties:violation_detail", args=[violation.pk])


# --- The list ------------------------------------------------------------------------------


def test_the_list_is_for_the_discipline_role(org):
    assert client_for(org.head).get(reverse("penalties:violation_list")).status_code == 403
    response = client_for(org.officer).get(reverse("penalties:violation_list"))
    assert response.status_code == 200


def test_the_list_filters_by_allow_listed_values_and_ignores_others(org):
    open_one = report(org)
    dismissed = report(org, allegation="另一件")
    client = client_for(org.officer)
    client.post(action_url(dismissed, "dismiss"), {"note": "不属实"})
    url = reverse("penalties:violation_list")
    response = client.get(url, {"state": "dismissed"})
    assert [v.pk for v in response.context["violations"]] == [dismissed.pk]
    response = client.get(url, {"department": org.section.pk, "source": "letter"})
    assert {v.pk for v in response.context["violations"]} == {open_one.pk, dismissed.pk}
    response = client.get(url, {"state": "'; drop table"})
    assert response.status_code == 200
    assert len(response.context["violations"]) == 2


# The discipline role opens this list every day; its cost must not grow with the rows.
LIST_QUERIES = 8


def test_the_list_costs_the_same_number_of_queries_for_3_or_12_violations(org):
    client = client_for(org.officer)
    url = reverse("penalties:violation_list")
    counts = []
    for total in (3, 12):
        while Violation.objects.count() < total:
            report(org, allegation=f"第{Violation.objects.count()}件")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["violations"]) == total
        counts.append(len(queries))
    # Session, user, permissions (2), header counts, the count, the page, departments.
    assert counts == [LIST_QUERIES, LIST_QUERIES]


# --- Registering a complaint ---------------------------------------------------------------


def _complaint(org, **changes):
    data = {
        "person": f"{org.person.username} {org.person.get_full_name()}",
        "department": "",
        "source": "hotline",
        "complainant_name": "钱来电",
        "complainant_phone": "１３９００００１１１１",
        "complaint_text": "来电反映窗口推诿",
        "allegation": "接待群众时推诿",
        "case_number": "",
        "occurred_on": timezone.localdate().isoformat(),
    }
    data.update(changes)
    return data


def test_a_complaint_is_registered_and_opens_its_page(org):
    response = client_for(org.officer).post(reverse("penalties:violation_new"), _complaint(org))
    violation = Violation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(violation)
    assert violation.person == org.person
    assert violation.department == org.section
    assert violation.state == Violation.State.REPORTED
    assert violation.complainant_phone == "13900001111"
    assert violation.reported_by == org.officer


def test_the_person_can_be_named_by_pinyin_initials(org):
    from inquiries.text import pinyin_keys

    initials = pinyin_keys(org.person.get_full_name())[1]
    others = [org.colleague, org.head, org.leader, org.unit_head, org.officer]
    if any(pinyin_keys(u.get_full_name())[1] == initials for u in [*others, org.officer2]):
        pytest.skip("two fake names share initials")
    client = client_for(org.officer)
    client.post(reverse("penalties:violation_new"), _complaint(org, person=initials))
    assert Violation.objects.get().person == org.person


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"person": "nobody-here"}, "No staff member matches this"),
        ({"person": ""}, "Name the person concerned, or the unit at fault."),
        ({"allegation": ""}, "This field is required."),
        ({"case_number": "2099-999999"}, "No case has this number."),
        (
            {"occurred_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()},
            "cannot be in the future",
        ),
        ({"source": "automatic"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_registered(org, changes, message):
    response = client_for(org.officer).post(
        reverse("penalties:violation_new"), _complaint(org, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Violation.objects.exists()


def test_a_unit_at_fault_is_registered_without_a_person(org):
    client = client_for(org.officer)
    client.post(
        reverse("penalties:violation_new"), _complaint(org, person="", department=org.unit.pk)
    )
    violation = Violation.objects.get()
    assert violation.person is None and violation.department == org.unit


def test_only_reporters_register_complaints(org):
    assert client_for(org.person).get(reverse("penalties:violation_new")).status_code == 403
    assert client_for(org.head).get(reverse("penalties:violation_new")).status_code == 200


# --- The action panels ---------------------------------------------------------------------


def test_the_whole_due_process_through_the_page(org, policy):
    officer = client_for(org.officer)
    violation = report(org)
    page = officer.get(detail_url(violation)).content.decode()
    assert 'id="action-investigate"' in page and COMPLAINANT in page

    assert officer.post(action_url(violation, "investigate"), {}).status_code == 302
    violation.refresh_from_db()
    assert violation.state == Violation.State.INVESTIGATING

    person = client_for(org.person)
    page = person.get(detail_url(violation)).content.decode()
    assert 'id="action-statement"' in page
    assert (
        person.post(action_url(violation, "statement"), {"text": "我当时已告知"}).status_code == 302
    )
    assert Statement.objects.get().author == org.person

    verify_type = policy.violation_types.get(code="not_handled")
    response = officer.post(
        action_url(violation, "verify"),
        {"violation_type": verify_type.pk, "level": "", "findings": "查实", "note": ""},
    )
    assert response.status_code == 302
    violation.refresh_from_db()
    assert violation.state == Violation.State.VERIFIED
    sanction = Sanction.objects.get()
    page = officer.get(detail_url(violation)).content.decode()
    assert f"sanction-{sanction.pk}-revoke" in page

    url = reverse("penalties:sanction_action", args=[violation.pk, sanction.pk, "revoke"])
    response = officer.post(url, {f"s{sanction.pk}-reason": ""})
    assert response.status_code == 400
    sanction.refresh_from_db()
    assert sanction.state == Sanction.State.IN_FORCE
    response = officer.post(url, {f"s{sanction.pk}-reason": "申诉成立"})
    assert response.status_code == 302
    sanction.refresh_from_db()
    assert sanction.state == Sanction.State.REVOKED


def test_verifying_before_the_statement_chance_is_a_form_error(org, policy):
    violation = investigating(org, with_statement=False)
    response = client_for(org.officer).post(
        action_url(violation, "verify"),
        {
            "violation_type": policy.violation_types.get(code="not_handled").pk,
            "findings": "查实",
        },
    )
    assert response.status_code == 400
    assert "may still submit a statement until" in response.content.decode()
    violation.refresh_from_db()
    assert violation.state == Violation.State.INVESTIGATING
    assert not Sanction.objects.exists()


def test_verify_offers_only_the_types_of_the_policy_in_force(org, policy, make_staff):
    violation = investigating(org)
    other = policy_in_force_as("subdistrict")
    policy_in_force_as("government")
    response = client_for(org.officer).post(
        action_url(violation, "verify"),
        {"violation_type": other.violation_types.first().pk, "findings": "查实"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_deciding_a_leadership_proposal_through_the_page(make_staff):
    policy = policy_in_force_as("subdistrict")
    org = build_org(make_staff)
    violation = investigating(org)
    officer = client_for(org.officer)
    officer.post(
        action_url(violation, "verify"),
        {
            "violation_type": policy.violation_types.get(code="not_in_time").pk,
            "findings": "查实",
        },
    )
    proposal = Sanction.objects.get(person=org.head)
    url = reverse("penalties:sanction_action", args=[violation.pk, proposal.pk, "decide_proposal"])
    response = officer.post(url, {f"s{proposal.pk}-decision": "withdraw"})
    assert response.status_code == 400
    assert "Say why the proposal is not adopted." in response.content.decode()
    response = officer.post(url, {f"s{proposal.pk}-decision": "adopt", f"s{proposal.pk}-note": ""})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Sanction.State.IN_FORCE


def test_an_action_not_available_now_is_refused_with_403_and_changes_nothing(org):
    violation = report(org)
    response = client_for(org.officer).post(action_url(violation, "verify"), {"findings": "查实"})
    assert response.status_code == 403
    assert "not available to you on this violation now" in response.content.decode()
    violation.refresh_from_db()
    assert violation.state == Violation.State.REPORTED


def test_actions_need_post_and_a_known_name(org):
    violation = report(org)
    client = client_for(org.officer)
    assert client.get(action_url(violation, "investigate")).status_code == 405
    assert client.post(action_url(violation, "explode"), {}).status_code == 404


def test_actions_need_the_csrf_token(org):
    violation = report(org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.officer)
    assert client.post(action_url(violation, "investigate"), {}).status_code == 403
    violation.refresh_from_db()
    assert violation.state == Violation.State.REPORTED


# --- Evidence upload and download ----------------------------------------------------------


def test_an_html_page_renamed_pdf_is_refused_as_a_form_error(org):
    violation = report(org)
    upload = SimpleUploadedFile("投诉.pdf", b"<html><script>alert(1)</script></html>")
    response = client_for(org.officer).post(
        action_url(violation, "evidence"), {"description": "材料", "document": upload}
    )
    assert response.status_code == 400
    assert "does not match its name" in response.content.decode()
    assert not Evidence.objects.exists()


def test_an_oversize_upload_is_refused(org):
    violation = report(org)
    upload = SimpleUploadedFile("大.pdf", PDF + b"0" * Evidence.MAX_BYTES)
    response = client_for(org.officer).post(
        action_url(violation, "evidence"), {"description": "材料", "document": upload}
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_document_downloads_as_an_attachment_never_as_html(org):
    violation = report(org)
    client = client_for(org.officer)
    upload = SimpleUploadedFile("投诉信.pdf", PDF, content_type="text/html")
    assert (
        client.post(
            action_url(violation, "evidence"), {"description": "投诉信原件", "document": upload}
        ).status_code
        == 302
    )
    evidence = Evidence.objects.get()
    response = client.get(reverse("penalties:evidence_download", args=[violation.pk, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
