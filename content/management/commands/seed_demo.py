"""``seed_demo``: a realistic demo (suppliers, materials, articles); idempotent."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from content.demo import ADMIN_PASSWORD, SUPPLIER_PASSWORD, published_passwords_allowed, seed
from content.site_setup import MODERATORS


class Command(BaseCommand):
    help = "Fill the site with demo suppliers and articles. Running it again adds nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--suppliers", type=int, default=24)
        parser.add_argument("--articles", type=int, default=320)
        parser.add_argument("--insights", type=int, default=12)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--admin-password", help=f"for admin and moderator (default: {ADMIN_PASSWORD})"
        )
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="address the site will listen on; off loopback the demo logins get no usable "
            "password unless DEMO_LOGINS=1, as their default passwords are published",
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--engagement-days", type=int, default=30, help="days of demo reading (0: none)"
        )

    def handle(self, *args, **opts) -> None:
        published = published_passwords_allowed(opts["host"])
        bar = tqdm(
            total=opts["articles"],
            unit="article",
            disable=opts["no_progress"] or None,
            file=self.stderr,
            desc="seed_demo",
        )
        report = seed(
            opts["suppliers"],
            opts["articles"],
            opts["insights"],
            opts["seed"],
            on_article=bar.update,
            supplier_password=SUPPLIER_PASSWORD if published else None,
        )
        bar.close()
        self._users(opts["admin_password"] or (ADMIN_PASSWORD if published else None))
        if not published:
            self.stdout.write(
                f"demo logins have no usable password (the published ones are refused on "
                f"{opts['host']}): set one with changepassword, or set DEMO_LOGINS=1"
            )
        self.stdout.write(
            f"{report.suppliers} suppliers; articles: {report.articles_created} created, "
            f"{report.articles_existing} already there"
        )
        if opts["engagement_days"] > 0:
            # By name: analytics builds on content, never the other way round.
            extra = ["--no-progress"] if opts["no_progress"] else []
            call_command(
                "seed_engagement", "--days", str(opts["engagement_days"]), *extra,
                "--seed", str(opts["seed"]), stdout=self.stdout, stderr=self.stderr,
            )  # fmt: skip

    def _users(self, password: str | None) -> None:
        users = get_user_model()
        if not users.objects.filter(username="admin").exists():
            users.objects.create_superuser("admin", "admin@example.com", password)
        moderator, created = users.objects.get_or_create(
            username="moderator", defaults={"email": "moderator@example.com"}
        )
        if created:
            moderator.set_password(password)
            moderator.save()
        moderator.groups.add(Group.objects.get(name=MODERATORS))
