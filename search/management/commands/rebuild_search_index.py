"""``rebuild_search_index``: empty the index and index every live article again."""

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from content.models import ArticlePage
from search.indexing import index_health, rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the live articles, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the index has documents."
        )

    def handle(self, *args, no_progress: bool, if_empty: bool, **options) -> None:
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
        indexed = rebuild(progress=bar.update)
        bar.close()
        health = index_health()
        self.stdout.write(
            f"indexed {indexed} article(s) on {health.engine}; "
            f"index holds {health.documents} of {health.published} published"
        )
