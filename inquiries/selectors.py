"""Read functions for the organisation: the directory every staff member looks things up in."""

import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from inquiries.models import Department, Inquiry, StaffProfile, User
from inquiries.permissions import inquiry_visibility_q
from inquiries.roles import ROLES
from inquiries.text import normalize_text

_NOT_PINYIN = re.compile(r"[^0-9a-z]")

# Everything a directory row shows, fetched in the same query as the departments.
_DIRECTORY_RELATED = (
    "parent",
    "parent__parent",
    "head",
    "contact_person",
    "contact_person__profile",
    "supervising_leader",
)


def department_search(*, query: str) -> QuerySet[Department]:
    """Active departments matching `query`; `department_directory_groups` arranges them.

    Every word of the query must match the name, code, duties or routing keywords; the whole
    query also matches the name's pinyin or its initials ("bgs" and "bangong" find 办公室).
    Full-width input from Chinese input methods is folded first. An empty query lists all.
    """
    departments = Department.objects.filter(is_active=True).select_related(*_DIRECTORY_RELATED)
    text = normalize_text(query)
    if text:
        words_match = Q()
        for word in text.split(" "):
            words_match &= (
                Q(name__icontains=word)
                | Q(code__icontains=word)
                | Q(duties__icontains=word)
                | Q(keywords__icontains=word)
            )
        condition = words_match
        pinyin = _NOT_PINYIN.sub("", text.lower())
        if pinyin:
            condition |= Q(name_pinyin__contains=pinyin) | Q(name_initials__contains=pinyin)
        departments = departments.filter(condition)
    # Listed by the organisation chart, not by relevance: staff learn where a department sits.
    return departments.order_by("sort_order", "code")


def department_resolve(*, text: str) -> list[Department]:
    """The departments a typed value may mean: its code ("BGS", or "BGS 办公室" as a list
    option gives it), its exact name, else whatever the directory search finds."""
    text = normalize_text(text)
    if not text:
        return []
    active = Department.objects.filter(is_active=True).select_related(*_DIRECTORY_RELATED)
    code = text.split(" ", 1)[0].upper()
    exact = list(active.filter(code=code)) or list(active.filter(name=text))
    return exact or list(department_search(query=text)[:10])


@dataclass
class DirectoryGroup:
    """One unit's departments and sections, in the order of its organisation chart."""

    unit: Department | None
    rows: list[Department] = field(default_factory=list)


def department_directory_groups(*, departments) -> list[DirectoryGroup]:
    """Group directory rows by unit; each department is followed by its own sections.

    Expects departments from `department_search` (parents already loaded: no queries here).
    """
    departments = list(departments)

    def sort_key(department):
        key = []
        node = department
        while node is not None:
            key.insert(0, (node.sort_order, node.code))
            node = node.parent
        return key

    groups: dict[int | None, DirectoryGroup] = {}
    for department in sorted(departments, key=sort_key):
        unit = _unit_of(department)
        if unit is department:
            # The unit itself heads its group rather than sitting in it as a row.
            groups.setdefault(unit.pk, DirectoryGroup(unit=unit))
            continue
        key = unit.pk if unit else None
        groups.setdefault(key, DirectoryGroup(unit=unit)).rows.append(department)
    return list(groups.values())


def _unit_of(department: Department) -> Department | None:
    node = department
    while node.parent is not None:
        node = node.parent
    return node if node.level == Department.Level.UNIT else None


def department_office() -> Department | None:
    """The active office (办公室) that coordinates unclear matters (the first unit's)."""
    return (
        Department.objects.filter(is_active=True, is_office=True)
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
        .first()
    )


def department_get_for_directory(*, code: str) -> Department:
    """The active department with this code (any case, full-width folded), or 404."""
    wanted = normalize_text(code).upper()
    try:
        return (
            Department.objects.select_related(
                *_DIRECTORY_RELATED, "head__profile", "supervising_leader__profile"
            )
            .filter(is_active=True)
            .get(code=wanted)
        )
    except Department.DoesNotExist:
        raise Http404("No active department with this code.") from None


def department_children(*, department: Department) -> QuerySet[Department]:
    """Active sections (or departments, for a unit) directly under `department`."""
    return (
        department.children.filter(is_active=True)
        .select_related("contact_person", "contact_person__profile")
        .order_by("sort_order", "code")
    )


def department_staff(*, department: Department) -> QuerySet[StaffProfile]:
    """Active staff of `department`, highest rank first, with their delegates' phones."""
    return (
        StaffProfile.objects.filter(department=department, user__is_active=True)
        .select_related("user", "delegate", "delegate__profile")
        .order_by("-rank", "user__full_name", "user__username")
    )


def staff_profile_for_user(*, user: User) -> StaffProfile | None:
    """The user's staff profile with their department, or None if they have none."""
    return (
        StaffProfile.objects.select_related(
            "department", "department__parent", "delegate", "delegate__profile"
        )
        .filter(user=user)
        .first()
    )


def user_role_labels(*, user: User) -> list[str]:
    """The user's roles as translated labels, in the order of the role table.

    Groups that are not one of the known roles are listed under their own name.
    """
    names = set(user.groups.values_list("name", flat=True))
    labels = [str(role.label) for role in ROLES if role.group_name in names]
    known = {role.group_name for role in ROLES}
    labels.extend(sorted(names - known))
    return labels


# --- Cases -----------------------------------------------------------------------------------


# What a list row shows, loaded in the same query as the cases.
LIST_RELATED = ("first_responder", "current_holder", "handling_department", "receiving_department")


def inquiries_visible_to(user) -> QuerySet:
    """Every case `user` may open, with what lists show loaded in the same query."""
    queryset = Inquiry.objects.select_related(*LIST_RELATED)
    q = inquiry_visibility_q(user)
    return queryset if q is None else queryset.filter(q)


def inquiries_of(user, *, role: Q) -> QuerySet:
    """The cases matching `role`, a condition naming `user` as first responder and/or current
    handler (`Q(first_responder=user)`, `Q(current_holder=user)` or either), with what lists
    show loaded.

    Whoever is signed in and active may open these (the first two rules of
    `inquiry_duty_q`), so the visibility filter is left out: its other branches only made
    the planner's work harder (issue 9).
    """
    if not user.is_authenticated or not user.is_active:
        return Inquiry.objects.none()
    return Inquiry.objects.select_related(*LIST_RELATED).filter(role)


def _visible_by_plain_rules(user, inquiry: Inquiry) -> bool:
    """Whether one of the rules of `inquiry_visibility_q` that need no other table admits
    `user` to `inquiry`: they see every case, registered it, hold it, or handle in its
    handling department. (The others — referrals, supervision, the office — are asked of
    the database.)"""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk in (inquiry.first_responder_id, inquiry.current_holder_id):
        return True
    if user.has_perm("inquiries.view_all_inquiries"):
        return True
    profile = getattr(user, "profile", None)
    return (
        profile is not None
        and inquiry.handling_department_id is not None
        and profile.department_id == inquiry.handling_department_id
        and user.has_perm("inquiries.handle_inquiry")
    )


def inquiry_get_for_user(*, user, number: str):
    """The case with this number if `user` may see it; otherwise 404 (never 403: a 403 would
    tell a stranger the case exists).

    The people a case page is usually opened by are admitted without building the whole
    visibility filter, which took Django ~9 ms per page at a million cases (issue 9); the
    answer is the same (tests/test_case_access.py, tests/test_access_matrix.py)."""
    inquiry = (
        Inquiry.objects.select_related(
            "first_responder__profile",
            "current_holder__profile",
            "handling_department",
            "receiving_department",
            "matter",
            "path_department",
        )
        .filter(number=number)
        .first()
    )
    if inquiry is None:
        raise Http404
    if _visible_by_plain_rules(user, inquiry):
        return inquiry
    q = inquiry_visibility_q(user)
    if q is not None and not Inquiry.objects.filter(q, pk=inquiry.pk).exists():
        raise Http404
    return inquiry
