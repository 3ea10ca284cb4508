"""Builders shared by the case tests: a small bureau and a registered case."""

import datetime
import zoneinfo

from inquiries import services
from inquiries.models import Department, Kind, RequiredMaterial, ServiceMatter
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def make_bureau():
    """A unit with an office, a licensing department and a complaints department."""
    unit = UnitFactory()
    office = DepartmentFactory(parent=unit, name="办公室", code="BGS", is_office=True)
    licensing = DepartmentFactory(parent=unit, name="行政审批科", code="XZSP")
    complaints = DepartmentFactory(parent=unit, name="消费者权益保护科", code="XBK")
    return unit, office, licensing, complaints


def make_person(department: Department, *, roles=("front_desk", "handler"), **profile):
    user = UserFactory(roles=list(roles))
    StaffProfileFactory(user=user, department=department, **profile)
    return user


def make_matter(department: Department, *, promised_days=10, legal_days=20) -> ServiceMatter:
    matter = ServiceMatter.objects.create(
        department=department,
        code="SPJY",
        name="食品经营许可证核发",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        conditions="有与经营食品相适应的经营场所",
        procedure="申请—受理—审查—决定",
        promised_days=promised_days,
        legal_days=legal_days,
    )
    for order, name in enumerate(["营业执照复印件", "法定代表人身份证明", "经营场所平面图"]):
        RequiredMaterial.objects.create(matter=matter, name=name, sort_order=order)
    return matter


def register(by, *, kind=Kind.CONSULTATION, channel="visit", matter=None, received_at=None):
    return services.inquiry_register(
        by=by,
        channel=channel,
        kind=kind,
        requester=services.Requester(name="李明", phone="13812345678"),
        subject="咨询营业执照办理",
        content="来人询问个体工商户营业执照如何办理。",
        disclosure_given=True,
        received_at=received_at,
        matter=matter,
    )
