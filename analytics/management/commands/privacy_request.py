"""``privacy_request export|erase EMAIL_OR_PHONE``: answer a person's request about their data."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from analytics.identity import IdentityError, normalize_email, normalize_phone, survivor
from analytics.models import Contact
from analytics.privacy import erase_contact, export_contact


class Command(BaseCommand):
    help = "Export (JSON on stdout) or erase everything stored about one contact."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("who", help="the contact's email address or phone number")
        parser.add_argument("--yes", action="store_true", help="erase without asking")

    def handle(self, *args, action: str, who: str, yes: bool, **options) -> None:
        contact = survivor(self._find(who))
        if action == "export":
            self.stdout.write(json.dumps(export_contact(contact), ensure_ascii=False, indent=2))
            return
        if not yes and input(f"Erase {contact} and all their events? [y/N] ").lower() != "y":
            raise CommandError("not erased")
        counts = erase_contact(contact)
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"erased: {summary}"))

    @staticmethod
    def _find(who: str) -> Contact:
        try:
            key = Q(email=normalize_email(who)) if "@" in who else Q(phone=normalize_phone(who))
        except IdentityError as exc:
            raise CommandError(str(exc)) from exc
        contact = Contact.objects.filter(key).first()
        if contact is None:
            raise CommandError(f"no contact with {who}")
        return contact
