"""Building blocks for the violation tests (P2): a policy in force, a small organisation
(unit → department → section with heads and leaders) and a violation under investigation."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from inquiries.models import Department, User
from penalties.models import Policy, Violation
from penalties.services.policy import policy_create_from_preset
from penalties.services.violations import (
    statement_submit,
    violation_open_investigation,
    violation_report,
)
from tests.factories import DepartmentFactory, UnitFactory


def policy_in_force_as(preset: str) -> Policy:
    """The preset's policy, put in force (the one in force before stops being so)."""
    active = Policy.objects.filter(is_active=True).first()
    if active is not None and active.preset == preset:
        return active
    return policy_create_from_preset(preset=preset, activate=True)


@dataclass
class Org:
    unit: Department
    department: Department
    section: Department
    person: User  # a clerk of the section
    colleague: User
    head: User  # the department's head (the section has none)
    leader: User  # the department's supervising leader
    unit_head: User
    officer: User  # 效能监察
    officer2: User


def build_org(make_staff) -> Org:
    unit = UnitFactory()
    department = DepartmentFactory(parent=unit, name="综合业务处", code="ZHYW")
    section = DepartmentFactory(
        parent=department, level=Department.Level.SECTION, name="窗口股", code="CKG"
    )
    person = make_staff(roles=["front_desk", "handler"], department=section, username="clerk")
    colleague = make_staff(roles=["handler"], department=section, username="colleague")
    head = make_staff(roles=["department_head"], department=department, username="head")
    leader = make_staff(roles=["supervising_leader"], department=department, username="leader")
    unit_head = make_staff(roles=["supervising_leader"], department=department, username="boss")
    officer = make_staff(roles=["discipline"], department=department, username="officer")
    officer2 = make_staff(roles=["discipline"], department=department, username="officer2")
    department.head = head
    department.supervising_leader = leader
    department.save()
    unit.head = unit_head
    unit.save()
    return Org(
        unit, department, section, person, colleague, head, leader, unit_head, officer, officer2
    )


COMPLAINANT = "赵投诉"
COMPLAINANT_PHONE = "13911112222"
COMPLAINT_TEXT = "赵某来信称窗口人员态度生硬"


def report(org: Org, *, person: User | None = "default", **kwargs) -> Violation:
    person = org.person if person == "default" else person
    values = {
        "department": org.section if person is not None else org.unit,
        "source": Violation.Source.COMPLAINT_LETTER,
        "allegation": "办理业务时未告知姓名、职责和联系电话",
        "occurred_on": timezone.localdate() - datetime.timedelta(days=3),
        "person": person,
        "reported_by": org.officer,
        "complainant_name": COMPLAINANT,
        "complainant_phone": COMPLAINANT_PHONE,
        "complaint_text": COMPLAINT_TEXT,
    }
    values.update(kwargs)
    return violation_report(**values)


def investigating(org: Org, *, with_statement: bool = True, by=None, **kwargs) -> Violation:
    violation = report(org, **kwargs)
    violation = violation_open_investigation(violation=violation, by=by or org.officer)
    if with_statement and violation.person is not None:
        statement_submit(violation=violation, author=violation.person, text="当时业务繁忙，已改正")
    violation.refresh_from_db()
    return violation
