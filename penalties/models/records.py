"""Violations and their due process, sanctions, commendations and the stored standing.

Nothing here is deleted: a dismissed violation, a withdrawn proposal and a revoked sanction
stay, with who decided and why. Every model keeps its full history.
"""

from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from penalties.models.policy import AnnualRating, Detection


class Violation(models.Model):
    """A possible breach by a person (or by a unit), from report to decision."""

    class Source(models.TextChoices):
        COMPLAINT_LETTER = "letter", _("Complaint letter")
        HOTLINE = "hotline", _("Report hotline")
        SUGGESTION_BOX = "suggestion_box", _("Suggestion box")
        RATING = "rating", _("A bad rating")
        SUPERVISOR = "supervisor", _("A supervisor's finding")
        AUTOMATIC = "automatic", _("Detected in the case records")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed (not yet reviewed)")
        REPORTED = "reported", _("Reported")
        INVESTIGATING = "investigating", _("Under investigation")
        VERIFIED = "verified", _("Verified (查实)")
        DISMISSED = "dismissed", _("Dismissed")

    OPEN_STATES = frozenset({State.PROPOSED, State.REPORTED, State.INVESTIGATING})

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    policy = models.ForeignKey(
        "Policy", verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+"
    )
    violation_type = models.ForeignKey(
        "ViolationType",
        verbose_name=_("violation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
    )
    # The person complained about; a unit-level violation names the unit (department) instead.
    person = models.ForeignKey(
        "inquiries.User",
        verbose_name=_("person concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
    )
    department = models.ForeignKey(
        "inquiries.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The person's department when reported, or the unit at fault."),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    # What the person concerned is told; never the complainant's identity.
    allegation = models.TextField(_("allegation"))
    # The complainant: seen by the discipline role only, never by the person concerned.
    complainant_name = models.CharField(_("complainant"), max_length=50, blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=30, blank=True)
    complaint_text = models.TextField(_("the complaint as received"), blank=True)
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Automatic proposals: what was detected and a key so the same breach is proposed once.
    detection = models.CharField(
        _("detected as"), max_length=30, choices=Detection.choices, blank=True
    )
    detection_key = models.CharField(
        _("detection key"), max_length=100, null=True, blank=True, unique=True, editable=False
    )
    occurred_on = models.DateField(_("occurred on"))
    reported_at = models.DateTimeField(_("reported at"))
    reported_by = models.ForeignKey(
        "inquiries.User",
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    investigator = models.ForeignKey(
        "inquiries.User",
        verbose_name=_("investigator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    investigation_started_at = models.DateTimeField(
        _("investigation started"), null=True, blank=True
    )
    statement_due = models.DateField(_("statement due"), null=True, blank=True)
    findings = models.TextField(_("findings of the investigation"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "inquiries.User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(_("reasons for the decision"), blank=True)
    # Unit-level: the unit's deadline to start running the system, and when it did.
    correction_due = models.DateField(_("correct by"), null=True, blank=True)
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    correction_note = models.TextField(_("how the unit corrected it"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-reported_at", "-pk"]
        permissions = [
            ("handle_violation", _("Can investigate and decide violations")),
            ("report_violation", _("Can report a violation")),
            ("view_all_assessments", _("Can see every annual assessment")),
        ]
        indexes = [
            models.Index(fields=["state", "-reported_at"], name="violation_state"),
            models.Index(fields=["person", "state"], name="violation_person_state"),
        ]
        constraints = [
            models.CheckConstraint(
                # A verified violation names a person, or is a unit's with a correction deadline.
                condition=Q(person__isnull=False)
                | Q(correction_due__isnull=False)
                | ~Q(state="verified"),
                name="violation_person_or_unit",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["verified", "dismissed"], decided_at__isnull=False)
                | Q(state__in=["proposed", "reported", "investigating"], decided_at__isnull=True),
                name="violation_decided_has_time",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class Evidence(models.Model):
    """Something that supports or answers the allegation: a case, a note, a document."""

    ALLOWED_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "txt")
    MAX_BYTES = 10 * 1024 * 1024

    violation = models.ForeignKey(
        Violation, verbose_name=_("violation"), on_delete=models.PROTECT, related_name="evidence"
    )
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("description"))
    document = models.FileField(
        _("document"),
        upload_to="evidence/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(ALLOWED_EXTENSIONS)],
    )
    document_name = models.CharField(_("document name"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        "inquiries.User", verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"))
    # Hidden from the person concerned (e.g. a document that names the complainant).
    confidential = models.BooleanField(_("discipline role only"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "pk"]

    def __str__(self):
        return f"{self.violation_id} · {self.description[:30]}"


class Statement(models.Model):
    """申辩: what the person concerned says before the decision."""

    violation = models.ForeignKey(
        Violation, verbose_name=_("violation"), on_delete=models.PROTECT, related_name="statements"
    )
    author = models.ForeignKey(
        "inquiries.User", verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("statement"))
    submitted_at = models.DateTimeField(_("submitted at"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["submitted_at", "pk"]

    def __str__(self):
        return f"{self.violation_id} · {self.author}"


class Sanction(models.Model):
    """A sanction on one person for one verified violation; proposals wait for a decision."""

    class Responsibility(models.TextChoices):
        DIRECT = "direct", _("Direct responsibility (直接责任)")
        PRINCIPAL = "principal", _("Principal leadership responsibility (主要领导责任)")
        IMPORTANT = "important", _("Important leadership responsibility (重要领导责任)")
        UNIT_LEADER = "unit_leader", _("Principal leader of the unit at fault")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_FORCE = "in_force", _("In force")
        WITHDRAWN = "withdrawn", _("Proposal not adopted")
        REVOKED = "revoked", _("Revoked on appeal")

    violation = models.ForeignKey(
        Violation, verbose_name=_("violation"), on_delete=models.PROTECT, related_name="sanctions"
    )
    person = models.ForeignKey(
        "inquiries.User",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="sanctions",
    )
    level = models.ForeignKey(
        "SanctionLevel", verbose_name=_("sanction"), on_delete=models.PROTECT, related_name="+"
    )
    responsibility = models.CharField(
        _("responsibility"), max_length=20, choices=Responsibility.choices
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    proposed_at = models.DateTimeField(_("proposed at"))
    # Which assessment year it counts in is decided by this date.
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "inquiries.User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "inquiries.User",
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revoking"), blank=True)
    # A proposal made by the unit-deadline sweep carries a key so it is made once.
    proposal_key = models.CharField(
        _("proposal key"), max_length=100, null=True, blank=True, unique=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-proposed_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "state", "decided_on"], name="sanction_person_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "withdrawn"])
                | Q(decided_on__isnull=False, decided_by__isnull=False),
                name="sanction_in_force_decided",
                violation_error_message=_("A sanction in force names who decided and when."),
            ),
            models.CheckConstraint(
                condition=~Q(state="revoked") | ~Q(revocation_reason=""),
                name="sanction_revoked_has_reason",
                violation_error_message=_("Revoking a sanction needs a reason."),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.level}"


class Commendation(models.Model):
    """表扬: praise from the public, shown in the annual assessment (第四篇 (四))."""

    class Source(models.TextChoices):
        LETTER = "letter", _("Letter of thanks")
        RATING = "rating", _("A very satisfied rating")
        BANNER = "banner", _("Banner or visit")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        "inquiries.User",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    text = models.TextField(_("what was praised"))
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rating = models.OneToOneField(
        "inquiries.Rating",
        verbose_name=_("rating"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendation",
    )
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        "inquiries.User",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["person", "received_on"], name="commendation_person")]

    def __str__(self):
        return f"{self.person} · {self.received_on}"


class Standing(models.Model):
    """A person's computed standing for one assessment year, kept current by the services.

    Stored so that the assessment of every staff member is one query; `reasons` holds the
    engine's explanation (which records caused each escalation and consequence).
    """

    person = models.ForeignKey(
        "inquiries.User",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="standings",
    )
    year = models.PositiveSmallIntegerField(_("assessment year"))
    department = models.ForeignKey(
        "inquiries.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sanctions_in_force = models.PositiveSmallIntegerField(_("sanctions in force"), default=0)
    commendations = models.PositiveSmallIntegerField(_("commendations"), default=0)
    rating_floor = models.CharField(
        _("annual rating forced to"), max_length=20, choices=AnnualRating.choices, blank=True
    )
    no_excellence = models.BooleanField(_("not eligible for 评优"), default=False)
    no_promotion = models.BooleanField(_("no promotion"), default=False)
    department_no_advanced = models.BooleanField(
        _("department not eligible for 评先"), default=False
    )
    post_change = models.BooleanField(_("moved off the post or training"), default=False)
    bonus_withheld_percent = models.PositiveSmallIntegerField(_("bonus withheld (%)"), default=0)
    reasons = models.JSONField(_("reasons"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        ordering = ["year", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="standing_person_year"),
        ]
        indexes = [models.Index(fields=["year", "department"], name="standing_year_department")]

    def __str__(self):
        return f"{self.person} · {self.year}"


class ViolationCounter(models.Model):
    """Per-year counter for violation numbers, locked while a number is taken."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("violation number counter")
        verbose_name_plural = _("violation number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"
