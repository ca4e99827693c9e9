"""``seed_engagement``: demo readers, shares and downloads over recent days, then rollups."""

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from analytics.demo import seed_engagement


class Command(BaseCommand):
    help = "Create demo engagement for the seeded articles (idempotent for the same sizes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--readers-per-day", type=int, default=60)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, days: int, readers_per_day: int, seed: int, no_progress: bool,
               **options) -> None:  # fmt: skip
        bar = tqdm(total=days, unit="day", disable=no_progress or None, file=self.stderr,
                   desc="seed_engagement")  # fmt: skip
        stored = seed_engagement(days, readers_per_day, seed, on_day=bar.update)
        bar.close()
        self.stdout.write(f"engagement: {stored} new events over {days} days")
