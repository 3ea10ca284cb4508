"""Supervision: what the sweep finds, pressing notices (督办), extensions (延期), exports."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Finding(models.Model):
    """Something the overdue sweep found, recorded once (its `key` is unique)."""

    class Kind(models.TextChoices):
        CASE_OVERDUE = "case_overdue", _("Case past its deadline")
        REFERRAL_UNACCEPTED = "referral_unaccepted", _("Referral not accepted in time")
        AWAITING_FEEDBACK = "awaiting_feedback", _("Replied but no feedback to the requester")
        NOTICE_LATE = "notice_late", _("One-time notice not issued in time")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    inquiry = models.ForeignKey(
        "Inquiry", verbose_name=_("case"), on_delete=models.CASCADE, related_name="findings"
    )
    referral = models.ForeignKey(
        "Referral",
        verbose_name=_("referral"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="findings",
    )
    department = models.ForeignKey(
        "Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible = models.ForeignKey(
        "User",
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due = models.DateField(_("was due"))
    found_at = models.DateTimeField(_("found at"))
    # E.g. "case_overdue:42:2026-10-13": the same lapse is found once; a new deadline that
    # lapses again is a new finding.
    key = models.CharField(_("key"), max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_at", "-pk"]
        indexes = [models.Index(fields=["kind", "-found_at"], name="finding_kind_found")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.inquiry_id}"


class PressNotice(models.Model):
    """督办: a supervisor's recorded push on a case, shown until it is answered."""

    inquiry = models.ForeignKey(
        "Inquiry", verbose_name=_("case"), on_delete=models.CASCADE, related_name="press_notices"
    )
    pressed_by = models.ForeignKey(
        "User", verbose_name=_("pressed by"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("message"))
    respond_by = models.DateField(_("respond by"))
    created_at = models.DateTimeField(_("pressed at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "User",
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pressing notice")
        verbose_name_plural = _("pressing notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["answered_at", "respond_by"], name="press_open_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="press_answered_has_answer",
                violation_error_message=_("An answered pressing notice has the answer."),
            ),
        ]

    def __str__(self):
        return f"{self.inquiry_id} · {self.respond_by}"


class ExtensionRequest(models.Model):
    """延期: more time, asked before the deadline, decided by the department head."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    inquiry = models.ForeignKey(
        "Inquiry", verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        "User", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.TextField(_("reason"))
    extra_days = models.PositiveSmallIntegerField(_("extra working days"))
    old_deadline = models.DateField(_("deadline before"))
    new_deadline = models.DateField(_("deadline asked for"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        "User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    requester_told_at = models.DateTimeField(_("requester told at"), null=True, blank=True)
    requester_told_note = models.TextField(_("what the requester was told"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extra_days__gte=1),
                name="extension_at_least_one_day",
                violation_error_message=_("An extension is at least one working day."),
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_at__isnull=False),
                name="extension_decided_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.inquiry_id} +{self.extra_days}"


class ExportRecord(models.Model):
    """Every spreadsheet exported: who, when, what and with which filter."""

    user = models.ForeignKey(
        "User", verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    what = models.CharField(_("what"), max_length=50)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    unmasked = models.BooleanField(_("personal data unmasked"), default=False)

    class Meta:
        verbose_name = _("export record")
        verbose_name_plural = _("export records")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user} · {self.what} · {self.at:%Y-%m-%d %H:%M}"
