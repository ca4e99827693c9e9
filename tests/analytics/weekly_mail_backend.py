"""An in-memory email backend whose SMTP connection drops once for chosen addresses, to test
what a retry of the weekly summary sends."""

import smtplib

from django.core.mail.backends import locmem


class DropOnceBackend(locmem.EmailBackend):
    """Django's test outbox, but the first message to an address in ``drop_once`` fails."""

    drop_once: set[str] = set()

    def send_messages(self, messages: list) -> int:
        for message in messages:
            for address in message.to:
                if address in self.drop_once:
                    self.drop_once.discard(address)
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
