"""A curator's mistake: one clear message naming file and record, exit code 2, nothing written."""

from pathlib import Path

import pytest

from tests.conftest import (
    Edit,
    assert_break_refused,
    build_in_process,
    copy_project,
    rehash,
    run_build,
)

GA_CSV = "sources/official-record/ga_voting_2025-02-24.csv"


def _break_csv(project: Path) -> None:
    with (project / GA_CSV).open("a", encoding="utf-8") as handle:
        handle.write("4076672,ZZZ,NOWHERE,Y\n")
    rehash(project, GA_CSV)


def _edit_article_only(project: Path) -> None:
    Edit("sources/articles/002_88d9c80171eb7ef5.txt", "Kremlin", "Kreml")(project)


# name -> (how to break the project, words the one message must hold besides the name of
# the file an Edit changes)
CASES = {
    "missing field": (
        Edit("facts/statements.yaml", "  speaker: person:dmitry-peskov\n", ""),
        ["record 'peskov-balanced-position-mt'",
         "missing field 'speaker'"]),
    "unknown actor": (
        Edit("facts/statements.yaml", "speaker: person:dmitry-peskov",
             "speaker: person:dmitri-peskov"),
        ["peskov-balanced-position-mt", "person:dmitri-peskov",
         "did you mean person:dmitry-peskov"]),
    "quote not in the article": (
        Edit("facts/claims.yaml", "That measure received 93 votes in favor",
             "That measure received 94 votes in favor"),
        ["not in sources/articles/000_e932386db07a42c0.txt",
         "the nearest text is", "93 votes in favor"]),
    "malformed YAML": (
        Edit("facts/events.yaml", "\n- id:", "\n- id: [unclosed\n- id:"),
        ["line", "not valid YAML"]),
    "duplicate id": (
        Edit("facts/events.yaml", "- id: ", "- id: peskov-balanced-position-mt\n"
             "  kind: event\n  event_kind: meeting\n  description: x\n"
             "  evidence: [{source: moscow-times-2025-02-25, quote: Peskov}]\n- id: "),
        ["peskov-balanced-position-mt", "also used by", "ids must be unique"]),
    "tally that does not add up": (
        Edit("facts/claims.yaml", "  yes: 10\n  no: 0\n  abstain: 5\n  total: 15",
             "  yes: 15\n  no: 0\n  abstain: 5\n  total: 15"),
        ["does not add up", "15 + 0 + 5 is not the total 15"]),
    "unknown field": (
        Edit("facts/statements.yaml", "  speaker: person:dmitry-peskov",
             "  speeker: person:dmitry-peskov"),
        ["unknown field 'speeker'", "did you mean 'speaker'"]),
    "review without its date": (
        Edit("facts/claims.yaml", "  event: A/RES/ES-11/8\n",
             "  event: A/RES/ES-11/8\n  reviewed: {by: A. Reviewer}\n"),
        ["record 'usa-abstain-es-11-8'", "reviewed needs by", "and date"]),
    "position that is not one": (
        Edit("facts/claims.yaml", "  position: opposition", "  position: against"),
        ["record 'hun-opposed-ga-european-amendments'",
         "position must be one of support, opposition"]),
    "provision of a state": (
        Edit("facts/provisions.yaml", "  document: doc:A/RES/ES-11/7", "  document: state:UKR"),
        ["record 'es-11-7-criticises-russia'", "'state:UKR' cannot be "
         "used here; expected a doc or draft reference"]),
    "malformed CSV row": (_break_csv, [GA_CSV, "row 388", "4 fields where the header has 20"]),
    "unknown vote code": (Edit(GA_CSV, "4076672,AFG,AFGHANISTAN,X,", "4076672,AFG,AFGHANISTAN,Q,",
                               rehash=True), ["row 2", "unknown vote code 'Q'"]),
    # the message names the metadata file whose hash no longer holds, not the text edited
    "source changed without its hash": (
        _edit_article_only, ["sources/articles/002_88d9c80171eb7ef5.yaml",
                             "does not match its sha256"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mistake_gives_one_clear_message_and_leaves_output_untouched(
        case: str, previous_output: Path, tmp_path: Path) -> None:
    mutate, words = CASES[case]
    assert_break_refused(mutate, words, previous_output, tmp_path)


@pytest.mark.parametrize("case", ["missing field", "malformed CSV row"])
def test_a_real_process_refuses_as_the_entry_point_does(case: str, previous_output: Path,
                                                        tmp_path: Path) -> None:
    """The cases above run kg.cli.main in the test's process (tests/conftest.py kg_in_process);
    `python -m kg build`, as a curator runs it, ends with the same exit code and message."""
    mutate, _ = CASES[case]
    project = copy_project(tmp_path / "project")
    mutate(project)
    real = run_build(project, previous_output)
    here = build_in_process(project, previous_output)
    assert (real.returncode, real.stderr) == (here.returncode, here.stderr) == (2, here.stderr)
    assert here.stderr.startswith("error: ") and "Traceback" not in real.stderr
