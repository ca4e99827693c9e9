"""``rebuild_search_index``: empty the index and index every live article again."""

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from content.models import ArticlePage
from search.indexing import index_health, rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the live articles, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, no_progress: bool, **options) -> None:
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
