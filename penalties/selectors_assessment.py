"""Reads for the annual assessment: who may see whom, the rows of a year, one person's record.

The list is two queries whatever the number of staff (profiles, then the year's standings:
a left join done in Python, so staff without records show a clean standing).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from inquiries.models import Department, StaffProfile, User
from inquiries.permissions import supervised_department_ids
from penalties import engine
from penalties.models import Commendation, Policy, Sanction, Standing

VIEW_ALL = "penalties.view_all_assessments"


def assessment_scope(user: User) -> set[int] | None:
    """Department ids whose assessment the user may see; None means every department.

    The discipline role sees all; heads and supervising leaders see what they lead, sections
    below included. An empty set: nothing (the views answer 403).
    """
    if user.has_perm(VIEW_ALL):
        return None
    return supervised_department_ids(user)


def scope_departments(scope: set[int] | None):
    departments = Department.objects.order_by("sort_order", "code")
    if scope is not None:
        departments = departments.filter(pk__in=scope)
    return departments


@dataclass
class AssessmentRow:
    profile: StaffProfile
    standing: Standing | None

    @property
    def person(self) -> User:
        return self.profile.user

    def flag(self, name: str) -> bool:
        return bool(self.standing and getattr(self.standing, name))

    @property
    def sanctions_in_force(self) -> int:
        return self.standing.sanctions_in_force if self.standing else 0

    @property
    def commendations(self) -> int:
        return self.standing.commendations if self.standing else 0

    @property
    def rating_floor(self) -> str:
        return self.standing.rating_floor if self.standing else ""

    @property
    def rating_floor_label(self) -> str:
        return self.standing.get_rating_floor_display() if self.rating_floor else ""

    @property
    def excellence_eligible(self) -> bool:
        return not self.flag("no_excellence")

    @property
    def promotion_eligible(self) -> bool:
        return not self.flag("no_promotion")

    @property
    def post_change(self) -> bool:
        return self.flag("post_change")

    @property
    def bonus_withheld_percent(self) -> int:
        return self.standing.bonus_withheld_percent if self.standing else 0


@dataclass
class DepartmentRow:
    department: Department
    staff: int = 0
    sanctions_in_force: int = 0
    commendations: int = 0
    blocking: list[User] = field(default_factory=list)

    @property
    def advanced_eligible(self) -> bool:
        return not self.blocking


def assessment_rows(
    *, year: int, scope: set[int] | None, department: Department | None = None
) -> list[AssessmentRow]:
    """One row per staff member in scope (and under `department`, sections included)."""
    profiles = StaffProfile.objects.select_related("user", "department").order_by(
        "department__sort_order", "department__code", "-rank", "user__username"
    )
    if scope is not None:
        profiles = profiles.filter(department_id__in=scope)
    if department is not None:
        profiles = profiles.filter(
            Q(department=department)
            | Q(department__parent=department)
            | Q(department__parent__parent=department)
        )
    profiles = list(profiles)
    standings = {
        s.person_id: s
        for s in Standing.objects.filter(year=year, person_id__in=[p.user_id for p in profiles])
    }
    return [AssessmentRow(profile=p, standing=standings.get(p.user_id)) for p in profiles]


def department_rows(rows: list[AssessmentRow]) -> list[DepartmentRow]:
    """评先: a department is not eligible when any member's standing says so."""
    by_department: dict[int, DepartmentRow] = {}
    for row in rows:
        item = by_department.setdefault(
            row.profile.department_id, DepartmentRow(department=row.profile.department)
        )
        item.staff += 1
        item.sanctions_in_force += row.sanctions_in_force
        item.commendations += row.commendations
        if row.flag("department_no_advanced"):
            item.blocking.append(row.person)
    return list(by_department.values())


def person_in_scope_get(*, viewer: User, person_id: int, scope: set[int] | None) -> User:
    """The person whose assessment the viewer asks for, or 404 outside the viewer's scope."""
    people = User.objects.select_related("profile__department")
    if scope is not None:
        people = people.filter(profile__department_id__in=scope)
    try:
        return people.get(pk=person_id)
    except User.DoesNotExist:
        raise Http404 from None


@dataclass
class PersonRecord:
    """One person's year: the sanctions, the engine's result and the commendations."""

    person: User
    year: int
    start: datetime.date
    end: datetime.date
    sanctions: list[Sanction]
    commendations: list[Commendation]
    result: engine.StandingResult
    levels: dict[str, str]
    labels: dict[int, str]

    def refs(self, ids) -> list[str]:
        return [self.labels.get(i, f"#{i}") for i in ids]

    @property
    def escalations(self) -> list[dict]:
        return [
            {
                "escalation": e,
                "level_name": self.levels.get(e.level_code, e.level_code),
                "records": self.refs(e.reason_ids),
            }
            for e in self.result.escalations
        ]

    @property
    def floor_records(self) -> list[str]:
        return self.refs(self.result.rating_floor_reasons)

    @property
    def consequences(self) -> list[tuple[str, list[str]]]:
        return [(kind, self.refs(ids)) for kind, ids in self.result.consequences.items()]


def person_record(*, person: User, year: int, policy: Policy) -> PersonRecord:
    """The person's own assessment for a year, computed now by the engine (always current).

    Loads no complainant field: this is what the person concerned sees.
    """
    spec = engine.PolicySpec.from_policy(policy)
    start, end = engine.year_bounds(year, spec)
    sanctions = list(
        Sanction.objects.filter(person=person)
        .filter(
            Q(decided_on__range=(start, end))
            | Q(decided_on__isnull=True, proposed_at__date__range=(start, end))
        )
        .select_related("level", "violation__violation_type")
        .only(
            "pk",
            "state",
            "responsibility",
            "decided_on",
            "proposed_at",
            "revoked_at",
            "revocation_reason",
            "level__code",
            "level__name",
            "violation__number",
            "violation__violation_type__description",
        )
        .order_by("decided_on", "pk")
    )
    commendations = list(
        Commendation.objects.filter(person=person, received_on__range=(start, end)).order_by(
            "received_on", "pk"
        )
    )
    labels = {}
    records = []
    for s in sanctions:
        kind = s.violation.violation_type.description if s.violation.violation_type else ""
        labels[s.pk] = " · ".join(p for p in (s.level.name, s.violation.number, kind) if p)
        records.append(
            engine.SanctionRecord(
                id=s.pk, level_code=s.level.code, decided_on=s.decided_on, state=s.state
            )
        )
    result = engine.standing_compute(
        policy=spec,
        year=year,
        sanctions=records,
        commendations=[
            engine.CommendationRecord(
                id=c.pk, received_on=c.received_on, withdrawn=c.withdrawn_at is not None
            )
            for c in commendations
        ],
    )
    return PersonRecord(
        person=person,
        year=year,
        start=start,
        end=end,
        sanctions=sanctions,
        commendations=[c for c in commendations if c.withdrawn_at is None],
        result=result,
        levels={level.code: level.name for level in spec.levels},
        labels=labels,
    )
