"""One small organisation with a record of every kind a URL can name, for the access-control
matrix (tests/test_access_matrix.py) and the GET-changes-nothing check
(tests/test_state_changes_post_only.py).

Department A (登记注册处) has a front desk clerk, a handler, a head and a supervising leader;
department B (食品经营监管处) has a handler who must never see A's records; the office has a
coordinator; the discipline officer and the administrator (is_staff) sit in their own rooms.
"""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inquiries import services
from inquiries.models import (
    Channel,
    Department,
    ExtensionRequest,
    Inquiry,
    Kind,
    Notice,
    PressNotice,
    Rating,
    Referral,
    User,
)
from inquiries.services import referrals as referral_services
from inquiries.services import supervision as supervision_services
from penalties.models import Commendation, Evidence, Sanction, Violation
from penalties.services.policy import policy_create_from_preset
from penalties.services.violations import evidence_add, violation_report
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory
from tests.penalties.helpers import make_commendation, make_sanction

# The actors of the matrix, in the order its messages list them.
ACTORS = (
    "anonymous",
    "front_desk",
    "handler",
    "head",
    "leader",
    "coordinator",
    "discipline",
    "administrator",
    "other_handler",
)


@dataclass
class World:
    users: dict[str, User | None]
    department_a: Department
    case: Inquiry  # department A's case, held by A's handler, pressed, extension asked
    referred: Inquiry  # a case whose referral to A's handler waits to be accepted
    referral: Referral
    noticed: Inquiry  # a case held by the front desk with a one-time notice
    notice: Notice
    closed: Inquiry  # a closed case rated "very dissatisfied"
    rating: Rating
    press: PressNotice
    extension: ExtensionRequest
    violation: Violation  # reported about A's front desk clerk, not yet told
    evidence: Evidence
    sanctioned: Violation  # verified: A's handler has a sanction in force
    sanction: Sanction
    commendation: Commendation


def _requester():
    return services.Requester(name="王建国", phone="13812345678")


def _register(by, **kwargs) -> Inquiry:
    fields = {
        "channel": Channel.VISIT,
        "kind": Kind.CONSULTATION,
        "requester": _requester(),
        "subject": "咨询开办公司需要哪些材料",
        "content": "来访人拟开办一家商贸公司，询问需要准备的材料。",
        "disclosure_given": True,
    }
    fields.update(kwargs)
    return services.inquiry_register(by=by, **fields)


def build_world() -> World:
    from penalties.models import Policy

    if not Policy.objects.filter(is_active=True, preset="government").exists():
        Policy.objects.filter(is_active=True).update(is_active=False)
        policy_create_from_preset(preset="government", activate=True)

    unit = UnitFactory(name="某市市场监督管理局", code="UNIT")
    office = DepartmentFactory(parent=unit, name="办公室", code="BGS", is_office=True)
    department_a = DepartmentFactory(parent=unit, name="登记注册处", code="DJZC")
    department_b = DepartmentFactory(parent=unit, name="食品经营监管处", code="SPJY")
    discipline_room = DepartmentFactory(parent=unit, name="效能监察室", code="XNJC")
    it_room = DepartmentFactory(parent=unit, name="信息中心", code="XXZX")

    def staff(username, department, roles, **user_fields):
        user = UserFactory(username=f"m_{username}", roles=roles, **user_fields)
        StaffProfileFactory(user=user, department=department)
        return user

    users = {
        "anonymous": None,
        "front_desk": staff("front_desk", department_a, ["front_desk"]),
        "handler": staff("handler", department_a, ["handler"]),
        "head": staff("head", department_a, ["department_head"]),
        "leader": staff("leader", department_a, ["supervising_leader"]),
        "coordinator": staff("coordinator", office, ["office_coordinator"]),
        "discipline": staff("discipline", discipline_room, ["discipline"]),
        "administrator": staff("administrator", it_room, ["administrator"], is_staff=True),
        "other_handler": staff("other_handler", department_b, ["handler"]),
    }
    department_a.head = users["head"]
    department_a.supervising_leader = users["leader"]
    department_a.save()

    desk, handler = users["front_desk"], users["handler"]

    case = _register(desk)
    handed = referral_services.referral_create(
        inquiry=case,
        by=desk,
        target=Referral.Target.COLLEAGUE,
        to_user=handler,
        reason="需要经办人办理",
    )
    referral_services.referral_accept(referral=handed, by=handler)
    case.refresh_from_db()
    press = supervision_services.press_create(
        inquiry=case,
        by=users["head"],
        message="请今天答复办事人",
        respond_by=timezone.localdate() + datetime.timedelta(days=2),
    )
    extension = supervision_services.extension_request(
        inquiry=case, by=handler, reason="需要现场核查", extra_days=5
    )

    referred = _register(desk, subject="咨询变更登记")
    referral = referral_services.referral_create(
        inquiry=referred,
        by=desk,
        target=Referral.Target.COLLEAGUE,
        to_user=handler,
        reason="需要经办人办理",
    )

    noticed = _register(desk, subject="咨询食品经营许可")
    notice = services.notice_issue(inquiry=noticed, by=desk, extra_items=["营业执照复印件"])

    closed = services.inquiry_close(
        inquiry=_register(desk, subject="咨询年报"),
        by=desk,
        result="已当场答复。",
        feedback_method="on_the_spot",
        feedback_at=timezone.now(),
    )
    rating = Rating.objects.create(
        inquiry=closed,
        level=Rating.Level.VERY_DISSATISFIED,
        comment="等了很久",
        source=Rating.Source.TRACKING_PAGE,
        rated_at=timezone.now(),
    )

    violation = violation_report(
        department=department_a,
        source=Violation.Source.COMPLAINT_LETTER,
        allegation="办理业务时未告知姓名、职责和联系电话",
        occurred_on=timezone.localdate() - datetime.timedelta(days=3),
        person=desk,
        reported_by=users["discipline"],
        complainant_name="赵投诉",
        complainant_phone="13911112222",
        complaint_text="赵某来信称窗口人员态度生硬",
    )
    evidence = evidence_add(
        violation=violation,
        by=users["discipline"],
        description="来信扫描件",
        document=SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    sanction = make_sanction(
        handler, "xiaoneng", timezone.localdate(), decided_by=users["discipline"]
    )
    commendation = make_commendation(handler, timezone.localdate())
    return World(
        users=users,
        department_a=department_a,
        case=case,
        referred=referred,
        referral=referral,
        noticed=noticed,
        notice=notice,
        closed=closed,
        rating=rating,
        press=press,
        extension=extension,
        violation=violation,
        evidence=evidence,
        sanctioned=sanction.violation,
        sanction=sanction,
        commendation=commendation,
    )
