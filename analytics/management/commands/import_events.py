"""``import_events FILE.jsonl``: backfill engagement history, then roll up the days it touched."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from analytics.backfill import import_events
from analytics.processing import process_day
from content.importers import ImportFileError, read_lines


class Command(BaseCommand):
    help = (
        "Import tracker events with explicit timestamps (one JSON object a line: the /collect "
        "fields plus ts, and optionally user_agent); re-importing a line is harmless."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bars.")

    def handle(self, *args, file: Path, no_progress: bool, **options) -> None:
        try:
            lines = read_lines(file)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(total=len(lines), unit="line", disable=no_progress or None, file=self.stderr)
        report = import_events(lines, on_line=bar.update)
        bar.close()
        for problem in report.problems:
            self.stderr.write(f"{file}:{problem}")
        days = sorted(report.days)
        skipped = [
            day
            for day in tqdm(days, unit="day", disable=no_progress or None, file=self.stderr)
            if not process_day(day)
        ]
        if skipped:
            self.stderr.write(f"not rolled up (raw events purged before): {len(skipped)} day(s)")
        failed = len({p.line for p in report.problems})
        summary = (
            f"{report.stored} stored, {report.duplicates} already stored, "
            f"{report.filtered} from bots, {len(days)} day(s) rolled up, {failed} line(s) failed"
        )
        if report.problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
