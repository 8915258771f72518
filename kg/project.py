"""Where things are, and the defaults every command shares.

Two kinds of place: the packaged resources (ontology, JSON-LD context, shapes, saved queries,
the web page), read with importlib.resources so that an installed wheel works like a checkout;
and a project folder (`--project`, default the current folder) holding the corpus (`sources/`,
`facts/`) and, optionally, the project's own extra `shapes/*.ttl` and `queries/**/*.rq`.
"""

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from kg.errors import CuratorError

RESOURCES = files("kg.resources")
STATIC = files("kg.serve") / "static"

# The checkout's model page (not package data), whose term tables kg.model.generate writes.
MODEL_PAGE = Path(__file__).resolve().parent.parent / "docs" / "MODEL.md"

DEFAULT_PROJECT = Path(".")
DEFAULT_OUT = Path("build")
DEFAULT_STORE = DEFAULT_OUT / "store"
DEFAULT_GRAPH = DEFAULT_OUT / "unkg.ttl"


def ontology_file() -> Traversable:
    return _required(RESOURCES / "ontology" / "unkg.ttl", "the ontology")


def context_file() -> Traversable:
    return _required(RESOURCES / "ontology" / "context.jsonld", "the JSON-LD context")


def shape_files(project: Path | None = None) -> list[Traversable]:
    """The packaged shapes and the project's own (`PROJECT/shapes/*.ttl`), by file name: a
    project file replaces the packaged file of the same name, other names add to them.

    None found is an error: a validator without shapes would call anything conforming.
    """
    packaged = _by_name(RESOURCES / "shapes", ".ttl")
    if not packaged:
        raise CuratorError("no SHACL shapes found in the installed package (kg/resources/shapes);"
                           " reinstall unkg")
    for folder in _project_folder(project, "shapes"):
        packaged.update(_by_name(folder, ".ttl"))
    return [packaged[name] for name in sorted(packaged)]


def query_files(project: Path | None = None) -> list[Traversable]:
    """Every saved query file (`queries/TOPIC/NAME.rq`): the packaged ones and the project's
    own, a project file replacing the packaged one at the same TOPIC/NAME."""
    found: dict[str, Traversable] = {}
    for root in [RESOURCES / "queries", *_project_folder(project, "queries")]:
        for folder in (c for c in root.iterdir() if c.is_dir()) if root.is_dir() else ():
            found.update({f"{folder.name}/{name}": f
                          for name, f in _by_name(folder, ".rq").items()})
    if not found:
        raise CuratorError("no saved queries found in the installed package; reinstall unkg")
    return [found[key] for key in sorted(found)]


def _required(resource: Traversable, what: str) -> Traversable:
    if not resource.is_file():
        raise CuratorError(f"{what} is missing from the installed package ({resource}); "
                           "reinstall unkg")
    return resource


def _by_name(folder: Traversable, suffix: str) -> dict[str, Traversable]:
    if not folder.is_dir():
        return {}
    return {c.name: c for c in folder.iterdir() if c.is_file() and c.name.endswith(suffix)}


def _project_folder(project: Path | None, name: str) -> list[Path]:
    """The project's own folder of that name, unless it is the packaged one itself (a checkout,
    whose package links to it)."""
    if project is None or not (project / name).is_dir():
        return []
    folder = (project / name).resolve()
    return [] if Path(str(RESOURCES / name)).resolve() == folder else [folder]
