"""`manage.py sweep_overdue`: record today's lapses, tell the people concerned, send each
supervisor one digest. Meant for cron or a systemd timer on every app node (docs/operations.md):
runs started at the same moment do the work once."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from inquiries.models import Finding
from inquiries.services.sweep import sweep_run


class Command(BaseCommand):
    help = "Find overdue cases, unaccepted referrals, missing feedback and late notices."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be found; write nothing and notify nobody.",
        )

    def handle(self, *args, dry_run=False, **options):
        result = sweep_run(dry_run=dry_run)
        if result.skipped:
            self.stdout.write(_("Another sweep is running; this one stops."))
            return
        if dry_run:
            for lapse in result.findings:
                self.stdout.write(
                    f"{lapse.kind}\t{lapse.inquiry.number}\t{lapse.due.isoformat()}\t{lapse.key}"
                )
            self.stdout.write(
                _("Dry run on %(date)s: %(count)s new findings; nothing was written.")
                % {"date": result.today.isoformat(), "count": len(result.findings)}
            )
        else:
            self.stdout.write(
                _("Sweep on %(date)s: %(count)s new findings, %(digests)s digests sent.")
                % {
                    "date": result.today.isoformat(),
                    "count": len(result.findings),
                    "digests": result.digests,
                }
            )
        for kind, count in result.counts.items():
            self.stdout.write(f"  {kind} ({Finding.Kind(kind).label}): {count}")
