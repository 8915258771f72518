"""SPARQL 1.1 query results, written once for `kg query`, `kg serve` and the query page.

The four standard formats: JSON (https://www.w3.org/TR/sparql11-results-json/), XML
(https://www.w3.org/TR/rdf-sparql-XMLres/), CSV and TSV
(https://www.w3.org/TR/sparql11-results-csv-tsv/). Rows are written one at a time, so the
endpoint can stop at a number of rows or of bytes and say that it did (`Written.truncated`).
"""

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Mapping[str, Term | None]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
MEDIA_TYPES = {"json": "application/sparql-results+json",
               "xml": "application/sparql-results+xml",
               "csv": "text/csv",
               "tsv": "text/tab-separated-values"}


@dataclass(frozen=True)
class Written:
    body: bytes
    rows: int
    truncated: str | None = None  # "rows" or "bytes" when the limit cut the answer short


def solutions(variables: list[str], rows: Iterable[Row], fmt: str = "json", *,
              max_rows: int | None = None, max_bytes: int | None = None) -> Written:
    """The rows in `fmt`, complete and well-formed even when a limit stops them early."""
    head, row_text, separator, tail = _WRITERS[fmt](variables)
    head_bytes, tail_bytes = head.encode(), tail.encode()
    size = len(head_bytes) + len(tail_bytes)
    parts: list[bytes] = [head_bytes]
    count, truncated = 0, None
    for row in rows:
        if max_rows is not None and count == max_rows:
            truncated = "rows"
            break
        chunk = ((separator if count else "") + row_text(row)).encode()
        if max_bytes is not None and size + len(chunk) > max_bytes:
            truncated = "bytes"
            break
        parts.append(chunk)
        size += len(chunk)
        count += 1
    parts.append(tail_bytes)
    return Written(b"".join(parts), count, truncated)


def boolean(value: bool, fmt: str = "json") -> bytes:
    """An ASK answer. CSV and TSV define none; like Oxigraph, write the bare word there."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="{_XML_NS}"><head/>'
                f"<boolean>{word}</boolean></sparql>\n").encode()
    return word.encode()


# ---------------------------------------------------------------- JSON

def json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):  # SPARQL 1.2 / RDF-star
        return {"type": "triple", "value": {"subject": json_term(term.subject),
                                            "predicate": json_term(term.predicate),
                                            "object": json_term(term.object)}}
    entry = {"type": "literal", "value": term.value}
    if term.language:
        entry["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:  # a simple literal carries no datatype
        entry["datatype"] = term.datatype.value
    return entry


def _json(variables: list[str]) -> tuple:
    head = ('{"head": {"vars": ' + json.dumps(variables, ensure_ascii=False)
            + '},\n "results": {"bindings": [\n')

    def row_text(row: Row) -> str:
        return "  " + json.dumps({name: json_term(term) for name, term in row.items()
                                  if term is not None}, ensure_ascii=False)
    return head, row_text, ",\n", "\n]}}\n"


# ---------------------------------------------------------------- XML

_XML_NS = "http://www.w3.org/2005/sparql-results#"


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
                f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}"
                "</object></triple>")
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return (f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}"
                "</literal>")
    return f"<literal>{escape(term.value)}</literal>"


def _xml(variables: list[str]) -> tuple:
    names = "".join(f"<variable name={quoteattr(name)}/>" for name in variables)
    head = f'<?xml version="1.0"?>\n<sparql xmlns="{_XML_NS}"><head>{names}</head><results>\n'

    def row_text(row: Row) -> str:
        cells = "".join(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                        for name, term in row.items() if term is not None)
        return f"<result>{cells}</result>"
    return head, row_text, "\n", "\n</results></sparql>\n"


# ---------------------------------------------------------------- CSV and TSV

def _csv_value(term: Term | None) -> str:
    """CSV keeps values only: IRIs and literal text bare, blank nodes as _:label."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _csv(variables: list[str]) -> tuple:
    def line(values: list[str]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(values)
        return out.getvalue()

    def row_text(row: Row) -> str:
        return line([_csv_value(row.get(name)) for name in variables])
    return line(variables), row_text, "", ""


def _tsv_value(term: Term | None) -> str:
    """TSV keeps terms in their N-Triples form, as written (and escaped) by pyoxigraph."""
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _tsv(variables: list[str]) -> tuple:
    head = "\t".join(f"?{name}" for name in variables) + "\n"

    def row_text(row: Row) -> str:
        return "\t".join(_tsv_value(row.get(name)) for name in variables) + "\n"
    return head, row_text, "", ""


_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}
