"""The embedded Oxigraph store: bulk-loaded once per build, then only read."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click
import pyoxigraph as ox

from kg.errors import CuratorError
from kg.project import DEFAULT_STORE


def load_store(rdf_files: Iterable[Path], store_dir: Path) -> None:
    """Bulk-load RDF files (format from the extension) into a new store directory."""
    store = ox.Store(str(store_dir))
    for path in rdf_files:
        store.bulk_load(path=str(path))
    store.flush()
    store.optimize()
    del store  # close the RocksDB handle before readers open it


def open_store(path: Path, *, read_only: bool = True) -> ox.Store:
    """Open a store (following links) for querying; a missing or unreadable one is explained."""
    target = path.resolve()
    if not target.exists():
        raise CuratorError(f"no store at {path}: run `kg build` first")
    try:
        return ox.Store.read_only(str(target)) if read_only else ox.Store(str(target))
    except OSError as error:
        raise CuratorError(f"cannot open the store at {path}: {error}") from None


# ---------------------------------------------------------------- what is in the store

STATS_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) (SAMPLE(?label) AS ?name)
WHERE { ?s a ?class . OPTIONAL { ?class rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")
                                   || LANG(?label) = "") } }
GROUP BY ?class ORDER BY DESC(?n) STR(?class)
"""


@dataclass(frozen=True)
class StoreStats:
    triples: int  # in the default graph
    classes: list[tuple[str, int, str]]  # class IRI, instances, label ("" if none)
    named_graphs: list[tuple[str, int]]  # graph IRI, triples


def store_stats(store: ox.Store) -> StoreStats:
    """Counts of the whole store: default graph, instances of each class, named graphs."""
    prefixes = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    classes = [(row["class"].value, int(row["n"].value), row["name"].value if row["name"] else "")
               for row in store.query(STATS_CLASSES, prefixes=prefixes)
               if isinstance(row["class"], ox.NamedNode)]
    graphs = sorted((graph.value, sum(1 for _ in store.quads_for_pattern(None, None, None, graph)))
                    for graph in store.named_graphs() if isinstance(graph, ox.NamedNode))
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return StoreStats(default, classes, graphs)


def stats_text(stats: StoreStats) -> str:
    lines = [f"{stats.triples} triples in the default graph", "instances by class:"]
    for iri, count, label in stats.classes:
        lines.append(f"  {count:7d}  {_short(iri)}" + (f"  ({label})" if label else ""))
    lines.append(f"named graphs: {len(stats.named_graphs)}")
    lines += [f"  {count:7d}  <{iri}>" for iri, count in stats.named_graphs]
    return "\n".join(lines)


def _short(iri: str) -> str:
    from kg.model.namespaces import shorten  # rdflib is slow to import; only this command needs it

    return shorten(iri)


@click.command("stats")
@click.option("--store", "path", type=click.Path(path_type=Path), default=DEFAULT_STORE,
              show_default=True, help="The embedded store `kg build` filled.")
def stats_command(path: Path) -> None:
    """What is in the embedded store: triples, instances by class, named graphs."""
    store = open_store(path)
    click.echo(stats_text(store_stats(store)))
