"""The case (Inquiry): one matter raised by a requester, owned by its first responder."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from inquiries.models.catalog import Kind
from inquiries.validators import validate_id_number, validate_phone


class Channel(models.TextChoices):
    # A context of their own: "Phone" elsewhere is a phone number (联系电话), here a call (来电).
    VISIT = "visit", pgettext_lazy("channel", "Visit")
    PHONE = "phone", pgettext_lazy("channel", "Phone")
    LETTER = "letter", pgettext_lazy("channel", "Letter")
    ONLINE = "online", pgettext_lazy("channel", "Online")
    FAX = "fax", pgettext_lazy("channel", "Fax")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_MATERIALS = "awaiting_materials", _("Awaiting materials")
    REFERRED = "referred", _("Referred")
    COORDINATING = "coordinating", _("Coordinating")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


# The only moves a case may make. `inquiries.services.inquiry_transition` enforces it; "overdue"
# is not a status but derived from the deadline.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REGISTERED: frozenset(
        {
            Status.IN_PROGRESS,
            Status.AWAITING_MATERIALS,
            Status.REFERRED,
            Status.COORDINATING,
            Status.CLOSED,
        }
    ),
    Status.IN_PROGRESS: frozenset(
        {
            Status.AWAITING_MATERIALS,
            Status.REFERRED,
            Status.COORDINATING,
            Status.REPLIED,
            Status.CLOSED,
        }
    ),
    Status.AWAITING_MATERIALS: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.REFERRED: frozenset({Status.IN_PROGRESS, Status.REFERRED, Status.COORDINATING}),
    Status.COORDINATING: frozenset({Status.IN_PROGRESS, Status.REFERRED, Status.CLOSED}),
    Status.REPLIED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.REOPENED}),
    Status.REOPENED: frozenset(
        {
            Status.IN_PROGRESS,
            Status.AWAITING_MATERIALS,
            Status.REFERRED,
            Status.COORDINATING,
            Status.REPLIED,
            Status.CLOSED,
        }
    ),
}

# Statuses in which the case's clock runs (it stops while the requester gathers materials).
CLOCK_RUNNING = frozenset(TRANSITIONS) - {Status.AWAITING_MATERIALS, Status.CLOSED}
OPEN_STATUSES = frozenset(TRANSITIONS) - {Status.CLOSED}


class Path(models.TextChoices):
    """The six paths a first responder chooses from (domain notes, "What … must do")."""

    OWN_DUTY = "own_duty", _("Own duty")
    SAME_DEPARTMENT = "same_department", _("Same department, another colleague")
    OTHER_DEPARTMENT = "other_department", _("Another department")
    OFFICE = "office", _("Unclear or cross-department: to the office")
    NOT_ALLOWED = "not_allowed", _("Not allowed by law or policy")
    OUTSIDE_REMIT = "outside_remit", _("Outside the unit's remit")


class FeedbackMethod(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("On the spot")
    PHONE = "phone", pgettext_lazy("feedback method", "Phone")
    SMS = "sms", _("Text message")
    LETTER = "letter", pgettext_lazy("feedback method", "Letter")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("In person")


class CaseNumberCounter(models.Model):
    """The last case number given out in a year; its row is locked while a number is taken."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


def new_tracking_code() -> str:
    # 10 characters of an alphabet without look-alikes (0/O, 1/I/L): about 50 bits.
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Inquiry(models.Model):
    """A case. Its first responder is set at registration and never changes."""

    number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    tracking_code = models.CharField(
        _("tracking code"), max_length=16, default=new_tracking_code, editable=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )

    requester_name = models.CharField(_("requester (name or unit)"), max_length=100)
    requester_unit = models.CharField(_("requester's unit"), max_length=100, blank=True)
    requester_phone = models.CharField(
        _("requester's phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    requester_address = models.CharField(_("requester's address"), max_length=200, blank=True)
    requester_id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )

    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    received_at = models.DateTimeField(_("received at"))
    letter_date = models.DateField(_("date of the letter"), null=True, blank=True)

    first_responder = models.ForeignKey(
        "User",
        verbose_name=_("first responder"),
        on_delete=models.PROTECT,
        related_name="first_responded_inquiries",
        null=True,
        blank=True,
    )
    receiving_department = models.ForeignKey(
        "Department",
        verbose_name=_("receiving department"),
        on_delete=models.PROTECT,
        related_name="received_inquiries",
    )
    disclosure_given = models.BooleanField(
        _("name, duty and phone told"),
        default=False,
        help_text=_("The requester was told the first responder's name, duty and phone."),
    )

    matter = models.ForeignKey(
        "ServiceMatter",
        verbose_name=_("service matter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
    )
    handling_department = models.ForeignKey(
        "Department",
        verbose_name=_("handling department"),
        on_delete=models.PROTECT,
        related_name="handled_inquiries",
        null=True,
        blank=True,
    )
    current_holder = models.ForeignKey(
        "User",
        verbose_name=_("current handler"),
        on_delete=models.PROTECT,
        related_name="held_inquiries",
        null=True,
        blank=True,
    )

    path = models.CharField(_("path"), max_length=20, choices=Path.choices, blank=True)
    path_told = models.TextField(
        _("what the requester was told"),
        blank=True,
        help_text=_("For another department: its name, location, phone and contact person."),
    )
    path_department = models.ForeignKey(
        "Department",
        verbose_name=_("department pointed to"),
        on_delete=models.PROTECT,
        related_name="pointed_inquiries",
        null=True,
        blank=True,
    )

    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    deadline = models.DateField(_("deadline"))
    clock_stopped_on = models.DateField(_("clock stopped on"), null=True, blank=True)
    days_left_when_stopped = models.SmallIntegerField(
        _("working days left when the clock stopped"), null=True, blank=True
    )
    notice_due = models.DateField(_("one-time notice due"), null=True, blank=True)

    result = models.TextField(_("result"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    feedback_method = models.CharField(
        _("feedback method"), max_length=20, choices=FeedbackMethod.choices, blank=True
    )
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    feedback_note = models.TextField(_("feedback"), blank=True)
    unreachable_reason = models.TextField(_("why the requester could not be reached"), blank=True)
    anonymised_at = models.DateTimeField(
        _("personal data anonymised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the requester's personal data was removed after the retention period."),
    )

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("register_inquiry", _("Can register cases")),
            ("handle_inquiry", _("Can handle the cases of their own department")),
            ("supervise_inquiry", _("Can see the cases of the departments they lead")),
            ("coordinate_inquiry", _("Can coordinate unclear and cross-department cases")),
            ("view_all_inquiries", _("Can see every case")),
            ("unmask_personal_data", _("Can see and export requesters' personal data unmasked")),
            ("export_inquiries", _("Can export case lists and statistics to Excel")),
        ]
        indexes = [
            models.Index(fields=["first_responder", "status"], name="inquiry_responder_status"),
            models.Index(fields=["current_holder", "status"], name="inquiry_holder_status"),
            models.Index(
                fields=["handling_department", "status"], name="inquiry_department_status"
            ),
            models.Index(fields=["status", "deadline"], name="inquiry_status_deadline"),
            models.Index(fields=["channel", "-received_at"], name="inquiry_channel_received"),
            # Newest first (the case search): read backwards, stopping after a page.
            models.Index(fields=["received_at", "id"], name="inquiry_received"),
            # "My cases", all of them newest first, as first responder or as handler.
            models.Index(
                fields=["first_responder", "-received_at"], name="inquiry_responder_received"
            ),
            models.Index(fields=["current_holder", "-received_at"], name="inquiry_holder_received"),
            # The dashboard's overdue and due-soon lists, in deadline order: only the ~6% of
            # cases whose clock runs, so the index stays small at a million cases.
            models.Index(
                fields=["deadline", "received_at", "id"],
                name="inquiry_running_deadline",
                condition=Q(status__in=sorted(CLOCK_RUNNING)),
            ),
            # A department's cases of a month — its handling cases, or those it received and
            # nobody handles yet — for the statistics summary (`selectors_statistics.
            # department_q`), recomputed on every change to a case.
            models.Index(
                Coalesce("handling_department", "receiving_department"),
                "received_at",
                name="inquiry_department_received",
            ),
            # Open cases of one status (replied, coordinating…) in deadline order, index-only.
            models.Index(
                fields=["status", "deadline", "received_at", "id"],
                name="inquiry_open_status",
                condition=~Q(status="closed"),
            ),
            # The dashboard's lists that name their cases by id (unaccepted referrals, flags,
            # pressing notices): each id is checked against the supervisor's departments and
            # sorted from this index alone, without reading the case (issue 9).
            models.Index(
                fields=[
                    "id",
                    "handling_department",
                    "receiving_department",
                    "deadline",
                    "received_at",
                ],
                name="inquiry_scope_probe",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_responder__isnull=False) | Q(channel=Channel.ONLINE),
                name="inquiry_first_responder_unless_online",
                violation_error_message=_("Every case but an online letter has a first responder."),
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | (Q(closed_at__isnull=False) & ~Q(result="")),
                name="inquiry_closed_has_result",
                violation_error_message=_("A closed case has a result and a closing time."),
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED)
                | Q(feedback_at__isnull=False)
                | ~Q(unreachable_reason=""),
                name="inquiry_closed_has_feedback",
                violation_error_message=_(
                    "A closed case records the feedback given, or why the requester could not "
                    "be reached."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_first_responder_id", None)
        if loaded is not None and self.first_responder_id != loaded:
            # 首问责任人 never changes: the responsibility stays with whoever was asked first.
            raise ValidationError(_("The first responder of a case cannot be changed."))
        super().save(*args, **kwargs)
        self._loaded_first_responder_id = self.first_responder_id

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._loaded_first_responder_id = instance.__dict__.get("first_responder_id")
        return instance

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def clock_running(self) -> bool:
        return self.status in CLOCK_RUNNING


class TimelineEvent(models.Model):
    """One line of a case's append-only timeline: who did what, when."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        DISCLOSURE = "disclosure", _("Name, duty and phone told")
        PATH = "path", _("Path decided")
        STATUS = "status", _("Status changed")
        NOTICE = "notice", _("One-time notice issued")
        MATERIALS = "materials", _("Materials complete")
        NOTE = "note", _("Note")
        REPLY = "reply", _("Reply")
        FEEDBACK = "feedback", _("Feedback to the requester")
        DEADLINE = "deadline", _("Deadline changed")
        FLAG = "flag", _("Flagged for supervisors")
        PICKED_UP = "picked_up", _("Picked up")
        REFERRED = "referred", _("Referred")
        ACCEPTED = "accepted", _("Referral accepted")
        RETURNED = "returned", _("Referral returned")
        COORDINATED = "coordinated", _("Coordinated by the office")

    inquiry = models.ForeignKey(
        Inquiry, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        "User",
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices, blank=True)
    message = models.TextField(
        _("message"), blank=True, help_text=_("What a person wrote, kept as written.")
    )
    data = models.JSONField(
        _("data"),
        default=dict,
        blank=True,
        help_text=_("The facts of the event, shown in the reader's language."),
    )
    is_public = models.BooleanField(
        _("shown to the requester"),
        default=True,
        help_text=_("Internal notes are never shown on the public tracking page."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["inquiry", "at"], name="timeline_inquiry_at")]

    def __str__(self):
        return f"{self.inquiry_id} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("Timeline events cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def summary(self) -> str:
        """The system's sentence for this event, in the active language ("" if none)."""
        return timeline_summary(self.kind, self.data)


def _display_date(iso: str) -> str:
    """An ISO date stored in event data, shown in the reader's date format."""
    try:
        return date_format(datetime.date.fromisoformat(iso), "DATE_FORMAT")
    except (TypeError, ValueError):
        return iso


def timeline_summary(kind: str, data: dict) -> str:
    """Render an event's facts as a sentence. Kept out of the database so that a case written
    down in Chinese reads in English for an English reader, and the other way round."""
    events = TimelineEvent.Kind
    if kind == events.REGISTERED and data:
        return _("Registered at %(department)s via %(channel)s.") % {
            "department": data.get("department", ""),
            "channel": Channel(data["channel"]).label if data.get("channel") else "",
        }
    if kind == events.DISCLOSURE and data:
        return _("The requester was told: %(name)s, %(title)s, phone %(phone)s.") % data
    if kind == events.DEADLINE and data.get("deadline") and data.get("extension"):
        return _("Extension approved: new deadline %(date)s.") % {
            "date": _display_date(data["deadline"])
        }
    if kind == events.DEADLINE and data.get("deadline"):
        return _("The clock runs again: new deadline %(date)s.") % {
            "date": _display_date(data["deadline"])
        }
    if kind == events.NOTICE and data:
        return _("One-time notice No. %(sequence)s lists: %(items)s") % data
    if kind == events.PATH and data.get("path"):
        label = Path(data["path"]).label
        if data.get("to"):
            return _("%(path)s: %(to)s") % {"path": label, "to": data["to"]}
        return str(label)
    if kind == events.FEEDBACK and data.get("unreachable"):
        return str(_("The requester could not be reached."))
    if kind == events.FEEDBACK and data.get("method"):
        return _("Result told to the requester by %(method)s.") % {
            "method": FeedbackMethod(data["method"]).label
        }
    if kind == events.REFERRED and data.get("to"):
        text = _("Referred to %(to)s; to be accepted by %(due)s.") % {
            "to": data["to"],
            "due": _display_date(data.get("due", "")),
        }
        if data.get("meant_for"):
            text += " " + _("%(name)s is away; their delegate takes it.") % {
                "name": data["meant_for"]
            }
        if data.get("waiting_for_absent"):
            text += " " + str(_("The handler is away and has no delegate: waiting."))
        return text
    if kind == events.NOTE and data.get("rating"):
        from inquiries.models.ratings import Rating

        level = Rating.Level(data["rating"]).label
        return _("A rating was received: %(level)s.") % {"level": level}
    if kind == events.PICKED_UP and data.get("by"):
        return _("Picked up by %(by)s, who is now its first responder.") % {"by": data["by"]}
    if kind == events.ACCEPTED and data.get("by"):
        if data.get("assigned_to"):
            return _("Assigned by %(by)s to %(to)s.") % {
                "by": data["by"],
                "to": data["assigned_to"],
            }
        return _("Accepted by %(by)s.") % {"by": data["by"]}
    if kind == events.RETURNED and data.get("by"):
        return _("Returned by %(by)s to %(to)s.") % {"by": data["by"], "to": data.get("to", "")}
    if kind == events.COORDINATED and data.get("lead"):
        text = _("The office named %(lead)s as the lead department.") % {"lead": data["lead"]}
        if data.get("others"):
            text += " " + _("Contributing: %(others)s.") % {"others": data["others"]}
        return text
    if kind == events.FLAG and data.get("flag"):
        return _("%(flag)s: %(detail)s") % {
            "flag": CaseFlag.Kind(data["flag"]).label,
            "detail": data.get("detail", ""),
        }
    return ""


class Notice(models.Model):
    """A one-time notice (一次性告知单): everything still missing, given at once, in writing."""

    inquiry = models.ForeignKey(
        Inquiry, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notices"
    )
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        "User", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    matter_name = models.CharField(_("matter"), max_length=200, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    procedure = models.TextField(_("procedure"), blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), null=True)
    note = models.TextField(_("note"), blank=True)
    is_second_notice = models.BooleanField(
        _("second notice"),
        default=False,
        help_text=_("Asks for something the first notice did not list: a breach of the rule."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("one-time notice")
        verbose_name_plural = _("one-time notices")
        ordering = ["inquiry", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["inquiry", "sequence"], name="notice_sequence_unique_in_case"
            ),
        ]

    def __str__(self):
        return f"{self.inquiry_id}/{self.sequence}"


class NoticeItem(models.Model):
    """One missing material on a notice, kept as written even if the catalog changes later."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="items"
    )
    material = models.ForeignKey(
        "RequiredMaterial",
        verbose_name=_("material"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    specification = models.CharField(_("specification"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notice item")
        verbose_name_plural = _("notice items")
        ordering = ["notice", "pk"]

    def __str__(self):
        return self.name


class CaseFlag(models.Model):
    """Something supervisors must see on a case: a taboo phrase, a second notice."""

    class Kind(models.TextChoices):
        TABOO_PHRASE = "taboo_phrase", _("Taboo phrase")
        SECOND_NOTICE = "second_notice", _("Second notice")

    inquiry = models.ForeignKey(
        Inquiry, verbose_name=_("case"), on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    detail = models.TextField(_("detail"))
    raised_at = models.DateTimeField(_("raised at"))
    raised_by = models.ForeignKey(
        "User",
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case flag")
        verbose_name_plural = _("case flags")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["kind", "-raised_at"], name="caseflag_kind_raised")]

    def __str__(self):
        return f"{self.inquiry_id} {self.get_kind_display()}"
