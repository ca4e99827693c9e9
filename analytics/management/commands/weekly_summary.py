"""``weekly_summary [--supplier ID|SLUG] [--week DATE] [--preview] [--html FILE] [--to EMAIL]``:
send a supplier's weekly summary email, or look at it without sending."""

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from analytics.weekly import Week, build_summary, render_summary
from analytics.weekly_mail import send_supplier_summary, summary_suppliers
from content.models import SupplierPage


def _supplier(value: str) -> SupplierPage:
    suppliers = SupplierPage.objects.all()
    found = suppliers.filter(pk=int(value)) if value.isdigit() else suppliers.filter(slug=value)
    supplier = found.first()
    if supplier is None:
        raise CommandError(f"--supplier {value}: no such supplier (give its page id or slug)")
    return supplier


def _week(value: str | None) -> Week:
    if value is None:
        return Week.last_full()
    try:
        return Week.of(date.fromisoformat(value))
    except ValueError:
        raise CommandError(
            f"--week {value}: not a date; give any day of the week as YYYY-MM-DD"
        ) from None


class Command(BaseCommand):
    help = (
        "Send the weekly summary email of one supplier (or of every supplier, as the Monday "
        "task does) for the last full week, Monday to Sunday, or the week of --week. Users "
        "already sent that week's summary are skipped. --preview prints the plain-text part "
        "and --html FILE writes the HTML part, sending and recording nothing; --to sends to "
        "that address only, without recording it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--supplier", help="the supplier's page id or slug")
        parser.add_argument("--week", help="any day of the week, YYYY-MM-DD (default: last week)")
        parser.add_argument("--preview", action="store_true", help="print the text part only")
        parser.add_argument("--html", type=Path, help="write the HTML part to this file only")
        parser.add_argument("--to", help="send to this address instead of the supplier's users")

    def handle(self, *args, supplier: str | None, week: str | None, **options) -> None:
        chosen = _supplier(supplier) if supplier is not None else None
        period = _week(week)
        preview, html, to = options["preview"], options["html"], options["to"]
        if to and (preview or html):
            raise CommandError("--to sends the email; it cannot go with --preview or --html")
        if preview or html or to:
            if chosen is None:
                raise CommandError("--supplier is required with --preview, --html and --to")
            self._one_off(chosen, period, preview=preview, html=html, to=to)
            return
        if not period.is_over():
            raise CommandError(
                f"--week {week}: the week {period.start} to {period.end} is not over yet; "
                "use --preview to look at it"
            )
        for each in [chosen] if chosen else summary_suppliers():
            delivery = send_supplier_summary(each, period)
            self.stdout.write(
                f"{each.title} ({each.pk}), {period.start} to {period.end}: {delivery.sent} "
                f"sent, {delivery.already_sent} already sent before"
            )

    def _one_off(
        self,
        supplier: SupplierPage,
        week: Week,
        *,
        preview: bool,
        html: Path | None,
        to: str | None,
    ) -> None:
        if to:
            try:
                validate_email(to)
            except ValidationError:
                raise CommandError(f"--to {to}: not an email address") from None
        rendered = render_summary(build_summary(supplier, week))
        if preview:
            self.stdout.write(f"Subject: {rendered.subject}\n\n{rendered.text}")
        if html:
            try:
                html.write_text(rendered.html, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"--html {html}: {exc.strerror}") from None
            self.stderr.write(f"HTML written to {html}")
        if to:
            rendered.message([to]).send()
            self.stdout.write(f"sent to {to} (not recorded)")
