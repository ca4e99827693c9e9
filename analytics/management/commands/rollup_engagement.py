"""``rollup_engagement [--start DATE] [--end DATE]``: recompute sessions and rollups of a range."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from analytics.days import days_between
from analytics.processing import process_day


class Command(BaseCommand):
    help = (
        "Recompute share tokens, sessions and daily rollups for every day in the range (default: "
        "yesterday and today). Safe to run again, or beside the scheduled task."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", type=date.fromisoformat, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", type=date.fromisoformat, help="last day, YYYY-MM-DD")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, start: date | None, end: date | None, no_progress: bool, **options):
        end = end or timezone.localdate()
        start = start or end - timedelta(days=1)
        if start > end:
            raise CommandError(f"--start {start} is after --end {end}")
        days = days_between(start, end)
        bar = tqdm(days, unit="day", disable=no_progress or None, file=self.stderr)
        skipped = [day for day in bar if not process_day(day)]
        note = f"; {len(skipped)} purged day(s) kept as they were" if skipped else ""
        self.stdout.write(self.style.SUCCESS(f"{len(days) - len(skipped)} day(s) rolled up{note}"))
