"""SERVICE refused unless allowed: the endpoint makes no outbound request of its own.

pyoxigraph follows `SERVICE <iri>` by sending the sub-query to that address, and offers no
switch to stop it, so a read-only endpoint that ran any query would fetch from any address it
can reach (cloud metadata, services on loopback). Before a query runs, its SERVICE clauses are
found with a SPARQL tokenizer (strings, IRIs and comments skipped, codepoint escapes undone
first as the grammar says: https://www.w3.org/TR/sparql11-query/#codepointEscape) and every
target must be an absolute IRI on the allow-list (`kg serve --allow-service URL`, as the
Wikidata Query Service allows a few federated endpoints). A SERVICE whose target is a
variable, a relative IRI or unknown is refused: when in doubt, no request.
"""

import re
from collections.abc import Iterable
from http import HTTPStatus

from kg.serve.protocol import ProtocolError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r'(?P<skip>#[^\n\r]*|\s+'
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<var>[?$][\w\u00B7\u00C0-\uFFFF]+)'
    r'|(?P<word>[A-Za-z_\u00C0-\uFFFF:][\w\u00B7\u00C0-\uFFFF.:%\\-]*)'
    r'|(?P<other>.)', re.DOTALL)


def unescape(text: str) -> str:
    """\\uXXXX and \\UXXXXXXXX replaced by their characters, before any other reading."""
    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()
    return _ESCAPE.sub(char, text)


def _tokens(text: str) -> list[tuple[str, str]]:
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "skip":
            continue
        value = match.group()
        if kind == "word":
            value = value.rstrip(".")  # a name never ends with '.', a triple does
        found.append((kind, value))
    return found


def service_targets(text: str) -> list[str | None]:
    """The target of every SERVICE (and LOAD): an absolute IRI, or None where it is not one."""
    tokens = _tokens(unescape(text))
    prefixes: dict[str, str] = {}
    targets: list[str | None] = []
    for index, (kind, value) in enumerate(tokens):
        if kind != "word":
            continue
        word = value.upper()
        if word == "PREFIX" and index + 2 < len(tokens) and tokens[index + 2][0] == "iri":
            prefixes[tokens[index + 1][1].removesuffix(":")] = tokens[index + 2][1][1:-1]
        elif word in ("SERVICE", "LOAD"):  # LOAD <iri> (an update) fetches too
            following = tokens[index + 1:index + 3]
            if following and following[0][0] == "word" and following[0][1].upper() == "SILENT":
                following = following[1:]
            targets.append(_absolute(following[0] if following else None, prefixes))
    return targets


def _absolute(token: tuple[str, str] | None, prefixes: dict[str, str]) -> str | None:
    if token is None:
        return None
    kind, value = token
    if kind == "iri":
        iri = value[1:-1]
    elif kind == "word" and ":" in value:
        prefix, _, local = value.partition(":")
        if prefix not in prefixes:
            return None
        iri = prefixes[prefix] + local
    else:
        return None
    return iri if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) else None


def check_services(text: str, allowed: Iterable[str]) -> None:
    """Refuse (403) a query or update with a SERVICE whose target is not allowed."""
    allowed = set(allowed)
    for target in service_targets(text):
        if target is None or target not in allowed:
            shown = f"<{target}>" if target else "whose target is not a fixed absolute IRI"
            hint = ("kg serve --allow-service URL allows one endpoint" if target
                    else "write the endpoint's IRI, and allow it with kg serve --allow-service")
            raise ProtocolError(HTTPStatus.FORBIDDEN,
                                f"SERVICE (or LOAD) {shown} is refused: this endpoint makes no "
                                f"outbound requests unless allowed ({hint})")
