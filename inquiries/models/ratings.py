"""好差评: the requester's rating of a closed case, and the rectification a low one opens."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Rating(models.Model):
    """One rating per case, given once and never changed."""

    class Level(models.IntegerChoices):
        VERY_DISSATISFIED = 1, _("Very dissatisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        FAIRLY_SATISFIED = 3, _("Fairly satisfied")
        SATISFIED = 4, _("Satisfied")
        VERY_SATISFIED = 5, _("Very satisfied")

    class Source(models.TextChoices):
        TRACKING_PAGE = "tracking_page", _("Tracking page")
        PHONE = "phone", _("Recorded by staff: phone")
        PAPER = "paper", _("Recorded by staff: paper")

    LOW_LEVELS = frozenset({Level.VERY_DISSATISFIED, Level.DISSATISFIED})
    COMMENT_MAX_LENGTH = 500

    inquiry = models.OneToOneField(
        "Inquiry", verbose_name=_("case"), on_delete=models.CASCADE, related_name="rating"
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    recorded_by = models.ForeignKey(
        "User",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.inquiry_id} · {self.get_level_display()}"

    @property
    def is_low(self) -> bool:
        return self.level in self.LOW_LEVELS

    @property
    def by_staff(self) -> bool:
        return self.source != self.Source.TRACKING_PAGE


class Rectification(models.Model):
    """整改: a low rating is followed up by the handling department's head (回访, 整改)."""

    inquiry = models.ForeignKey(
        "Inquiry", verbose_name=_("case"), on_delete=models.CASCADE, related_name="rectifications"
    )
    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="rectification"
    )
    department = models.ForeignKey(
        "Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        "User",
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due = models.DateField(_("rectification due"))
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    action_taken = models.TextField(_("action taken"), blank=True)
    reported_back_at = models.DateTimeField(_("reported back at"), null=True, blank=True)
    report_note = models.TextField(_("what the requester was told"), blank=True)
    closed = models.BooleanField(_("closed"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["due", "pk"]

    def __str__(self):
        return f"{self.inquiry_id} · {self.due}"
