"""Roles are Django groups that bundle permissions; views and navigation check permissions.

The table below is the single source of what each role may do. `roles_sync()` creates or
updates the groups to match it (after every migrate, and from `seed_demo`). A person can
hold several roles. Group names are the Chinese role names the office uses.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    group_name: str
    label: str
    permissions: tuple[str, ...]


# Everyone on the staff may read the organisation (the seeds require every staff member to
# know every department's duties) and register a case: whoever is asked first is responsible.
_EVERYONE = (
    "inquiries.view_department",
    "inquiries.view_staffprofile",
    "inquiries.view_servicematter",
    "inquiries.register_inquiry",
)
_HANDLE = ("inquiries.handle_inquiry",)
_SUPERVISE = ("inquiries.supervise_inquiry", "inquiries.export_inquiries")
_COORDINATE = ("inquiries.coordinate_inquiry",)
_ADMINISTER = (
    "inquiries.add_department",
    "inquiries.change_department",
    "inquiries.delete_department",
    "inquiries.import_organisation",
    "inquiries.add_staffprofile",
    "inquiries.change_staffprofile",
    "inquiries.delete_staffprofile",
    "inquiries.view_user",
    "inquiries.add_user",
    "inquiries.change_user",
    "auth.view_group",
    "inquiries.add_servicematter",
    "inquiries.change_servicematter",
    "inquiries.delete_servicematter",
    "inquiries.add_requiredmaterial",
    "inquiries.change_requiredmaterial",
    "inquiries.delete_requiredmaterial",
    "inquiries.view_requiredmaterial",
    "inquiries.view_casepolicy",
    "inquiries.change_casepolicy",
    "inquiries.view_calendaroverride",
    "inquiries.add_calendaroverride",
    "inquiries.change_calendaroverride",
    "inquiries.delete_calendaroverride",
    "inquiries.view_taboophrase",
    "inquiries.add_taboophrase",
    "inquiries.change_taboophrase",
    "inquiries.delete_taboophrase",
    "inquiries.view_all_inquiries",
    "inquiries.supervise_inquiry",
    "inquiries.export_inquiries",
    "inquiries.unmask_personal_data",
    "inquiries.view_accessrecord",
    "inquiries.export_accessrecord",
    "inquiries.view_retentionrule",
    "inquiries.change_retentionrule",
)

# Accountability (the penalties app). Named here as data: inquiries does not import penalties.
_REPORT_VIOLATION = ("penalties.report_violation",)
_DISCIPLINE = (
    "penalties.handle_violation",
    "penalties.report_violation",
    "penalties.view_all_assessments",
    "penalties.add_commendation",
    "penalties.view_commendation",
    "inquiries.view_all_inquiries",
)
_CONFIGURE_POLICY = tuple(
    f"penalties.{action}_{model}"
    for model in ("policy", "sanctionlevel", "violationtype", "escalationrule", "consequence")
    for action in ("view", "add", "change")
)
FRONT_DESK = Role("front_desk", "前台接待", _("Front desk"), _EVERYONE)
HANDLER = Role("handler", "经办人", _("Handler"), _EVERYONE + _HANDLE)
DEPARTMENT_HEAD = Role(
    "department_head",
    "部门负责人",
    _("Department head"),
    _EVERYONE + _HANDLE + _SUPERVISE + _REPORT_VIOLATION,
)
SUPERVISING_LEADER = Role(
    "supervising_leader",
    "分管领导",
    _("Supervising leader"),
    _EVERYONE + _SUPERVISE + _REPORT_VIOLATION,
)
OFFICE_COORDINATOR = Role(
    "office_coordinator", "办公室协调员", _("Office coordinator"), _EVERYONE + _COORDINATE
)
DISCIPLINE = Role("discipline", "效能监察", _("Discipline and HR"), _EVERYONE + _DISCIPLINE)
ADMINISTRATOR = Role(
    "administrator", "系统管理员", _("Administrator"), _EVERYONE + _ADMINISTER + _CONFIGURE_POLICY
)

ROLES: tuple[Role, ...] = (
    FRONT_DESK,
    HANDLER,
    DEPARTMENT_HEAD,
    SUPERVISING_LEADER,
    OFFICE_COORDINATOR,
    DISCIPLINE,
    ADMINISTRATOR,
)
ROLES_BY_CODE = {role.code: role for role in ROLES}


def role_from_text(value: str) -> Role | None:
    """Find a role by its code, group name or label (either language), for imports."""
    wanted = value.strip().lower()
    for role in ROLES:
        if wanted in {role.code, role.group_name.lower(), str(role.label).lower()}:
            return role
    return None


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create the role groups and give each exactly the permissions in the table."""
    groups = {}
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.group_name)
        perms = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(perms)
        groups[role.code] = group
    return groups


def sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs):
    # Run once, after the last of our apps (penalties) has migrated and its permissions exist.
    if app_config is None or app_config.label != "penalties":
        return
    if not Permission.objects.using(using).filter(content_type__app_label="penalties").exists():
        return
    roles_sync()
