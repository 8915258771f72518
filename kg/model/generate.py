"""Regenerate what is generated from the ontology: the JSON-LD context and docs/MODEL.md's
term tables. A maintainer's tool, not a `kg` command:

    python -m kg.model.generate           # rewrite both after editing the ontology
    python -m kg.model.generate --check   # exit 1, naming the stale files, if either is stale
"""

import sys
from pathlib import Path

from kg.model.context import render_context
from kg.model.tables import with_tables
from kg.project import MODEL_PAGE, RESOURCES


def generated() -> dict[Path, str]:
    """Each generated file and the text it should hold."""
    context = Path(str(RESOURCES / "ontology" / "context.jsonld"))
    return {context: render_context(),
            MODEL_PAGE: with_tables(MODEL_PAGE.read_text(encoding="utf-8"))}


def main(argv: list[str]) -> int:
    stale = [path for path, text in generated().items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for path in stale:
            print(f"{path} is stale: run python -m kg.model.generate", file=sys.stderr)
        return 1 if stale else 0
    for path, text in generated().items():
        if path in stale:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
