"""The HTML pages of `kg serve`, from jinja2 templates (kg/serve/templates, autoescaped): an
entity's page (`/id/...`) and a fact's evidence view (`/evidence/...`).

The review's templates (kg/review/templates) are on the search path too: the evidence view
highlights the article with the same macro as `kg review`'s page.
"""

from pathlib import Path

import pyoxigraph as ox
from jinja2 import ChoiceLoader, Environment, PackageLoader

from kg.serve.entities import entity_view
from kg.serve.evidence import evidence_view
from kg.serve.links import ID_BASE, entity_path, safe_href

__all__ = ["ID_BASE", "entity_page", "evidence_page", "safe_href"]

TEMPLATES = Environment(
    loader=ChoiceLoader([PackageLoader("kg.serve", "templates"),
                         PackageLoader("kg.review", "templates")]),
    autoescape=True, trim_blocks=True, lstrip_blocks=True)
# The RDF forms of an entity, linked from its pages (rel="alternate"): ?format= picks one.
RDF_FORMS = {"ttl": ("text/turtle", "Turtle"), "jsonld": ("application/ld+json", "JSON-LD"),
             "nt": ("application/n-triples", "N-Triples"),
             "rdf": ("application/rdf+xml", "RDF/XML")}


def alternates(iri: str) -> list[tuple[str, str, str]]:
    """(href, media type, name) of each RDF form of the entity's description."""
    path = entity_path(iri)
    return [(f"{path}?format={key}", media, name) for key, (media, name) in RDF_FORMS.items()]


def entity_page(store: ox.Store, project: Path, iri: str, triples: list[ox.Triple]) -> str:
    view = entity_view(store, project, iri, triples)
    return TEMPLATES.get_template("entity.html").render(
        title=view.name, view=view, alternates=alternates(iri))


def evidence_page(store: ox.Store, project: Path, fact: str, source: str) -> str:
    view = evidence_view(store, project, fact, source)
    return TEMPLATES.get_template("evidence.html").render(
        title=f"Evidence: {view.name}", view=view, alternates=alternates(fact),
        fact_page=entity_path(fact), link=lambda record: view.links.get(record, "#"))
