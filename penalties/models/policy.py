"""The accountability policy an institution adopts: sanction ladder, violation catalog,
escalation rules and consequences. Each of the five seed texts is a preset (penalties.presets);
the admin copies one and edits it. Exactly one policy is in force at a time."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AnnualRating(models.TextChoices):
    """The annual assessment grades (公务员年度考核), best first; sanctions can force a floor."""

    EXCELLENT = "excellent", _("Excellent (优秀)")
    COMPETENT = "competent", _("Competent (称职)")
    BASIC = "basic", _("Basically competent (基本称职)")
    INCOMPETENT = "incompetent", _("Incompetent (不称职)")


# Worst last: a lower floor wins over a higher one.
RATING_ORDER = [
    AnnualRating.EXCELLENT,
    AnnualRating.COMPETENT,
    AnnualRating.BASIC,
    AnnualRating.INCOMPETENT,
]


class Policy(models.Model):
    class Preset(models.TextChoices):
        INSURER = "insurer", _("Text 1: insurance company front desk")
        BUREAU = "bureau", _("Text 2: provincial bureau")
        SUBDISTRICT = "subdistrict", _("Text 3: sub-district office")
        COMPANY = "company", _("Text 4: company")
        GOVERNMENT = "government", _("Text 5: government template")

    name = models.CharField(_("name"), max_length=100)
    preset = models.CharField(
        _("copied from preset"), max_length=20, choices=Preset.choices, blank=True
    )
    source = models.TextField(
        _("source text"), blank=True, help_text=_("The rules this policy carries out.")
    )
    is_active = models.BooleanField(_("in force"), default=False)
    year_start_month = models.PositiveSmallIntegerField(
        _("assessment year starts in month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 = the calendar year."),
    )
    leadership_chain = models.BooleanField(
        _("propose sanctions up the leadership chain"),
        default=False,
        help_text=_(
            "A verified violation also proposes sanctions for the section or department head "
            "(principal leadership responsibility) and the supervising leader (important "
            "leadership responsibility)."
        ),
    )
    principal_leader_level = models.ForeignKey(
        "SanctionLevel",
        verbose_name=_("proposed for the head"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    important_leader_level = models.ForeignKey(
        "SanctionLevel",
        verbose_name=_("proposed for the supervising leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit_correction_days = models.PositiveSmallIntegerField(
        _("working days a unit has to correct"),
        default=20,
        help_text=_(
            "After a unit-level violation; when they pass uncorrected, a heavier "
            "sanction is proposed for the unit's principal leaders."
        ),
    )
    unit_refusal_level = models.ForeignKey(
        "SanctionLevel",
        verbose_name=_("proposed when a unit does not correct"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    statement_days = models.PositiveSmallIntegerField(
        _("working days for a statement"),
        default=5,
        help_text=_("How long the person concerned has to submit a statement (申辩)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accountability policy")
        verbose_name_plural = _("accountability policies")
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="policy_one_in_force",
                violation_error_message=_("Only one policy can be in force."),
            ),
        ]

    def __str__(self):
        return self.name


class SanctionLevel(models.Model):
    """One rung of the ladder, lightest first (rank 1)."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="levels"
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=50)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the lightest."))
    rating_floor = models.CharField(
        _("forces the annual rating"),
        max_length=20,
        choices=AnnualRating.choices,
        blank=True,
        help_text=_("For a level that is itself an assessment result, e.g. 不称职."),
    )
    bonus_withheld_percent = models.PositiveSmallIntegerField(
        _("bonus withheld (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sanction level")
        verbose_name_plural = _("sanction levels")
        ordering = ["policy", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="level_code_per_policy"),
            models.UniqueConstraint(fields=["policy", "rank"], name="level_rank_per_policy"),
            models.CheckConstraint(
                condition=Q(bonus_withheld_percent__lte=100), name="level_bonus_percent"
            ),
        ]

    def __str__(self):
        return self.name


class Detection(models.TextChoices):
    """Breaches the system can see in its own case records (proposals only)."""

    NONE = "", _("Not detected automatically")
    OVERDUE = "overdue", _("A case in one's own remit past its deadline")
    NO_DISCLOSURE = "no_disclosure", _("No name, duty and phone told to the requester")
    NOT_REGISTERED = "not_registered", _("A matter not registered in time")
    TABOO_PHRASE = "taboo_phrase", _("A taboo phrase in the record")
    SECOND_NOTICE = "second_notice", _("A second one-time notice")
    REFERRAL_UNACCEPTED = "referral_unaccepted", _("A referral left unaccepted")
    LOW_RATING = "low_rating", _("A 不满意 or 非常不满意 rating")


class ViolationType(models.Model):
    """The violation catalog: what can be breached, its default sanction and its basis."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="violation_types"
    )
    code = models.SlugField(_("code"), max_length=30)
    description = models.CharField(_("description"), max_length=200)
    default_level = models.ForeignKey(
        SanctionLevel,
        verbose_name=_("default sanction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    basis = models.TextField(_("basis"), help_text=_("The clause of the source text."))
    detection = models.CharField(
        _("automatic detection"), max_length=30, choices=Detection.choices, blank=True
    )
    unit_level = models.BooleanField(
        _("unit-level"),
        default=False,
        help_text=_(
            "A unit that does not run the system: its principal leaders are sanctioned and "
            "given a deadline to correct."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("violation type")
        verbose_name_plural = _("violation types")
        ordering = ["policy", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="violation_type_code"),
        ]

    def __str__(self):
        return self.description


class EscalationRule(models.Model):
    """N sanctions of a level in one assessment year become a heavier sanction or a rating."""

    class Result(models.TextChoices):
        SANCTION = "sanction", _("Counts as one sanction of a heavier level")
        RATING = "rating", _("Forces the annual rating")

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="escalations"
    )
    counted_level = models.ForeignKey(
        SanctionLevel,
        verbose_name=_("counted sanction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    or_heavier = models.BooleanField(
        _("heavier sanctions count too"),
        default=False,
        help_text=_("Count every sanction at this level or above, not only this level."),
    )
    threshold = models.PositiveSmallIntegerField(_("how many"), validators=[MinValueValidator(1)])
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    result_level = models.ForeignKey(
        SanctionLevel,
        verbose_name=_("becomes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    result_rating = models.CharField(
        _("annual rating"), max_length=20, choices=AnnualRating.choices, blank=True
    )
    basis = models.TextField(_("basis"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        ordering = ["policy", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(result="sanction", result_level__isnull=False)
                    | (Q(result="rating") & ~Q(result_rating=""))
                ),
                name="escalation_result_given",
                violation_error_message=_("Say what the escalation becomes."),
            ),
            models.CheckConstraint(condition=Q(threshold__gte=1), name="escalation_threshold"),
        ]

    def __str__(self):
        return f"{self.threshold} × {self.counted_level}"


class Consequence(models.Model):
    """What a year's record costs: 评优, 晋级, the department's 评先, the post, the bonus."""

    class Kind(models.TextChoices):
        NO_EXCELLENCE = "no_excellence", _("Not eligible for 评优 this year")
        NO_PROMOTION = "no_promotion", _("No promotion (晋级)")
        DEPARTMENT_NO_ADVANCED = (
            "department_no_advanced",
            _("The department is not eligible for 评先"),
        )
        POST_CHANGE = "post_change", _("Moved off the post or suspended for training")
        BONUS_WITHHELD = "bonus_withheld", _("Year-end bonus withheld")

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="consequences"
    )
    kind = models.CharField(_("consequence"), max_length=30, choices=Kind.choices)
    # Triggered by a count of sanctions at `min_level` or heavier, or by the rating floor.
    min_level = models.ForeignKey(
        SanctionLevel,
        verbose_name=_("sanctions from level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: any sanction counts."),
    )
    min_count = models.PositiveSmallIntegerField(
        _("how many"), default=1, validators=[MinValueValidator(1)]
    )
    on_rating = models.CharField(
        _("or when the annual rating is forced to"),
        max_length=20,
        choices=AnnualRating.choices,
        blank=True,
        help_text=_("When set, the consequence follows the rating instead of a count."),
    )
    basis = models.TextField(_("basis"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consequence")
        verbose_name_plural = _("consequences")
        ordering = ["policy", "pk"]

    def __str__(self):
        return self.get_kind_display()
