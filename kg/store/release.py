"""A build's outputs appear all at once or not at all.

Each build writes a new folder under `build/releases/`. Only when everything in
it is written does one rename swap the link `build/current` to it. The stable
paths users and tools open (`build/unkg.ttl`, `build/store`, ...) are links
through `current`, so a reader sees the previous build or the new one, never a
mix, and a build that fails or is killed half-way leaves the previous one in
place.
"""

import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

RELEASES = "releases"
CURRENT = "current"


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
    _replace_link(out_dir / CURRENT, Path(RELEASES) / release.name)
    for name in names:
        link = out_dir / name
        if not link.is_symlink():
            if link.exists():
                shutil.rmtree(link) if link.is_dir() else link.unlink()
            _replace_link(link, Path(CURRENT) / name)
    # The previous release stays for readers that still have it open; older ones go.
    keep = {release.name, previous.name if previous else ""}
    for child in (out_dir / RELEASES).iterdir():
        if child.name not in keep:
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
