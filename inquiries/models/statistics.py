"""The statistics summary (issue 9): the additive numbers of the statistics page per month
received and department, so that a year's statistics read a few thousand summary rows instead
of every case of the year.

Kept exact by `inquiries.statistics_summary`: a change to a case, a referral or a rating
recomputes the summary of that case's month and department from the cases when the
transaction commits; a month is built from the cases the first time it is read. Nothing here
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
        Department, null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    grouping = models.CharField(_("grouping"), max_length=16)
    key = models.CharField(_("group"), max_length=40)
    volume = models.PositiveIntegerField(default=0)
    on_the_spot = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    referrals_decided = models.PositiveIntegerField(default=0)
    referrals_returned = models.PositiveIntegerField(default=0)
    cases_with_returns = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    rated_satisfied = models.PositiveIntegerField(default=0)
    rated_low = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statistics row")
        verbose_name_plural = _("statistics rows")
        indexes = [models.Index(fields=["month", "department"], name="statistics_row_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.department_id} · {self.grouping}:{self.key}"


class StatisticsHandlingTime(models.Model):
    """How many closed cases of a `StatisticsRow`'s group took `days` working days: what the
    90th percentile of the handling time is read from."""

    month = models.DateField(_("month"))
    department = models.ForeignKey(
        Department, null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    grouping = models.CharField(_("grouping"), max_length=16)
    key = models.CharField(_("group"), max_length=40)
    days = models.IntegerField(_("working days"))
    cases = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statistics handling time")
        verbose_name_plural = _("statistics handling times")
        indexes = [
            models.Index(fields=["month", "department"], name="statistics_days_month"),
            # The page reads the handling times of the groups it shows only.
            models.Index(fields=["grouping", "key", "month"], name="statistics_days_group"),
        ]

    def __str__(self):
        group = f"{self.grouping}:{self.key}"
        return f"{self.month:%Y-%m} · {self.department_id} · {group} · {self.days}"
