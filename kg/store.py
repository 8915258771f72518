"""The embedded Oxigraph store on disk, replaced atomically at each build.

`build/store` is a symbolic link to one of `build/stores/*`. A build loads a
fresh directory and then swaps the link in one rename, so a reader opens either
the previous store or the new one, never a half-loaded one; a build killed
half-way leaves the link pointing at the previous store.
"""

import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

STORE_LINK = "store"
STORES_DIR = "stores"


def load_embedded(rdf_files: Iterable[Path], out_dir: Path) -> Path:
    """Load the RDF files into a new store under out_dir and make it the current one."""
    stores = out_dir / STORES_DIR
    stores.mkdir(parents=True, exist_ok=True)
    fresh = stores / f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}"
    store = ox.Store(str(fresh))
    for path in rdf_files:
        store.bulk_load(path=str(path))
    store.flush()
    del store  # close the RocksDB handle before readers open it
    previous = _current_target(out_dir)
    _swap_link(out_dir / STORE_LINK, fresh)
    # The previous store stays for readers that still have it open.
    _remove_stores(stores, keep={fresh.name, previous})
    return fresh


def open_store(path: Path, *, read_only: bool = True) -> ox.Store:
    """Open the current store (following the link) for querying."""
    target = path.resolve()
    if not target.exists():
        raise FileNotFoundError(f"no store at {path}: run `kg build` first")
    return ox.Store.read_only(str(target)) if read_only else ox.Store(str(target))


def _swap_link(link: Path, target: Path) -> None:
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(Path(STORES_DIR) / target.name)
    os.replace(tmp, link)


def _current_target(out_dir: Path) -> str:
    link = out_dir / STORE_LINK
    return os.readlink(link).rsplit("/", 1)[-1] if link.is_symlink() else ""


def _remove_stores(stores: Path, keep: set[str]) -> None:
    """Older stores and the leftovers of killed builds go."""
    for child in stores.iterdir():
        if child.name not in keep and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
