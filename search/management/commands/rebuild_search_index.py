"""``rebuild_search_index``: index every live article again, analysed by one process a core."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from content.models import ArticlePage
from search.indexing import default_workers, index_health, rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the live articles, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the index has documents."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Processes that analyse articles while this one writes (default: one a core).",
        )

    def handle(self, *args, no_progress: bool, if_empty: bool, workers: int, **options) -> None:
        if workers < 1:
            raise CommandError(f"--workers must be at least 1, got {workers}")
        if if_empty and index_health().documents:
            return
        total = ArticlePage.objects.live().public().count()
        bar = tqdm(
            total=total,
            unit="article",
            disable=no_progress or None,
            file=self.stderr,
            desc="indexing",
        )
        indexed = rebuild(progress=bar.update, workers=workers)
        bar.close()
        health = index_health()
        self.stdout.write(
            f"indexed {indexed} article(s) on {health.engine}; "
            f"index holds {health.documents} of {health.published} published"
        )
