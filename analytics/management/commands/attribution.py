"""``attribution``: credit per article (supplier, material, channel) from the database, a journey
file or a paths file, as a table or JSON; exports the database's journeys; rebuilds the stored
credit."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.attribution import (
    HALF_LIFE,
    LOOKBACK,
    MODELS,
    Attribution,
    Credit,
    Journey,
    Options,
    attribute_journeys,
    attribute_paths,
)
from analytics.attribution_files import (
    attribution_json,
    journey_line,
    read_journeys,
    read_paths,
)
from analytics.credits import rebuild_credits
from analytics.journeys import all_journeys
from analytics.queries.attribution import BY, CreditQuery, computed_credit
from analytics.queries.cache import bump_dashboard_version
from content.importers import ImportFileError, ImportProblem, read_lines


def _positive(kind: type) -> Callable[[str], float]:
    def parse(text: str) -> float | int:
        value = kind(text)
        if not value > 0 or value > 36500:
            raise ValueError(text)
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


class Command(BaseCommand):
    # System checks import every URLconf and admin module (about 2 s), none of which this
    # command uses; ``manage.py check`` runs them in the test command and at deployment.
    requires_system_checks = []
    help = (
        "Attribute inquiries and orders to articles: from the database (--start, --end, --by), "
        "--journeys FILE.jsonl (one buyer company a line) or --paths FILE.csv "
        "(ChannelAttribution's aggregated paths); --export-journeys FILE.jsonl writes the "
        "database's journeys; --rebuild recomputes the stored credit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--journeys", type=Path, help="JSON Lines, one buyer company a line.")
        source.add_argument("--paths", type=Path, help="CSV: path, total_conversions, ...")
        parser.add_argument("--model", choices=[*MODELS, "all"], default="all")
        parser.add_argument("--markov-order", type=int, choices=[1, 2], default=1)
        parser.add_argument(
            "--lookback-days", type=_positive(int), help=f"Default {LOOKBACK.days} (journeys)."
        )
        parser.add_argument(
            "--half-life-days", type=_positive(float), help=f"Time-decay, default {HALF_LIFE.days}."
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("--start", type=date.fromisoformat, help="Conversions from this day.")
        parser.add_argument("--end", type=date.fromisoformat, help="... to this day (included).")
        parser.add_argument("--by", choices=BY, default="article", help="Database: sum credit by.")
        source.add_argument(
            "--export-journeys", type=Path, help="Write the database's journeys (JSON Lines)."
        )
        source.add_argument(
            "--rebuild", action="store_true", help="Recompute every company's stored credit."
        )

    def handle(self, *args, **options) -> None:
        if options["rebuild"]:
            self.stdout.write(f"{rebuild_credits():,} credit row(s) stored")
            bump_dashboard_version()  # the dashboards' cached credit sums are stale now
            return
        if options["export_journeys"]:
            self.export_journeys(options["export_journeys"])
            return
        database = not (options["paths"] or options["journeys"])
        if not database and (options["start"] or options["end"] or options["by"] != "article"):
            raise CommandError("--start, --end and --by read the database, not a file")
        if options["start"] and options["end"] and options["start"] > options["end"]:
            raise CommandError("--start must not be after --end")
        models = MODELS if options["model"] == "all" else (options["model"],)
        settings = Options(
            models=models,
            lookback=timedelta(days=options["lookback_days"] or LOOKBACK.days),
            half_life=timedelta(days=options["half_life_days"] or HALF_LIFE.days),
            markov_order=options["markov_order"],
        )
        if options["paths"]:
            if options["lookback_days"] or options["half_life_days"]:
                raise CommandError("--lookback-days and --half-life-days need journeys, not paths")
            result = self.attribute_path_file(options["paths"], settings)
        elif options["journeys"]:
            result = attribute_journeys(self.read_journey_file(options["journeys"]), settings)
        else:
            query = CreditQuery(models, options["start"], options["end"], options["by"])
            result = computed_credit(query, settings)
        if options["json"]:
            self.stdout.write(json.dumps(attribution_json(result), ensure_ascii=False))
        else:
            self.stdout.write(render_table(result))

    def export_journeys(self, file: Path) -> None:
        """Every company's journey, one a line, in the journey file's format (article = page id)."""
        try:
            with file.open("w", encoding="utf-8") as out:
                count = 0
                for journey in all_journeys():
                    out.write(journey_line(journey) + "\n")
                    count += 1
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        self.stdout.write(f"{count:,} journey(s) written to {file}")

    def read_journey_file(self, file: Path) -> list[Journey]:
        try:
            lines = read_lines(file)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        journeys, problems = read_journeys(lines)
        self.fail_on(file, problems, "line")
        return journeys

    def attribute_path_file(self, file: Path, settings: Options) -> Attribution:
        try:
            text = "".join(read_lines(file))
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        rows, problems = read_paths(text)
        self.fail_on(file, problems, "row")
        return attribute_paths(rows, settings)

    def fail_on(self, file: Path, problems: list[ImportProblem], unit: str) -> None:
        for problem in problems:
            where = f" [{problem.field}]" if problem.field else ""
            self.stderr.write(f"{file}:{unit} {problem.line}{where}: {problem.message}")
        if problems:
            failed = len({problem.line for problem in problems})
            raise CommandError(f"nothing attributed: {failed} {unit}(s) failed")


def _row(article: str, credit: Credit, markov: bool) -> list[str]:
    cells = [article, f"{credit.conversions:,.4f}", f"{credit.value:,.2f}"]
    if markov:
        cells += [f"{credit.removal_effect or 0:.4f}", f"{credit.removal_effect_value or 0:.4f}"]
    return cells


def render_table(result: Attribution) -> str:
    """Per model and conversion kind: articles by value, then conversions (rounded for display)."""
    if not result.models:
        return "no model applies to this input"
    blocks = []
    for model, kinds in result.models.items():
        for kind, credits in kinds.items():
            totals = result.totals[kind]
            head = ["article", "conversions", "value"]
            if model == "markov":
                head += ["removal effect", "removal effect (value)"]
            ranked = sorted(credits.items(), key=lambda i: (-i[1].value, -i[1].conversions, i[0]))
            rows = [head] + [_row(a, c, model == "markov") for a, c in ranked]
            widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
            credited = sum(c.conversions for c in credits.values())
            credited_value = sum(c.value for c in credits.values())
            title = (
                f"{model} · {kind}: {credited:,.2f} of {totals.conversions:,.0f} conversion(s) "
                f"credited, value {credited_value:,.2f} of {totals.value:,.2f}"
            )
            lines = [title] + [
                "  ".join(
                    cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                    for i, cell in enumerate(row)
                )
                for row in rows
            ]
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
