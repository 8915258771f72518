"""The JSON-LD export read by JSON-LD processors nobody here wrote (pyld, as JSON-LD 1.0 and
as 1.1; Jena's 1.0 reader): each must give exactly the triples of the N-Triples export. Every
property in it must have a term of the context (ontology/context.jsonld), so that readers see
names, not compact IRIs."""

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.pipeline.build import BuildResult
from tests.servers import jena_command


@pytest.fixture(scope="module")
def exports(built: tuple[BuildResult, Path]) -> tuple[dict, Graph]:
    _, out = built
    document = json.loads((out / "unkg.jsonld").read_text(encoding="utf-8"))
    return document, Graph().parse(out / "unkg.nt", format="nt")


def keys(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys(item)


@pytest.mark.slow  # pyld's expansion of the whole export: seconds
@pytest.mark.parametrize("mode", ["json-ld-1.0", "json-ld-1.1"])
def test_pyld_reads_the_ntriples_export(exports: tuple[dict, Graph], mode: str) -> None:
    document, ntriples = exports
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "processingMode": mode})
    read = Graph().parse(data=nquads, format="nt")
    assert len(ntriples) > 10_000
    if not isomorphic(read, ntriples):
        _, only_jsonld, only_nt = graph_diff(to_isomorphic(read), to_isomorphic(ntriples))
        pytest.fail(f"{mode}: {len(only_jsonld)} triples only in JSON-LD, e.g. "
                    f"{sorted(only_jsonld)[:2]}; {len(only_nt)} only in N-Triples, e.g. "
                    f"{sorted(only_nt)[:2]}")


def test_every_property_of_the_export_has_a_term(exports: tuple[dict, Graph]) -> None:
    document, _ = exports
    context = document["@context"]
    used = set(keys(document["@graph"]))
    assert {"option", "agent", "exact", "value"} <= used  # the walk sees the nodes
    assert sorted(key for key in used if not key.startswith("@") and key not in context) == []


@pytest.mark.servers
def test_jenas_json_ld_1_0_reader_reads_the_ntriples_export(exports: tuple[dict, Graph],
                                                            built: tuple[BuildResult, Path],
                                                            tmp_path: Path) -> None:
    # Jena 4.5 as Debian ships it: its JSON-LD 1.0 reader (jsonld-java). Its 1.1 reader
    # (Titanium) stops at once there: Debian ships no Jakarta JSON provider for it.
    _, ntriples = exports
    _, out = built
    done = subprocess.run([*jena_command("riotcmd.riot", tmp_path), "--syntax=jsonld10",
                           "--output=nt", str(out / "unkg.jsonld")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert isomorphic(Graph().parse(data=done.stdout, format="nt"), ntriples)
