"""``lock_demo_logins --host HOST``: no published demo password on a server others can reach."""

from django.core.management.base import BaseCommand, CommandParser

from content.demo import lock_published_logins, published_passwords_allowed


class Command(BaseCommand):
    help = (
        "Off loopback (unless DEMO_LOGINS=1), make the demo logins that still have their "
        "published password unusable. bin/run runs it on every start."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", required=True, help="address the site listens on")

    def handle(self, *args, **opts) -> None:
        if published_passwords_allowed(opts["host"]):
            return
        locked = lock_published_logins()
        if locked:
            self.stdout.write(
                f"locked {len(locked)} demo login(s) with a published password "
                f"({', '.join(locked)}): the site listens on {opts['host']}; set a password with "
                "changepassword, or set DEMO_LOGINS=1 to allow the published ones"
            )
