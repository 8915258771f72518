"""Saved SPARQL queries: the catalogue (queries/**/*.rq), parameters bound as RDF terms, `kg query`.

A saved query is a plain SPARQL file that any SPARQL tool can run. Its header
comment says what it answers and which variables are parameters:

    # title: How every state voted on a vote event
    # question: How did each Member State vote on this resolution?
    # param: vote_event (type: vote-event, default: A/RES/ES-11/7) the vote event
    # example: kg query votes-on-resolution --param vote_event=A/RES/ES-11/7

A user names things as people do ("USA", "A/RES/ES-11/7", "Peskov"); the
resolver turns each value into one RDF term by looking it up in the graph, so
no user text is ever spliced into query text: the terms, serialised by
pyoxigraph, are written into the query as constants (`inline_terms`), the same
text for the embedded store, `kg serve` and any remote endpoint.
"""

import io
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Protocol

import click
import pyoxigraph as ox
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kg.errors import CuratorError
from kg.model.namespaces import ID, curie, shorten
from kg.project import DEFAULT_STORE, query_files
from kg.query import results
from kg.query.evidence_links import evidence_listing, evidence_urls
from kg.query.names import Match, Names, did_you_mean
from kg.store.embedded import open_store

PARAM_TYPES = ("state", "document", "vote-event", "person", "actor", "iri", "string", "date",
               "integer")
NO_DEFAULT = "none"  # `default: none`: the variable stays unbound, i.e. matches anything
XSD = "http://www.w3.org/2001/XMLSchema#"

Term = ox.NamedNode | ox.Literal | ox.BlankNode


# ---------------------------------------------------------------- the catalogue

@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None  # None: required; NO_DEFAULT: optional, unbound
    description: str

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    title: str
    question: str
    text: str
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.params) or "none"
        raise CuratorError(f"query {self.name} has no parameter {name!r} (its parameters: {known})")


HEADER_LINE = re.compile(r"^#\s*(title|question|param|example|note)\s*:\s*(.*?)\s*$")
PARAM_SPEC = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*"
    r"\(\s*type:\s*(?P<type>[a-z-]+)\s*(?:,\s*default:\s*(?P<default>[^)]*?)\s*)?\)\s*"
    r"(?P<description>.*)$")


def parse_query_file(path: Path, name: str | None = None) -> SavedQuery:
    """Read one .rq file and its header; a malformed header names the file and line."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {"title": [], "question": [], "example": [], "note": []}
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break  # the header is the leading comment block
        match = HEADER_LINE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key != "param":
            fields[key].append(value)
            continue
        spec = PARAM_SPEC.match(value)
        if not spec or spec["type"] not in PARAM_TYPES:
            raise CuratorError(
                "bad parameter line; write `# param: name (type: T, default: D) description` "
                f"with T one of {', '.join(PARAM_TYPES)}", file=str(path), record=f"line {number}")
        params.append(Param(spec["name"], spec["type"], spec["default"], spec["description"]))
    return SavedQuery(
        name=name or path.stem, path=path, text=text,
        title=" ".join(fields["title"]) or path.stem,
        question=" ".join(fields["question"]),
        params=tuple(params), examples=tuple(fields["example"]), notes=tuple(fields["note"]))


def catalogue(project: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query, packaged and the project's own, by file stem (names are unique)."""
    queries: dict[str, SavedQuery] = {}
    for path in query_files(project):
        stem = path.name.removesuffix(".rq")
        if stem in queries:
            raise CuratorError(f"two saved queries are named {stem}", file=str(path))
        queries[stem] = parse_query_file(path)  # type: ignore[arg-type]
    return queries


def saved_query(name: str, project: Path | None = None) -> SavedQuery:
    queries = catalogue(project)
    if name not in queries:
        raise CuratorError(f"no saved query named {name!r}{did_you_mean(name, queries)}; "
                           "`kg query --list` shows them all")
    return queries[name]


# ---------------------------------------------------------------- where queries run

class Backend(Protocol):
    def select(self, query: str, bindings: dict[str, Term]) -> ox.QuerySolutions | bool: ...


class EmbeddedBackend:
    """The Oxigraph store built by `kg build`, opened read-only."""

    def __init__(self, path: Path = DEFAULT_STORE):
        self.store = open_store(path)

    def select(self, query: str, bindings: dict[str, Term]) -> ox.QuerySolutions | bool:
        try:
            result = self.store.query(inline_terms(query, bindings))
        except SyntaxError as error:
            raise CuratorError(f"the query is not valid SPARQL: {error}") from None
        except RuntimeError as error:  # e.g. a parameter the query does not select
            raise CuratorError(f"the query cannot run: {error}") from None
        if isinstance(result, ox.QueryTriples):
            raise CuratorError("only SELECT and ASK queries can be run here")
        return result


class RemoteBackend:
    """Any SPARQL 1.1 Protocol endpoint answering with the standard results JSON.

    Without `graph` a query reads the server's default graph, where `kg load` puts the data
    (on Virtuoso: the union of all graphs); with it, that named graph, as the protocol's
    `default-graph-uri`.
    """

    def __init__(self, endpoint: str, timeout: float = 60.0, graph: str | None = None):
        self.endpoint = endpoint
        self.timeout = timeout
        self.graph = graph

    def select(self, query: str, bindings: dict[str, Term]) -> ox.QuerySolutions | bool:
        import requests  # here, not at the top: 0.1 to 0.3 s of every `kg query`'s start-up

        form = {"query": inline_terms(query, bindings)}
        if self.graph:
            form["default-graph-uri"] = self.graph
        try:
            response = requests.post(
                self.endpoint, data=form, timeout=self.timeout,
                headers={"Accept": "application/sparql-results+json"})
        except requests.exceptions.RequestException as error:
            raise CuratorError(f"{self.endpoint}: cannot query ({type(error).__name__})") from None
        if response.status_code >= 400:
            reason = " ".join(response.text.split())[:200]
            raise CuratorError(f"{self.endpoint} refused the query: HTTP "
                               f"{response.status_code} {reason}")
        try:
            return ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise CuratorError(f"{self.endpoint}: the answer is not SPARQL results JSON "
                               f"({error})") from None


# Strings, IRIs and comments are skipped whole, so nothing inside them is taken for a variable
# or a keyword; a keyword is not part of a prefixed name (`ex:select`).
_TOKEN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>'
                    r'|#[^\n]*|[{}()]|[?$](?P<var>\w+)'
                    r'|(?<![\w:])(?P<kw>SELECT|WHERE|GROUP\s+BY|HAVING|ORDER\s+BY|LIMIT|OFFSET|VALUES'
                    r'|AS)(?![\w:])', re.DOTALL | re.IGNORECASE)


def inline_terms(query: str, bindings: dict[str, Term]) -> str:
    """The query with each parameter variable replaced by its RDF term, written as a constant.

    Why constants: Oxigraph 0.5 plans a query with `substitutions` (and a VALUES block) as a
    join with a one-row table, so a FILTER on a parameter is applied late; the same query with
    constants ran ten times faster on the whole voting history. Constants also reach into
    sub-selects, as a parameter should. The terms are serialised by pyoxigraph (escaped), never
    user text. Where a variable is projected it stays a result column, `(term AS ?name)`.
    """
    if not bindings:
        return query
    out: list[str] = []
    last = 0
    clause = ""  # "select", "subselect", "group" (GROUP/ORDER BY), "values" or "" (elsewhere)
    braces = 0  # group patterns open: a SELECT inside one is a sub-select
    depth = 0  # parentheses open within the current clause
    previous = ""
    for match in _TOKEN.finditer(query):
        token, name, keyword = match.group(), match.group("var"), match.group("kw")
        if keyword:
            word = " ".join(keyword.upper().split())
            if word != "AS":  # a clause ends where the next keyword begins
                clause = {"SELECT": "subselect" if braces else "select", "GROUP BY": "group",
                          "ORDER BY": "group", "VALUES": "values"}.get(word, "")
        elif token in "{}":
            braces += 1 if token == "{" else -1
            clause, depth = "", 0
        elif token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif name is not None and name in bindings:
            term = str(bindings[name])
            if previous == "AS" or clause == "values":
                raise CuratorError(f"?{name} is a parameter, so the query cannot assign it "
                                   "(AS or VALUES); rename one of them")
            if clause == "select" and depth == 0:  # still a column of the answer
                term = f"({term} AS ?{name})"
            elif clause == "subselect" and depth == 0:  # a constant needs no passing out
                term = ""
            elif clause == "group" and depth == 0:  # a constant needs brackets here
                term = f"({term})"
            out += [query[last:match.start()], term]
            last = match.end()
        if not token.startswith("#"):
            previous = " ".join(keyword.upper().split()) if keyword else token
    out.append(query[last:])
    return "".join(out)


# ---------------------------------------------------------------- human identifiers → RDF terms

class Resolver:
    """Turns the text of a parameter into one RDF term; names are looked up by kg.query.names,
    and what each was taken for is kept in `matched` (echoed above the answer)."""

    def __init__(self, backend: Backend):
        self.names = Names(backend)
        self.matched: dict[str, Match] = {}

    def resolve(self, param: Param, value: str) -> Term:
        kind = param.type
        if kind == "string":
            return ox.Literal(value)
        if kind == "integer":
            try:
                return ox.Literal(str(int(value.strip())), datatype=ox.NamedNode(XSD + "integer"))
            except ValueError:
                raise CuratorError(f"parameter {param.name}: {value!r} is not a whole number") \
                    from None
        if kind == "date":
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                raise CuratorError(f"parameter {param.name}: {value!r} is not a date; write "
                                   "YYYY-MM-DD") from None
            return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
        match = self.names.resolve(kind, value, param.name)
        self.matched[param.name] = match
        return match.node


# ---------------------------------------------------------------- running

@dataclass(frozen=True)
class Answer:
    variables: list[str]
    rows: list[dict[str, Term | None]]
    bound: frozenset[str] = frozenset()  # parameters the user or a default fixed
    matched: tuple[str, ...] = ()  # what each named parameter was taken for: "state: Bolivia (BOL)"
    why_empty: str = ""  # for no rows: what the parameters explain ("Bolivia did not vote on …")

    @cached_property
    def solutions_json(self) -> bytes:
        """SPARQL 1.1 Query Results JSON, written when asked for (1 s for 37,000 rows)."""
        return results.solutions(self.variables, self.rows, "json").body


def bind_params(query: SavedQuery, given: dict[str, str], resolver: Resolver) -> dict[str, Term]:
    """Every declared parameter's term: given, else its default; `none` leaves it unbound."""
    for name in given:
        query.param(name)  # an undeclared name is an error, not silently ignored
    bindings: dict[str, Term] = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value is None:
            raise CuratorError(f"query {query.name} needs --param {param.name}=… "
                               f"({param.type}: {param.description})")
        if value == NO_DEFAULT and param.name not in given:
            continue
        bindings[param.name] = resolver.resolve(param, value)
    return bindings


def run(query: SavedQuery, given: dict[str, str], backend: Backend) -> Answer | bool:
    resolver = Resolver(backend)
    bindings = bind_params(query, given, resolver)
    result = backend.select(query.text, bindings)
    if isinstance(result, bool) or isinstance(result, ox.QueryBoolean):
        return bool(result)
    variables = [v.value for v in result.variables]
    rows = [{v: solution[v] for v in variables} for solution in result]
    return Answer(variables, rows, frozenset(bindings),
                  tuple(f"{name}: {match}" for name, match in resolver.matched.items()),
                  "" if rows else resolver.names.why_empty(resolver.matched, bindings))


# ---------------------------------------------------------------- output

_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?node ?label WHERE {
  VALUES ?node { NODES }
  ?node skos:prefLabel|rdfs:label ?label
  FILTER (LANG(?label) IN ("", "en"))
} ORDER BY ?node ?label
"""


def vocabulary_labels(answer: Answer, backend: Backend) -> dict[str, str]:
    """The label of every vocabulary term in the answer (options, outcomes, stances, properties:
    `unkg:Adopted` is "adopted"), by IRI. Entities of the graph (`id:…`) keep their prefixed
    names: those are what a reader passes back as a parameter or opens at /id/."""
    terms = {term for row in answer.rows for term in row.values()
             if isinstance(term, ox.NamedNode) and not term.value.startswith(str(ID))
             and curie(term.value)}  # a web address (a source's URL) stays as it is
    if not terms:
        return {}
    text = _LABELS.replace("NODES", " ".join(sorted(str(term) for term in terms)))
    labels: dict[str, str] = {}
    try:
        result = backend.select(text, {})
    except CuratorError:  # an endpoint that refuses it: the local names will do
        result = False
    if not isinstance(result, bool):
        for row in result:
            labels.setdefault(row["node"].value, row["label"].value)
    for term in terms:  # a term without a label (dcterms:date): its local name, in words
        local = re.split(r"[#/]", term.value.rstrip("#/"))[-1]
        labels.setdefault(term.value, heading(local).lower() if local else shorten(term.value))
    return labels


def readable(term: Term | None, labels: dict[str, str] | None = None) -> str:
    """A term as a reader wants it: literal values bare, vocabulary terms by their labels,
    other IRIs as prefixed names."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return (labels or {}).get(term.value) or shorten(term.value)
    return f"_:{term.value}"


def heading(variable: str) -> str:
    """A column heading in words: `stateLabel` is "State", `roleLabel` "Role", `iso3` "ISO3",
    `vote_event` "Vote event"."""
    name = variable.removesuffix("Label") or variable
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").split()
    words = [w.upper() if re.fullmatch(r"[a-z]{2,4}\d", w.lower()) or w.lower() in ACRONYMS
             else w.lower() for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


ACRONYMS = {"iso", "iri", "un", "id", "url", "csv"}


def shown_columns(answer: Answer) -> list[str]:
    """A column `x` is left out when the query also selects its label `xLabel`, and so is a
    bound parameter (the same on every row; its label, if selected, stays)."""
    return [v for v in answer.variables
            if f"{v}Label" not in answer.variables and v not in answer.bound]


def table(answer: Answer, labels: dict[str, str] | None = None, width: int | None = None) -> str:
    """The answer as a table that wraps to the terminal's `width` (rich): every value whole,
    sentences wrapped between words, a long identifier folded. Where the columns cannot all fit
    side by side, each row is shown as a record, one "Heading  value" line per column."""
    width = width or 80
    shown = shown_columns(answer)
    cells = [[" ".join(readable(row[v], labels).split()) for v in shown] for row in answer.rows]
    headings = [heading(v) for v in shown]
    numeric = [bool(answer.rows) and all(
        isinstance(row[v], ox.Literal) and row[v].datatype.value in NUMBERS  # type: ignore
        for row in answer.rows if row[v] is not None) for v in shown]
    # A word (a date, a code, an identifier) is broken only when it is longer than UNBROKEN;
    # sentences wrap between words.
    narrowest = [min(max([len(h), *(len(word) for row in cells for word in row[i].split())]),
                     UNBROKEN) for i, h in enumerate(headings)]
    side_by_side = sum(narrowest) + COLUMN_GAP * (len(shown) - 1) <= width
    # Rows that wrap are ruled apart, so a reader sees where one ends.
    wraps = any(len(cell) > WRAPS_AT for row in cells for cell in row)
    text = ""
    if shown and not wraps:
        text = plain_grid(headings, cells, numeric, width) or ""
    if shown and not text:
        text = drawn_by_rich(headings, cells, numeric, narrowest, width, side_by_side, wraps)
    count = len(answer.rows)
    return (text + "\n" if text else "") + f"({count} row{'s' if count != 1 else ''})"


def drawn_by_rich(headings: list[str], cells: list[list[str]], numeric: list[bool],
                  narrowest: list[int], width: int, side_by_side: bool, wraps: bool) -> str:
    """The table as rich lays it out: `side_by_side`, a grid whose values wrap in their
    columns (ruled apart when `wraps`); otherwise one "Heading  value" line per column of each
    row, a record per row."""
    if side_by_side:
        grid = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, show_lines=wraps)
        for h, least, right in zip(headings, narrowest, numeric, strict=True):
            grid.add_column(h, overflow="fold", min_width=least,
                            justify="right" if right else "left")
        for row in cells:
            grid.add_row(*(Text(cell) for cell in row))
        blocks = [grid]
    else:
        blocks = []
        for row in cells:
            record = Table.grid(padding=(0, 2))
            record.add_column(no_wrap=True)
            record.add_column(overflow="fold")
            for h, cell in zip(headings, row, strict=True):
                record.add_row(Text(h), Text(cell))
            blocks += [record, Text("")]
    console = Console(width=width, file=io.StringIO(), highlight=False, color_system=None,
                      emoji=False, markup=False)
    for block in blocks:
        console.print(block)
    return "\n".join(line.rstrip() for line in
                     console.file.getvalue().rstrip("\n").splitlines())  # type: ignore


def plain_grid(headings: list[str], cells: list[list[str]], numeric: list[bool],
               width: int) -> str | None:
    """The table rich draws where every value fits its column on one line, drawn directly:
    rich measures and renders each cell as a renderable, 5 s for the 9,000 rows of one state's
    whole voting history, where this takes a tenth of a second. None where a value would wrap
    (rich draws those). tests/test_terminal.py holds the two to the same text."""
    widths = [max([cell_len(h), *(cell_len(row[i]) for row in cells)])
              for i, h in enumerate(headings)]
    if sum(widths) + COLUMN_GAP * (len(widths) - 1) > width:
        return None
    gap = " " * COLUMN_GAP

    def line(values: list[str]) -> str:
        padded = (" " * (w - cell_len(v)) + v if right else v + " " * (w - cell_len(v))
                  for v, w, right in zip(values, widths, numeric, strict=True))
        return gap.join(padded).rstrip()
    rule = "\u2500" * (sum(widths) + COLUMN_GAP * (len(widths) - 1))
    return "\n".join([line(headings), rule, *(line(row) for row in cells)])


WRAPS_AT = 40
COLUMN_GAP = 3  # what rich puts between two columns (padding and the box's gap)
UNBROKEN = 24
NUMBERS = {XSD + name for name in ("integer", "decimal", "double", "float", "int", "long",
                                   "nonNegativeInteger")}


def csv_text(answer: Answer) -> str:
    """SPARQL 1.1 CSV results: full IRIs and literal values."""
    return results.solutions(answer.variables, answer.rows, "csv").body.decode()


def listing(queries: dict[str, SavedQuery]) -> str:
    blocks = []
    for name, query in queries.items():
        lines = [f"{name} — {query.title}"]
        if query.question:
            lines.append(f"    {query.question}")
        for p in query.params:
            default = "required" if p.required else (
                "default: any" if p.default == NO_DEFAULT else f"default: {p.default}")
            lines.append(f"    --param {p.name}=…  ({p.type}, {default}) {p.description}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _parse_assignments(pairs: Sequence[str]) -> dict[str, str]:
    given: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CuratorError(f"--param {pair!r}: write --param name=value")
        given[name.strip()] = value
    return given


class QueryCommand(click.Command):
    """`kg query NAME --help` shows that query: its question, parameters and examples, then the
    options every query takes."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        valued = {name for param in self.params if isinstance(param, click.Option)
                  and not param.is_flag for name in param.opts}
        names = [arg for before, arg in zip(["", *args], args, strict=False)
                 if not arg.startswith("-") and before not in valued]
        if names and any(arg in ctx.help_option_names for arg in args):
            ctx.meta["kg.query"] = names[0]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        name = ctx.meta.get("kg.query")
        if not name:
            return super().format_help(ctx, formatter)
        try:
            query = saved_query(name)
        except CuratorError as error:
            raise click.UsageError(str(error)) from None
        formatter.write_usage(ctx.command_path, f"{name} [--param NAME=VALUE]... [OPTIONS]")
        formatter.write_paragraph()
        formatter.write_text(query.title)
        if query.question:
            formatter.write_paragraph()
            formatter.write_text(query.question)
        rows = [(f"--param {p.name}=…", f"{p.description} ({p.type}; " + (
            "required" if p.required else "default: any" if p.default == NO_DEFAULT
            else f"default: {p.default}") + ")") for p in query.params]
        with formatter.section("Parameters"):
            formatter.write_dl(rows or [("(none)", "this query takes no parameter")])
        for title, lines in (("Examples", query.examples), ("Notes", query.notes)):
            if lines:
                with formatter.section(title):
                    for line in lines:  # as written: an example is copied, not read
                        formatter.write(" " * formatter.current_indent + line + "\n")
        self.format_options(ctx, formatter)


@click.command("query", cls=QueryCommand)
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter, e.g. --param state=USA (repeatable).")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@click.option("--endpoint", metavar="URL", help="Query this SPARQL 1.1 endpoint instead of the "
              "embedded store.")
@click.option("--graph", metavar="IRI", help="With --endpoint: read this named graph (the "
              "`kg load --graph` you gave) instead of the default graph.")
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE,
              show_default=True, help="The embedded store built by `kg build`.")
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Run this .rq file (its # param: lines declare parameters).")
@click.option("--list", "list_only", is_flag=True, help="List the saved queries and parameters.")
def query_command(name: str | None, params: tuple[str, ...], output: str, endpoint: str | None,
                  graph: str | None, store: Path, query_file: Path | None,
                  list_only: bool) -> None:
    """Run a saved query (kg query NAME), a file (--file), or list them (--list)."""
    try:
        if list_only:
            click.echo(listing(catalogue()))
            return
        if bool(name) == bool(query_file):
            raise click.UsageError("give a saved query NAME or --file PATH (see kg query --list)")
        query = parse_query_file(query_file) if query_file else saved_query(name or "")
        if graph and not endpoint:
            raise click.UsageError("--graph reads a graph on a server: give --endpoint too")
        backend: Backend = (RemoteBackend(endpoint, graph=graph) if endpoint
                            else EmbeddedBackend(store))
        answer = run(query, _parse_assignments(params), backend)
    except CuratorError as error:
        raise click.ClickException(str(error)) from None
    if isinstance(answer, bool):
        click.echo(results.boolean(answer).decode() if output == "json" else str(answer).lower())
    elif output == "json":
        sys.stdout.buffer.write(answer.solutions_json + b"\n")
    elif output == "csv":
        click.echo(csv_text(answer), nl=False)
    else:
        for line in answer.matched:
            click.echo(line)
        click.echo(table(answer, vocabulary_labels(answer, backend),
                         shutil.get_terminal_size().columns))
        if answer.why_empty:
            click.echo(answer.why_empty)
        urls = evidence_urls([term.value for row in answer.rows for term in row.values()
                              if isinstance(term, ox.NamedNode)])
        if urls:
            # On stderr: an aside for the reader, not part of the answer a pipe takes.
            click.echo("\n" + evidence_listing(urls, shutil.get_terminal_size().columns),
                       err=True)
