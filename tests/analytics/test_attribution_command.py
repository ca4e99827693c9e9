"""``attribution --journeys`` and ``--paths``: JSON and table output, bad lines and rows."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def _journeys(tmp_path: Path, *lines: dict | str) -> Path:
    path = tmp_path / "journeys.jsonl"
    text = [line if isinstance(line, str) else json.dumps(line) for line in lines]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def _paths(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "paths.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _json(capsys, *args: str) -> dict:
    call_command("attribution", *args, "--json")
    return json.loads(capsys.readouterr().out)


ACME = {
    "account": "acme",
    "touches": [
        {"contact": "li", "article": "a101", "ts": "2024-06-03T08:00Z"},
        {"contact": "wang", "article": 102, "ts": "2024-06-04T08:00+08:00"},
        {"contact": "li", "article": "a101", "ts": "2024-06-05T08:00Z"},
    ],
    "events": [
        {"type": "inquiry", "contact": "wang", "ts": "2024-06-04T09:00+08:00"},
        {"type": "order", "ts": "2024-06-06T08:00Z", "value": 48000},
    ],
}


def test_a_journey_file_gives_every_model_per_conversion_kind(tmp_path, capsys) -> None:
    # inquiry (June 4, 01:00Z) sees a101 (June 3) and 102 (June 4, 00:00Z);
    # order sees a101, 102, a101: linear a101 2/3, 102 1/3 of 48000.
    # W-shaped: F = a101, L = 102, O = a101 (no other touch) → a101 2/3, 102 1/3.
    out = _json(capsys, "--journeys", str(_journeys(tmp_path, ACME)))

    models = out["models"]
    assert list(models) == ["first_touch", "last_touch", "linear", "time_decay", "u_shaped",
                            "w_shaped", "markov"]  # fmt: skip
    assert models["linear"] == {
        "inquiry": {"102": {"conversions": 0.5, "value": 0},
                    "a101": {"conversions": 0.5, "value": 0}},
        "order": {"102": {"conversions": pytest.approx(1 / 3), "value": pytest.approx(16000)},
                  "a101": {"conversions": pytest.approx(2 / 3), "value": pytest.approx(32000)}},
    }  # fmt: skip
    assert models["w_shaped"] == {
        "order": {"102": {"conversions": pytest.approx(1 / 3), "value": pytest.approx(16000)},
                  "a101": {"conversions": pytest.approx(2 / 3), "value": pytest.approx(32000)}},
    }  # fmt: skip
    assert models["first_touch"]["order"] == {"a101": {"conversions": 1, "value": 48000}}
    assert set(models["markov"]["order"]["a101"]) == {
        "conversions", "value", "removal_effect", "removal_effect_value"
    }  # fmt: skip


def test_models_that_do_not_apply_are_left_out(tmp_path, capsys) -> None:
    # no inquiry: no W-shaped; paths have no times: no time-decay, no W-shaped
    no_inquiry = {**ACME, "events": [ACME["events"][1]]}
    paths = _paths(tmp_path, "path,total_conversions,total_conversion_value,total_null", "a,1,5,0")

    journeys = _json(capsys, "--journeys", str(_journeys(tmp_path, no_inquiry)))
    aggregated = _json(capsys, "--paths", str(paths))
    only_w = _json(capsys, "--paths", str(paths), "--model", "w_shaped")

    assert "w_shaped" not in journeys["models"]
    assert "time_decay" in journeys["models"]
    assert list(aggregated["models"]) == [
        "first_touch",
        "last_touch",
        "linear",
        "u_shaped",
        "markov",
    ]
    assert only_w == {"models": {}}


def test_lookback_days_narrows_the_window(tmp_path, capsys) -> None:
    # with a 1-day window the order (June 6, 08:00Z) sees only the June 5 read
    file = str(_journeys(tmp_path, ACME))

    out = _json(capsys, "--journeys", file, "--model", "linear", "--lookback-days", "1")

    assert out["models"]["linear"]["order"] == {"a101": {"conversions": 1, "value": 48000}}


def test_half_life_days_changes_time_decay(tmp_path, capsys) -> None:
    # half-life 1 day; the order (June 6, 08:00Z) sees a101 at ages 3 days and 1 day, 102 at
    # 2 days 8 hours: weights a101 2^-3 + 2^-1 = 0.625, 102 2^(-7/3) = 0.19843; 102's share
    # 0.19843 / 0.82343 = 0.24098
    file = str(_journeys(tmp_path, ACME))

    out = _json(capsys, "--journeys", file, "--model", "time_decay", "--half-life-days", "1")

    share = 2 ** (-7 / 3) / (2**-3 + 2**-1 + 2 ** (-7 / 3))
    assert out["models"]["time_decay"]["order"]["102"] == pytest.approx(
        {"conversions": share, "value": share * 48000}
    )


def test_the_table_names_models_kinds_and_totals(tmp_path, capsys) -> None:
    call_command("attribution", "--journeys", str(_journeys(tmp_path, ACME)), "--model", "linear")

    out = capsys.readouterr().out
    assert "linear · order: 1.00 of 1 conversion(s) credited, value 48,000.00 of 48,000.00" in out
    assert "a101          0.6667  32,000.00" in out
    assert "102           0.3333  16,000.00" in out


def test_bad_journey_lines_are_reported_and_nothing_is_attributed(tmp_path, capsys) -> None:
    touch = {"contact": "li", "article": "a1", "ts": "2024-06-03T08:00Z"}
    lines = [
        ACME,
        "{not json",
        [1, 2],
        {"touches": [], "events": []},
        {"account": "b", "touches": [{**touch, "ts": "June 3"}], "events": []},
        {"account": "c", "touches": [{**touch, "article": ""}], "events": []},
        {"account": "d", "touches": [], "events": [{"type": "refund", "ts": "2024-06-03T08:00Z"}]},
        {"account": "e", "touches": [], "events": [{"type": "order", "ts": "2024-06-03T08:00Z"}]},
        {
            "account": "f",
            "touches": [],
            "events": [{"type": "order", "ts": "2024-06-03T08:00Z", "value": -1}],
        },
        {"account": "g", "touches": {}, "events": []},
        {"account": "h", "touches": [], "events": [], "page": 3},
        {**ACME},
        {"account": "i", "touches": [{**touch, "url": "/a1/"}], "events": []},
        {"account": "j", "touches": []},
    ]

    with pytest.raises(CommandError, match=r"^nothing attributed: 13 line\(s\) failed$"):
        call_command("attribution", "--journeys", str(_journeys(tmp_path, *lines)), "--json")

    captured = capsys.readouterr()
    name = tmp_path / "journeys.jsonl"
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"{name}:line 2: not JSON: Expecting property name enclosed in double quotes",
        f"{name}:line 3: must be a JSON object",
        f"{name}:line 4 [account]: is required",
        f"{name}:line 5 [touches[0].ts]: must be an ISO 8601 date and time, "
        "e.g. 2024-06-03T08:00:00+08:00",
        f"{name}:line 6 [touches[0].article]: must be a non-empty string",
        f"{name}:line 7 [events[0].type]: must be inquiry or order",
        f"{name}:line 8 [events[0].value]: is required for an order",
        f"{name}:line 9 [events[0].value]: must be a non-negative number",
        f"{name}:line 10 [touches]: must be a list",
        f"{name}:line 11 [page]: is not a known field",
        f"{name}:line 12 [account]: already given on line 1",
        f"{name}:line 13 [touches[0].url]: is not a known field",
        f"{name}:line 14 [events]: is required",
    ]


def test_a_paths_file_gives_heuristics_and_exact_markov(tmp_path, capsys) -> None:
    # the hand-solved chain of test_markov; first touch: both conversions start at a;
    # linear per touch: a 1/2 + 1/2, b 1/2 (of the 100 path), c 1/2 (of the 50 path)
    file = _paths(
        tmp_path,
        "path,total_conversions,total_conversion_value,total_null",
        "a > b,1,100,1",
        "a>c,1,50,0",
        " b ,0,0,1",
    )

    out = _json(capsys, "--paths", str(file))

    assert out["models"]["first_touch"] == {"conversion": {"a": {"conversions": 2, "value": 150}}}
    assert out["models"]["linear"] == {"conversion": {
        "a": {"conversions": 1, "value": 75},
        "b": {"conversions": 0.5, "value": 50},
        "c": {"conversions": 0.5, "value": 25},
    }}  # fmt: skip
    markov = out["models"]["markov"]["conversion"]
    assert markov["a"] == pytest.approx(
        {"conversions": 10 / 11, "value": 65.625, "removal_effect": 5 / 6,
         "removal_effect_value": 7 / 9}, rel=1e-12
    )  # fmt: skip
    assert markov["c"] == pytest.approx(
        {"conversions": 6 / 11, "value": 28.125, "removal_effect": 0.5,
         "removal_effect_value": 1 / 3}, rel=1e-12
    )  # fmt: skip


def test_markov_order_2_from_a_paths_file(tmp_path, capsys) -> None:
    # see test_order_2_remembers_where_a_walk_came_from: a 1/2, b 0, c 1/2
    file = _paths(tmp_path, "path,total_conversions,total_null", "a > c,1,0", "b > c,0,1")

    out = _json(capsys, "--paths", str(file), "--model", "markov", "--markov-order", "2")

    got = {a: row["conversions"] for a, row in out["models"]["markov"]["conversion"].items()}
    assert got == pytest.approx({"a": 0.5, "b": 0, "c": 0.5})


def test_bad_path_rows_are_reported_by_row_and_nothing_is_attributed(tmp_path, capsys) -> None:
    file = _paths(
        tmp_path,
        "path,total_conversions,total_conversion_value,total_null",
        "a > b,1,10,0",
        ",1,10,0",
        "a > > b,1,10,0",
        "a,x,10,0",
        "a,-1,0,0",
        "a,0,5,1",
        "a,1,10,NaN",
        "a,,10,1",
    )

    with pytest.raises(CommandError, match=r"^nothing attributed: 7 row\(s\) failed$"):
        call_command("attribution", "--paths", str(file))

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"{file}:row 3 [path]: is required",
        f'{file}:row 4 [path]: has an empty article between ">" separators',
        f"{file}:row 5 [total_conversions]: must be a non-negative number",
        f"{file}:row 6 [total_conversions]: must be a non-negative number",
        f"{file}:row 7 [total_conversion_value]: must be 0 when total_conversions is 0",
        f"{file}:row 8 [total_null]: must be a non-negative number",
        f"{file}:row 9 [total_conversions]: is required",
    ]


def test_a_paths_file_without_the_required_columns_is_refused(tmp_path, capsys) -> None:
    file = _paths(tmp_path, "route,conversions", "a > b,1")

    with pytest.raises(CommandError, match=r"1 row\(s\) failed"):
        call_command("attribution", "--paths", str(file))

    assert capsys.readouterr().err.strip() == (
        f"{file}:row 1: missing column(s): path, total_conversions"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-03-09", "--end", "2026-03-08"], "--start must not be after --end"),
        (["--journeys", "/nonexistent.jsonl"], "/nonexistent.jsonl: no such file"),
        (["--paths", "p.csv", "--lookback-days", "30"], "--lookback-days and --half-life-days"),
    ],
    ids=["period backwards", "missing file", "lookback with paths"],
)
def test_refusals(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("attribution", *args)
