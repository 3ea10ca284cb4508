"""`manage.py unit_deadlines [--date DATE]`: propose the heavier sanction for the principal
leaders of each unit that let its correction deadline pass (see
`penalties.services.violations.unit_deadlines_sweep`). Running it twice proposes nothing new."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from penalties.services.violations import unit_deadlines_sweep


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            gettext("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}
        ) from error


class Command(BaseCommand):
    # argparse needs plain strings, so the texts are translated when the parser is built.
    @property
    def help(self):
        return gettext(
            "Propose the policy's sanction for the principal leaders of every unit whose "
            "correction deadline passed uncorrected. Running it again proposes nothing twice."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=_date,
            help=gettext("Sweep as of this day (YYYY-MM-DD); by default today."),
        )

    def handle(self, *args, date=None, **options):
        proposed = unit_deadlines_sweep(today=date)
        for sanction in proposed:
            self.stdout.write(f"{sanction.violation.number} · {sanction.person} · {sanction.level}")
        self.stdout.write(
            gettext("%(count)s sanctions proposed for units that did not correct.")
            % {"count": len(proposed)}
        )
