"""``import_articles FILE.jsonl``: create or update and publish supplier articles, in batches.

After each committed and indexed batch the command writes ``FILE.jsonl.progress`` (the file's
SHA-256, the last line done, the counts and problems so far). A run interrupted at any point
is resumed by running the same command again: it skips the lines done, provided the file has
not changed since, and reports the whole file; a finished run removes the checkpoint.
A batch cut off mid-way was rolled back and is imported again; one committed but not yet
checkpointed is imported again as updates, so every article is stored once.
"""

import hashlib
import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from content.importers import (
    BATCH_SIZE,
    ImportFileError,
    ImportProblem,
    ImportReport,
    import_articles,
    read_lines,
)


def checkpoint_path(file: Path) -> Path:
    return file.with_name(f"{file.name}.progress")


def file_digest(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def read_checkpoint(file: Path, digest: str) -> tuple[int, ImportReport]:
    """The last line an earlier run of this same file committed and its report, or 0."""
    try:
        data = json.loads(checkpoint_path(file).read_text(encoding="utf-8"))
        if data["sha256"] != digest or data["line"] < 1:
            raise ValueError("another file, or nothing done")
        problems = [ImportProblem(*problem) for problem in data["problems"]]
        return data["line"], ImportReport(data["created"], data["updated"], problems)
    except (OSError, ValueError, KeyError, TypeError):  # none, unreadable or stale: start over
        return 0, ImportReport()


def write_checkpoint(file: Path, digest: str, line: int, report: ImportReport) -> None:
    """Replace the checkpoint atomically: a kill leaves the old one or the new one."""
    path = checkpoint_path(file)
    partial = path.with_name(f"{path.name}.tmp")
    data = {
        "sha256": digest,
        "line": line,
        "created": report.created,
        "updated": report.updated,
        "problems": [[p.line, p.field, p.message] for p in report.problems],
    }
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


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
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Lines per transaction and per index write (default {BATCH_SIZE}).",
        )
        parser.add_argument(
            "--restart",
            action="store_true",
            help="Ignore the checkpoint of an interrupted run and start from line 1.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(
        self,
        *args,
        file: Path,
        create_suppliers: bool,
        force: bool,
        batch_size: int,
        restart: bool,
        no_progress: bool,
        **options,
    ):
        if batch_size < 1:
            raise CommandError(f"--batch-size must be at least 1, got {batch_size}")
        try:
            lines = read_lines(file)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        digest = file_digest(file)
        done, report = (0, ImportReport()) if restart else read_checkpoint(file, digest)
        if done:
            self.stderr.write(f"{file}: resuming after line {done} (pass --restart to redo all)")
        bar = tqdm(
            total=len(lines),
            initial=done,
            unit="line",
            disable=no_progress or None,
            file=self.stderr,
        )
        report = import_articles(
            lines,
            create_suppliers=create_suppliers,
            force=force,
            on_line=bar.update,
            batch_size=batch_size,
            start_after=done,
            on_batch=lambda line, so_far: write_checkpoint(file, digest, line, so_far),
            report=report,
        )
        bar.close()
        checkpoint_path(file).unlink(missing_ok=True)
        for problem in report.problems:
            self.stderr.write(f"{file}:{problem}")
        summary = (
            f"{report.created} created, {report.updated} updated, "
            f"{len(report.problems)} line(s) failed"
        )
        if report.problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
