"""Read curated YAML files, keeping each record's line number for error messages.

Stricter than YAML itself, because every silent reading of these is a wrong fact: a key given
twice is refused (YAML parsers keep the last one), anchors and aliases are refused (a curator
never needs them, and they make "billion laughs" bombs), keys are strings, a date is a real
date and a time of day is refused rather than dropped.
"""

import datetime
import re
from pathlib import Path
from typing import Any

import yaml

from kg.errors import CuratorError
from kg.ingest.files import read_text

LINE = "__line__"
SIZE_LIMIT = 2 * 1024 * 1024  # bytes per YAML file: the largest shipped one is 23 kB


class _Refused(Exception):
    """What the loader refuses, with the line; read_yaml adds the file."""

    def __init__(self, message: str, mark: yaml.Mark | None):
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else None


# libyaml's parser when installed (ten times faster); the checks below are the same either way.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 50  # nesting levels: a record is a mapping of fields, a few lists deep at most


class _LineLoader(_BASE):  # type: ignore[valid-type,misc]
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


def _check_events(text: str) -> None:
    """Refuse anchors and aliases, and nesting deeper than MAX_DEPTH, from the parser's events
    before anything is built: a "billion laughs" bomb or a deep one never gets composed."""
    depth = 0
    for event in yaml.parse(text, Loader=_LineLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(f"anchors and aliases (&{event.anchor}, *{event.anchor}) are not "
                           "allowed; write the value out in full", event.start_mark)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(f"nested over {MAX_DEPTH} levels deep; a record is a mapping "
                               "of fields", event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise _Refused("merge keys (<<) are not allowed; write the fields out",
                           key_node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str) or key == LINE:
            raise _Refused(f"the key {key!r} is not a field name; field names are words "
                           "(id, kind, quote, ...)", key_node.start_mark)
        if key in lines:
            raise _Refused(f"the key {key!r} is given twice (lines {lines[key]} and {line}); "
                           "keep one (YAML would silently use the last)", key_node.start_mark)
        lines[key] = line
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


def _timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> datetime.date:
    try:
        value = loader.construct_yaml_timestamp(node)
    except ValueError as err:
        raise _Refused(f"{node.value!r} is not a real date ({err}); write YYYY-MM-DD",
                       node.start_mark) from None
    if isinstance(value, datetime.datetime):
        raise _Refused(f"{node.value!r} has a time of day, which is not kept; write the date "
                       "alone (YYYY-MM-DD) or quote the text", node.start_mark)
    return value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def read_yaml(path: Path, display: str) -> Any:
    """Parse one YAML file; a syntax error names the file and line."""
    text = read_text(path, display, limit=SIZE_LIMIT)
    try:
        _check_events(text)
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506
    except _Refused as err:
        raise CuratorError(str(err), file=display,
                           record=f"line {err.line}" if err.line else None) from None
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
