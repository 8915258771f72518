"""A build's outputs appear all at once or not at all.

Each build writes a new folder under `build/releases/`. Only when everything in
it is written does one rename swap the link `build/current` to it. The stable
paths users and tools open (`build/unkg.ttl`, `build/store`, ...) are links
through `current`, so a reader sees the previous build or the new one, never a
mix, and a build that fails or is killed half-way leaves the previous one in
place.

One build at a time writes to an output folder: `locked` holds an exclusive lock on
`build/.lock` (the kernel drops it when the process dies, so a killed build never leaves a stale
lock) for the whole build; a second build is told which process holds it. Under the lock no
other build is alive, so every release folder but the current and the previous one is left over
from a failed or killed build and is removed.
"""

import fcntl
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import CuratorError

RELEASES = "releases"
CURRENT = "current"
LOCK = ".lock"


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's build lock, or say which process holds it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / LOCK).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise CuratorError(f"another build is running (pid {holder}) in {out_dir}; wait for "
                               "it to finish, or use another --out") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            _remove_leftovers(out_dir)
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(out_dir: Path) -> None:
    """Release folders of failed or killed builds (call under the lock only)."""
    current = current_release(out_dir)
    previous = _previous(out_dir)
    for child in _releases(out_dir):
        if child not in (current, previous):
            shutil.rmtree(child, ignore_errors=True)


def _releases(out_dir: Path) -> list[Path]:
    folder = out_dir / RELEASES
    return sorted(c.resolve() for c in folder.iterdir()) if folder.is_dir() else []


def _previous(out_dir: Path) -> Path | None:
    link = out_dir / RELEASES / ".previous"
    return link.resolve() if link.is_symlink() and link.resolve().exists() else None


def new_release(out_dir: Path) -> Path:
    """An empty folder for this build's outputs."""
    releases = out_dir / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.time_ns() % 10**6:06d}"
    folder = releases / stamp
    folder.mkdir()
    return folder


def publish(out_dir: Path, release: Path, names: Iterable[str]) -> None:
    """Make the release current in one rename, link the stable names, and drop old releases."""
    previous = current_release(out_dir)
    (release / ".complete").touch()  # a finished release: old ones of these may be removed
    _replace_link(out_dir / CURRENT, Path(RELEASES) / release.name)
    for name in names:
        link = out_dir / name
        if not link.is_symlink():
            if link.exists():
                shutil.rmtree(link) if link.is_dir() else link.unlink()
            _replace_link(link, Path(CURRENT) / name)
    # The previous release stays for readers that still have it open; older ones go. Only
    # finished releases are removed here: a folder still being written belongs to a build that
    # holds the lock, and every build takes it (`locked`).
    if previous is not None and previous != release.resolve():
        _replace_link(out_dir / RELEASES / ".previous", Path(previous.name))
    keep = {release.resolve(), previous}
    for child in _releases(out_dir):
        if child not in keep and (child / ".complete").exists():
            shutil.rmtree(child, ignore_errors=True)


def current_release(out_dir: Path) -> Path | None:
    link = out_dir / CURRENT
    return link.resolve() if link.is_symlink() and link.resolve().exists() else None


def discard(release: Path) -> None:
    shutil.rmtree(release, ignore_errors=True)


def _replace_link(link: Path, target: Path) -> None:
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(target)
    os.replace(tmp, link)
