"""``identity_undo CHANGE_ID``: reverse a logged identity link or merge (see the identity log)."""

import uuid

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.identity import undo_change
from analytics.models import IdentityChange


class Command(BaseCommand):
    help = "Undo one identity change by its change id; the affected days are rolled up again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("change_id")

    def handle(self, *args, change_id: str, **options) -> None:
        try:
            key = uuid.UUID(change_id)
        except ValueError as exc:
            raise CommandError(f"{change_id!r} is not a change id (a UUID)") from exc
        if not IdentityChange.objects.filter(change_id=key, undone_at__isnull=True).exists():
            raise CommandError(f"no open change {change_id} in the identity log")
        moved = undo_change(key)
        self.stdout.write(self.style.SUCCESS(f"undone: {moved} browser(s) moved back"))
