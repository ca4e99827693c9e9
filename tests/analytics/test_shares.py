"""Share chains: sharer → readers → their shares, inside and across buyer companies."""

import json
import uuid
from datetime import date

import pytest

from analytics.backfill import import_events
from analytics.identity import identify
from analytics.models import ShareToken
from analytics.processing import process_day
from analytics.shares import share_tree

pytestmark = pytest.mark.django_db
PAGE = 42


def _view(visitor: str, minute: int, token: str = "") -> tuple[dict, str]:
    pv = str(uuid.uuid4())
    url = "http://localhost/a/" + (f"?s={token}" if token else "")
    event = {"event_id": pv, "type": "pageview", "visitor_id": visitor, "url": url,
             "page_id": PAGE, "ts": f"2026-05-01T10:{minute:02d}:00+08:00"}  # fmt: skip
    if token:
        event["share_token"] = token
    return event, pv


def _share(visitor: str, minute: int, pv: str, token: str) -> dict:
    return {"event_id": str(uuid.uuid4()), "type": "share", "visitor_id": visitor,
            "url": "http://localhost/a/", "page_id": PAGE, "pageview_id": pv,
            "share_token": token, "method": "wechat",
            "ts": f"2026-05-01T10:{minute:02d}:30+08:00"}  # fmt: skip


@pytest.fixture
def chain():
    events = []
    v1, pv1 = _view("visitor-one", 0)
    events += [v1, _share("visitor-one", 0, pv1, "T1-first")]
    v2, pv2 = _view("visitor-two", 5, "T1-first")
    events += [v2, _share("visitor-two", 6, pv2, "T2-second")]
    events += [
        _view("visitor-three", 10, "T2-second")[0],
        _view("visitor-four", 11, "T2-second")[0],
    ]
    events += [_view("visitor-five", 12, "T1-first")[0], _view("visitor-one", 13, "T1-first")[0]]
    assert import_events(json.dumps(e) for e in events).stored == len(events)
    process_day(date(2026, 5, 1))
    identify("visitor-one", email="a@supplier-friend.cn", company="甲公司")
    identify("visitor-two", email="b@buyer-corp.cn", company="乙公司")
    identify("visitor-three", email="c@buyer-corp.cn")


def test_parent_tokens_link_each_share_to_the_one_its_sharer_came_through(chain):
    assert dict(ShareToken.objects.values_list("token", "parent_token")) == {
        "T1-first": "",
        "T2-second": "T1-first",
    }


def test_the_tree_follows_readers_and_their_shares_across_companies(chain):
    tree = share_tree(PAGE)

    (root,) = tree.roots
    assert (root.token, root.sharer_visitor_id) == ("T1-first", "visitor-one")
    assert [r.visitor_id for r in root.readers] == ["visitor-two", "visitor-five"]
    (second,) = root.readers[0].shares
    assert second.token == "T2-second"
    assert [r.visitor_id for r in second.readers] == ["visitor-three", "visitor-four"]
    assert root.readers[0].account_id == second.readers[0].account_id  # 乙公司 shared inside
    assert (root.sharer_account, root.readers[0].account, root.readers[1].account) == (
        "甲公司",
        "乙公司",
        "",
    )
    assert tree.readers == 4  # the sharer re-opening its own link is not a reader
    assert tree.accounts == 2
    assert tree.cross_account_arrivals == 1  # 甲公司 → 乙公司


def test_a_page_nobody_shared_has_an_empty_tree(chain):
    tree = share_tree(PAGE + 1)

    assert (tree.roots, tree.readers, tree.accounts) == ([], 0, 0)
