"""generate_load: a small generated database is complete, consistent and repeatable, and the
application keeps working on it (benchmarks rely on all three)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from inquiries.loadgen import CASE_MODELS, LOAD_PASSWORD
from inquiries.models import (
    CaseNumberCounter,
    Channel,
    Department,
    Inquiry,
    Kind,
    Referral,
    RequiredMaterial,
    ServiceMatter,
    StaffProfile,
    Status,
    TimelineEvent,
    User,
)
from inquiries.services import Requester, inquiry_register

SMALL = {"cases": 300, "staff": 40, "departments": 8, "seed": 1, "until": "2026-06-15"}


def generate(**overrides):
    options = SMALL | overrides
    args = [
        f"--{name}" if value is True else f"--{name}={value}" for name, value in options.items()
    ]
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_load", *args, "--force", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def generated(db):
    return generate()


def test_every_status_channel_kind_and_referral_state_is_generated(generated):
    assert set(Inquiry.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Inquiry.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert set(Inquiry.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert set(Referral.objects.values_list("state", flat=True)) == set(Referral.State.values)
    assert set(Referral.objects.values_list("target", flat=True)) == set(Referral.Target.values)
    assert Inquiry.objects.count() == 300
    assert TimelineEvent.objects.count() > 300


def test_generated_cases_pass_model_validation(generated):
    for inquiry in Inquiry.objects.all():
        inquiry.full_clean()
    for referral in Referral.objects.all()[:200]:
        referral.full_clean()


def test_only_unpicked_online_letters_lack_a_first_responder(generated):
    without = Inquiry.objects.filter(first_responder__isnull=True)
    assert set(without.values_list("channel", flat=True)) <= {Channel.ONLINE}
    assert set(without.values_list("status", flat=True)) <= {Status.REGISTERED}


def test_case_numbers_are_unique_and_counters_are_past_them(generated):
    numbers = list(Inquiry.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    codes = list(Inquiry.objects.values_list("tracking_code", flat=True))
    assert len(codes) == len(set(codes))
    for counter in CaseNumberCounter.objects.all():
        taken = [int(n[5:]) for n in numbers if n.startswith(f"{counter.year}-")]
        assert counter.last == max(taken)


def test_a_new_registration_after_generating_gets_the_next_number(generated):
    desk = User.objects.get(username="desk00005")
    inquiry = inquiry_register(
        by=desk,
        channel=Channel.VISIT,
        kind=Kind.CONSULTATION,
        requester=Requester(name="李明", phone="13812345678"),
        subject="咨询营业执照办理流程",
        content="来访人咨询营业执照办理流程。",
        disclosure_given=True,
    )
    year = inquiry.received_at.year
    counter = CaseNumberCounter.objects.get(year=year)
    assert inquiry.number == f"{year}-{counter.last:06d}"
    assert Inquiry.objects.filter(number=inquiry.number).count() == 1


def test_a_generated_case_renders_for_its_first_responder(generated, client):
    inquiry = (
        Inquiry.objects.filter(status=Status.REFERRED, first_responder__isnull=False)
        .order_by("pk")
        .first()
    )
    assert client.login(username=inquiry.first_responder.username, password=LOAD_PASSWORD)
    assert client.get(reverse("inquiries:case_detail", args=[inquiry.number])).status_code == 200
    assert client.get(reverse("inquiries:case_receipt", args=[inquiry.number])).status_code == 200
    assert client.get(reverse("inquiries:my_cases")).status_code == 200
    assert client.get(reverse("inquiries:referral_inbox")).status_code == 200


def _generated_rows_delete():
    """Empty what a run made (cases first: they protect people and departments)."""
    for model in reversed(CASE_MODELS):
        model.objects.all().delete()
    CaseNumberCounter.objects.all().delete()
    RequiredMaterial.objects.all().delete()
    ServiceMatter.objects.all().delete()
    StaffProfile.objects.all().delete()
    for level in (Department.Level.SECTION, Department.Level.DEPARTMENT, Department.Level.UNIT):
        Department.objects.filter(level=level).delete()
    User.objects.all().delete()


def test_the_same_seed_gives_the_same_cases(db):
    generate()
    first = list(Inquiry.objects.order_by("number").values_list("number", "subject", "status"))
    _generated_rows_delete()
    generate()
    second = list(Inquiry.objects.order_by("number").values_list("number", "subject", "status"))
    assert first == second


def test_a_database_with_cases_is_refused_without_append(generated):
    with pytest.raises(CommandError, match="has cases already"):
        generate()


def test_append_adds_cases_with_numbers_after_the_existing_ones(generated):
    generate(cases=50, seed=2, append=True)
    assert Inquiry.objects.count() == 350
    numbers = list(Inquiry.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_without_debug_the_command_needs_force(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_load", "--cases=10", stdout=io.StringIO(), stderr=io.StringIO())
