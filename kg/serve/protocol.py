"""The SPARQL 1.1 Protocol's rules that do not depend on the web framework: errors with an
HTTP status, content negotiation, and strict reading of parameters.

Kept free of the server stack, so the worker processes import it cheaply.
"""

from http import HTTPStatus
from urllib.parse import parse_qs

import pyoxigraph as ox

MAX_PARAMS = 100  # fields in one query string or form


class ProtocolError(Exception):
    """A request the endpoint answers with an HTTP error status and a one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# What each kind of result can be written as: (media type asked for, format, media type sent).
# The plain JSON and XML types are aliases a standards-only client sends: a table of solutions
# answers them as SPARQL results, a graph as JSON-LD or RDF/XML (as Oxigraph and Virtuoso do,
# and as rdflib's SPARQLStore with returnFormat='json' expects of a CONSTRUCT).
SOLUTION_FORMATS: list[tuple[str, str, str]] = [
    ("application/sparql-results+json", "json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "xml", "application/sparql-results+xml"),
    ("text/csv", "csv", "text/csv"),
    ("text/tab-separated-values", "tsv", "text/tab-separated-values"),
    ("application/json", "json", "application/sparql-results+json"),
    ("application/xml", "xml", "application/sparql-results+xml"),
]
GRAPH_FORMATS: list[tuple[str, ox.RdfFormat, str]] = [
    ("text/turtle", ox.RdfFormat.TURTLE, "text/turtle"),
    ("application/ld+json", ox.RdfFormat.JSON_LD, "application/ld+json"),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    ("application/json", ox.RdfFormat.JSON_LD, "application/ld+json"),
    ("application/sparql-results+json", ox.RdfFormat.JSON_LD, "application/ld+json"),
    ("application/sparql-results+xml", ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    ("application/xml", ox.RdfFormat.RDF_XML, "application/rdf+xml"),
]


def negotiate(accept: str, offered: list[tuple]) -> tuple:
    """(media type to send, format) the Accept header likes best; ties go to `offered`'s
    order, so a wildcard gets the first (standard) format, never an alias."""
    if not accept.strip():
        return offered[0][2], offered[0][1]
    best, best_q = None, 0.0
    for asked, fmt, sent in offered:
        q = preference(asked, accept)
        if q > best_q:
            best, best_q = (sent, fmt), q
    if best is None:
        wanted = ", ".join(dict.fromkeys(asked for asked, _, _ in offered))
        raise ProtocolError(HTTPStatus.NOT_ACCEPTABLE,
                            f"cannot answer in {accept[:200]!r}; this result can be: {wanted}")
    return best


def preference(media_type: str, accept: str) -> float:
    """How much the Accept header likes `media_type` (0: not at all)."""
    return max((_quality(media_type, media_range) for media_range in accept.split(",")),
               default=0.0)


def _quality(media_type: str, media_range: str) -> float:
    kind, *params = [part.strip() for part in media_range.split(";")]
    kind = kind.lower()
    q = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = min(max(float(value), 0.0), 1.0)
            except ValueError:
                q = 0.0
    main, _, sub = media_type.partition("/")
    want_main, _, want_sub = kind.partition("/")
    if kind == "*/*" or (want_main == main and want_sub in ("*", sub)):
        # A wildcard match counts a little less than naming the type, so a client's
        # explicit choice wins over the server's default.
        return q if kind == media_type else q * 0.99
    return 0.0


def parse_params(text: str, where: str) -> dict[str, list[str]]:
    """A query string or form, percent-decoded as strict UTF-8 (bad bytes are a 400)."""
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, encoding="utf-8",
                        errors="strict", max_num_fields=MAX_PARAMS)
    except UnicodeDecodeError:
        raise ProtocolError(HTTPStatus.BAD_REQUEST,
                            f"the {where} is not UTF-8 once percent-decoded") from None
    except ValueError:
        raise ProtocolError(HTTPStatus.BAD_REQUEST,
                            f"the {where} has more than {MAX_PARAMS} fields") from None


def one(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name, [])
    if len(values) != 1:
        raise ProtocolError(HTTPStatus.BAD_REQUEST,
                            f"give exactly one '{name}' parameter (got {len(values)})")
    return values[0]


def graph_iris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """default-graph-uri / named-graph-uri values, each an absolute IRI (else a 400)."""
    iris = []
    for value in params.get(name, []):
        try:
            iris.append(ox.NamedNode(value).value)
        except ValueError:
            raise ProtocolError(HTTPStatus.BAD_REQUEST,
                                f"{name}={value[:200]!r} is not an absolute IRI") from None
    return tuple(iris)


def decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(HTTPStatus.BAD_REQUEST,
                            f"the {what} is not UTF-8 (bad byte at {error.start})") from None
