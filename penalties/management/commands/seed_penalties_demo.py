"""`manage.py seed_penalties_demo`: the accountability demo on the demo bureau (see
`penalties.demo`). `seed_demo` runs it at its end; running it again changes nothing."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from inquiries import demo as inquiries_demo
from penalties import demo


class Command(BaseCommand):
    # argparse needs plain strings, so the texts are translated when the parser is built.
    @property
    def help(self):
        return gettext(
            "Put the government policy in force and give demo staff accountability records: "
            "sanctions, a 不称职 rating, a revoked and a dismissed violation, an open "
            "investigation, a unit-level violation, automatic proposals and commendations. It "
            "can be run again: nothing is duplicated."
        )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help=gettext("Print nothing."))
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext(
                "Run even though DEBUG is off, for a demonstration server. "
                "Never use it on an office's live database."
            ),
        )

    def handle(self, *args, quiet=False, force=False, verbosity=1, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                gettext(
                    "seed_penalties_demo writes sample sanctions on demo accounts. "
                    "It runs only with DEBUG on, or with --force on a demonstration server."
                )
            )
        started = time.monotonic()
        try:
            result = demo.penalties_demo_seed()
        except LookupError as error:
            raise CommandError(
                gettext("The demo bureau is not there: run seed_demo first.")
            ) from error
        if quiet or verbosity == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "Accountability demo ready: %(created)s records made now, %(proposals)s "
                    "automatic proposals (%(seconds).1f s)."
                )
                % {
                    "created": len(result.created),
                    "proposals": result.proposals,
                    "seconds": time.monotonic() - started,
                }
            )
        )
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(gettext("Accountability demo logins")))
        width = max(len(username) for username, _shows in demo.DEMO_LOGINS)
        for username, shows in demo.DEMO_LOGINS:
            self.stdout.write(f"{username.ljust(width)}  {shows}")
        self.stdout.write(
            gettext("Password for every demo account: %(password)s")
            % {"password": inquiries_demo.DEMO_PASSWORD}
        )
