"""``load_materials [FILE]``: upsert the Material dictionary and its hub pages."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from content.materials import DATA_FILE, load_materials
from content.site_setup import ensure_site


class Command(BaseCommand):
    help = "Load the herbal-material dictionary (idempotent, by canonical name)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=DATA_FILE)

    def handle(self, *args, file: Path, **options) -> None:
        ensure_site()
        report = load_materials(file)
        self.stdout.write(
            f"materials: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged; {report.hubs_created} hub page(s) created"
        )
