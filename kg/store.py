"""The embedded Oxigraph store: bulk-loaded once per build, then only read."""

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox


def load_store(rdf_files: Iterable[Path], store_dir: Path) -> None:
    """Bulk-load RDF files (format from the extension) into a new store directory."""
    store = ox.Store(str(store_dir))
    for path in rdf_files:
        store.bulk_load(path=str(path))
    store.flush()
    store.optimize()
    del store  # close the RocksDB handle before readers open it


def open_store(path: Path, *, read_only: bool = True) -> ox.Store:
    """Open a store (following links) for querying."""
    target = path.resolve()
    if not target.exists():
        raise FileNotFoundError(f"no store at {path}: run `kg build` first")
    return ox.Store.read_only(str(target)) if read_only else ox.Store(str(target))
