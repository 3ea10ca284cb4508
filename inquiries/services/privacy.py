"""Personal data (PIPL): unmasking with a reason, access records, retention and anonymisation.

Unmasking. Holding `inquiries.unmask_personal_data` never unmasks by itself. The user asks on
a list ("show personal data"), gives a reason, and gets a grant kept in their session for
`UNMASK_MINUTES` on that list (its scope) and the list's export. Every page or file then shown
unmasked is one `AccessRecord` with the cases it showed and the reason.

Anonymisation. A closed case whose kind's retention has passed has its requester's data
replaced (`inquiry_anonymise`), in the case, its history rows, its timeline and rating, and
the notifications about it; `anonymise_closed_cases` runs it over every such case.
"""

import datetime
import ipaddress
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from firstask.client_ip import client_ip
from inquiries.masking import mask_id_number, mask_phone
from inquiries.models import (
    AccessRecord,
    ExportRecord,
    Inquiry,
    Notification,
    Rating,
    RetentionRule,
    Status,
    TimelineEvent,
)
from inquiries.models.cases import new_tracking_code
from inquiries.models.privacy import RETENTION_DEFAULT_YEARS

UNMASK_PERMISSION = "inquiries.unmask_personal_data"
UNMASK_MINUTES = 10
SESSION_KEY = "privacy_unmask"
REASON_MIN_LENGTH = 4

CASE_PAGES_SCOPE = "case_pages"

# The lists that may be unmasked, by scope. A grant for a scope also covers its exports.
SCOPES = {
    "my_cases": _("My cases"),
    "register:phone": _("Phone register"),
    "register:visits": _("Visit register"),
    "register:letters": _("Letter register"),
    "supervision": _("Supervision dashboard"),
    "statistics_cases": _("Statistics: cases"),
    "search": _("Case search"),
    # The case page, its receipt and its notices, for those who see a case only because they
    # may see every case (not by duty): one reason covers every case page for a while.
    CASE_PAGES_SCOPE: _("Case pages"),
}

ANONYMISED_NAME = "已匿名"
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def mask_numbers_in_text(text: str) -> str:
    """Free text with the ID numbers and phone numbers in it masked (as on the lists)."""
    if not text:
        return text
    text = _ID_NUMBER.sub(lambda match: mask_id_number(match.group()), text)
    text = _MOBILE.sub(lambda match: mask_phone(match.group()), text)
    return _LANDLINE.sub(lambda match: mask_phone(match.group()), text)


# --- Unmasking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """A user's leave to see one list unmasked, and why."""

    scope: str
    reason_kind: str
    reason: str
    until: datetime.datetime


def may_ask_to_unmask(user) -> bool:
    return user.has_perm(UNMASK_PERMISSION)


def unmask_grant(request, scope: str) -> Grant | None:
    """The user's live grant for `scope`, or None (no permission, never asked, or expired)."""
    if not may_ask_to_unmask(request.user):
        return None
    saved = request.session.get(SESSION_KEY, {}).get(scope)
    if not saved:
        return None
    until = datetime.datetime.fromisoformat(saved["until"])
    if until <= timezone.now():
        return None
    return Grant(scope=scope, reason_kind=saved["reason_kind"], reason=saved["reason"], until=until)


def unmask_grant_give(
    *, request, scope: str, reason_kind: str, reason: str, now: datetime.datetime | None = None
) -> Grant:
    """Remember in the session that the user gave `reason` to see `scope` unmasked."""
    if scope not in SCOPES:
        raise ValueError(scope)
    until = (now or timezone.now()) + datetime.timedelta(minutes=UNMASK_MINUTES)
    grants = {
        key: value
        for key, value in request.session.get(SESSION_KEY, {}).items()
        if datetime.datetime.fromisoformat(value["until"]) > timezone.now()
    }
    grants[scope] = {"reason_kind": reason_kind, "reason": reason, "until": until.isoformat()}
    request.session[SESSION_KEY] = grants
    return Grant(scope=scope, reason_kind=reason_kind, reason=reason, until=until)


def unmask_grant_end(*, request, scope: str) -> None:
    grants = dict(request.session.get(SESSION_KEY, {}))
    if grants.pop(scope, None) is not None:
        request.session[SESSION_KEY] = grants


def _client_address(request) -> str | None:
    address = client_ip(request) or ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def access_record(
    *,
    request,
    grant: Grant,
    what: str,
    cases=(),
    filters: dict | None = None,
    export: ExportRecord | None = None,
) -> AccessRecord:
    """Record that `what` was shown to the user unmasked, with the cases it showed."""
    numbers = [case if isinstance(case, str) else case.number for case in cases]
    return AccessRecord.objects.create(
        user=request.user,
        at=timezone.now(),
        what=what,
        case_numbers=" ".join(numbers),
        filters=filters or {},
        reason_kind=grant.reason_kind,
        reason=grant.reason,
        client_address=_client_address(request),
        export=export,
    )


# --- Retention -------------------------------------------------------------------------------


def retention_rules() -> dict[str, int]:
    """Years to keep, by kind; a kind without a rule gets its default rule (first use)."""
    rules = dict(RetentionRule.objects.values_list("kind", "keep_years"))
    for kind, years in RETENTION_DEFAULT_YEARS.items():
        if kind not in rules:
            RetentionRule.objects.get_or_create(kind=kind, defaults={"keep_years": years})
            rules[kind] = years
    return rules


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def cases_due_for_anonymising(*, today: datetime.date):
    """Closed, not yet anonymised cases closed before their kind's retention began."""
    cases = Inquiry.objects.none()
    for kind, years in retention_rules().items():
        cutoff = _years_before(today, years)
        start = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
        cases = cases | Inquiry.objects.filter(
            kind=kind,
            status=Status.CLOSED,
            anonymised_at__isnull=True,
            closed_at__lt=start,
        )
    return cases.order_by("closed_at", "pk")


def scrub_text(text: str, *, names: list[str]) -> str:
    """Free text with the requester's names, phone and ID numbers replaced."""
    if not text:
        return text
    for name in names:
        if name and len(name) >= 2:
            text = text.replace(name, ANONYMISED_NAME)
    text = _ID_NUMBER.sub("[ID]", text)
    text = _MOBILE.sub("[phone]", text)
    return _LANDLINE.sub("[phone]", text)


# Free-text fields of a case that may quote its requester.
_CASE_TEXT_FIELDS = (
    "subject",
    "content",
    "path_told",
    "result",
    "feedback_note",
    "unreachable_reason",
)
_REQUESTER_BLANKS = {
    "requester_unit": "",
    "requester_phone": "",
    "requester_address": "",
    "requester_id_number": "",
}


@transaction.atomic
def inquiry_anonymise(*, inquiry: Inquiry, now: datetime.datetime | None = None) -> bool:
    """Replace the requester's personal data of a closed case everywhere it is kept.

    False (and nothing changes) for a case that is open or already anonymised.
    """
    now = now or timezone.now()
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.status != Status.CLOSED or inquiry.anonymised_at is not None:
        return False
    names = sorted(
        {inquiry.requester_name.strip(), inquiry.requester_unit.strip()} - {""},
        key=len,
        reverse=True,
    )
    # The history keeps every earlier value: scrub those too, not only the latest.
    historical = inquiry.history.model.objects.filter(id=inquiry.pk)
    for row in historical.values("requester_name", "requester_unit"):
        for name in (row["requester_name"], row["requester_unit"]):
            if name and name.strip() and name.strip() not in names:
                names.append(name.strip())
    names.sort(key=len, reverse=True)

    for row in historical:
        row.requester_name = ANONYMISED_NAME
        for field, blank in _REQUESTER_BLANKS.items():
            setattr(row, field, blank)
        for field in _CASE_TEXT_FIELDS:
            setattr(row, field, scrub_text(getattr(row, field), names=names))
        row.tracking_code = ""
        row.save(
            update_fields=[
                "requester_name",
                *_REQUESTER_BLANKS,
                *_CASE_TEXT_FIELDS,
                "tracking_code",
            ]
        )

    inquiry.requester_name = ANONYMISED_NAME
    for field, blank in _REQUESTER_BLANKS.items():
        setattr(inquiry, field, blank)
    for field in _CASE_TEXT_FIELDS:
        setattr(inquiry, field, scrub_text(getattr(inquiry, field), names=names))
    # The code the requester was given no longer opens the case on the tracking page.
    inquiry.tracking_code = new_tracking_code()
    inquiry.anonymised_at = now
    inquiry._change_reason = "anonymised after the retention period"
    inquiry.save()

    for model in (TimelineEvent, TimelineEvent.history.model):
        for pk, message in model.objects.filter(inquiry_id=inquiry.pk).values_list("pk", "message"):
            scrubbed = scrub_text(message, names=names)
            if scrubbed != message:
                model.objects.filter(pk=pk).update(message=scrubbed)
    for model in (Rating, Rating.history.model):
        for pk, comment in model.objects.filter(inquiry_id=inquiry.pk).values_list("pk", "comment"):
            scrubbed = scrub_text(comment, names=names)
            if scrubbed != comment:
                model.objects.filter(pk=pk).update(comment=scrubbed)
    for notification in Notification.objects.filter(inquiry_id=inquiry.pk):
        subject = notification.data.get("subject")
        if subject:
            notification.data["subject"] = scrub_text(subject, names=names)
            Notification.objects.filter(pk=notification.pk).update(data=notification.data)

    with override("zh-hans"):
        message = str(_("The requester's personal data was anonymised after the retention period."))
    # Timeline events are append-only; this one is internal (never on the tracking page).
    TimelineEvent.objects.create(
        inquiry=inquiry,
        at=now,
        actor=None,
        kind=TimelineEvent.Kind.NOTE,
        message=message,
        data={"anonymised": True},
        is_public=False,
    )
    return True


def anonymise_closed_cases(*, today: datetime.date, dry_run: bool = False) -> list[str]:
    """Anonymise every case due (or only list them, with `dry_run`); the case numbers."""
    numbers = []
    for inquiry in cases_due_for_anonymising(today=today).only("pk", "number"):
        if dry_run or inquiry_anonymise(inquiry=inquiry):
            numbers.append(inquiry.number)
    return numbers
