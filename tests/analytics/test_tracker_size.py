"""The tracker loads on every public page, in old WeChat webviews too: small, and plain ES5."""

import gzip
import re
from pathlib import Path

import pytest

TRACKER = Path(__file__).parents[2] / "analytics" / "static" / "analytics" / "tracker.js"
MAX_GZIPPED_BYTES = 3072


def test_tracker_is_at_most_3_kb_gzipped():
    size = len(gzip.compress(TRACKER.read_bytes(), compresslevel=9))

    assert size <= MAX_GZIPPED_BYTES, f"tracker.js is {size} bytes gzipped"


@pytest.mark.parametrize(
    "pattern",
    [r"=>", r"\blet ", r"\bconst ", r"\bfetch\("],
    ids=["arrow-function", "let", "const", "fetch"],
)
def test_tracker_is_es5(pattern):
    assert re.findall(pattern, TRACKER.read_text(encoding="utf-8")) == []
