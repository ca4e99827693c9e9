"""``privacy_request export|erase EMAIL_OR_PHONE``: answer a person's request about their data."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from analytics.identity import IdentityError, normalize_email, normalize_phone, survivor
from analytics.models import Contact
from analytics.privacy import (
    PrivacyError,
    erase_contact,
    export_contact,
    find_person,
    holds_nothing,
)


class Command(BaseCommand):
    help = (
        "Export (JSON on stdout: every stored row, by table) or erase everything stored about "
        "one person, found by an email address or phone number of any of their contacts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("who", help="the person's email address or phone number")
        parser.add_argument("--yes", action="store_true", help="erase without asking")

    def handle(self, *args, action: str, who: str, yes: bool, **options) -> None:
        identifier = self._normalize(who)
        key = Q(email=identifier) if "@" in identifier else Q(phone=identifier)
        found = Contact.objects.filter(key).first()
        contact = survivor(found) if found else None
        if holds_nothing(find_person(contact, [identifier])):
            if action == "export":
                raise CommandError(f"nothing stored about {who}")
            self.stdout.write(f"nothing stored about {who}; nothing erased")
            return
        if action == "export":
            data = export_contact(contact, [identifier])
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        if not yes and input(f"Erase {contact or who} and all their data? [y/N] ").lower() != "y":
            raise CommandError("not erased")
        try:
            counts = erase_contact(contact, [identifier])
        except PrivacyError as exc:
            raise CommandError(str(exc)) from exc
        summary = ", ".join(f"{n} {table}" for table, n in counts.items() if n)
        self.stdout.write(self.style.SUCCESS(f"erased: {summary}"))

    @staticmethod
    def _normalize(who: str) -> str:
        try:
            return normalize_email(who) if "@" in who else normalize_phone(who)
        except IdentityError as exc:
            raise CommandError(str(exc)) from exc
