"""Names as people write them -> the entity they mean, or a question back.

A person types "South Korea", "Türkiye", "Ivory Coast", "America", "against" or "Peskov"; the
graph knows `id:state/KOR` with the UN's name ("REPUBLIC OF KOREA"), `unkg:No` and
`id:person/dmitry-peskov`. This module finds the one entity meant:

- every key the graph holds for an entity (labels, the UN's own names from the voting files,
  ISO3 codes, symbols, curated record ids, IRIs), compared with case, accents, apostrophes and
  punctuation folded ("Cote D'ivoire" = "Côte d'Ivoire");
- for states, the ISO 3166 names pycountry ships (short, official and common: "South Korea",
  "Laos", "Czech Republic", "United States of America"), plus the few English names ISO does
  not list ("Ivory Coast", "Turkey");
- a few words for the fixed choices: vote options ("against" = No, "in favour" = Yes) and
  stances ("criticised" = Criticism);
- a part of a name ("Peskov", "America", "Bolivia") when it is a whole word of one entity's name.

A name that stands for several entities is answered with a question, never by a silent pick:
"Congo: did you mean COG Republic of the Congo or COD Democratic Republic of the Congo?".
"""

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import pycountry
import pyoxigraph as ox

from kg.errors import CuratorError
from kg.model.iris import canonical_symbol, symbol_slug
from kg.model.namespaces import PREFIXES, shorten
from kg.model.vocabulary import OPTIONS

Term = ox.NamedNode | ox.Literal | ox.BlankNode
ID = str(PREFIXES["id"])
UNKG = str(PREFIXES["unkg"])
_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


class Backend(Protocol):
    def select(self, query: str, bindings: dict[str, Term]) -> ox.QuerySolutions | bool: ...


class Ambiguous(CuratorError):
    """A name that stands for several entities: the question, and the entities to choose from."""

    def __init__(self, message: str, choices: Sequence["Match"]):
        super().__init__(message)
        self.choices = tuple(choices)


@dataclass(frozen=True)
class Match:
    """The entity a name was taken for, as a reader recognises it."""

    node: Term
    label: str  # "Republic of Korea", "A/RES/ES-11/7", "Dmitry Peskov"
    code: str = ""  # a state's ISO3 code
    kind: str = ""  # the parameter type it was found as: "state", "vote-event", …

    def __str__(self) -> str:
        return f"{self.label} ({self.code})" if self.code else self.label


# ---------------------------------------------------------------- what the graph and ISO say

# Names people use that ISO 3166 (pycountry) does not list; each for one Member State.
OTHER_ENGLISH_NAMES = {
    "Ivory Coast": "CIV", "Turkey": "TUR", "Russia": "RUS", "Burma": "MMR",
    "Cape Verde": "CPV", "East Timor": "TLS", "Swaziland": "SWZ", "Macedonia": "MKD",
    "Holland": "NLD", "Britain": "GBR", "Great Britain": "GBR", "UK": "GBR",
    "DR Congo": "COD", "DRC": "COD", "Congo-Kinshasa": "COD", "Congo-Brazzaville": "COG",
    "Soviet Union": "SUN", "East Germany": "DDR",  # former members, in the voting history
}
# Names that people use for more than one state alike: asked about even where one state's
# official short name is exactly that ("CONGO" is the UN's name for the Republic of the Congo).
SHARED_NAMES = {"congo": ("COG", "COD")}

# Words people use for the fixed choices, beyond each concept's label, notation and local name
# (and, for options, the UN voting files' own codes: kg.model.vocabulary.OPTIONS).
CHOICE_SCHEMES = {"option": "VoteOptions", "stance": "Stances"}
PEOPLE_SAY = {
    "option": {"for": "Yes", "in favour": "Yes", "in favor": "Yes", "voted yes": "Yes",
               "against": "No", "voted no": "No", "abstained": "Abstain",
               "abstentions": "Abstain", "did not vote": "NonVoting",
               "not voting": "NonVoting", "nonvoting": "NonVoting"},
    "stance": {"praised": "Praise", "praises": "Praise", "criticised": "Criticism",
               "criticized": "Criticism", "criticise": "Criticism", "criticize": "Criticism",
               "supported": "Support", "supports": "Support", "opposed": "Opposition",
               "opposes": "Opposition", "oppose": "Opposition"},
}

# For each kind of entity, every (node, key, readable) by which a user may name it; readable
# keys (labels, symbols) are the ones offered back as suggestions.
_KEYS = _PROLOGUE + """
SELECT DISTINCT ?node ?key ?readable WHERE {{
  {classes}
  {{ ?node rdfs:label|skos:prefLabel|skos:altLabel|unkg:symbol|unkg:draftSymbol ?key
     BIND (true AS ?readable) }}
  UNION {{ ?node opengov:motion/(unkg:symbol|unkg:draftSymbol) ?key BIND (true AS ?readable) }}
  UNION {{ ?node skos:hiddenLabel|skos:notation|unkg:iso3|dcterms:identifier ?key }}
  UNION {{ ?node opengov:motion/rdfs:label ?key }}
  UNION {{ ?node unkg:curatedIn ?curated . BIND (STRAFTER(STR(?curated), "#") AS ?key) }}
  UNION {{ ?node a skos:Concept . BIND (STRAFTER(STR(?node), "#") AS ?key) }}
}}
"""
# The same keys looked up as written (no folding), by one index look-up per key: a symbol, an
# IRI, a prefixed name, a label or code spelt as the graph has it. Building the whole index of a
# kind instead reads every key of every entity (on the whole voting history, the 9,000 vote
# events' keys: 1.8 s before the query could start).
# Each branch checks the class itself: with the class joined after the union, Oxigraph read every
# key of the store first (12 s on the whole history).
_DIRECT = _PROLOGUE + "SELECT DISTINCT ?node WHERE {{ {branches} }}"
_BY_IRI = "{{ VALUES ?node {{ {iris} }} {classes} }}"
_BY_KEYS = ["""{{ VALUES ?key {{ {literals} }}
  ?node rdfs:label|skos:prefLabel|skos:altLabel|unkg:symbol|unkg:draftSymbol
        |skos:hiddenLabel|skos:notation|unkg:iso3|dcterms:identifier ?key . {classes} }}""",
            """{{ VALUES ?key {{ {literals} }}
  ?node opengov:motion/(unkg:symbol|unkg:draftSymbol|rdfs:label) ?key . {classes} }}"""]
_STATES = _PROLOGUE + "SELECT ?node ?code WHERE { ?node a unkg:State ; unkg:iso3 ?code }"
_CHOICES = _PROLOGUE + """
SELECT ?node ?key WHERE {{ ?node skos:inScheme unkg:{scheme} ; skos:prefLabel|skos:notation ?key }}
"""
_DESCRIBE = _PROLOGUE + """
SELECT ?label ?code ?symbol WHERE {
  OPTIONAL { ?node rdfs:label|skos:prefLabel ?label }
  OPTIONAL { ?node unkg:iso3 ?code }
  OPTIONAL { ?node opengov:motion/unkg:symbol ?symbol }
} ORDER BY ?label LIMIT 1
"""
_BALLOTS = _PROLOGUE + """
SELECT ?symbol ?option WHERE {
  ?vote schema:agent ?state ; opengov:voteEvent ?event ; schema:option ?option .
  OPTIONAL { ?event opengov:motion/unkg:symbol ?symbol }
}
"""
_EXISTS = "SELECT ?node WHERE { { ?node ?p ?o } UNION { ?s ?p ?node } } LIMIT 1"
_CLASSES = {
    "state": "unkg:State",
    "person": "unkg:Person",
    "actor": "unkg:State unkg:Person unkg:Organization unkg:Body unkg:Group unkg:Actor",
    "document": "unkg:Resolution unkg:Amendment opengov:Motion",
    "vote-event": "unkg:VoteEvent opengov:VoteEvent",
}
_PARTS = ("state", "person", "actor", "document", "vote-event")  # a part of a name may do
_ID_KINDS = {"state": "state", "person": "person", "org": "org", "group": "group",
             "doc": "document", "amendment": "amendment", "event": "event",
             "statement": "statement", "post": "post", "claim": "claim", "source": "source"}


def fold(text: str) -> str:
    """The form names are compared in: case, accents, apostrophes, dots, dashes, brackets and
    "the" do not matter ("Côte d'Ivoire" = "COTE D'IVOIRE" = "cote d ivoire",
    "U.S." = "US"); symbols keep their slashes ('S/RES/2774(2025)' = 's/res/2774 (2025)')."""
    text = unicodedata.normalize("NFKD", canonical_symbol(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace(".", "")
    return " ".join(word for word in re.sub(r"[\s'’`‘,;()\[\]\-–—_]+", " ", text).split()
                    if word != "the")


def part_of(value: str, key: str) -> bool:
    """Whether the text is a whole word, or a symbol's tail, of a key: 'Peskov' of 'Dmitry
    Peskov', 'America' of 'United States of America', 'ES-11/7' of 'A/RES/ES-11/7'."""
    part = fold(value)
    return bool(part) and re.search(rf"(?:^|[ /]){re.escape(part)}(?:$|[ /])",
                                    fold(key)) is not None


def variants(name: str) -> Iterator[str]:
    """A name and the shapes official lists give it: 'Korea, Republic of' -> 'Republic of
    Korea'; 'Bolivia (Plurinational State of)' -> 'Bolivia', 'Plurinational State of
    Bolivia'."""
    yield name
    if ", " in name:  # ISO's inverted form
        head, _, tail = name.partition(", ")
        yield f"{tail} {head}"
    bracket = re.fullmatch(r"(.+?)\s*\((.+)\)", name.strip())
    if bracket:
        yield bracket[1]
        yield f"{bracket[2]} {bracket[1]}"


def iso_names(code: str) -> list[str]:
    """ISO 3166's names for a state (pycountry): short, official, common, and former codes'."""
    country = pycountry.countries.get(alpha_3=code) or pycountry.historic_countries.get(
        alpha_3=code)
    names = [getattr(country, key, None) for key in ("name", "official_name", "common_name")]
    return [name for name in names if name]


def did_you_mean(value: str, names: Iterable[str], n: int = 5) -> str:
    """'; closest matches: A, B' for the names nearest the text, or ''."""
    close = closest(value, names, n)
    return f"; closest matches: {', '.join(close)}" if close else ""


def closest(value: str, names: Iterable[str], n: int = 5, cutoff: float = 0.6) -> list[str]:
    """The names most like the text (difflib's ratio), a symbol also by its tail: 'ES-11/9' is
    nearer 'A/RES/ES-11/7' than 'A/RES/119'."""
    wanted = fold(value)
    parts = wanted.count("/") + 1
    matcher = difflib.SequenceMatcher(b=wanted)
    scored: dict[str, float] = {}
    for name in names:
        folded = fold(name)
        score = 0.0
        for form in {folded, "/".join(folded.split("/")[-parts:])}:
            matcher.set_seq1(form)
            if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
                score = max(score, matcher.ratio())
        if score >= cutoff and scored.get(name, 0.0) < score:
            scored[name] = score
    best: dict[str, str] = {}  # one name per folded form
    for name in sorted(scored, key=lambda name: (-scored[name], name)):
        best.setdefault(fold(name), name)
    return list(best.values())[:n]


def spellings(value: str) -> Iterator[str]:
    """The forms a text may take as a key: itself, an IRI, a prefixed name, a slug."""
    value = value.strip()
    yield value
    if value.startswith("<") and value.endswith(">"):
        yield value[1:-1]
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES and local and not local.startswith("//"):
        yield str(PREFIXES[prefix]) + local
    if prefix in _ID_KINDS and local:  # the facts files' references: state:USA, doc:A/RES/…
        key = symbol_slug(local) if prefix in ("doc", "amendment") else local
        yield f"{ID}{_ID_KINDS[prefix]}/{key}"
        if prefix == "doc":
            yield f"{ID}vote-event/{key}"
    yield ID + value.lstrip("/")  # id-relative: claim/…, statement/…
    yield UNKG + value  # ontology terms by local name: No, Praise
    for kind in ("state", "person", "org", "group", "document", "amendment",
                 "vote-event", "statement", "source", "event", "post"):
        yield f"{ID}{kind}/{value}"
        yield f"{ID}{kind}/{symbol_slug(value)}"


@dataclass
class _Index:
    """One kind's keys, folded: what each key names, and the names fit to suggest."""

    nodes: dict[str, set[Term]]
    readable: set[str]


class Names:
    """Looks names up in one graph (through a Backend), caching each kind's keys."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self._indexes: dict[str, _Index] = {}
        self._codes: dict[Term, str] | None = None

    # ------------------------------------------------------------ the one entry point

    def resolve(self, kind: str, value: str, name: str) -> Match:
        """The entity of kind `kind` that parameter `name`'s text `value` means.

        Raises Ambiguous (with the question) when it names several, CuratorError when none.
        """
        return replace(self._resolve(kind, value, name), kind=kind)

    def _resolve(self, kind: str, value: str, name: str) -> Match:
        if kind == "iri" and name in CHOICE_SCHEMES:
            return self._choice(name, value)
        if kind == "iri":
            node = self._existing_iri(value)
            if node is not None:
                return self.describe(node)
        if kind in _CLASSES and fold(value) not in SHARED_NAMES:
            direct = self._direct(kind, value)
            if len(direct) == 1:  # named as the graph writes it: no index needed
                return self.describe(next(iter(direct)))
        index = self._index(kind)
        found = exact = self._exact(index, value)
        if kind in ("state", "actor") and fold(value) in SHARED_NAMES:
            found = {node for node, code in self._state_codes().items()
                     if code in SHARED_NAMES[fold(value)]}
        if not found and kind in _PARTS:  # a part of a name: "Peskov", "America", "ES-11/7"
            found = {node for key, nodes in index.nodes.items()
                     if not key.startswith("http") and part_of(value, key)
                     for node in nodes}
        what = "node" if kind == "iri" else kind.replace("-", " ")
        if len(found) == 1:
            return self.describe(next(iter(found)))
        if found:
            raise self._question(name, value, found, exact)
        shown = ", ".join(str(match) for match in self._suggestions(index, value))
        raise CuratorError(f"parameter {name}: no {what} {value!r} found in the graph"
                           + (f"; closest matches: {shown}" if shown else ""))

    def describe(self, node: Term) -> Match:
        """The entity as a reader knows it: its label (a vote event's symbol), its ISO3 code."""
        if not isinstance(node, ox.NamedNode):
            return Match(node, str(node))
        result = self.backend.select(_DESCRIBE, {"node": node})
        row = next(iter(result), None) if not isinstance(result, bool) else None

        def value(var: str) -> str:
            term = row[var] if row is not None else None
            return "" if term is None else term.value

        return Match(node, value("symbol") or value("label") or shorten(node.value),
                     value("code"))

    def why_empty(self, matched: dict[str, Match], bindings: dict[str, Term]) -> str:
        """Why a query found no rows, as far as its parameters tell: a state that did not
        vote on the vote event asked about ("Bolivia did not vote on A/RES/ES-11/7"), else the
        parameters the answer is empty for."""
        states = [m for m in matched.values() if m.kind == "state"]
        events = [m for m in matched.values() if m.kind == "vote-event"]
        reasons = []
        for state in states:
            for event in events or [None]:
                reason = self._no_vote(state, event)
                if reason:
                    reasons.append(reason)
        if reasons:
            return "no rows: " + "; ".join(reasons)
        given = ", ".join(f"{name}={matched[name] if name in matched else term.value}"
                          for name, term in bindings.items())
        return f"no rows for {given}" if given else "no rows"

    def _no_vote(self, state: Match, event: "Match | None") -> str:
        """'Bolivia did not vote on A/RES/ES-11/7 (recorded as non-voting)', or ''."""
        bindings = {"state": state.node} | ({"event": event.node} if event else {})
        result = self.backend.select(_BALLOTS, bindings)
        assert not isinstance(result, bool)
        ballots = [(row["symbol"].value if row["symbol"] else "", row["option"].value)
                   for row in result]
        where = f" on {event.label}" if event else ""
        if not ballots:
            return f"{state.label} has no recorded ballot{where}"
        if any(option != UNKG + "NonVoting" for _, option in ballots):
            return ""
        if not event:
            symbols = sorted(symbol for symbol, _ in ballots if symbol)
            where = f" on {', '.join(symbols[:3])}" + (
                f" and {len(symbols) - 3} more" if len(symbols) > 3 else "") if symbols else ""
        return f"{state.label} did not vote{where} (recorded as non-voting)"

    # ------------------------------------------------------------ how

    def _direct(self, kind: str, value: str) -> set[Term]:
        """The entities of the kind with a key spelt exactly as one of the value's spellings;
        a name written otherwise ("south korea", "Peskov") is left to the index."""
        iris: list[str] = []
        literals: list[str] = []
        for spelling in dict.fromkeys(spellings(value)):
            if spelling.startswith(("http://", "https://")):
                try:
                    iris.append(str(ox.NamedNode(spelling)))
                except ValueError:
                    continue  # not an IRI at all, e.g. text with spaces
            elif spelling:
                for text in dict.fromkeys((spelling, canonical_symbol(spelling))):
                    literals += [str(ox.Literal(text)), str(ox.Literal(text, language="en"))]
        classes = f"VALUES ?class {{ {_CLASSES[kind]} }} ?node a ?class ."
        branches = [_BY_IRI.format(iris=" ".join(iris), classes=classes)] if iris else []
        if literals:
            branches += [key.format(literals=" ".join(literals), classes=classes)
                         for key in _BY_KEYS]
        if not branches:
            return set()
        result = self.backend.select(_DIRECT.format(branches=" UNION ".join(branches)), {})
        assert not isinstance(result, bool)
        return {row["node"] for row in result}

    def _exact(self, index: _Index, value: str) -> set[Term]:
        wanted = {fold(form) for form in spellings(value)}
        return {node for key in wanted for node in index.nodes.get(key, ())}

    def _question(self, name: str, value: str, found: set[Term], exact: set[Term]) -> Ambiguous:
        """'Congo: did you mean COG Republic of the Congo or COD Democratic Republic of the
        Congo?': the entities named exactly so first, then by code or label."""
        choices = sorted((self.describe(node) for node in found),
                         key=lambda m: (m.node not in exact, m.code or m.label, str(m.node)))
        shown = [self._choice_text(match, value) for match in choices[:8]]
        more = len(choices) - len(shown)
        listed = (", ".join(shown[:-1]) + " or " + shown[-1]) if not more else (
            ", ".join(shown) + f" or one of {more} more")
        hint = f" Give its code, e.g. {name}={choices[0].code}." if choices[0].code else ""
        return Ambiguous(f"parameter {name}: {value.strip()}: did you mean {listed}?{hint}",
                         choices)

    def _choice_text(self, match: Match, value: str) -> str:
        """'COG Republic of the Congo': the code, and a name that tells the choices apart."""
        if not match.code:
            return f"{match.label} ({shorten(str(match.node.value))})"
        label = match.label
        if fold(label) == fold(value):  # "Congo" for "Congo": ISO's official name says more
            label = next((n for n in iso_names(match.code)[1:2]), label)
        return f"{match.code} {label}"

    def _suggestions(self, index: _Index, value: str, n: int = 5) -> list[Match]:
        """The entities whose readable names are nearest the text, each once, by its label:
        never an internal id."""
        nodes: list[Term] = []
        for name in closest(value, index.readable, 4 * n):
            nodes += sorted(index.nodes[fold(name)] - set(nodes), key=str)
        return [self.describe(node) for node in nodes[:n]]

    def _choice(self, name: str, value: str) -> Match:
        """A fixed choice (vote option, stance): its labels, codes and the words people use."""
        index = self._index(f"choice:{name}")
        found = self._exact(index, value)
        if len(found) == 1:
            return self.describe(next(iter(found)))
        labels = sorted(index.readable)
        raise CuratorError(f"parameter {name}: {value!r} is not one of "
                           f"{', '.join(labels)}{did_you_mean(value, index.nodes)}")

    def _existing_iri(self, value: str) -> ox.NamedNode | None:
        """An IRI (full, prefixed or id-relative) that occurs in the graph."""
        for spelling in spellings(value):
            if not spelling.startswith(("http://", "https://")):
                continue
            try:
                node = ox.NamedNode(spelling)
            except ValueError:
                continue  # not an IRI at all, e.g. text with spaces or quotes
            result = self.backend.select(_EXISTS, {"node": node})
            if not isinstance(result, bool) and any(True for _ in result):
                return node
        return None

    def _index(self, kind: str) -> _Index:
        if kind not in self._indexes:
            index = _Index({}, set())
            for node, key, readable in self._keys(kind):
                for form in variants(key) if readable else (key,):
                    index.nodes.setdefault(fold(form), set()).add(node)
                    if readable:
                        index.readable.add(form)
            self._indexes[kind] = index
        return self._indexes[kind]

    def _keys(self, kind: str) -> Iterator[tuple[Term, str, bool]]:
        if kind.startswith("choice:"):
            name = kind.removeprefix("choice:")
            result = self.backend.select(_CHOICES.format(scheme=CHOICE_SCHEMES[name]), {})
            assert not isinstance(result, bool)
            for row in result:
                node = row["node"]
                yield node, row["key"].value, row["key"].language == "en"
                yield node, node.value, False  # by its IRI (unkg:No) and local name (No)
                yield node, node.value.rsplit("#", 1)[-1], False
            words = dict(PEOPLE_SAY[name])
            if name == "option":  # the voting files' codes (Y, N, A, X, ABSENT, …)
                words |= {code: str(iri).rsplit("#", 1)[-1] for code, iri in OPTIONS.items()
                          if code}
            for word, local in words.items():
                yield ox.NamedNode(UNKG + local), word, False
            return
        classes = _CLASSES.get(kind)
        pattern = f"VALUES ?class {{ {classes} }} ?node a ?class ." if classes else ""
        result = self.backend.select(_KEYS.format(classes=pattern), {})
        assert not isinstance(result, bool)
        nodes: set[Term] = set()
        for row in result:
            if row["key"] is not None:
                nodes.add(row["node"])
                yield row["node"], row["key"].value, row["readable"] is not None
        if classes:  # an entity may also be named by its IRI
            for node in nodes:
                yield node, node.value, False
        if kind in ("state", "actor"):
            for node, code in self._state_codes().items():
                for name in iso_names(code):
                    yield node, name, True
            by_code = {code: node for node, code in self._state_codes().items()}
            for name, code in OTHER_ENGLISH_NAMES.items():
                if code in by_code:
                    yield by_code[code], name, True

    def _state_codes(self) -> dict[Term, str]:
        if self._codes is None:
            result = self.backend.select(_STATES, {})
            assert not isinstance(result, bool)
            self._codes = {row["node"]: row["code"].value for row in result}
        return self._codes
