"""glibc's allocator, told what kg knows of its memory use (no-ops on other C libraries).

Oxigraph's queries and bulk loads allocate from threads of their own; glibc gives threads
separate arenas, and memory freed in one arena is kept for that arena, not returned to the
system. A process that runs a hash join over a million ballots on one thread and the next on
another holds both tables' memory. What follows hands freed memory back, or caps the arenas.
"""

import ctypes
from functools import cache

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


@cache
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim, libc.mallopt  # noqa: B018  # glibc has both
        return libc
    except (OSError, AttributeError):  # not glibc
        return None


def release_freed_memory() -> None:
    """Return the memory freed so far, in every arena, to the system (malloc_trim): under a
    millisecond. Called after each whole-store check of a validation, so that its hash tables
    do not stay counted while the next check builds its own."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def fewer_malloc_arenas(arenas: int = 2) -> None:
    """glibc reserves 64 MiB of address space for each malloc arena, up to eight per core, as
    threads (RocksDB's, the query engine's) first allocate. Under an address-space cap those
    reservations, not the data, could use it up."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, arenas)
