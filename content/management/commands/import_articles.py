"""``import_articles FILE.jsonl``: create or update and publish supplier articles."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from content.importers import ImportFileError, import_articles, read_lines


class Command(BaseCommand):
    help = "Import articles from a JSON Lines file (one article a line); see DESIGN.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--create-suppliers",
            action="store_true",
            help="Onboard suppliers named in the file that do not exist yet (default: report).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Publish over articles waiting for moderation, with a newer draft or taken "
                "offline (default: report them and leave them as they are)."
            ),
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(
        self,
        *args,
        file: Path,
        create_suppliers: bool,
        force: bool,
        no_progress: bool,
        **options,
    ):
        try:
            lines = read_lines(file)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(total=len(lines), unit="line", disable=no_progress or None, file=self.stderr)
        report = import_articles(
            lines, create_suppliers=create_suppliers, force=force, on_line=bar.update
        )
        bar.close()
        for problem in report.problems:
            self.stderr.write(f"{file}:{problem}")
        summary = (
            f"{report.created} created, {report.updated} updated, "
            f"{len(report.problems)} line(s) failed"
        )
        if report.problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
