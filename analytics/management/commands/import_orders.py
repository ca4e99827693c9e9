"""``import_orders FILE.csv``: create or update orders from a trade system's CSV export."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from analytics.models import OrderStatusChange
from analytics.order_import import OrderFileError, decode_csv, import_orders, read_rows


class Command(BaseCommand):
    help = (
        "Import orders from a UTF-8 CSV file whose header names the order fields (see "
        "DESIGN.md). Bad rows are reported as FILE:row N [field]: reason, the header being "
        "row 1; nothing of a bad row is written and every good row is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, file: Path, no_progress: bool, **options) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            header, rows = read_rows(decode_csv(file.read_bytes()))
        except OrderFileError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        bar = tqdm(total=len(rows), unit="row", disable=no_progress or None, file=self.stderr)
        report = import_orders(header, rows, source=OrderStatusChange.Source.CSV, on_row=bar.update)
        bar.close()
        for problem in report.problems:
            self.stderr.write(f"{file}:{problem}")
        if report.problems:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
