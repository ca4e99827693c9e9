"""``load_materials [FILE]``: upsert the Material dictionary, its hub pages and the topic
synonym groups."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from content.materials import DATA_FILE, load_materials, load_topic_synonyms
from content.site_setup import ensure_site


class Command(BaseCommand):
    help = "Load the herbal-material dictionary and topic synonyms (idempotent, by name)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=DATA_FILE)

    def handle(self, *args, file: Path, **options) -> None:
        ensure_site()
        report = load_materials(file)
        self.stdout.write(
            f"materials: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged; {report.hubs_created} hub page(s) created"
        )
        groups = load_topic_synonyms()
        self.stdout.write(
            f"topic synonym groups: {groups.created} created, {groups.updated} updated, "
            f"{groups.unchanged} unchanged"
        )
