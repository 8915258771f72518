"""The voting-history files a project declares, and the import of them that every build reuses.

`kg import-undl FILE` declares a UN Digital Library voting file in `PROJECT/history.yaml` (its
path, sha256, body and row count); from then on every `kg build` holds it. The import of the
declared set is done once into a checkpoint store, `OUT/history/KEY/store`, KEY being a digest
of the files' hashes and of the code that turns them into triples; a build copies that store
(a RocksDB checkpoint: hard links, no rewrite) into its new release and adds the curated graph.
So a fact edit does not redo the import, and a release, once published, is never written to.
Beside the checkpoint, `validation.json` keeps the last release's validation, from which the
next build validates only what its curated change can reach (kg.validate.incremental).
"""

import hashlib
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import TextIO

import yaml

from kg.errors import CuratorError
from kg.ingest.yamlio import read_yaml
from kg.pipeline.history import import_files
from kg.store.export import HISTORY_NTRIPLES

HISTORY_FILE = "history.yaml"
CHECKPOINTS = "history"
# The code whose output the checkpoint holds: a change to any of these makes a new checkpoint.
EMITTING_CODE = ("ingest", "emit", "model", "pipeline/history.py")


@dataclass(frozen=True)
class DeclaredFile:
    path: Path  # absolute
    sha256: str
    body: str | None  # "ga" or "sc"; None: from the file's header
    rows: int | None = None
    declared: str | None = None  # ISO date

    def as_yaml(self, project: Path) -> dict:
        path = self.path
        shown = path.relative_to(project.resolve()) if path.is_relative_to(project.resolve()) \
            else path
        return {"path": shown.as_posix(), "sha256": self.sha256, "body": self.body,
                "rows": self.rows, "declared": self.declared}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_declared(project: Path, *, check_hashes: bool = True) -> list[DeclaredFile]:
    """The declared files, each checked to exist and to be the file that was declared."""
    path = project / HISTORY_FILE
    if not path.exists():
        return []
    entries = read_yaml(path, HISTORY_FILE) or []
    if not isinstance(entries, list):
        raise CuratorError("expected a list of declared files (path, sha256, body)",
                           file=HISTORY_FILE)
    declared = []
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}"
        if not isinstance(entry, dict) or not entry.get("path") or not entry.get("sha256"):
            raise CuratorError("each entry needs path and sha256 (kg import-undl writes them)",
                               file=HISTORY_FILE, record=where)
        file = (project / str(entry["path"])).resolve()
        if not file.is_file():
            raise CuratorError(f"declared voting file {entry['path']} is missing; restore it, "
                               f"or remove its entry from {HISTORY_FILE}", file=HISTORY_FILE,
                               record=where)
        if check_hashes and file_sha256(file) != entry["sha256"]:
            raise CuratorError(f"{entry['path']} has changed since it was declared; run "
                               f"`kg import-undl {entry['path']}` to declare the new version",
                               file=HISTORY_FILE, record=where)
        declared.append(DeclaredFile(file, str(entry["sha256"]), entry.get("body"),
                                     entry.get("rows"), entry.get("declared")))
    return declared


def declare(project: Path, new: Sequence[DeclaredFile]) -> list[DeclaredFile]:
    """The declared set with `new` added (a file declared again replaces its old entry)."""
    kept = [d for d in read_declared(project, check_hashes=False)
            if d.path not in {n.path for n in new}]
    return [*kept, *new]


def new_declaration(path: Path, body: str | None, rows: int | None = None) -> DeclaredFile:
    return DeclaredFile(path.resolve(), file_sha256(path), body, rows, date.today().isoformat())


def write_declared(project: Path, declared: Sequence[DeclaredFile]) -> None:
    """Replace history.yaml in one rename: a killed command leaves the old file or the new."""
    text = ("# Voting-history files declared by `kg import-undl`; every `kg build` holds them.\n"
            + yaml.safe_dump([d.as_yaml(project) for d in declared], sort_keys=False,
                             allow_unicode=True))
    target = project / HISTORY_FILE
    tmp = target.with_name(f".{HISTORY_FILE}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)


def checkpoint_key(declared: Sequence[DeclaredFile]) -> str:
    digest = hashlib.sha256()
    for item in sorted(declared, key=lambda d: (d.sha256, d.body or "")):
        digest.update(f"{item.sha256} {item.body}\n".encode())
    root = files("kg")
    for part in EMITTING_CODE:
        resource = root.joinpath(*part.split("/"))
        sources = [resource] if resource.is_file() else sorted(
            (f for f in resource.iterdir() if f.name.endswith(".py")), key=lambda f: f.name)
        for source in sources:
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def history_checkpoint(out_dir: Path, declared: Sequence[DeclaredFile], *,
                       progress: bool = False, strict: bool = False,
                       skipped_log: TextIO | None = None) -> tuple[Path, list]:
    """The checkpoint store of the declared files, imported now if there is none yet, and the
    import's reports (empty when the checkpoint was reused). Call under the build lock. Its
    folder also holds HISTORY_NTRIPLES, the store's triples as they were loaded."""
    folder = out_dir / CHECKPOINTS / checkpoint_key(declared)
    store = folder / "store"
    if store.is_dir():
        return store, []
    work = folder.with_name(folder.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    reports = []
    for body in ("ga", "sc", None):  # one import per declared body: --body applies per call
        paths = [d.path for d in declared if d.body == body]
        if paths:
            reports += import_files(paths, work / "store", body=body, progress=progress,
                                    strict=strict, work_dir=work, skipped_log=skipped_log,
                                    ntriples_copy=work / HISTORY_NTRIPLES)
    os.replace(work, folder)  # complete or absent: a killed import leaves only *.partial
    for other in (out_dir / CHECKPOINTS).iterdir():  # older checkpoints are no longer declared
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
    return store, reports
