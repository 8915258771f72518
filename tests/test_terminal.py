"""What `kg query` shows in a terminal: tables that wrap to its width and never cut a quote,
labels instead of prefixed names, headings in words, a saved query's own --help.

`kg` runs as a user runs it (a subprocess), with a fixed COLUMNS width; the quotes it must show
whole come from the same query's JSON output, which scripts read and which must not change.
"""

import csv
import io
import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.pipeline.build import BuildResult
from kg.query.catalogue import drawn_by_rich, heading, plain_grid
from tests.servers import kg_executable


@pytest.fixture(scope="session")
def store_path(built: tuple[BuildResult, Path]) -> Path:
    return built[1] / "store"


def kg_query(store_path: Path, *args: str, columns: int = 100) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([kg_executable(), "query", *args, "--store", str(store_path)],
                          capture_output=True, text=True, env=env, timeout=120)


def json_rows(store_path: Path, *args: str) -> list[dict[str, str]]:
    done = kg_query(store_path, *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return [{k: v["value"] for k, v in row.items()}
            for row in json.loads(done.stdout)["results"]["bindings"]]


def table_column(output: str, title: str) -> list[str]:
    """The cells of one column of a side-by-side table whose rows are ruled apart (blank
    lines), each joined from its wrapped lines: the text under the heading, up to where the
    next heading starts."""
    lines = output.splitlines()
    head = next(i for i, line in enumerate(lines) if title in line.split())
    start = lines[head].index(title)
    rest = lines[head][start + len(title):]
    end = start + len(title) + len(rest) - len(rest.lstrip()) if rest.strip() else None
    body = "\n".join(lines[head + 2:-1])  # past the rule; the last line counts the rows
    return [" ".join(" ".join(line[start:end] for line in block.splitlines()).split())
            for block in body.split("\n\n")]


def record_values(output: str, title: str) -> list[str]:
    """The values of one heading in the record layout ("Heading  value", continued below)."""
    values: list[str] = []
    current: list[str] | None = None
    for line in output.splitlines():
        if line.startswith(title + " "):
            current = [line[len(title):].strip()]
            values.append("")
        elif current is not None and line.startswith(" ") and line.strip():
            current.append(line.strip())
        else:
            current = None
        if current is not None:
            values[-1] = " ".join(current)
    return values


def test_a_quote_longer_than_the_terminal_is_shown_whole_in_a_table(store_path: Path):
    quotes = [row["text"] for row in json_rows(store_path, "statements-by-speaker",
                                                 "--param", "speaker=Peskov")]
    assert max(len(q) for q in quotes) > 120  # longer than the terminal is wide
    done = kg_query(store_path, "statements-by-speaker", "--param", "speaker=Peskov",
                    columns=120)
    assert done.returncode == 0, done.stderr
    assert all(len(line) <= 120 for line in done.stdout.splitlines())
    assert "Text" in done.stdout.splitlines()[1].split()  # side by side: a table
    assert "…" not in done.stdout
    shown = sorted(table_column(done.stdout, "Text"))
    assert shown == sorted(" ".join(q.split()) for q in quotes)


def test_a_narrow_terminal_shows_each_row_as_a_record_with_every_quote_whole(store_path: Path):
    rows = json_rows(store_path, "claims-contradicting-record")
    done = kg_query(store_path, "claims-contradicting-record", columns=60)
    assert done.returncode == 0, done.stderr
    assert all(len(line) <= 60 for line in done.stdout.splitlines())
    assert record_values(done.stdout, "Exact") == [" ".join(r["exact"].split()) for r in rows]
    assert done.stdout.rstrip().endswith(f"({len(rows)} rows)")


def test_vocabulary_terms_are_shown_by_their_labels(store_path: Path):
    done = kg_query(store_path, "claims-contradicting-record", columns=60)
    outcome = [value for value in record_values(done.stdout, "Claimed")
               if value in ("adopted", "rejected")]
    assert outcome == ["adopted"]  # the claim; the record says rejected
    assert record_values(done.stdout, "Predicate") == ["date", "date", "outcome"]
    assert "unkg:" not in done.stdout and "dcterms:" not in done.stdout
    assert "id:vote-event/A-RES-ES-11-7" in done.stdout  # entities keep their identifiers


def test_a_column_with_a_selected_label_shows_the_label_under_a_readable_heading(
        store_path: Path):
    done = kg_query(store_path, "votes-on-resolution", "--param", "option=against")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["vote_event: A/RES/ES-11/7", "option: no"]
    assert lines[2].split() == ["ISO3", "State"]
    assert any(line.split() == ["USA", "United", "States"] for line in lines)
    assert "id:state/" not in done.stdout


def test_csv_and_json_keep_iris_and_variable_names(store_path: Path):
    done = kg_query(store_path, "claims-contradicting-record", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert "claimLabel" in rows[0] and "predicate" in rows[0]
    assert {r["predicate"] for r in rows} == {"http://purl.org/dc/terms/date",
                                               "https://w3id.org/unkg/ontology#outcome"}
    assert "https://w3id.org/unkg/ontology#Adopted" in {r["claimed"] for r in rows}
    data = json_rows(store_path, "claims-contradicting-record")
    assert [r["claimed"] for r in data] == [r["claimed"] for r in rows]


@pytest.mark.parametrize(("variable", "shown"), [
    ("stateLabel", "State"), ("roleLabel", "Role"), ("iso3", "ISO3"),
    ("vote_event", "Vote event"), ("sourceLabel", "Source"), ("claimedOutcome", "Claimed outcome"),
    ("start", "Start")])
def test_headings_are_words(variable: str, shown: str):
    assert heading(variable) == shown


def test_a_saved_querys_help_shows_its_question_and_parameters(store_path: Path):
    done = kg_query(store_path, "votes-on-resolution", "--help")
    assert done.returncode == 0, done.stderr
    assert "How did each Member State vote on this resolution" in done.stdout
    assert "--param vote_event=" in done.stdout and "default: A/RES/ES-11/7" in done.stdout
    assert "--param option=" in done.stdout and "default: any" in done.stdout
    assert 'kg query votes-on-resolution --param vote_event="S/RES/2774 (2025)"' in done.stdout
    assert "--endpoint" in done.stdout  # and the options every query takes
    general = kg_query(store_path, "--help")
    assert "vote_event" not in general.stdout and "Run a saved query" in general.stdout


def test_help_for_an_unknown_query_is_one_message(store_path: Path):
    done = kg_query(store_path, "votes-on-resolutions", "--help")
    assert done.returncode == 2
    assert "no saved query named 'votes-on-resolutions'" in done.stderr
    assert "votes-on-resolution" in done.stderr and "Traceback" not in done.stderr


def test_ctrl_c_while_waiting_for_an_endpoint_stops_without_a_traceback(store_path: Path):
    """Ctrl-C while `kg query` waits on an endpoint that never answers (a socket that listens
    and says nothing): one word, no traceback."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        waiting = subprocess.Popen(
            [kg_executable(), "query", "votes-on-resolution", "--endpoint", endpoint],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        connection, _ = listener.accept()  # kg is now waiting for the answer
        waiting.send_signal(signal.SIGINT)
        out, err = waiting.communicate(timeout=60)
        connection.close()
    assert waiting.returncode == 1
    assert err.strip() == "aborted" and out == ""


def test_an_unwritable_output_is_one_message(store_path: Path, tmp_path: Path):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    done = subprocess.run([kg_executable(), "analyze", "--store", str(store_path), "--out",
                           str(blocked / "analysis")], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    assert str(blocked) in done.stderr


# Values as answers hold them: words, codes, dates, numbers, accented and wide letters, blanks.
WORDS = st.text(alphabet=st.sampled_from("abcXYZ019 -/()é\u00f4\u4e2d"), max_size=18)


@settings(max_examples=300, deadline=None)
@given(columns=st.integers(1, 5), data=st.data(), width=st.integers(20, 140))
def test_a_table_that_fits_is_drawn_as_rich_draws_it(columns: int, data: st.DataObject,
                                                    width: int) -> None:
    # Large answers (a state's 9,000 votes) are drawn directly where every value fits its
    # column (kg.query.catalogue.plain_grid); the text must be rich's, character for character.
    headings = data.draw(st.lists(WORDS.filter(str.strip), min_size=columns, max_size=columns))
    cells = data.draw(st.lists(st.lists(WORDS, min_size=columns, max_size=columns),
                               max_size=6))
    cells = [[" ".join(cell.split()) for cell in row] for row in cells]  # as table() has them
    headings = [" ".join(h.split()) for h in headings]
    numeric = data.draw(st.lists(st.booleans(), min_size=columns, max_size=columns))
    drawn = plain_grid(headings, cells, numeric, width)
    if drawn is None:  # too wide for one line a value: rich draws it
        return
    narrowest = [len(h) for h in headings]  # at most the natural widths: no effect when it fits
    assert drawn == drawn_by_rich(headings, cells, numeric, narrowest, width, True, False)


def test_a_table_too_wide_to_draw_directly_is_left_to_rich() -> None:
    assert plain_grid(["Quote"], [["word " * 30]], [False], 80) is None
    assert plain_grid(["A", "B"], [["x" * 40, "y" * 40]], [False, False], 80) is None
