from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarOverride(models.Model):
    """A day whose status an admin sets by hand: a holiday or a 调休 working weekend.

    Used for a year whose official schedule the calendar library does not know yet, or to
    correct a day. An override always wins over the library.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: a working day (e.g. a 调休 Saturday). Unticked: a day off."),
    )
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("E.g. 春节."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}".strip()
