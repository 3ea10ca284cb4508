"""The statistics summary (issue 9): the additive numbers of the statistics page per month
received and department, so that a year's statistics read a few thousand summary rows instead
of every case of the year.

Kept exact by `inquiries.services.statistics`: a change to a case, a referral or a rating
adds the difference it makes to the summary in the same transaction; a month is built from
the cases the first time it is read. Nothing here
is ever edited by hand, and the rows can be rebuilt at any time (`manage.py
refresh_statistics`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from inquiries.models.organisation import Department


class StatisticsMonth(models.Model):
    """A month whose summary has been built from the cases (and is kept up to date since)."""

    month = models.DateField(_("month"), primary_key=True)  # its first day
    built_at = models.DateTimeField(_("built at"), auto_now=True)

    class Meta:
        verbose_name = _("statistics month")
        verbose_name_plural = _("statistics months")

    def __str__(self):
        return f"{self.month:%Y-%m}"


class StatisticsRow(models.Model):
    """The additive numbers of the cases received in one month whose department (the handling
    department, else the receiving one) is `department`, for one group of one grouping of the
    statistics page ("all" holds every case of the month and department)."""

    month = models.DateField(_("month"))
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    grouping = models.CharField(_("grouping"), max_length=16)
    key = models.CharField(_("group"), max_length=40)
    # Plain integers, not positive ones: the counts change by adding and subtracting a case's
    # share, and a summary that had drifted must not make saving a case fail.
    volume = models.IntegerField(default=0)
    on_the_spot = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    referrals_decided = models.IntegerField(default=0)
    referrals_returned = models.IntegerField(default=0)
    cases_with_returns = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rated_satisfied = models.IntegerField(default=0)
    rated_low = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("statistics row")
        verbose_name_plural = _("statistics rows")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "department", "grouping", "key"], name="statistics_row_key"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.department_id} · {self.grouping}:{self.key}"


class StatisticsHandlingTime(models.Model):
    """How many closed cases of a `StatisticsRow`'s group took `days` working days: what the
    90th percentile of the handling time is read from."""

    month = models.DateField(_("month"))
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    grouping = models.CharField(_("grouping"), max_length=16)
    key = models.CharField(_("group"), max_length=40)
    days = models.IntegerField(_("working days"))
    cases = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("statistics handling time")
        verbose_name_plural = _("statistics handling times")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "department", "grouping", "key", "days"],
                name="statistics_days_key",
            )
        ]
        # The page reads the handling times of the groups it shows only.
        indexes = [models.Index(fields=["grouping", "key", "month"], name="statistics_days_group")]

    def __str__(self):
        group = f"{self.grouping}:{self.key}"
        return f"{self.month:%Y-%m} · {self.department_id} · {group} · {self.days}"
