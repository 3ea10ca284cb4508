"""Personal data (PIPL): who saw requesters' data unmasked and why, and how long it is kept.

`AccessRecord` is append-only: one row each time a list, an export or a case was shown with
personal data unmasked. `RetentionRule` says, per kind of case, how long after closing the
requester's data is kept before `anonymise_closed_cases` replaces it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inquiries.models.catalog import Kind

# Years a closed case keeps its requester's personal data, by kind (see docs/operations.md,
# "Personal data"): short for a question answered, longer where a complaint, tip-off or
# report may be reviewed, appealed or investigated again.
RETENTION_DEFAULT_YEARS = {
    Kind.CONSULTATION: 3,
    Kind.SERVICE: 3,
    Kind.SUGGESTION: 3,
    Kind.HELP: 3,
    Kind.COMPLAINT: 5,
    Kind.TIP_OFF: 10,
    Kind.REPORT: 10,
}


class AccessRecord(models.Model):
    """Personal data shown unmasked: who, when, what, which cases or filter, and why."""

    class Reason(models.TextChoices):
        VERIFY = "verify", _("Verifying the requester's identity")
        CONTACT = "contact", _("Contacting the requester (reply or follow-up call)")
        REVIEW = "review", _("Review of a complaint or petition")
        INVESTIGATION = "investigation", _("Disciplinary investigation")
        LEGAL = "legal", _("Request from a court or procuratorate")
        OTHER = "other", _("Other")

    user = models.ForeignKey(
        "User", verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), db_index=True)
    what = models.CharField(_("what"), max_length=100)
    case_numbers = models.TextField(
        _("case numbers"), blank=True, help_text=_("The cases shown, separated by spaces.")
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    reason_kind = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reason = models.CharField(_("reason given"), max_length=300)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    export = models.ForeignKey(
        "ExportRecord",
        verbose_name=_("export"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_records",
    )

    class Meta:
        verbose_name = _("personal data access record")
        verbose_name_plural = _("personal data access records")
        ordering = ["-at", "-pk"]
        permissions = [("export_accessrecord", _("Can export personal data access records"))]

    def __str__(self):
        return f"{self.user} · {self.what} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("Access records cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Access records cannot be deleted."))


class RetentionRule(models.Model):
    """How long a closed case of one kind keeps its requester's personal data."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    keep_years = models.PositiveSmallIntegerField(
        _("keep (years after closing)"),
        help_text=_("Personal data of a case closed longer ago than this is anonymised."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(keep_years__gte=1),
                name="retention_at_least_one_year",
                violation_error_message=_("Personal data is kept at least one year."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.keep_years}"
