"""The source documents: article texts and official records, each with its metadata beside it."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.errors import CuratorError
from kg.ingest.files import read_bytes, read_text
from kg.ingest.quotes import FoldedText
from kg.ingest.undl import check_utf8
from kg.ingest.yamlio import read_yaml
from kg.model.iris import source_iri
from kg.model.namespaces import DCTERMS, PROV, RDF, RDFS, SCHEMA, UNKG, XSD

TEXT_SUFFIXES = (".txt", ".csv", ".md")
REQUIRED = ("id", "title", "publisher", "date", "url", "sha256")
# Metadata fields and the property each one fills; a null field is recorded as unknown.
PROPERTIES = {
    "title": DCTERMS.title,
    "publisher": SCHEMA.publisher,
    "date": SCHEMA.datePublished,
    "url": SCHEMA.url,
}
SIZE_LIMIT = 64 * 1024 * 1024  # bytes per source document: the shipped ones are under 100 kB
TEXT_FIELDS = ("id", "title", "publisher", "language", "note")
LAYOUTS = (None, "ga", "sc")
# An IRI a page may link to: http(s), and none of the characters an IRI cannot hold (RFC 3987).
WEB_IRI = re.compile(r'^https?://[^\s<>"{}|\\^`]+$')
SHA256 = re.compile(r"^[0-9a-f]{64}$")
SOURCE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Source:
    id: str
    path: Path  # the document itself
    display: str  # its path as the project shows it
    meta: dict = field(repr=False)

    @property
    def iri(self) -> URIRef:
        return source_iri(self.id)

    @property
    def is_table(self) -> bool:
        return self.path.suffix == ".csv"

    @cached_property
    def text(self) -> str:
        # Read as stored (no newline translation), so offsets are the file's own; strict UTF-8.
        return read_text(self.path, self.display, limit=SIZE_LIMIT)

    @cached_property
    def folded(self) -> FoldedText:
        return FoldedText(self.text)


def load_sources(root: Path) -> dict[str, Source]:
    """Every document under sources/ with a metadata file beside it, checked against its hash."""
    sources: dict[str, Source] = {}
    for meta_path in sorted((root / "sources").rglob("*.yaml")):
        display = meta_path.relative_to(root).as_posix()
        meta = read_yaml(meta_path, display)
        if not isinstance(meta, dict):
            raise CuratorError("expected a mapping of metadata fields", file=display)
        missing = [key for key in REQUIRED if key not in meta]
        if missing:
            raise CuratorError(
                f"missing field(s) {', '.join(missing)}; write null for what the source "
                "does not state",
                file=display,
            )
        _check_meta(meta, display)
        document = next(
            (meta_path.with_suffix(s) for s in TEXT_SUFFIXES if meta_path.with_suffix(s).exists()),
            None,
        )
        if document is None:
            raise CuratorError("no document beside this metadata file (.txt, .csv or .md)",
                               file=display)
        document_display = document.relative_to(root).as_posix()
        data = read_bytes(document, document_display, limit=SIZE_LIMIT)
        if document.suffix == ".csv":  # a bad byte named by row and column name
            check_utf8(document, document_display, iter([data]))
        digest = hashlib.sha256(data).hexdigest()
        if digest != meta["sha256"]:
            raise CuratorError(
                f"{document.name} does not match its sha256 (file has {digest}); sources are "
                "copied unchanged — restore the original or, for a new version, update the hash",
                file=display,
            )
        source_id = str(meta["id"])
        if source_id in sources:
            raise CuratorError(f"source id {source_id!r} is used twice", file=display)
        source = Source(source_id, document, document_display, meta)
        _ = source.text  # decoded now: a bad byte stops the build before anything is emitted
        sources[source_id] = source
    return sources


def _check_meta(meta: dict, display: str) -> None:
    """Each metadata field's type: text where text, a real date, web links only."""
    def refuse(message: str) -> None:
        raise CuratorError(message, file=display, record=f"field {key!r}")

    for key in TEXT_FIELDS:
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            refuse(f"must be text, not {value!r}; quote it")
    key = "id"
    if not meta.get("id") or not SOURCE_ID.match(meta["id"]):
        refuse(f"{meta.get('id')!r} is not a source id: lower-case letters, digits and single "
               "hyphens (it becomes part of the source's IRI)")
    key = "date"
    if meta.get("date") is not None and not isinstance(meta["date"], date):
        refuse(f"{meta['date']!r} is not a date; write YYYY-MM-DD (or null if not stated)")
    key = "sha256"
    if not isinstance(meta["sha256"], str) or not SHA256.match(meta["sha256"]):
        refuse("must be the document's SHA-256 as 64 lower-case hex digits")
    key = "layout"
    if meta.get("layout") not in LAYOUTS:
        refuse(f"{meta['layout']!r} is not a layout; use ga or sc")
    for key in ("url", "primary_sources"):
        value = meta.get(key)
        links = value if isinstance(value, list) else [] if value is None else [value]
        if key == "url" and isinstance(value, list):
            refuse("one URL, not a list")
        for link in links:
            if not isinstance(link, str) or not WEB_IRI.match(link):
                refuse(f"{link!r} is not a web address: it must start with http:// or "
                       "https:// and hold no spaces, quotes or <>; encode a space as %20")


def emit_source(graph: Graph, source: Source) -> None:
    meta = source.meta
    iri = source.iri
    kind = UNKG.OfficialRecord if source.is_table or meta.get("layout") else UNKG.NewsArticle
    if source.path.suffix == ".md":
        kind = UNKG.OfficialRecord
    graph.add((iri, RDF.type, kind))
    graph.add((iri, DCTERMS.identifier, Literal(source.id)))
    graph.add((iri, RDFS.label, Literal(meta["title"] or f"untitled source {source.id}")))
    graph.add((iri, UNKG.sha256, Literal(meta["sha256"])))
    graph.add((iri, UNKG.localFile, Literal(source.display)))
    if meta.get("language"):
        graph.add((iri, SCHEMA.inLanguage, Literal(meta["language"])))
    for key, prop in PROPERTIES.items():
        value = meta.get(key)
        if value is None:
            graph.add((iri, UNKG.unknownProperty, prop))
        elif isinstance(value, date):
            graph.add((iri, prop, Literal(value.isoformat(), datatype=XSD.date)))
        elif key == "url":
            graph.add((iri, prop, URIRef(value)))
        else:
            graph.add((iri, prop, Literal(str(value))))
    for primary in meta.get("primary_sources") or []:
        graph.add((iri, PROV.hadPrimarySource, URIRef(primary)))
