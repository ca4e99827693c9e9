"""``create_supplier NAME``: onboard a supplier workspace, optionally with a login."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from content.workspaces import UsernameTakenError, add_supplier_user, create_supplier


class Command(BaseCommand):
    help = "Create a supplier's profile page, workspace group and media collection."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Company name, e.g. 甘肃岷州药业有限公司")
        parser.add_argument("--region", default="")
        parser.add_argument("--verified", action="store_true")
        parser.add_argument("--username", help="Also create a login in the supplier's group.")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Password for --username.")

    def handle(
        self,
        *args,
        name: str,
        region: str,
        verified: bool,
        username: str | None,
        email: str,
        password: str | None,
        **options,
    ) -> None:
        if username and not password:
            raise CommandError("--username needs --password")
        try:
            with transaction.atomic():  # a refused login leaves no half-made workspace
                workspace = create_supplier(name.strip(), region=region, verified=verified)
                if username:
                    add_supplier_user(workspace, username, email, password)
        except UsernameTakenError as exc:
            raise CommandError(f"{exc}; choose another --username") from exc
        self.stdout.write(f"supplier page: {workspace.page.url_path} (id {workspace.page.pk})")
        self.stdout.write(f"group: {workspace.group.name}; collection: {workspace.collection.name}")
        if username:
            self.stdout.write(f"login: {username} (member of {workspace.group.name} only)")
