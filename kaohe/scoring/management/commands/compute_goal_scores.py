from django.core.management.base import BaseCommand
from django.utils import timezone

from kaohe.scoring.services import goal_scores_compute


class Command(BaseCommand):
    help = "Compute every unit's and cadre's goal score of a year (default: this year) from the goal scores."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, year=None, **options):
        year = year or timezone.localdate().year
        counts = goal_scores_compute(year=year)
        self.stdout.write(f"{year}: {counts['units']} units, {counts['cadres']} cadres")
