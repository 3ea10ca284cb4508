"""Build the statistics summary again from the cases: after a bulk load or restore that wrote
cases without the ORM, or after upgrading the official holiday calendar (chinese-calendar),
whose changes alter handling times. Safe while the application runs."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from inquiries.services.statistics import rebuild_months


def _month(value: str) -> datetime.date:
    try:
        if len(value) != 7:
            raise ValueError(value)
        return datetime.date.fromisoformat(f"{value}-01")
    except ValueError as error:
        raise CommandError(f"Not a month (YYYY-MM): {value}") from error


class Command(BaseCommand):
    help = "Rebuild the statistics summary from the cases (every month, or the months given)."

    def add_arguments(self, parser):
        parser.add_argument("months", nargs="*", help="Months as YYYY-MM (default: every month).")

    def handle(self, *args, **options):
        months = [_month(value) for value in options["months"]] or None
        started = time.monotonic()
        built = rebuild_months(months)
        self.stdout.write(
            f"Rebuilt {len(built)} month(s) of statistics in {time.monotonic() - started:.1f} s."
        )
