"""``search_articles "QUERY" [--json] [--limit N]``: the HTTP API's results on the command line."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search.api import response_payload
from search.queries import MAX_PAGE_SIZE, SearchRequest, search_articles


class Command(BaseCommand):
    help = "Search articles exactly as GET /api/v1/search/ does."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query")
        parser.add_argument("--json", action="store_true", help="print the API's JSON")
        parser.add_argument("--limit", type=int, default=20)
        for name in ("kind", "material", "supplier", "origin", "tag", "year"):
            parser.add_argument(f"--{name}", default="")

    def handle(self, *args, query: str, limit: int, **options) -> None:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise CommandError(f"--limit must be between 1 and {MAX_PAGE_SIZE}")
        filters = {k: options[k] for k in ("kind", "material", "supplier", "origin", "tag", "year")}
        response = search_articles(SearchRequest(q=query, page_size=limit, **filters), source="cli")
        if options["json"]:
            self.stdout.write(json.dumps(response_payload(response), ensure_ascii=False, indent=1))
            return
        note = " (no result had every word; showing any word)" if response.relaxed else ""
        self.stdout.write(f"{response.total} result(s) on {response.engine}{note}")
        for n, item in enumerate(response.results, start=1):
            self.stdout.write(
                f"{n:>3}. {item.title}  [{item.kind}] {item.supplier}  {item.url}  "
                f"score {item.score}"
            )
