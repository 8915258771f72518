"""Read curated YAML files, keeping each record's line number for error messages."""

import re
from pathlib import Path
from typing import Any

import yaml

from kg.errors import CuratorError

LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records where each mapping starts, with YAML 1.2 booleans.

    YAML 1.1 reads yes/no/on/off as booleans, which would turn a tally's `yes:`
    and `no:` fields into True and False; only true and false are booleans here.
    """


_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def read_yaml(path: Path, display: str) -> Any:
    """Parse one YAML file; a syntax error names the file and line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f"line {mark.line + 1}" if mark else None
        raise CuratorError(
            f"not valid YAML ({err.problem or err}); check the indentation and quoting there",
            file=display,
            record=line,
        ) from None
    except yaml.YAMLError as err:
        raise CuratorError(f"not valid YAML ({err})", file=display) from None


def strip_lines(value: Any) -> Any:
    """The same data without the line markers (for display)."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
