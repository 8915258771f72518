"""What the pages show, read from the store: names, sources, the articles with their quotes,
and a fact's neighbourhood as a small rdflib graph for kg.review's plain words.

Runs inside a page worker (kg/serve/workers.py), which holds the store open. Every IRI written
into a query is a pyoxigraph term (checked and escaped), never text from a request.
"""

import csv
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.model.namespaces import PREFIXES, UNKG
from kg.model.terms import rdflib_graph
from kg.review.corpus import Article, articles

PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
# A name: the English preferred label, any label, or nothing (the caller falls back).
LABEL = ("OPTIONAL {{ {node} skos:prefLabel ?pref{v} FILTER (LANG(?pref{v}) IN (\"\", \"en\")) }}"
         " OPTIONAL {{ {node} rdfs:label ?label{v} FILTER (LANG(?label{v}) IN (\"\", \"en\")) }}"
         " BIND (COALESCE(?pref{v}, ?label{v}) AS ?{v})")


def label_pattern(node: str, variable: str) -> str:
    """The graph pattern that binds ?variable to `node`'s name, when it has one."""
    return LABEL.format(node=node, v=variable)


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """The rows of a SELECT as plain strings ('' for an unbound variable)."""
    solutions = store.query(PROLOGUE + query)
    names = [v.value for v in solutions.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in solutions]


def words(iri: str) -> str:
    """An IRI's local name in words, where it has no label: unkg:votedNo is "voted no"."""
    local = iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    spaced = "".join(f" {c.lower()}" if c.isupper() and i else c.lower()
                     for i, c in enumerate(local))
    return spaced.replace("-", " ").replace("_", " ").strip()


def names(store: ox.Store, iris: set[str]) -> dict[str, str]:
    """IRI -> name, for every IRI of `iris` that has one (one query)."""
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(iri)) for iri in sorted(iris))
    rows = select(store, f"SELECT ?node ?name WHERE {{ VALUES ?node {{ {values} }} "
                         f"{label_pattern('?node', 'name')} FILTER (BOUND(?name)) }}")
    found: dict[str, str] = {}
    for row in rows:
        found.setdefault(row["node"], row["name"])
    return found


@dataclass(frozen=True)
class Source:
    """What a reader needs to know of a source: never a file path."""

    iri: str
    id: str
    title: str
    publisher: str  # "" when the source does not say
    date: str  # "" when the source does not say
    url: str  # "" when the source gives none
    local_file: str


def sources(store: ox.Store, iris: set[str]) -> dict[str, Source]:
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(iri)) for iri in sorted(iris))
    rows = select(store, f"""SELECT ?source ?id ?title ?publisher ?date ?url ?file WHERE {{
        VALUES ?source {{ {values} }}
        OPTIONAL {{ ?source dcterms:identifier ?id }} OPTIONAL {{ ?source dcterms:title ?title }}
        OPTIONAL {{ ?source schema:publisher ?publisher }}
        OPTIONAL {{ ?source schema:datePublished ?date }} OPTIONAL {{ ?source schema:url ?url }}
        OPTIONAL {{ ?source unkg:localFile ?file }} }}""")
    return {r["source"]: Source(r["source"], r["id"] or words(r["source"]),
                                r["title"] or r["id"], r["publisher"], r["date"], r["url"],
                                r["file"]) for r in rows}


# ---------------------------------------------------------------- the articles and their quotes

# The texts (news articles, and the official record's notes, quoted by position), their text
# positions and the facts the quotes support, for kg.review.corpus: a few thousand triples
# whatever the size of the voting history in the store.
TEXT_KINDS = (UNKG.NewsArticle, UNKG.OfficialRecord)
_ARTICLE_EVIDENCE = """CONSTRUCT {
  ?source a ?kind ; unkg:localFile ?file .
  ?target a oa:SpecificResource ; oa:hasSource ?source ; oa:hasSelector ?selector .
  ?selector a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  ?evidence oa:hasTarget ?target ; oa:hasBody ?body . ?body a ?type .
} WHERE {
  VALUES ?kind { unkg:NewsArticle unkg:OfficialRecord }
  ?source a ?kind ; unkg:localFile ?file .
  ?target oa:hasSource ?source ; oa:hasSelector ?selector .
  ?selector a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  ?evidence oa:hasTarget ?target ; oa:hasBody ?body . ?body a ?type .
}"""

_corpus: dict[tuple[int, str], dict[str, Article]] = {}


def corpus(store: ox.Store, project: Path) -> dict[str, Article]:
    """Source IRI -> article with its text and quoted spans (kg.review.corpus), read once per
    store a worker opens."""
    key = (id(store), str(project))
    if key not in _corpus:
        _corpus.clear()
        graph = rdflib_graph(store.query(PROLOGUE + _ARTICLE_EVIDENCE))
        _corpus[key] = {str(a.source): a for a in articles(graph, project, TEXT_KINDS)}
    return _corpus[key]


def neighbourhood(store: ox.Store, iri: str) -> Graph:
    """A fact, the names and types of what it points at, and, for a claim, what the record
    says of its subject: enough for kg.review.describe to put it in plain words."""
    node = str(ox.NamedNode(iri))
    query = f"""CONSTRUCT {{ {node} ?p ?o . ?o a ?type ; skos:prefLabel ?pref ; rdfs:label ?label .
                             ?subject ?predicate ?recorded . ?recorded rdfs:label ?said ;
                               skos:prefLabel ?saidPref . }}
    WHERE {{ {{ {node} ?p ?o OPTIONAL {{ ?o a ?type }} OPTIONAL {{ ?o skos:prefLabel ?pref }}
               OPTIONAL {{ ?o rdfs:label ?label }} }}
      UNION {{ {node} rdf:subject ?subject ; rdf:predicate ?predicate .
               ?subject ?predicate ?recorded OPTIONAL {{ ?recorded rdfs:label ?said }}
               OPTIONAL {{ ?recorded skos:prefLabel ?saidPref }} }} }}"""
    return rdflib_graph(store.query(PROLOGUE + query))


# ---------------------------------------------------------------- the official record's rows

def record_row(project: Path, curated_in: str) -> list[tuple[str, str]]:
    """The (column, value) pairs of the CSV row `curated_in` names ("FILE.csv#row=N", RFC 7111:
    the header is row 1), or [] when it names no single row of a readable CSV file."""
    path, _, fragment = curated_in.partition("#row=")
    if not path.endswith(".csv") or not fragment.isdigit() or int(fragment) < 2:
        return []
    file = project / path
    if not file.is_file():
        return []
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        row = next(islice(reader, int(fragment) - 2, None), None)
    return list(zip(header, row, strict=False)) if row else []
