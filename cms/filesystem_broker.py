"""The embedded Celery broker: kombu's filesystem transport, publishing each message atomically.

kombu writes a message file in place (open, lock, write) while consumers take files without the
lock: a worker polling at the wrong moment read an empty file, died on the JSON error
("Unrecoverable error: JSONDecodeError") and the message was gone. Here a message is written and
synced under a name consumers skip, then renamed into the queue folder in one step.
"""

import os
import time
import uuid

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    """A filesystem channel whose messages appear in the queue folder whole or not at all."""

    def _put(self, queue: str, payload: dict, **kwargs) -> None:
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        # Consumers take only names of the form "<stamp>_<uuid>.<queue>.msg".
        temporary = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(temporary, "wb") as file:
                file.write(dumps(payload).encode())
                file.flush()
                os.fsync(file.fileno())  # durable before it is visible: a queued task survives
            os.rename(temporary, os.path.join(self.data_folder_out, name))
        except OSError as exc:
            raise ChannelError(f"Cannot add file {name!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
