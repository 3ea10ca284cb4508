"""Recompute the stored standings of an assessment year (after a policy edit)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from penalties.engine import assessment_year
from penalties.selectors import policy_in_force
from penalties.services.standing import standings_recompute_all


class Command(BaseCommand):
    help = "Recompute every standing of an assessment year (the current one by default)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Assessment year; the current one if omitted.")

    def handle(self, *args, year=None, **options):
        year = year or assessment_year(timezone.localdate(), policy_in_force())
        count = standings_recompute_all(year=year)
        self.stdout.write(f"Recomputed {count} standings for {year}.")
