"""`manage.py detect_violations [--since DATE] [--dry-run]`: propose the breaches the case
records show, once each (see `penalties.services.detection`). Schedule it after the sweep."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext

from penalties.models import Detection
from penalties.selectors import policy_in_force
from penalties.services.detection import (
    assessment_year_start,
    detection_breaches,
    detection_run,
)


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
            "Propose a violation for each breach the case records show (overdue in one's own "
            "remit, no disclosure, not registered, taboo phrase, second notice, referral left "
            "unaccepted, low rating). Only proposals: a person verifies each one. Running it "
            "again proposes nothing twice."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            type=_date,
            help=gettext(
                "Only breaches on or after this day (YYYY-MM-DD); by default the start of the "
                "current assessment year."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext("List what would be proposed; write nothing."),
        )

    def handle(self, *args, since=None, dry_run=False, **options):
        if dry_run:
            since = since or assessment_year_start(policy_in_force(), timezone.localdate())
            breaches = detection_breaches(since=since)
            for breach in breaches:
                self.stdout.write(f"{breach.key}\t{breach.person}\t{breach.allegation}")
            self.stdout.write(
                gettext("Would propose %(count)s violations (since %(since)s).")
                % {"count": len(breaches), "since": since.isoformat()}
            )
            return
        result = detection_run(since=since)
        labels = dict(Detection.choices)
        for kind, count in result.counts.items():
            self.stdout.write(f"  {labels[kind]}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                gettext("Proposed %(count)s violations (since %(since)s).")
                % {"count": len(result.proposals), "since": result.since.isoformat()}
            )
        )
