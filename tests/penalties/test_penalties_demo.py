"""`manage.py seed_penalties_demo` (run by `seed_demo`): the government policy in force and
staff whose records show each consequence — above all one person rated 不称职 for two 效能告诫
— made through the services, dated this year, and safe to run again."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation

from inquiries.models import Notification, User
from penalties import demo
from penalties.models import (
    AnnualRating,
    Commendation,
    Policy,
    Sanction,
    Standing,
    Violation,
)


@pytest.fixture(scope="class")
def demo_output(django_db_setup, django_db_blocker):
    """The whole demo (bureau, cases, accountability), made once and rolled back after."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with translation.override("en"):
            call_command("seed_demo", force=True, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _all_rows() -> dict[str, int]:
    """Rows of every model, history tables included."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def _person(username: str) -> User:
    return User.objects.get(username=username)


@pytest.mark.usefixtures("db", "demo_output")
class TestPenaltiesDemo:
    def test_the_government_preset_is_in_force(self):
        assert Policy.objects.get(is_active=True).preset == "government"

    def test_one_person_is_rated_incompetent_for_two_efficiency_warnings(self):
        person = _person(demo.INCOMPETENT_PERSON)
        year = timezone.localdate().year
        standing = Standing.objects.get(person=person, year=year)
        violations = list(Violation.objects.filter(person=person).order_by("pk"))

        assert standing.rating_floor == AnnualRating.INCOMPETENT
        assert [v.state for v in violations] == [Violation.State.VERIFIED] * 2
        sanctions = Sanction.objects.filter(
            violation__in=violations, person=person, state=Sanction.State.IN_FORCE
        )
        assert [s.level.name for s in sanctions] == ["效能告诫", "效能告诫"]
        reasons = {record["id"] for record in standing.reasons["rating_floor"]["records"]}
        assert reasons == {s.pk for s in sanctions}
        for violation in violations:
            assert violation.complainant_name
            assert violation.complainant_phone
            assert violation.evidence.exists()
            assert violation.statements.filter(author=person).exists()
            assert violation.decided_by.username == demo.DISCIPLINE_OFFICER

    def test_one_efficiency_warning_and_one_admonishment_do_not_force_the_rating(self):
        year = timezone.localdate().year
        for username, level in (("xuming", "效能告诫"), ("wangfang", "诫勉教育")):
            standing = Standing.objects.get(person=_person(username), year=year)
            assert standing.sanctions_in_force == 1
            assert standing.rating_floor == ""
            assert Sanction.objects.get(person__username=username).level.name == level

    def test_a_sanction_revoked_on_appeal_keeps_its_reason_and_stops_counting(self):
        sanction = Sanction.objects.get(person__username="wuxiaoling")

        assert sanction.state == Sanction.State.REVOKED
        assert sanction.revocation_reason == demo.REVOCATION_REASON
        standing = Standing.objects.get(person=sanction.person, year=timezone.localdate().year)
        assert standing.sanctions_in_force == 0

    def test_a_complaint_was_dismissed_with_reasons(self):
        violation = Violation.objects.get(person__username="lixiaoyu", detection="")

        assert violation.state == Violation.State.DISMISSED
        assert violation.decision_note == demo.DISMISSAL_NOTE
        assert not violation.sanctions.exists()

    def test_an_investigation_waits_for_the_persons_statement(self):
        violation = Violation.objects.get(person__username="songjie", detection="")

        assert violation.state == Violation.State.INVESTIGATING
        assert violation.statement_due >= timezone.localdate()
        assert not violation.statements.exists()

    def test_a_unit_level_violation_sanctions_its_leaders_with_a_deadline(self):
        violation = Violation.objects.get(person__isnull=True)

        assert violation.state == Violation.State.VERIFIED
        assert violation.department.code == demo.UNIT_AT_FAULT
        assert violation.correction_due > timezone.localdate()
        leaders = set(violation.sanctions.values_list("person__username", flat=True))
        assert violation.department.head.username in leaders

    def test_detection_proposed_some_violations_and_none_is_a_sanction(self):
        proposals = Violation.objects.filter(source=Violation.Source.AUTOMATIC)

        assert proposals.exists()
        assert set(proposals.values_list("state", flat=True)) == {Violation.State.PROPOSED}
        assert not Sanction.objects.filter(violation__in=proposals).exists()

    def test_two_commendations_one_from_a_very_satisfied_rating(self):
        commendations = Commendation.objects.filter(withdrawn_at__isnull=True)

        assert commendations.count() == 2
        from_rating = commendations.get(rating__isnull=False)
        assert from_rating.person == from_rating.rating.inquiry.first_responder
        assert from_rating.rating.level == 5

    def test_every_record_is_dated_this_year_and_not_in_the_future(self):
        now = timezone.now()
        year = timezone.localdate().year
        for violation in Violation.objects.all():
            assert violation.occurred_on.year == year
            assert violation.reported_at <= now
        for sanction in Sanction.objects.exclude(decided_on=None):
            assert sanction.decided_on.year == year

    def test_the_output_lists_the_accountability_logins(self, demo_output):
        assert "Accountability demo ready" in demo_output
        for username, _shows in demo.DEMO_LOGINS:
            assert username in demo_output

    def test_the_demo_notifications_are_marked_emailed_so_no_email_goes_out(self):
        told = Notification.objects.filter(recipient__username="songjie")

        assert told.exists()
        assert not Notification.objects.filter(emailed_at__isnull=True).exists()

    def test_running_again_changes_nothing_and_writes_no_history(self):
        before = _all_rows()
        out = StringIO()

        with translation.override("en"):
            call_command("seed_penalties_demo", force=True, stdout=out)

        assert _all_rows() == before
        assert "0 records made now, 0 automatic proposals" in out.getvalue()


def test_the_command_needs_the_demo_bureau(db, settings):
    settings.DEBUG = True

    with pytest.raises(Exception, match="seed_demo"):
        call_command("seed_penalties_demo", quiet=True)
