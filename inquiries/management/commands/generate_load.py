"""Fill the database with a generated organisation and many cases, for benchmarks.

    python manage.py generate_load --cases 1000000 --staff 2000 --departments 200 --seed 1

The organisation: a unit (code LOAD) with `--departments` departments (the first is the
office), two sections under every fourth one, a head for each, supervising leaders, a bureau
chief, coordinators, an administrator, a discipline officer, and front-desk staff and handlers
with profiles and roles; every account's password is `firstask-load`. Then a service catalog
and the cases of the last `--years` years, in every status, channel, kind and path, with
referrals in every state, timelines, one-time notices, notifications, ratings and
rectifications, overdue findings, pressing notices and flags (see `inquiries.loadgen`).

Same seed, sizes and `--until` day on an empty database: the same data. Cases are written in
batches of 5,000, each committed: an interrupted run leaves the batches written so far (run
it again with `--append`, or recreate the database).

Without `--append` the command refuses a database that has cases already. With it, the cases
are added to the organisation a previous run generated (or a new one if there is none),
their numbers continuing from each year's counter.

No simple-history rows are written: this is synthetic load data. Like seed_demo, it creates
accounts with a published password, so it runs only with DEBUG on, or with `--force`.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inquiries.loadgen import LOAD_PASSWORD, LoadError, LoadOptions, load_generate, rows_table
from inquiries.models import Inquiry


class Command(BaseCommand):
    help = (
        "Generate an organisation and many cases (PostgreSQL COPY, or batched inserts on "
        "SQLite) for benchmarks. Repeatable with --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument("--staff", type=int, default=200)
        parser.add_argument("--departments", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--years", type=int, default=3, help="Cases are spread over this many years."
        )
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day the data ends (cases up to the day before); today by default.",
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add cases to a database that has some (and to a generated organisation).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. Never on an office's live database.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "generate_load creates accounts with a shared, published password. "
                "It runs only with DEBUG on, or with --force on a benchmark database."
            )
        if options["cases"] < 1 or options["years"] < 1:
            raise CommandError("--cases and --years must be at least 1.")
        if Inquiry.objects.exists() and not options["append"]:
            raise CommandError(
                "This database has cases already. Use a new database, or --append to add more."
            )
        load = LoadOptions(
            cases=options["cases"],
            staff=options["staff"],
            departments=options["departments"],
            seed=options["seed"],
            years=options["years"],
            until=options["until"],
            append=options["append"],
        )
        try:
            result = load_generate(
                load, progress_stream=self.stderr._out, log=lambda text: self.stderr.write(text)
            )
        except LoadError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {load.cases:,} cases in {result.seconds:,.1f} s "
                f"({load.cases / max(result.seconds, 0.001):,.0f} cases/s)."
            )
        )
        self.stdout.write("Rows written:")
        self.stdout.write(rows_table(result), ending="")
        if result.database_bytes is not None:
            self.stdout.write(f"Database size: {result.database_bytes / 2**20:,.0f} MB")
        self.stdout.write(f"Every generated account's password: {LOAD_PASSWORD}")
