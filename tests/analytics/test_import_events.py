"""import_events: per-line errors, idempotent re-import, bots filtered, days rolled up."""

import json
import uuid

import pytest
from django.core.management import CommandError, call_command

from analytics.models import DailyRollup, FilteredHit, RawEvent
from tests.analytics.helpers import CHROME

pytestmark = pytest.mark.django_db


def _line(**fields) -> str:
    event = {"event_id": str(uuid.uuid4()), "type": "pageview", "visitor_id": "visitor-imp1",
             "url": "http://localhost/a/", "ts": "2026-04-03T10:00:00+08:00", **fields}  # fmt: skip
    return json.dumps(event, ensure_ascii=False)


def _write(tmp_path, lines: list[str]):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_lines_are_stored_and_rolled_up_and_a_rerun_adds_nothing(tmp_path, capsys):
    path = _write(tmp_path, [_line(user_agent=CHROME), _line(ts="2026-04-04T09:00:00+08:00")])

    call_command("import_events", str(path), "--no-progress")
    call_command("import_events", str(path), "--no-progress")

    out = capsys.readouterr().out
    assert "2 stored, 0 already stored" in out
    assert "0 stored, 2 already stored" in out
    assert RawEvent.objects.count() == 2
    site = DailyRollup.objects.filter(dimension="site").order_by("day")
    assert [(str(r.day), r.views) for r in site] == [("2026-04-03", 1), ("2026-04-04", 1)]


def test_bad_lines_are_reported_with_line_and_field_and_good_ones_still_land(tmp_path, capsys):
    lines = [
        _line(),
        _line(ts="yesterday"),
        "{not json",
        _line(type="purchase"),
        json.dumps({"event_id": str(uuid.uuid4()), "type": "pageview", "url": "http://x/"}),
        _line(ts="2099-01-01T00:00:00+08:00"),
    ]

    with pytest.raises(CommandError, match=r"1 stored.*5 line\(s\) failed"):
        call_command("import_events", str(_write(tmp_path, lines)), "--no-progress")

    err = capsys.readouterr().err
    assert "events.jsonl:line 2 [ts]: must be an ISO 8601 date and time" in err
    assert "events.jsonl:line 3: not JSON" in err
    assert "events.jsonl:line 4 [type]: must be one of" in err
    assert "events.jsonl:line 5 [ts]: is required" in err
    assert "events.jsonl:line 5 [visitor_id]: is required" in err
    assert "events.jsonl:line 6 [ts]: is in the future" in err
    assert RawEvent.objects.count() == 1


def test_bot_lines_are_counted_not_stored(tmp_path):
    path = _write(tmp_path, [_line(user_agent="Baiduspider-render/2.0")])

    call_command("import_events", str(path), "--no-progress")

    assert not RawEvent.objects.exists()
    assert FilteredHit.objects.get().reason == "bot"


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_events", str(tmp_path / "nope.jsonl"))
    binary = tmp_path / "bad.jsonl"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_events", str(binary))


def test_rollup_engagement_recomputes_a_range_and_refuses_a_reversed_one(tmp_path, capsys):
    path = _write(tmp_path, [_line(), _line(ts="2026-04-05T09:00:00+08:00")])
    call_command("import_events", str(path), "--no-progress")
    DailyRollup.objects.all().delete()

    call_command(
        "rollup_engagement", "--start", "2026-04-03", "--end", "2026-04-05", "--no-progress"
    )

    assert "3 day(s) rolled up" in capsys.readouterr().out
    site = DailyRollup.objects.filter(dimension="site").order_by("day")
    assert [(str(r.day), r.views) for r in site] == [("2026-04-03", 1), ("2026-04-05", 1)]
    with pytest.raises(CommandError, match="is after"):
        call_command("rollup_engagement", "--start", "2026-04-05", "--end", "2026-04-03")


def test_a_line_separator_inside_a_json_string_does_not_split_the_line(tmp_path, capsys):
    path = _write(tmp_path, [_line(user_agent=CHROME + "\u2028")])  # written unescaped

    call_command("import_events", str(path), "--no-progress")

    assert "1 stored" in capsys.readouterr().out
    assert RawEvent.objects.count() == 1
