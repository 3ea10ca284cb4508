"""A full world for the input-handling tests (allow-lists, escaping, form fuzzing): the demo
bureau with its cases and accountability records, plus the rows the demo does not make
(a pressing notice, extension requests, an online letter) and one "boss" who holds every
role, so every page and every form has something to show.

`world_fixture()` makes a class- or module-scoped fixture: the world is built once inside a
transaction and rolled back after, and each test still runs in its own savepoint (`db`).
"""

import datetime
from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone, translation

from inquiries.models import (
    Department,
    ExtensionRequest,
    Inquiry,
    PressNotice,
    User,
)
from inquiries.roles import ROLES
from tests.factories import StaffProfileFactory, UserFactory

BOSS_USERNAME = "s4-boss"

# Models whose rows may legitimately change on a refused request: login-attempt records,
# sessions, and the throttle's and history's own book-keeping.
COUNT_IGNORED_APPS = {"axes", "sessions", "otp_static", "otp_totp", "otp_email"}


@dataclass
class World:
    boss: User
    open_case: Inquiry
    closed_case: Inquiry
    letter_case: Inquiry


def build_world() -> World:
    """Seed the demo and add what it lacks. Call inside a transaction that is rolled back."""
    with translation.override("en"):
        call_command("seed_demo", force=True, stdout=StringIO())
    office = Department.objects.filter(is_office=True).first() or Department.objects.first()
    boss = UserFactory(
        username=BOSS_USERNAME,
        roles=[role.code for role in ROLES],
        is_staff=True,
        is_superuser=True,
    )
    StaffProfileFactory(user=boss, department=office)
    now = timezone.now()
    today = timezone.localdate()
    open_cases = Inquiry.objects.filter(closed_at__isnull=True).order_by("pk")
    open_case = open_cases.first()
    closed_case = Inquiry.objects.filter(closed_at__isnull=False).order_by("pk").first()
    for case in open_cases[:3]:
        PressNotice.objects.create(
            inquiry=case,
            pressed_by=boss,
            message="请尽快办理",
            respond_by=today,
            created_at=now,
        )
        ExtensionRequest.objects.create(
            inquiry=case,
            requested_by=case.first_responder or boss,
            requested_at=now,
            reason="材料复杂",
            extra_days=3,
            old_deadline=case.deadline or today,
            new_deadline=(case.deadline or today) + datetime.timedelta(days=5),
        )
    PressNotice.objects.create(
        inquiry=closed_case,
        pressed_by=boss,
        message="已督办",
        respond_by=today,
        created_at=now,
        answered_at=now,
        answered_by=boss,
        answer="已办结",
    )
    ExtensionRequest.objects.create(
        inquiry=closed_case,
        requested_by=boss,
        requested_at=now,
        reason="需要补充调查",
        extra_days=2,
        old_deadline=today,
        new_deadline=today + datetime.timedelta(days=3),
        state=ExtensionRequest.State.REFUSED,
        decided_by=boss,
        decided_at=now,
        decision_note="理由不充分",
        requester_told_at=now,
        requester_told_note="已电话告知",
    )
    from inquiries.services.public import online_letter_submit

    letter_case = online_letter_submit(
        kind="complaint",
        name="网上来信人",
        phone="13900001111",
        email="writer@example.com",
        address="某市某区某路1号",
        subject="网上来信的标题",
        content="网上来信的内容",
    )
    return World(boss=boss, open_case=open_case, closed_case=closed_case, letter_case=letter_case)


def world_fixture(scope="class", prepare=None):
    """A fixture giving a `World` built once per `scope` (and `prepare(world)` run after)."""

    @pytest.fixture(scope=scope)
    def world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            built = build_world()
            if prepare is not None:
                prepare(built)
            yield built
            transaction.set_rollback(True)

    return world


def counted_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in COUNT_IGNORED_APPS and model._meta.managed
    ]


def row_counts() -> dict[str, int]:
    """Rows of every model (history tables included), to prove nothing was half-saved; one
    query, as the fuzzing asks before and after every post."""
    chosen = counted_models()
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(
        f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in chosen
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(chosen, counts, strict=True)}
