"""Retention: `anonymise_closed_cases` removes the requester's personal data of closed cases
kept longer than their kind's retention, everywhere it is kept, once."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from inquiries import services
from inquiries.models import (
    Channel,
    Inquiry,
    Kind,
    Notification,
    RetentionRule,
    Status,
    TimelineEvent,
)
from inquiries.services import privacy
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

NAME = "李四海"
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
TODAY = datetime.date(2030, 6, 1)


@pytest.fixture
def clerk(db):
    department = DepartmentFactory(parent=UnitFactory(), code="XFB")
    user = UserFactory(roles=["front_desk", "handler"])
    StaffProfileFactory(user=user, department=department)
    return user


def case(clerk, *, kind=Kind.CONSULTATION, closed_on=None):
    inquiry = services.inquiry_register(
        by=clerk,
        channel=Channel.PHONE,
        kind=kind,
        requester=services.Requester(
            name=NAME, unit="某某公司", phone=PHONE, address="济南市泉城路1号", id_number=ID_NUMBER
        ),
        subject=f"{NAME}咨询社保",
        content=f"来电人{NAME}，电话{PHONE}，身份证{ID_NUMBER}，咨询社保转移。",
        disclosure_given=True,
    )
    if closed_on is not None:
        closed_at = timezone.make_aware(datetime.datetime.combine(closed_on, datetime.time(10)))
        inquiry.status = Status.CLOSED
        inquiry.closed_at = closed_at
        inquiry.result = f"已告知{NAME}办理流程。"
        inquiry.feedback_at = closed_at
        inquiry.save()
    Notification.objects.create(
        recipient=clerk,
        kind="referred",
        inquiry=inquiry,
        event_key=f"test:{inquiry.pk}",
        data={"number": inquiry.number, "subject": inquiry.subject, "by": "someone"},
        created_at=timezone.now(),
    )
    return inquiry


def years_ago(years, days=0):
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=days)


def run(*args):
    out = io.StringIO()
    call_command("anonymise_closed_cases", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def personal_data_left(inquiry) -> list[str]:
    """Every stored value of the case, its history, timeline and notifications that still
    holds the requester's name, phone or ID number."""
    texts = []
    for row in Inquiry.history.filter(id=inquiry.pk).values():
        texts += [str(value) for value in row.values()]
    texts += [str(value) for value in Inquiry.objects.filter(pk=inquiry.pk).values().get().values()]
    texts += list(TimelineEvent.objects.filter(inquiry=inquiry).values_list("message", flat=True))
    texts += [str(n.data) for n in Notification.objects.filter(inquiry=inquiry)]
    return [text for text in texts if NAME in text or PHONE in text or ID_NUMBER in text]


def test_default_retention_rules_exist_for_every_kind(db):
    assert set(RetentionRule.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert RetentionRule.objects.get(kind=Kind.CONSULTATION).keep_years == 3
    assert RetentionRule.objects.get(kind=Kind.COMPLAINT).keep_years == 5


def test_a_kind_without_a_rule_gets_its_default_on_first_use(db):
    RetentionRule.objects.filter(kind=Kind.HELP).delete()

    assert privacy.retention_rules()[Kind.HELP] == 3
    assert RetentionRule.objects.filter(kind=Kind.HELP).exists()


def test_an_old_closed_case_is_anonymised_with_its_history(clerk):
    old = case(clerk, closed_on=years_ago(3, days=1))
    assert personal_data_left(old)

    output = run()

    old.refresh_from_db()
    assert old.number in output
    assert old.requester_name == privacy.ANONYMISED_NAME
    assert (old.requester_unit, old.requester_phone, old.requester_id_number) == ("", "", "")
    assert old.requester_address == ""
    assert old.anonymised_at is not None
    assert personal_data_left(old) == []
    assert "[phone]" in old.content and "[ID]" in old.content
    assert old.history.count() >= 3
    event = old.events.last()
    assert event.data == {"anonymised": True}
    assert not event.is_public


def test_anonymising_changes_the_tracking_code(clerk):
    old = case(clerk, closed_on=years_ago(4))
    code = old.tracking_code

    run()

    old.refresh_from_db()
    assert old.tracking_code != code
    assert not Inquiry.history.filter(id=old.pk, tracking_code=code).exists()


def test_open_and_recently_closed_cases_are_untouched(clerk):
    with_open = case(clerk)
    Inquiry.objects.filter(pk=with_open.pk).update(received_at=timezone.now().replace(year=2020))
    recent = case(clerk, closed_on=years_ago(3) + datetime.timedelta(days=1))
    complaint = case(clerk, kind=Kind.COMPLAINT, closed_on=years_ago(4))

    run()

    for inquiry in (with_open, recent, complaint):
        inquiry.refresh_from_db()
        assert inquiry.requester_name == NAME
        assert inquiry.anonymised_at is None
        assert personal_data_left(inquiry)


def test_the_retention_follows_the_rule_in_the_admin(clerk):
    complaint = case(clerk, kind=Kind.COMPLAINT, closed_on=years_ago(2))
    RetentionRule.objects.filter(kind=Kind.COMPLAINT).update(keep_years=1)

    run()

    complaint.refresh_from_db()
    assert complaint.anonymised_at is not None


def test_a_dry_run_changes_nothing(clerk):
    old = case(clerk, closed_on=years_ago(5))
    history_rows = old.history.count()

    output = run("--dry-run")

    old.refresh_from_db()
    assert old.number in output
    assert old.requester_name == NAME
    assert old.anonymised_at is None
    assert old.history.count() == history_rows
    assert personal_data_left(old)


def test_a_second_run_changes_nothing(clerk):
    old = case(clerk, closed_on=years_ago(5))
    run()
    old.refresh_from_db()
    history_rows, events, anonymised_at = old.history.count(), old.events.count(), old.anonymised_at

    output = run()

    old.refresh_from_db()
    assert old.number not in output
    assert (old.history.count(), old.events.count()) == (history_rows, events)
    assert old.anonymised_at == anonymised_at


def test_an_open_case_is_never_anonymised_directly(clerk):
    inquiry = case(clerk)

    assert privacy.inquiry_anonymise(inquiry=inquiry) is False
    inquiry.refresh_from_db()
    assert inquiry.requester_name == NAME
