"""Every free-text field a person can type is shown escaped: a world where each of them holds
script, attribute-breaking, `javascript:` and template payloads is read through every page that
shows them, as the people who may see them, and nothing of the payload runs.

The fields are found by walking the models (every CharField and TextField without choices,
less identifiers, numbers and keys), so a field added later is poisoned too. Excel exports
write a value starting with `=` as text, never as a formula.
"""

import io
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from inquiries import exports
from inquiries.models import (
    Department,
    Inquiry,
    Notice,
    User,
)
from inquiries.selectors_supervision import SECTIONS_BY_NAME
from penalties.models import Violation
from tests.fuzz_world import world_fixture

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LINK = '<a href="javascript:alert(1)">x</a>'
TEMPLATE = "javascript:alert(1) {{ 7*7 }}{% debug %}{{ 7000001|add:1 }}"
FULL = SCRIPT + IMG + LINK + TEMPLATE

# Identifiers, numbers, keys and contact details: validated or generated, not free text.
NOT_FREE_TEXT = re.compile(
    r"^(password|username|email|number|code|tracking_code|key|event_key|detection_key"
    r"|proposal_key|what|case_numbers|phone|.*_phone|requester_id_number|.*_pinyin"
    r"|.*_initials)$"
)


class _Unsafe(HTMLParser):
    """What a payload would look like had it escaped the escaping, found as the browser would
    parse it: a script that alerts, an `on…` handler attribute, a `javascript:` link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") and "alert" in (value or ""):
                self.found.append(f"<{tag} {name}={value}>")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.found.append(f"<script>{data[:80]}")
        if "7000002" in data:
            self.found.append("rendered template: 7000002")


# The payload, escaped: proof that a page does show the poisoned text.
ESCAPED = re.compile(r"&lt;script&gt;alert\(1\)|&lt;img src=x onerror=alert\(1\)&gt;")


def _payload_for(field) -> str | None:
    """The longest payload that fits the field with a " #<pk>" suffix (unique fields)."""
    room = (field.max_length or 10_000) - len(" #") - 12
    for payload in (FULL, SCRIPT + IMG + LINK, IMG, SCRIPT):
        if len(payload) <= room:
            return payload
    return None


def free_text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in {"inquiries", "penalties"}:
            continue
        if model.__name__.startswith("Historical") or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)) or field.choices:
                continue
            if NOT_FREE_TEXT.match(field.name):
                continue
            yield model, field


def poison(world):
    """Every free-text field of every row holds a payload (each row's own: unique fields)."""
    for model, field in free_text_fields():
        payload = _payload_for(field)
        if payload is None:
            continue
        value = Concat(Value(payload + " #"), Cast("pk", CharField()))
        model._base_manager.update(**{field.name: value})


world = world_fixture(scope="module", prepare=poison)


def assert_safe(response, *, shows_payload=True):
    assert response.status_code == 200, (response.request["PATH_INFO"], response.status_code)
    body = response.content.decode()
    parser = _Unsafe()
    parser.feed(body)
    assert parser.found == [], response.request["PATH_INFO"]
    assert "<script>alert" not in body
    if shows_payload:
        assert ESCAPED.search(body), response.request["PATH_INFO"]


@pytest.fixture
def boss(client, world):
    client.force_login(world.boss)
    return client


def test_the_world_holds_the_payload_in_the_fields_people_type(world):
    case = Inquiry.objects.get(pk=world.open_case.pk)
    assert case.subject.startswith(SCRIPT)
    assert "onerror" in case.requester_name
    assert Department.objects.exclude(name__contains="onerror").count() == 0
    assert Violation.objects.exclude(allegation__startswith=SCRIPT).count() == 0
    poisoned = {(model._meta.label, field.name) for model, field in free_text_fields()}
    for expected in [
        ("inquiries.Inquiry", "path_told"),
        ("inquiries.Inquiry", "feedback_note"),
        ("inquiries.Referral", "return_reason"),
        ("inquiries.PressNotice", "answer"),
        ("inquiries.ExtensionRequest", "reason"),
        ("inquiries.Rating", "comment"),
        ("inquiries.Rectification", "report_note"),
        ("inquiries.StaffProfile", "duty"),
        ("inquiries.TabooPhrase", "phrase"),
        ("penalties.Evidence", "document_name"),
        ("penalties.Statement", "text"),
        ("penalties.Commendation", "text"),
    ]:
        assert expected in poisoned


def _showcase_cases(world) -> list[Inquiry]:
    """Cases with something of everything: notices, ratings, referrals, pressing, flags."""
    picks = [world.open_case, world.closed_case, world.letter_case]
    for relation in (
        "notices",
        "rating",
        "rating__rectification",
        "referrals",
        "press_notices",
        "extensions",
        "flags",
    ):
        try:
            picks += list(Inquiry.objects.filter(**{f"{relation}__isnull": False})[:3])
        except Exception:
            continue
    seen, unique = set(), []
    for case in picks:
        if case.pk not in seen:
            seen.add(case.pk)
            unique.append(case)
    return unique


def test_case_pages_receipts_and_notices_show_the_payload_escaped(boss, world):
    for case in _showcase_cases(world):
        assert_safe(boss.get(reverse("inquiries:case_detail", args=[case.number])))
        assert_safe(boss.get(reverse("inquiries:case_receipt", args=[case.number])))
    for notice in Notice.objects.select_related("inquiry")[:8]:
        url = reverse("inquiries:notice_print", args=[notice.inquiry.number, notice.sequence])
        assert_safe(boss.get(url))


def test_lists_dashboards_and_statistics_show_the_payload_escaped(boss):
    for name in (
        "inquiries:phone_register",
        "inquiries:visit_register",
        "inquiries:letter_register",
        "inquiries:supervision",
    ):
        assert_safe(boss.get(reverse(name)))
    for section in SECTIONS_BY_NAME:
        assert_safe(
            boss.get(reverse("inquiries:supervision"), {"list": section}), shows_payload=False
        )
    assert_safe(boss.get(reverse("inquiries:statistics")))
    for group in ("department", "matter", "handler", ""):
        response = boss.get(reverse("inquiries:statistics_cases"), {"group": group})
        if response.status_code == 404:
            continue
        assert_safe(response, shows_payload=False)
    assert_safe(boss.get(reverse("inquiries:case_search"), {"q": "alert"}))
    assert_safe(boss.get(reverse("inquiries:directory")))
    assert_safe(boss.get(reverse("inquiries:directory"), {"q": "script"}), shows_payload=False)
    for department in Department.objects.all():
        assert_safe(boss.get(reverse("inquiries:department_detail", args=[department.code])))
    assert_safe(
        boss.get(reverse("inquiries:matter_lookup"), {"matter": "script"}), shows_payload=False
    )


def test_every_persons_own_pages_show_the_payload_escaped(client, world):
    for user in User.objects.filter(profile__isnull=False, is_active=True):
        client.force_login(user)
        for name in (
            "home",
            "inquiries:my_cases",
            "inquiries:referral_inbox",
            "inquiries:notifications",
            "penalties:my_violations",
            "penalties:my_record",
            "penalties:commendation_list",
        ):
            response = client.get(reverse(name))
            if response.status_code in {302, 403}:
                continue
            assert_safe(response, shows_payload=False)
        for tab_state in ({"state": "all"}, {"tab": "returned", "state": "all"}):
            response = client.get(reverse("inquiries:referral_inbox"), tab_state)
            if response.status_code == 200:
                assert_safe(response, shows_payload=False)


def test_accountability_pages_show_the_payload_escaped(boss):
    assert_safe(boss.get(reverse("penalties:violation_list")))
    for violation in Violation.objects.all():
        assert_safe(boss.get(reverse("penalties:violation_detail", args=[violation.pk])))
    assert_safe(boss.get(reverse("penalties:assessment")))
    for person in Violation.objects.values_list("person_id", flat=True).distinct():
        if person:
            assert_safe(boss.get(reverse("penalties:assessment_person", args=[person])))
    assert_safe(boss.get(reverse("penalties:commendation_list")))
    assert_safe(boss.get(reverse("penalties:rating_followup")), shows_payload=False)


def test_the_public_tracking_page_shows_the_payload_escaped(client, world):
    case = Inquiry.objects.get(pk=world.closed_case.pk)
    response = client.post(
        reverse("inquiries:track"),
        {
            "number": case.number,
            "tracking_code": case.tracking_code,
            "phone_last4": case.requester_phone[-4:],
        },
    )
    assert_safe(response)
    assert "not_found" not in response.context or not response.context["not_found"]


def test_admin_lists_and_change_pages_show_the_payload_escaped(boss):
    for model in admin.site._registry:
        if model._meta.app_label not in {"inquiries", "penalties"}:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        try:
            changelist = reverse("admin:{}_{}_changelist".format(*info))
        except NoReverseMatch:
            continue
        response = boss.get(changelist)
        if response.status_code == 302:  # a single-row admin goes straight to its row
            continue
        assert_safe(response, shows_payload=False)
        obj = model._default_manager.first()
        if obj is None:
            continue
        response = boss.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        if response.status_code == 302:  # an admin that only lists
            continue
        assert_safe(response, shows_payload=False)


def test_an_excel_cell_starting_with_a_formula_sign_stays_text():
    values = ['=HYPERLINK("http://x.example","x")', "+1+2", "-1+2", "@SUM(1)", "=1+1"]
    content = exports.xlsx_bytes(
        title="t", columns=[exports.Column(header="h")] * len(values), rows=[values]
    )
    sheet = load_workbook(io.BytesIO(content)).active
    cells = list(sheet[2])
    assert [cell.value for cell in cells] == values
    assert all(cell.data_type == "s" for cell in cells)


def test_a_register_export_writes_a_formula_like_subject_as_text(boss, world):
    Inquiry.objects.filter(channel="phone").update(subject="=1+1", requester_unit="=2+2")
    response = boss.get(reverse("inquiries:register_export", args=["phone"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    formulas = [cell.value for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []
    assert any(cell.value == "=1+1" for row in sheet.iter_rows() for cell in row)


def test_an_excel_export_drops_control_characters_a_worksheet_cannot_hold():
    content = exports.xlsx_bytes(
        title="t", columns=[exports.Column(header="h")], rows=[["a\x0bb\x01c"]]
    )
    assert load_workbook(io.BytesIO(content)).active["A2"].value == "abc"
