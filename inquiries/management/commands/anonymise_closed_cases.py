"""`manage.py anonymise_closed_cases [--dry-run] [--today YYYY-MM-DD]`: replace the requester's
personal data of every closed case whose kind's retention period (RetentionRule) has passed.

Meant for a daily cron job or systemd timer (docs/operations.md, "Personal data"). Each case
is anonymised in its own transaction; a second run finds nothing more to do. Open cases are
never touched, however old.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from inquiries.services.privacy import anonymise_closed_cases


class Command(BaseCommand):
    help = "Anonymise the requesters of closed cases kept longer than their kind's retention."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the cases that would be anonymised; change nothing.",
        )
        parser.add_argument(
            "--today",
            help="Count retention from this day (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, dry_run=False, today=None, **options):
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(_("--today takes a date as YYYY-MM-DD.")) from error
        else:
            day = timezone.localdate()
        numbers = anonymise_closed_cases(today=day, dry_run=dry_run)
        for number in numbers:
            self.stdout.write(number)
        if dry_run:
            message = _("Dry run on %(date)s: %(count)s cases would be anonymised.")
        else:
            message = _("%(date)s: %(count)s cases anonymised.")
        self.stdout.write(message % {"date": day.isoformat(), "count": len(numbers)})
