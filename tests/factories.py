"""factory_boy factories with Chinese fake data for the organisation models."""

import factory
from django.contrib.auth.models import Group

from inquiries.models import Department, StaffProfile, User
from inquiries.roles import ROLES_BY_CODE


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    level = Department.Level.UNIT
    parent = None
    name = "某市市场监督管理局"
    code = "UNIT"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    level = Department.Level.DEPARTMENT
    parent = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"第{n}处")
    code = factory.Sequence(lambda n: f"D{n:03d}")
    location = factory.Sequence(lambda n: f"行政中心{n % 9 + 1}楼")
    phone = factory.Faker("phone_number", locale="zh_CN")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("pass-firstask-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["front_desk", "handler"]) puts the user in those role groups."""
        if not create or not extracted:
            return
        for code in extracted:
            self.groups.add(Group.objects.get(name=ROLES_BY_CODE[code].group_name))


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    title = "科员"
    duty = "负责日常咨询接待"
    office_phone = factory.Sequence(lambda n: f"0531-8{n:07d}")
