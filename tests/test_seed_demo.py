"""`manage.py seed_demo`: a believable bureau, every role staffed, safe to run again."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from inquiries import demo
from inquiries.management.commands.seed_demo import Command
from inquiries.models import Department, StaffProfile, User
from inquiries.roles import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(settings):
    """seed(**options) runs the command in English and returns what it printed."""
    settings.DEBUG = True

    def run(**options):
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
        "department history": Department.history.count(),
        "user history": User.history.count(),
        "profile history": StaffProfile.history.count(),
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


def test_demo_has_someone_travelling_today_with_a_delegate_and_someone_on_leave(seed):
    seed()
    today = timezone.localdate()

    travelling = StaffProfile.objects.get(availability=StaffProfile.Availability.BUSINESS_TRIP)
    assert travelling.is_away_on(today)
    assert travelling.delegate is not None
    assert travelling.delegate.profile.department == travelling.department
    on_leave = StaffProfile.objects.get(availability=StaffProfile.Availability.ABSENT)
    assert on_leave.is_away_on(today)


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


def test_help_describes_the_quiet_and_force_options():
    with translation.override("en"):
        text = Command().create_parser("manage.py", "seed_demo").format_help()

    assert "--quiet" in text
    assert "--force" in text
