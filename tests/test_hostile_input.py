"""Hostile input (issue 16): every bad file gives one message naming the file and the record,
exit code 2, no traceback, and leaves the published build byte for byte as it was.

Two parts: the issue's bad inputs, one case each (silent accepts, tracebacks, a hang, unclear
messages); and a Hypothesis fuzzer over the YAML and CSV loaders, with a fixed seed, asserting
the same of generated mutations of the shipped files.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg.emit.facts import Facts, read_facts
from kg.emit.record import emit_bodies, emit_official_record
from kg.errors import CuratorError
from kg.ingest.sources import emit_source, load_sources
from kg.model.ontology import load_ontology
from kg.pipeline.build import build
from tests.conftest import (
    ROOT,
    Edit,
    assert_break_refused,
    build_in_process,
    copy_project,
    published,
    rehash,
    run_build,
)
from tests.test_curator_errors import GA_CSV

SC_CSV = "sources/official-record/sc_voting_2025-02-24.csv"
ARTICLE = "sources/articles/000_e932386db07a42c0.txt"
ARTICLE_META = "sources/articles/000_e932386db07a42c0.yaml"
BUILD_TIMEOUT = 120  # seconds: a hang fails the case instead of the suite


def _append(project: Path, name: str, text: str) -> None:
    with (project / name).open("a", encoding="utf-8") as handle:
        handle.write(text)


def _replace_with(project: Path, name: str, make: Callable[[Path], None]) -> None:
    path = project / name
    path.unlink()
    make(path)


def _bomb(project: Path) -> None:
    lines = ['- id: bomb', '  kind: assertion', '  text: &a0 "lol"']
    lines += [f"  t{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
              for i in range(1, 12)]
    (project / "facts/bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _many_records(project: Path) -> None:
    record = ("- id: padding-{n}\n  kind: assertion\n  text: padding\n  evidence:\n"
              "    - source: moscow-times-2025-02-25\n      quote: Peskov\n")
    with (project / "facts/padding.yaml").open("w", encoding="utf-8") as handle:
        for n in range(50 * 1024 * 1024 // len(record) + 1):
            handle.write(record.format(n=n))


def _utf16(project: Path, name: str) -> None:
    path = project / name
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def _nfd_quote(project: Path) -> None:
    # The article writes "méasure" composed (NFC), the curator's quote decomposed (NFD).
    Edit(ARTICLE, "That measure received", "That m\u00e9asure received", rehash=True)(project)
    Edit("facts/claims.yaml", "That measure received",
         unicodedata.normalize("NFD", "That m\u00e9asure received"))(project)


def values_at(file: str, old: str, new: str,
              cases: dict[str, tuple[str, list[str]]]) -> dict[str, tuple[Edit, list[str]]]:
    """Cases that write each a value of their own at one place of one file (`new` holds {}):
    name -> (value, words)."""
    return {name: (Edit(file, old, new.format(value)), words)
            for name, (value, words) in cases.items()}


# name -> (how to break the project, words the one message must hold besides the name of
# the file an Edit changes)
CASES: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    # -- silent accepts (item 5) ---------------------------------------------------------
    "duplicate key": (
        Edit("facts/claims.yaml", '  option: "no"\n', '  option: "no"\n  option: "yes"\n'),
        ["line 21", "'option' is given twice", "lines 20 and 21"]),
    "duplicate evidence key": (
        Edit("facts/claims.yaml", '  option: "no"\n  evidence:\n',
             '  option: "no"\n  evidence: []\n  evidence:\n'),
        ["'evidence' is given twice"]),
    "emptied facts file": (
        lambda p: (p / "facts/claims.yaml").write_text("# nothing\n", encoding="utf-8"),
        ["facts/claims.yaml", "holds no records"]),
    "tally of 93,000,000 on '93 votes in favor'": (
        Edit("facts/claims.yaml", "  yes: 93\n  no: 18\n  abstain: 65",
             "  yes: 93000000\n  no: 18\n  abstain: 65"),
        ["record 'tally-es-11-7'", "yes: 93000000 does not appear"]),
    "tally of 193/193/193": (
        Edit("facts/claims.yaml", "  yes: 93\n  no: 18\n  abstain: 65",
             "  yes: 193\n  no: 193\n  abstain: 193"),
        ["record 'tally-es-11-7'", "does not appear in the quoted words"]),
    "name that is a mapping": (
        Edit("facts/actors.yaml", "  name: Dmitry Peskov", "  name: {first: Dmitry}"),
        ["record 'dmitry-peskov'", "name must be text, not a mapping"]),
    "statement variant of itself": (
        Edit("facts/statements.yaml", "variant_of: [statement:peskov-balanced-position-001,",
             "variant_of: [statement:peskov-balanced-position-mt,"),
        ["record 'peskov-balanced-position-mt'",
         "variant_of names the record itself"]),
    "CSV code ZZZ for Angola": (
        Edit(GA_CSV, "4076672,AGO,ANGOLA,", "4076672,ZZZ,ANGOLA,", rehash=True),
        ["row 3", "'ZZZ' is not an ISO 3166 alpha-3 code", "'ANGOLA'"]),
    "invalid UTF-8 in a CSV": (
        Edit(GA_CSV, b"AFGHANISTAN", b"AFGHAN\xff\xfeISTAN", rehash=True),
        ["row 2", "byte 0xff is not UTF-8", "column ms_name"]),
    **values_at("facts/votes.yaml", "minimum_yes_votes: 9", "minimum_yes_votes: {}", {
        "minimum_yes_votes 900": ("900", ["minimum_yes_votes: 900 does not appear"]),
        "minimum_yes_votes 0": ("0", ["minimum_yes_votes must be a whole number of votes from 1"]),
    }),
    **values_at("facts/documents.yaml", "occurrence: 1", "occurrence: {}", {
        "occurrence 0": ("0", ["occurrence must be a whole number from 1", "not 0"]),
        "occurrence 'one'": ("one", ["occurrence must be a whole number from 1", "'one'"]),
        "occurrence 1.5": ("1.5", ["occurrence must be a whole number from 1", "1.5"]),
    }),
    **values_at("facts/statements.yaml", "  date: 2025-02-25\n", "  date: {}\n", {
        "datetime": ("2025-02-25T10:30:00", ["line 21", "has a time of day"]),
        "date 2025-02-30": ("2025-02-30", ["line 21", "'2025-02-30' is not a real date"]),
    }),
    # -- tracebacks (item 6) -----------------------------------------------------------
    "UTF-16 YAML": (lambda p: _utf16(p, "facts/events.yaml"),
                    ["facts/events.yaml", "is UTF-16", "save it as UTF-8"]),
    "Latin-1 YAML": (
        Edit("facts/events.yaml", b"description:", b"descripci\xf3n:"),
        ["line", "byte 0xf3", "is not UTF-8"]),
    "integer key": (
        Edit("facts/claims.yaml", '  option: "no"\n', '  option: "no"\n  1: x\n'),
        ["line 21", "the key 1 is not a field name"]),
    "article that is a directory": (
        lambda p: _replace_with(p, ARTICLE, lambda path: path.mkdir()),
        [ARTICLE, "is a directory, not a file"]),
    "article that is a FIFO": (
        lambda p: _replace_with(p, ARTICLE, lambda path: os.mkfifo(path)),
        [ARTICLE, "is a FIFO (named pipe), not a file"]),
    "article with non-UTF-8 bytes": (
        Edit(ARTICLE, b"Kremlin", b"Kreml\xeen", rehash=True),
        ["line 3", "column 9", "byte 0xee", "is not UTF-8"]),
    "URL with a space": (
        Edit(ARTICLE_META, "url: https://www.themoscowtimes.com/2025/",
             "url: https://www.themoscowtimes.com/2025 /"),
        ["field 'url'", "is not a web address"]),
    "javascript: URL": (
        Edit(ARTICLE_META, "url: https://www.themoscowtimes.com/2025/",
             "url: javascript:alert(1)//"),
        ["field 'url'", "must start with http:// or https://"]),
    "CSV code 'A GO'": (
        Edit(GA_CSV, "4076672,AGO,ANGOLA,", "4076672,A GO,ANGOLA,", rehash=True),
        ["row 3", "'A GO' is not an ISO 3166 alpha-3 code"]),
    "CSV total '93a'": (
        Edit(GA_CSV, ",,,,93,18,65,17,193,", ",,,,93a,18,65,17,193,", rehash=True),
        ["row 2", "total_yes '93a' is not a whole number"]),
    "CSV field over csv's limit": (
        Edit(GA_CSV, "4076672,AGO,ANGOLA,", "4076672,AGO,\"" + "A" * 140_000 + "\",", rehash=True),
        ["row 3", "field larger than field limit"]),
    "YAML bomb": (_bomb, ["facts/bomb.yaml", "line 3", "anchors and aliases"]),
    "50 MB of valid records": (
        _many_records, ["facts/padding.yaml", "over the limit of 2,097,152"]),
    "deep nesting": (
        lambda p: (p / "facts/deep.yaml").write_text("- " + "[" * 100 + "]" * 100 + "\n",
                                                     encoding="utf-8"),
        ["facts/deep.yaml", "line 1", "nested over 50 levels deep"]),
    "CSV date 2025-02-30": (
        Edit(GA_CSV, ",2025-02-24,ES-11,A/RES/ES-11/7,",
             ",2025-02-30,ES-11,A/RES/ES-11/7,", rehash=True),
        ["row 2", "date '2025-02-30' is not YYYY-MM-DD"]),
    "facts path that is a directory": (
        lambda p: (p / "facts/more.yaml").mkdir(), ["facts/more.yaml", "is a directory"]),
    # -- messages (item 9) -------------------------------------------------------------
    "header-only CSV": (
        lambda p: ((p / SC_CSV).write_text(
            (p / SC_CSV).read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"),
            rehash(p, SC_CSV)),
        [SC_CSV, "row 2", "no row of votes follows"]),
    "CSV cut in the middle of a character": (  # found by the fuzzer
        lambda p: ((p / SC_CSV).write_bytes((p / SC_CSV).read_bytes() + b"\xc2"),
                   rehash(p, SC_CSV)),
        [SC_CSV, "row 17", "byte 0xc2 is not UTF-8"]),
    "NUL byte in a CSV": (
        Edit(GA_CSV, b"AFGHANISTAN", b"AFGHAN\x00ISTAN", rehash=True),
        ["row 2", "a NUL byte", "column ms_name"]),
    "NFC article, NFD quote": (
        _nfd_quote, ["facts/claims.yaml", "record 'tally-es-11-7'", "Unicode normalisation",
                     "U+0065 U+0301", "U+00E9"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_is_refused_with_one_message(case: str, previous_output: Path,
                                                   tmp_path: Path) -> None:
    mutate, words = CASES[case]
    assert_break_refused(mutate, words, previous_output, tmp_path)


def test_failed_validation_ends_with_its_violations(previous_output: Path,
                                                    tmp_path: Path) -> None:
    """A build that fails validation: the warnings as a count, the violation last."""
    project = copy_project(tmp_path)
    Edit("facts/actors.yaml", "  members: [state:DNK, ",
         "  members: [post:kremlin-spokesperson, state:DNK, ")(project)
    before = published(previous_output)

    result = build_in_process(project, previous_output)

    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert re.match(r"Does NOT pass: 1 violation\(s\) listed below; \d+ warning\(s\) and "
                    r"info\(s\) not listed", lines[1]), lines[1]
    assert "== Warnings" not in result.stderr
    assert lines[-1].strip() == "curated in: facts/actors.yaml#european-council-members"
    assert "value: id:post/kremlin-spokesperson" in lines[-2]
    assert len(lines) < 15, result.stderr
    assert published(previous_output) == before


@pytest.mark.slow  # two `kg build` runs in processes of their own: seconds
def test_lost_records_warn_loudly(previous_output: Path, tmp_path: Path) -> None:
    """Most of a facts file gone (but not all: that is refused) builds, with a warning."""
    project = copy_project(tmp_path)
    claims = (project / "facts/claims.yaml").read_text(encoding="utf-8")
    (project / "facts/claims.yaml").write_text(claims[:claims.index("\n- id:", 6000) + 1],
                                               encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(previous_output, out, symlinks=True)

    result = run_build(project, out)

    assert result.returncode == 0, result.stderr
    assert re.search(r"WARNING: facts/claims\.yaml now holds \d+ record\(s\); the published "
                     r"build has \d+", result.stderr), result.stderr


@pytest.mark.slow  # `kg build` and `kg import-undl` in processes of their own: seconds
def test_a_name_not_of_its_code_is_warned(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    Edit(GA_CSV, "4076672,AGO,ANGOLA,", "4076672,AGO,FRANCE,", rehash=True)(project)

    result = subprocess.run([sys.executable, "-m", "kg", "build", "--project", str(project),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True,
                            timeout=BUILD_TIMEOUT)

    assert result.returncode == 0, result.stderr
    assert f"warning: {GA_CSV}: row 3: the name 'FRANCE' is not one of AGO" in result.stderr


# -- the fuzzer -------------------------------------------------------------------------------

FUZZED = ["facts/claims.yaml", "facts/votes.yaml", "facts/statements.yaml", "facts/actors.yaml",
          ARTICLE_META, GA_CSV, SC_CSV]
# Fragments a hostile or careless edit brings: YAML syntax, bad bytes, odd numbers and dates.
NASTY = [b"&a ", b"*a", b"<<: ", b"\x00", b"\xff", b"\xc3", b"\t", b": ", b"- ", b"{", b"[",
         b"'", b'"', b"2025-02-30", b"2025-02-24T10:00:00", b"-1", b"1.5", b"1e9", b"null",
         b"~", b"?", b"!!python/object:os.system", b"\r", b"\xef\xbb\xbf", b",", b"\n",
         b"93000000", b"ZZZ", b"#", b"%YAML 1.1\n---\n", b"\xe2\x80\xa8"]
FUZZ_EXAMPLES = int(os.environ.get("UNKG_FUZZ_EXAMPLES", "500"))
FUZZ_LOG = os.environ.get("UNKG_FUZZ_LOG")  # a file for progress, on long runs
FUZZ_SEED = os.environ.get("UNKG_FUZZ_SEED")  # another fixed seed, for a long run in shards
BUILD_EVERY = 25  # every 25th refused mutation also goes through the whole build


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    """One shipped file and its bytes after one to three edits."""
    name = draw(st.sampled_from(FUZZED))
    data = bytearray((ROOT / name).read_bytes())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "replace", "delete", "duplicate-line"]))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(NASTY) | st.binary(min_size=1, max_size=4))
        elif kind == "replace" and at < len(data):
            data[at:at + 1] = draw(st.sampled_from(NASTY) | st.binary(min_size=1, max_size=2))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        else:
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end == -1 else end + 1
            data[end:end] = data[start:end]
    return name, bytes(data)


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory: pytest.TempPathFactory, previous_output: Path
                 ) -> tuple[Path, Path]:
    project = copy_project(tmp_path_factory.mktemp("fuzz"))
    out = tmp_path_factory.mktemp("fuzz-out") / "build"
    shutil.copytree(previous_output, out, symlinks=True)
    return project, out


def _official(sources: dict) -> Graph:
    graph = Graph()
    emit_bodies(graph)
    for source in sources.values():
        emit_source(graph, source)
        if source.is_table:
            emit_official_record(graph, source)
    return graph


def _load(project: Path, ontology: Graph, official: Graph | None) -> None:
    """What `kg build` reads, as build_graph reads it, without what no loader does (the
    entailment); the official record is emitted again only when a voting file changed."""
    sources = load_sources(project)
    records = read_facts(project)
    Facts(records, sources, official or _official(sources), ontology).emit(Graph())


def _timeout(signum: int, frame: object) -> None:
    raise TimeoutError("the loaders took over 30 s on one mutation (a hang)")


@pytest.mark.slow
def test_fuzzed_files_are_read_or_refused_cleanly(fuzz_project: tuple[Path, Path]) -> None:
    """Generated mutations of the shipped files: the loaders either read the file or raise one
    CuratorError naming a file; any other exception is a traceback a curator would see. Every
    25th refused mutation also goes through the whole build, which must leave the published
    build as it was. UNKG_FUZZ_EXAMPLES sets the count (500 by default: one to two minutes)."""
    project, out = fuzz_project
    before = published(out)
    ontology = load_ontology()
    official = _official(load_sources(project))
    counts = {"read": 0, "refused": 0, "built": 0}

    @settings(max_examples=FUZZ_EXAMPLES, derandomize=FUZZ_SEED is None, deadline=None,
              database=None, suppress_health_check=list(HealthCheck))
    @given(mutations())
    def check(mutation: tuple[str, bytes]) -> None:
        name, data = mutation
        path = project / name
        original = (ROOT / name).read_bytes()
        path.write_bytes(data)
        if name.endswith(".csv"):
            rehash(project, name)  # past the hash check, into the reader itself
        previous = signal.signal(signal.SIGALRM, _timeout)
        signal.alarm(30)
        try:
            try:
                _load(project, ontology, None if name.endswith(".csv") else official)
                counts["read"] += 1
            except CuratorError as error:
                counts["refused"] += 1
                assert error.file, f"no file named: {error}"
                if counts["refused"] % BUILD_EVERY == 1:  # the whole build: nothing published
                    counts["built"] += 1
                    with pytest.raises(CuratorError):
                        build(project, out)
                    assert published(out) == before
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
            path.write_bytes(original)
            if name.endswith(".csv"):
                rehash(project, name)
            if FUZZ_LOG and (counts["read"] + counts["refused"]) % 100 == 0:
                Path(FUZZ_LOG).write_text(f"{counts}\n", encoding="utf-8")

    (seed(int(FUZZ_SEED))(check) if FUZZ_SEED else check)()
    print(f"fuzz: {FUZZ_EXAMPLES} examples, {counts}")
    assert counts["refused"] > 0
    assert published(out) == before
