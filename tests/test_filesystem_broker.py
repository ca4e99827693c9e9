"""The embedded broker: a message is in the queue folder whole or not at all."""

import json
import os
import sys
from queue import Empty

import pytest
from django.conf import settings

from cms.celery import app

pytestmark = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("filesystem://"),
    reason="the filesystem broker only (the embedded default)",
)


@pytest.fixture
def channel():
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        channel._purge("yaoyun-test")
        yield channel
        channel._purge("yaoyun-test")


def test_a_consumer_never_takes_a_message_still_being_written(channel, monkeypatch):
    # given a consumer polling while the publisher is between creating and filling the file
    module = sys.modules[type(channel).__module__]
    seen = []

    def dumps_while_polled(payload):
        try:
            seen.append(channel._get("yaoyun-test"))
        except Empty:
            seen.append("empty")
        return json.dumps(payload)

    monkeypatch.setattr(module, "dumps", dumps_while_polled)

    # when a message is published
    channel._put("yaoyun-test", {"body": "task"})

    # then the consumer saw nothing yet, and afterwards takes the whole message
    assert seen == ["empty"]
    assert channel._get("yaoyun-test") == {"body": "task"}
    folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
    assert [name for name in os.listdir(folder) if "yaoyun-test" in name] == []
