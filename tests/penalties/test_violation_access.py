"""Who sees a violation (others get 404) and what they see: the complainant's identity and
confidential evidence never reach the person concerned, on any page they can open."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from penalties.models import Sanction, Violation
from penalties.permissions import violations_visible_to
from penalties.services.violations import (
    evidence_add,
    violation_open_investigation,
    violation_verify,
)
from tests.penalties.violation_helpers import (
    COMPLAINANT,
    COMPLAINANT_PHONE,
    COMPLAINT_TEXT,
    build_org,
    investigating,
    policy_in_force_as,
    report,
)

pytestmark = pytest.mark.django_db
SECRET_EVIDENCE = "举报人身份证明材料"


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


def detail_url(violation):
    return reverse("penalties:violation_detail", args=[violation.pk])


def test_a_colleague_without_the_discipline_role_gets_404(org):
    violation = investigating(org)
    client = client_for(org.colleague)
    assert client.get(detail_url(violation)).status_code == 404
    response = client.post(
        reverse("penalties:violation_action", args=[violation.pk, "statement"]), {"text": "x"}
    )
    assert response.status_code == 404
    evidence = evidence_add(violation=violation, by=org.officer, description="记录")
    download = reverse("penalties:evidence_download", args=[violation.pk, evidence.pk])
    assert client.get(download).status_code == 404


def test_the_person_concerned_sees_it_only_once_told(org):
    violation = report(org)
    client = client_for(org.person)
    assert client.get(detail_url(violation)).status_code == 404
    violation_open_investigation(violation=violation, by=org.officer)
    assert client.get(detail_url(violation)).status_code == 200


def test_a_reporter_sees_what_they_reported_and_nothing_else(org):
    mine = report(org, reported_by=org.head)
    other = report(org)
    assert list(violations_visible_to(org.head)) == [mine]
    client = client_for(org.head)
    assert client.get(detail_url(mine)).status_code == 200
    assert client.get(detail_url(other)).status_code == 404


def test_the_discipline_role_sees_all_but_not_a_report_about_themself_before_being_told(org):
    about_officer = report(org, person=org.officer, department=org.department)
    other = report(org)
    assert set(violations_visible_to(org.officer2)) == {about_officer, other}
    assert set(violations_visible_to(org.officer)) == {other}
    assert client_for(org.officer).get(detail_url(about_officer)).status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(org):
    violation = report(org)
    response = Client().get(detail_url(violation))
    assert response.status_code == 302 and "/login/" in response["Location"]


def _assert_no_complainant(content: str) -> None:
    for secret in (COMPLAINANT, COMPLAINANT_PHONE, COMPLAINT_TEXT, SECRET_EVIDENCE):
        assert secret not in content


def _pages_of(client, violation) -> list[str]:
    urls = [
        detail_url(violation),
        reverse("penalties:my_violations"),
        reverse("inquiries:notifications"),
        reverse("penalties:my_record"),
    ]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    return pages


def _through_the_whole_process(org, policy, person):
    violation = investigating(org, person=person, department=org.department, by=org.officer2)
    evidence_add(
        violation=violation, by=org.officer2, description=SECRET_EVIDENCE, confidential=True
    )
    evidence_add(violation=violation, by=org.officer2, description="窗口监控记录")
    return violation


def test_the_complainant_never_appears_on_a_page_the_accused_can_open(org, policy):
    violation = _through_the_whole_process(org, policy, org.person)
    client = client_for(org.person)
    for page in _pages_of(client, violation):
        _assert_no_complainant(page)
    assert "窗口监控记录" in client.get(detail_url(violation)).content.decode()
    violation_verify(
        violation=violation,
        by=org.officer2,
        violation_type=policy.violation_types.get(code="not_handled"),
        findings="查实",
    )
    for page in _pages_of(client, violation):
        _assert_no_complainant(page)


def test_an_accused_discipline_officer_does_not_see_who_complained(org, policy):
    violation = _through_the_whole_process(org, policy, org.officer)
    client = client_for(org.officer)
    pages = _pages_of(client, violation)
    for page in pages:
        _assert_no_complainant(page)
    # No action panels for one's own case either, only the statement.
    assert 'id="action-verify"' not in pages[0]
    assert 'id="action-statement"' in pages[0]
    # The list shows it, without the complainant.
    listing = client.get(reverse("penalties:violation_list")).content.decode()
    assert violation.number in listing
    _assert_no_complainant(listing)


def test_the_discipline_role_sees_the_complainant_and_confidential_evidence(org, policy):
    violation = _through_the_whole_process(org, policy, org.person)
    page = client_for(org.officer2).get(detail_url(violation)).content.decode()
    for secret in (COMPLAINANT, COMPLAINANT_PHONE, COMPLAINT_TEXT, SECRET_EVIDENCE):
        assert secret in page


def test_confidential_evidence_cannot_be_downloaded_by_the_person_concerned(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    violation = investigating(org)
    secret = evidence_add(
        violation=violation,
        by=org.officer,
        description="原始来信",
        document=SimpleUploadedFile("来信.txt", "赵投诉 13911112222".encode()),
        confidential=True,
    )
    url = reverse("penalties:evidence_download", args=[violation.pk, secret.pk])
    assert client_for(org.person).get(url).status_code == 404
    assert client_for(org.officer).get(url).status_code == 200


def test_a_leader_sanctioned_for_it_sees_the_violation_but_not_the_complainant(make_staff):
    policy = policy_in_force_as("subdistrict")
    org = build_org(make_staff)
    violation = investigating(org)
    violation_verify(
        violation=violation,
        by=org.officer,
        violation_type=policy.violation_types.get(code="not_in_time"),
        findings="查实",
    )
    client = client_for(org.leader)
    # A mere proposal shows nothing yet.
    assert client.get(detail_url(violation)).status_code == 404
    from penalties.services.sanctions import sanction_decide_proposal

    sanction_decide_proposal(
        sanction=Sanction.objects.get(person=org.leader), by=org.officer, adopt=True
    )
    page = client.get(detail_url(violation)).content.decode()
    _assert_no_complainant(page)
    assert Violation.objects.filter(pk=violation.pk).exists()
