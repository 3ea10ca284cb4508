"""`manage.py seed_demo`: a believable bureau, every role staffed, a service catalog and about
200 cases in every state; safe to run again."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone, translation

from inquiries import demo
from inquiries.management.commands.seed_demo import Command
from inquiries.models import (
    CaseFlag,
    Channel,
    Department,
    Inquiry,
    Kind,
    Notice,
    Notification,
    Referral,
    RequiredMaterial,
    ServiceMatter,
    StaffProfile,
    Status,
    TimelineEvent,
    User,
)
from inquiries.models.cases import CLOCK_RUNNING
from inquiries.roles import ROLES
from inquiries.services.notifications import notifications_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(settings):
    """seed(**options) runs the command in English and returns what it printed.

    Without the demo cases unless asked (`without_cases=False`): making them takes seconds,
    so the case tests below share one run.
    """
    settings.DEBUG = True

    def run(**options):
        options.setdefault("without_cases", True)
        out = StringIO()
        with translation.override("en"):
            call_command("seed_demo", stdout=out, **options)
        return out.getvalue()

    return run


def _counts():
    return {
        "departments": Department.objects.count(),
        "users": User.objects.count(),
        "profiles": StaffProfile.objects.count(),
        "memberships": User.groups.through.objects.count(),
        "groups": Group.objects.count(),
        "matters": ServiceMatter.objects.count(),
        "materials": RequiredMaterial.objects.count(),
        "department history": Department.history.count(),
        "user history": User.history.count(),
        "profile history": StaffProfile.history.count(),
        "matter history": ServiceMatter.history.count(),
        "material history": RequiredMaterial.history.count(),
    }


def test_seed_demo_builds_a_unit_with_departments_sections_and_exactly_one_office(seed):
    seed()

    assert Department.objects.filter(level=Department.Level.UNIT).count() == 1
    assert Department.objects.filter(level=Department.Level.DEPARTMENT).count() >= 8
    assert Department.objects.filter(level=Department.Level.SECTION).exists()
    office = Department.objects.get(is_office=True)
    assert office.name == "办公室"
    assert office.name_initials == "bgs"


def test_every_seeded_department_has_duties_keywords_contacts_and_leaders(seed):
    seed()

    for department in Department.objects.exclude(level=Department.Level.UNIT):
        assert department.duties.count("。") >= 2, department.name
        assert department.keyword_list, department.name
        assert department.location and department.phone, department.name
        assert department.head_id and department.contact_person_id, department.name
        assert department.supervising_leader_id, department.name


def test_seed_demo_creates_about_25_staff_each_with_a_profile(seed):
    seed()

    assert 25 <= User.objects.count() == len(demo.STAFF) <= 32
    assert StaffProfile.objects.count() == User.objects.count()


def test_every_role_has_at_least_one_member_and_some_people_hold_several(seed):
    seed()

    for role in ROLES:
        assert Group.objects.get(name=role.group_name).user_set.exists(), role.code
    assert User.objects.filter(username="zhoumin").get().groups.count() >= 2


def test_demo_includes_probationary_and_contract_staff(seed):
    seed()

    employment = set(StaffProfile.objects.values_list("employment_type", flat=True))
    assert StaffProfile.EmploymentType.PROBATIONARY in employment
    assert StaffProfile.EmploymentType.CONTRACT in employment


def test_demo_has_someone_travelling_today_with_a_delegate_and_someone_on_leave_without(seed):
    seed()
    today = timezone.localdate()

    travelling = StaffProfile.objects.get(availability=StaffProfile.Availability.BUSINESS_TRIP)
    assert travelling.is_away_on(today)
    assert travelling.delegate is not None
    assert travelling.delegate.profile.department == travelling.department
    on_leave = StaffProfile.objects.get(availability=StaffProfile.Availability.ABSENT)
    assert on_leave.is_away_on(today)
    assert on_leave.delegate is None


def test_the_admin_account_is_staff_with_the_administrator_role(seed):
    seed()

    admin = User.objects.get(username=demo.ADMIN_USERNAME)
    assert admin.is_staff
    assert admin.has_perm("inquiries.import_organisation")


def test_running_twice_creates_no_duplicates_and_no_history_rows(seed):
    seed()
    first = _counts()

    output = seed()

    assert _counts() == first
    assert "records created: 0, updated: 0" in output


def test_a_second_run_restores_changed_demo_values_with_one_history_row(seed):
    seed()
    office = Department.objects.get(code="BGS")
    office.location = "临时办公点"
    office.save()
    rows = office.history.count()

    seed()

    office.refresh_from_db()
    assert office.location == "局机关办公楼3楼301室"
    assert office.history.count() == rows + 1
    assert office.history.first().history_change_reason == "seed_demo"


def test_a_second_run_keeps_a_password_the_user_has_changed(seed):
    seed()
    user = User.objects.get(username="zhangwei")
    user.set_password("a-new-secret-of-zhangwei")
    user.save()

    seed()

    user.refresh_from_db()
    assert user.check_password("a-new-secret-of-zhangwei")
    assert not user.check_password(demo.DEMO_PASSWORD)


def test_a_second_run_keeps_a_role_given_since(seed):
    seed()
    user = User.objects.get(username="luoqian")
    user.groups.add(Group.objects.get(name="前台接待"))

    seed()

    assert user.groups.filter(name="前台接待").exists()


def test_output_lists_every_login_with_the_admin_first_and_the_site_address(seed):
    output = seed()

    lines = output.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
    assert lines[rule - 1].split()[0] == "Username"
    table = lines[rule + 1 : rule + 1 + len(demo.STAFF)]
    assert table[0].split()[0] == demo.ADMIN_USERNAME
    assert {line.split()[0] for line in table} == {staff.username for staff in demo.STAFF}
    assert all(line.endswith(demo.DEMO_PASSWORD) for line in table)
    assert "http://127.0.0.1:8000/" in output


@pytest.mark.parametrize("options", [{"quiet": True}, {"verbosity": 0}])
def test_quiet_runs_print_nothing(seed, options):
    assert seed(**options) == ""
    assert User.objects.filter(username=demo.ADMIN_USERNAME).exists()


def test_demo_users_can_sign_in_with_the_demo_password(seed, client):
    seed()

    for username in (demo.ADMIN_USERNAME, "lixiaoyu", "chenjing"):
        assert client.login(username=username, password=demo.DEMO_PASSWORD), username
        client.logout()


def test_refuses_to_run_with_debug_off_unless_forced(seed, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        seed()
    assert not User.objects.filter(username=demo.ADMIN_USERNAME).exists()

    seed(force=True, quiet=True)
    assert User.objects.filter(username=demo.ADMIN_USERNAME).exists()


def test_help_describes_the_quiet_force_and_without_cases_options():
    with translation.override("en"):
        text = Command().create_parser("manage.py", "seed_demo").format_help()

    assert "--quiet" in text
    assert "--force" in text
    assert "--without-cases" in text


# --- The service catalog ---


def test_the_catalog_has_matters_for_the_licensing_and_supervision_departments(seed):
    seed()

    matters = ServiceMatter.objects.select_related("department")
    assert 12 <= matters.count() <= 20
    assert {matter.department.code for matter in matters} >= {
        "XZSPK",
        "DJZCK",
        "SPAQK",
        "YPJGK",
        "TZSBK",
    }
    assert set(matters.values_list("name", flat=True)) >= {
        "食品经营许可证核发",
        "个体工商户设立登记",
        "营业执照变更登记",
        "特种设备使用登记",
        "第二类医疗器械经营备案",
    }


def test_every_matter_has_its_basis_conditions_procedure_a_short_promise_and_materials(seed):
    seed()

    for matter in ServiceMatter.objects.prefetch_related("materials"):
        assert matter.legal_basis.startswith("《"), matter.name
        assert matter.conditions and matter.procedure, matter.name
        assert matter.promised_days < matter.legal_days, matter.name
        materials = list(matter.materials.all())
        assert 3 <= len(materials) <= 6, matter.name
        assert all(material.specification for material in materials), matter.name
        assert sum(material.is_required for material in materials) >= 2, matter.name


def test_without_cases_the_command_makes_the_catalog_but_no_case(seed):
    output = seed(without_cases=True)

    assert ServiceMatter.objects.exists()
    assert not Inquiry.objects.exists()
    assert "Demo cases: 0 made now, 0 in all" in output


# --- The demo cases: made once for these tests, rolled back after ---


@pytest.fixture(scope="class")
def demo_output(django_db_setup, django_db_blocker):
    """The full demo with its cases, made once for the class and rolled back after it."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with translation.override("en"):
            call_command("seed_demo", force=True, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _open_cases():
    return Inquiry.objects.exclude(status=Status.CLOSED)


def _case_counts():
    return {
        "cases": Inquiry.objects.count(),
        "notices": Notice.objects.count(),
        "events": TimelineEvent.objects.count(),
        "flags": CaseFlag.objects.count(),
        "referrals": Referral.objects.count(),
        "notifications": Notification.objects.count(),
        "case history": Inquiry.history.count(),
        "referral history": Referral.history.count(),
        "notice history": Notice.history.count(),
        "event history": TimelineEvent.history.count(),
    }


@pytest.mark.usefixtures("db", "demo_output")
class TestDemoCases:
    def test_about_200_cases_are_made_and_the_output_says_so(self, demo_output):
        count = Inquiry.objects.count()

        assert 180 <= count <= 220
        assert f"Demo cases: {count} made now, {count} in all" in demo_output

    def test_every_status_channel_and_kind_occurs(self):
        assert set(Inquiry.objects.values_list("status", flat=True)) == set(Status.values)
        assert set(Inquiry.objects.values_list("channel", flat=True)) == set(Channel.values)
        assert set(Inquiry.objects.values_list("kind", flat=True)) == set(Kind.values)

    def test_some_open_cases_are_overdue(self):
        today = timezone.localdate()

        overdue = Inquiry.objects.filter(status__in=CLOCK_RUNNING, deadline__lt=today)

        assert overdue.exists()
        assert _open_cases().filter(deadline__gte=today).exists()

    def test_a_case_waits_for_materials_after_a_one_time_notice(self):
        waiting = Inquiry.objects.filter(status=Status.AWAITING_MATERIALS)

        assert waiting.exists()
        for inquiry in waiting:
            notice = inquiry.notices.get(sequence=1)
            assert notice.items.exists()
            assert inquiry.matter_id and inquiry.clock_stopped_on

    def test_one_case_got_a_second_different_notice_and_is_flagged(self):
        second = Notice.objects.get(is_second_notice=True)

        assert second.inquiry.flags.filter(kind=CaseFlag.Kind.SECOND_NOTICE).exists()
        assert second.items.filter(name="房屋产权证明复印件").exists()

    def test_some_staff_wrote_a_taboo_phrase_and_were_flagged(self):
        flags = CaseFlag.objects.filter(kind=CaseFlag.Kind.TABOO_PHRASE)

        assert flags.exists()
        assert all(flag.raised_by_id for flag in flags)

    def test_paths_include_referral_office_coordination_and_pointing_elsewhere(self):
        paths = set(Inquiry.objects.values_list("path", flat=True))

        assert {"own_duty", "same_department", "other_department", "office"} <= paths
        assert {"not_allowed", "outside_remit"} <= paths

    def test_closed_cases_record_the_feedback_or_why_there_was_none(self):
        closed = Inquiry.objects.filter(status=Status.CLOSED)

        assert closed.count() >= 100
        assert closed.filter(feedback_at__isnull=True).exclude(unreachable_reason="").exists()
        for inquiry in closed:
            assert inquiry.result and inquiry.closed_at
            assert inquiry.feedback_at or inquiry.unreachable_reason

    def test_cases_were_received_over_the_last_three_months_in_order(self):
        now = timezone.now()
        cases = list(Inquiry.objects.order_by("received_at"))

        assert cases[0].received_at >= now - datetime.timedelta(days=95)
        assert cases[0].received_at <= now - datetime.timedelta(days=60)
        assert cases[-1].received_at < now
        # Numbers were taken as the cases came in, as at a desk.
        for year in {case.received_at.year for case in cases}:
            numbers = [case.number for case in cases if case.number.startswith(f"{year}-")]
            assert numbers == sorted(numbers)

    def test_each_timeline_runs_forward_from_receipt_and_never_into_the_future(self):
        now = timezone.now()

        assert not TimelineEvent.objects.filter(at__gt=now).exists()
        assert not Inquiry.history.filter(history_date__gt=now).exists()
        for inquiry in Inquiry.objects.prefetch_related("events"):
            times = [event.at for event in inquiry.events.all()]
            assert times == sorted(times), inquiry.number
            assert times[0] >= inquiry.received_at, inquiry.number

    def test_requesters_have_chinese_names_and_a_phone_or_address(self):
        for inquiry in Inquiry.objects.all():
            assert 2 <= len(inquiry.requester_name) <= 4, inquiry.requester_name
            assert inquiry.requester_phone or inquiry.requester_address

    def test_a_second_run_adds_no_cases_notices_events_or_history_rows(self, settings):
        settings.DEBUG = True
        before = _case_counts()

        out = StringIO()
        with translation.override("en"):
            call_command("seed_demo", stdout=out)

        assert _case_counts() == before
        assert f"Demo cases: 0 made now, {before['cases']} in all" in out.getvalue()
        assert "records created: 0, updated: 0" in out.getvalue()

    # --- Referrals (转办 / 签收 / 退回) and notifications ---

    def test_referrals_come_in_every_target_and_every_state(self):
        assert set(Referral.objects.values_list("target", flat=True)) == set(Referral.Target.values)
        assert set(Referral.objects.values_list("state", flat=True)) == set(Referral.State.values)

    def test_some_pending_referrals_are_past_their_acceptance_day(self):
        pending = Referral.objects.filter(state=Referral.State.PENDING)
        today = timezone.localdate()

        assert pending.filter(accept_due__lt=today).exists()
        assert pending.filter(accept_due__gte=today).exists()

    def test_department_referrals_are_accepted_by_a_handler_there_or_assigned_by_the_head(self):
        accepted = Referral.objects.filter(
            target=Referral.Target.DEPARTMENT, state=Referral.State.ACCEPTED
        ).select_related("to_user__profile", "to_department", "assigned_by")

        assert accepted.filter(assigned_by__isnull=True).exists()
        assigned = accepted.filter(assigned_by__isnull=False)
        assert assigned.exists()
        for referral in accepted:
            assert referral.to_user.profile.department == referral.to_department
        for referral in assigned:
            assert referral.assigned_by == referral.to_department.head

    def test_returned_referrals_say_why_and_on_what_basis_and_went_back(self):
        returned = Referral.objects.filter(state=Referral.State.RETURNED)

        assert returned.count() >= 3
        for referral in returned:
            assert referral.return_reason.startswith("不属于本科")
            assert "依据《" in referral.return_reason
            assert referral.decided_by and referral.decided_at
        # Sent on to the right department afterwards, and one still with whoever sent it.
        later = Referral.objects.filter(
            inquiry__in=returned.values("inquiry"), state=Referral.State.ACCEPTED
        )
        assert later.exists()
        assert Inquiry.objects.filter(
            referrals__in=returned, status=Status.IN_PROGRESS, current_holder__isnull=False
        ).exists()

    def test_a_referral_to_someone_away_went_to_their_delegate(self):
        referral = Referral.objects.select_related("intended_user__profile").get(
            intended_user__isnull=False
        )

        away = referral.intended_user.profile
        assert away.is_away_on(timezone.localdate(referral.created_at))
        assert referral.to_user == away.delegate
        assert not referral.waiting_for_absent

    def test_a_referral_to_someone_away_with_no_delegate_waits_and_the_responder_is_told(self):
        referral = Referral.objects.select_related("to_user__profile", "inquiry").get(
            waiting_for_absent=True
        )

        assert referral.state == Referral.State.PENDING
        assert referral.to_user.profile.delegate is None
        assert referral.to_user.profile.is_away_on(timezone.localdate(referral.created_at))
        assert referral.inquiry.status == Status.REFERRED
        assert Notification.objects.filter(
            kind=Notification.Kind.HANDLER_ABSENT,
            recipient=referral.inquiry.first_responder,
            inquiry=referral.inquiry,
        ).exists()

    def test_the_office_named_a_lead_and_a_contributing_department(self):
        contribution = Referral.objects.filter(
            target=Referral.Target.CONTRIBUTION, state=Referral.State.ACCEPTED
        ).first()

        assert contribution is not None
        assert not contribution.is_lead
        assert contribution.from_department.is_office
        inquiry = contribution.inquiry
        lead = inquiry.referrals.get(
            target=Referral.Target.DEPARTMENT, is_lead=True, state=Referral.State.ACCEPTED
        )
        assert lead.to_department != contribution.to_department
        assert inquiry.referrals.filter(target=Referral.Target.OFFICE).exists()
        # The contributing department added its part; the case stayed with the lead.
        assert inquiry.events.filter(
            kind=TimelineEvent.Kind.NOTE, actor=contribution.decided_by
        ).exists()
        assert inquiry.current_holder == lead.to_user

    def test_the_supervising_leader_was_asked_for_instructions(self):
        asked = Referral.objects.filter(target=Referral.Target.LEADER).select_related(
            "to_user", "from_user__profile__department"
        )

        assert {referral.state for referral in asked} >= {
            Referral.State.PENDING,
            Referral.State.ACCEPTED,
        }
        for referral in asked:
            department = referral.from_user.profile.department
            assert referral.to_user == department.supervising_leader
            assert referral.reason

    def test_a_case_withdrawn_while_the_office_coordinated_has_its_referral_withdrawn(self):
        withdrawn = Referral.objects.get(state=Referral.State.WITHDRAWN)

        assert withdrawn.target == Referral.Target.OFFICE
        assert withdrawn.inquiry.status == Status.CLOSED

    def test_no_closed_case_has_a_referral_still_waiting(self):
        assert not Referral.objects.filter(
            state=Referral.State.PENDING, inquiry__status=Status.CLOSED
        ).exists()

    def test_the_first_responder_closed_every_case(self):
        closings = TimelineEvent.objects.filter(
            kind=TimelineEvent.Kind.STATUS, to_status=Status.CLOSED
        ).select_related("inquiry")

        assert closings.count() >= 100
        for event in closings:
            assert event.actor_id == event.inquiry.first_responder_id, event.inquiry.number

    def test_referral_times_are_in_the_past_and_in_order(self):
        now = timezone.now()

        for referral in Referral.objects.select_related("inquiry"):
            assert referral.inquiry.received_at <= referral.created_at < now
            if referral.decided_at:
                assert referral.created_at <= referral.decided_at < now
        assert not Referral.history.filter(history_date__gt=now).exists()

    def test_notifications_were_made_by_the_services_and_count_as_emailed(self):
        notifications = Notification.objects.all()

        assert notifications.count() >= 100
        kinds = set(notifications.values_list("kind", flat=True))
        assert {
            Notification.Kind.REFERRAL_RECEIVED,
            Notification.Kind.REFERRAL_TO_DEPARTMENT,
            Notification.Kind.REFERRAL_ACCEPTED,
            Notification.Kind.REFERRAL_RETURNED,
            Notification.Kind.HANDLER_ABSENT,
            Notification.Kind.COORDINATION,
            Notification.Kind.REPLIED,
            Notification.Kind.CLOSED,
        } <= kinds
        for notification in notifications:
            assert notification.emailed_at == notification.created_at
            assert notification.read_at is None or notification.read_at > notification.created_at
        # The newest wait unread; the older ones were read.
        assert notifications.filter(read_at__isnull=True).exists()
        assert notifications.filter(read_at__isnull=False).exists()

    def test_the_emails_queued_while_seeding_find_nothing_to_send(self):
        ids = list(Notification.objects.values_list("pk", flat=True))

        assert notifications_email(ids=ids) == 0
        assert mail.outbox == []
