"""What the office configures: the service catalog, the case policy and taboo phrases."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inquiries.text import normalize_text, pinyin_keys


class Kind(models.TextChoices):
    """What the requester wants: the kinds of 首问 matters."""

    CONSULTATION = "consultation", _("Consultation")
    SERVICE = "service", _("Service")
    COMPLAINT = "complaint", _("Complaint")
    TIP_OFF = "tip_off", _("Tip-off")
    REPORT = "report", _("Report")
    SUGGESTION = "suggestion", _("Suggestion")
    HELP = "help", _("Help")


class ServiceMatter(models.Model):
    """One matter of the service catalog (事项目录), handled by one department."""

    department = models.ForeignKey(
        "Department",
        verbose_name=_("handling department"),
        on_delete=models.PROTECT,
        related_name="matters",
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    procedure = models.TextField(_("procedure"), blank=True)
    promised_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"),
        help_text=_("What the office promises; shorter than the legal limit."),
    )
    legal_days = models.PositiveSmallIntegerField(
        _("legal time limit (working days)"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=800, editable=False)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=200, editable=False, db_index=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service matter")
        verbose_name_plural = _("service catalog")
        ordering = ["department__sort_order", "sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_days__gte=1),
                name="servicematter_promise_at_least_one_day",
                violation_error_message=_("The promised time limit is at least one working day."),
            ),
            models.CheckConstraint(
                condition=Q(legal_days__isnull=True) | Q(promised_days__lt=F("legal_days")),
                name="servicematter_promise_shorter_than_law",
                violation_error_message=_(
                    "The promised time limit must be shorter than the legal time limit."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.name = normalize_text(self.name)
        self.code = normalize_text(self.code).upper()


class RequiredMaterial(models.Model):
    """A document the requester must bring for a matter; the one-time notice lists the rest."""

    matter = models.ForeignKey(
        ServiceMatter,
        verbose_name=_("service matter"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    name = models.CharField(_("name"), max_length=200)
    specification = models.CharField(
        _("specification"), max_length=200, blank=True, help_text=_("E.g. 原件1份，复印件2份.")
    )
    is_required = models.BooleanField(_("required"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        ordering = ["matter", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "name"],
                name="requiredmaterial_name_unique_in_matter",
                violation_error_message=_("This matter already lists a material of that name."),
            ),
        ]

    def __str__(self):
        return self.name


class CasePolicy(models.Model):
    """The institution's rules for cases: time limits by kind and the notice limit.

    One row (pk 1). Defaults are the common practice described in the domain notes; every
    office sets its own in the admin.
    """

    class ClockOnMaterials(models.TextChoices):
        RESTART = "restart", _("Restart the full time limit when the materials are complete")
        RESUME = "resume", _("Resume with the working days that were left")

    SINGLETON_PK = 1

    consultation_days = models.PositiveSmallIntegerField(
        _("consultation (working days)"), default=2
    )
    service_days = models.PositiveSmallIntegerField(
        _("service without a catalog matter (working days)"), default=10
    )
    complaint_days = models.PositiveSmallIntegerField(_("complaint (working days)"), default=15)
    tip_off_days = models.PositiveSmallIntegerField(_("tip-off (working days)"), default=15)
    report_days = models.PositiveSmallIntegerField(_("report (working days)"), default=15)
    suggestion_days = models.PositiveSmallIntegerField(_("suggestion (working days)"), default=10)
    help_days = models.PositiveSmallIntegerField(_("help (working days)"), default=10)
    notice_limit_days = models.PositiveSmallIntegerField(
        _("one-time notice limit (working days)"),
        default=5,
        help_text=_("The one-time notice is due on the spot, at the latest this many days later."),
    )
    referral_accept_days = models.PositiveSmallIntegerField(
        _("referral acceptance limit (working days)"),
        default=1,
        help_text=_("A referral not accepted within this many working days is overdue."),
    )
    feedback_by_handler = models.BooleanField(
        _("handlers may give feedback and close"),
        default=False,
        help_text=_(
            "Unticked: only the first responder tells the requester the result and closes."
        ),
    )
    rectification_days = models.PositiveSmallIntegerField(
        _("rectification limit (working days)"),
        default=15,
        help_text=_("A low rating is followed up and rectified within this many working days."),
    )
    clock_on_materials = models.CharField(
        _("clock when materials arrive"),
        max_length=10,
        choices=ClockOnMaterials.choices,
        default=ClockOnMaterials.RESTART,
        help_text=_("The clock stops while the requester gathers missing materials."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case policy")
        verbose_name_plural = _("case policy")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="casepolicy_single_row"),
        ]

    def __str__(self):
        return str(_("Case policy"))

    def clean(self):
        super().clean()
        for kind in Kind.values:
            if getattr(self, f"{kind}_days") < 1:
                raise ValidationError(
                    {f"{kind}_days": _("A time limit is at least one working day.")}
                )

    @classmethod
    def current(cls) -> "CasePolicy":
        policy, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return policy

    def days_for_kind(self, kind: str) -> int:
        return getattr(self, f"{kind}_days")


class TabooPhrase(models.Model):
    """A service taboo phrase (服务忌语); staff writing it on a case is flagged, never blocked."""

    phrase = models.CharField(_("phrase"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("taboo phrase")
        verbose_name_plural = _("taboo phrases")
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase
