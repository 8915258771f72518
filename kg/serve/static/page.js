// The query page: saved questions with their parameters, and YASGUI for free-form SPARQL.
//
// A question and its values live in the address (/?q=state-votes&state=Hungary): a link to it
// opens the same answer, and the back button returns to the previous one.
"use strict";

const ID_BASE = "https://w3id.org/unkg/id/";
const VOCABULARY = "https://w3id.org/unkg/ontology#";
const $ = (selector) => document.querySelector(selector);
let catalogue = [];
let prefixes = [];  // [prefix, namespace], longest namespace first
let yasgui = null;
let shown = 0;  // the run whose answer the table may show: a later run replaces it

function compact(iri) {
  for (const [prefix, namespace] of prefixes) {
    if (iri.startsWith(namespace)) return prefix + ":" + iri.slice(namespace.length);
  }
  return iri;
}

// A vocabulary term in words, as the terminal shows it: unkg:NonVoting is "non voting".
function words(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replaceAll("_", " ").toLowerCase();
}

// A column heading: stateLabel is "State", vote_event "Vote event", iso3 "ISO3".
function heading(variable) {
  const text = words(variable.replace(/Label$/, "") || variable)
    .replace(/\b([a-z]{2,4}\d|iso|iri|un|id|url)\b/g, (w) => w.toUpperCase());
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// The local page of an IRI of the graph, the IRI itself if it is http(s), else nothing: a
// source's "URL" may be javascript: or data:.
function target(iri) {
  return iri.startsWith(ID_BASE) ? "/id/" + iri.slice(ID_BASE.length)
       : /^https?:\/\//i.test(iri) ? iri : null;
}

// The evidence view of a fact the articles' words support (kg/query/evidence_links.py has the
// same kinds): the quoted words highlighted in their article.
const FACT_KINDS = ["statement", "claim", "assertion", "provision", "event"];
function evidenceOf(iri) {
  if (!iri.startsWith(ID_BASE)) return null;
  const path = iri.slice(ID_BASE.length);
  return FACT_KINDS.includes(path.split("/")[0]) ? "/evidence/" + path + "#quote" : null;
}

// Labels of the vocabulary terms in an answer (unkg:Abstain is "abstention"), asked of the
// endpoint in one query; a term without one is shown in words.
const labels = new Map();
async function learnLabels(results) {
  const terms = new Set();
  for (const binding of results.results.bindings) {
    for (const term of Object.values(binding)) {
      if (term.type === "uri" && term.value.startsWith(VOCABULARY) && !labels.has(term.value)) {
        terms.add(term.value);
      }
    }
  }
  if (!terms.size) return;
  const values = [...terms].map((iri) => "<" + iri + ">").join(" ");
  const query = "SELECT ?node ?label WHERE { VALUES ?node { " + values + " } "
    + "?node <http://www.w3.org/2004/02/skos/core#prefLabel>|"
    + "<http://www.w3.org/2000/01/rdf-schema#label> ?label "
    + "FILTER (LANG(?label) IN (\"\", \"en\")) }";
  const response = await fetch("/sparql", {
    method: "POST", body: new URLSearchParams({ query }),
    headers: { Accept: "application/sparql-results+json" } });
  if (!response.ok) return;  // the words of the local name will do
  for (const row of (await response.json()).results.bindings) {
    if (!labels.has(row.node.value)) labels.set(row.node.value, row.label.value);
  }
}

// One cell: `term` is shown, `label` (the column's label, if the query selects one) shown
// instead, linked to the term's page.
function cell(term, label) {
  const td = document.createElement("td");
  if (!term && !label) return td;
  if (term && term.type === "uri") {
    const text = label ? label.value
               : labels.has(term.value) ? labels.get(term.value)
               : term.value.startsWith(VOCABULARY) ? words(term.value.slice(VOCABULARY.length))
               : compact(term.value);
    // A vocabulary term (an option, an outcome) is a word here, not a link away from the page.
    const href = label || !term.value.startsWith(VOCABULARY) ? target(term.value) : null;
    if (href === null) {
      td.textContent = text;
      return td;
    }
    const link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    link.title = compact(term.value);
    td.append(link);
    const evidence = evidenceOf(term.value);
    if (evidence) {
      const quote = document.createElement("a");
      quote.href = evidence;
      quote.className = "evidence-link";
      quote.textContent = "the quote";
      quote.title = "the quoted words, highlighted in their article";
      td.append(" ", quote);
    }
    return td;
  }
  const literal = term || label;
  td.textContent = literal.value;
  if (literal["xml:lang"] && literal["xml:lang"] !== "en") {
    const lang = document.createElement("span");
    lang.className = "lang";
    lang.textContent = " @" + literal["xml:lang"];
    td.append(lang);
  }
  return td;
}

// The table of an answer. A column `x` whose label `xLabel` is selected shows the label,
// linked to x's page; a column of a parameter's value (`fixed`) is the same on every row: left
// out, as `kg query` does.
function showTable(results, fixed) {
  const table = $("#saved-results");
  table.replaceChildren();
  if ("boolean" in results) {
    $("#saved-status").textContent = "Answer: " + (results.boolean ? "yes" : "no");
    return;
  }
  const vars = results.head.vars;
  const columns = vars.filter((name) => !name.endsWith("Label") || !vars.includes(
    name.slice(0, -5))).filter((name) => !fixed.has(name) || vars.includes(name + "Label"));
  const head = table.createTHead().insertRow();
  for (const name of columns) {
    const th = document.createElement("th");
    th.textContent = heading(name);
    th.title = "?" + name;
    head.append(th);
  }
  const body = table.createTBody();
  for (const binding of results.results.bindings) {
    const row = body.insertRow();
    for (const name of columns) {
      const td = cell(binding[name], vars.includes(name + "Label") ? binding[name + "Label"]
                                                                     : undefined);
      td.dataset.heading = heading(name);  // a phone shows each row as a card of these
      row.append(td);
    }
  }
  const count = results.results.bindings.length;
  $("#saved-status").textContent = count + (count === 1 ? " row" : " rows");
}

function showParams(query, values) {
  $("#query-question").textContent = query.question || "";
  const box = $("#query-params");
  box.replaceChildren();
  for (const param of query.params) {
    const row = document.createElement("div");
    row.className = "param";
    const label = document.createElement("label");
    label.htmlFor = "param-" + param.name;
    label.textContent = param.name.replaceAll("_", " ");
    const input = document.createElement("input");
    input.id = "param-" + param.name;
    input.name = param.name;
    input.value = values && values.has(param.name) ? values.get(param.name)
                : param.default && param.default !== "none" ? param.default : "";
    input.placeholder = param.type + (param.default === null ? " (required)" : " (optional)");
    const help = document.createElement("small");
    help.textContent = param.description;
    row.append(label, input, help);
    box.append(row);
  }
}

// A new question: its parameters, and no answer of the previous one left on the page.
function clearAnswer() {
  shown += 1;
  $("#saved-results").replaceChildren();
  $("#saved-status").textContent = "";
  $("#saved-status").className = "";
  $("#downloads").hidden = true;
}

function selected() {
  return catalogue.find((query) => query.name === $("#query-name").value);
}

function typedValues() {
  const params = new URLSearchParams();
  for (const input of $("#query-params").querySelectorAll("input")) {
    if (input.value.trim()) params.set(input.name, input.value.trim());
  }
  return params;
}

function apiUrl(name, params, format) {
  const query = new URLSearchParams(params);
  if (format) query.set("format", format);
  return "/api/queries/" + encodeURIComponent(name) + "?" + query;
}

// Show the question the address names, with its values, and run it.
async function followAddress() {
  const address = new URLSearchParams(window.location.search);
  const name = address.get("q");
  const query = catalogue.find((each) => each.name === name);
  if (!query) return;
  address.delete("q");
  $("#query-name").value = name;
  showParams(query, address);
  clearAnswer();
  await run(query, address);
}

async function run(query, params) {
  const mine = shown;
  const status = $("#saved-status");
  status.textContent = "Running…";
  const response = await fetch(apiUrl(query.name, params));
  if (mine !== shown) return;  // another question was asked meanwhile
  if (!response.ok) {
    status.className = "error";
    status.textContent = await response.text();
    return;
  }
  const results = await response.json();
  if ("results" in results) await learnLabels(results);
  if (mine !== shown) return;
  // The values fixed by the reader or by a default: the same on every row.
  const fixed = new Set(query.params.filter((param) => params.has(param.name) || (
    param.default !== null && param.default !== "none")).map((param) => param.name));
  showTable(results, fixed);
  $("#download-csv").href = apiUrl(query.name, params, "csv");
  $("#download-json").href = apiUrl(query.name, params, "json");
  $("#download-json").download = query.name + ".json";
  $("#downloads").hidden = false;
}

function submitted(event) {
  event.preventDefault();
  const address = new URLSearchParams({ q: selected().name });
  for (const [name, value] of typedValues()) address.set(name, value);
  history.pushState(null, "", "/?" + address);
  followAddress();
}

// The editor gets the question with the values typed here written in, as the server runs it.
async function openInEditor() {
  const response = await fetch(apiUrl(selected().name, typedValues(), "sparql"));
  const status = $("#saved-status");
  if (!response.ok) {
    status.className = "error";
    status.textContent = await response.text();
    return;
  }
  yasgui.getTab().setQuery(await response.text());
  $("#editor").scrollIntoView();
}

function startEditor() {
  const declared = prefixes.map(([prefix, namespace]) => `PREFIX ${prefix}: <${namespace}>`);
  const example = "SELECT ?state ?label WHERE {\n  ?state a unkg:State ; rdfs:label ?label .\n}"
                + " LIMIT 10";
  Yasgui.Yasqe.defaults.value = declared.join("\n") + "\n\n" + example;
  yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: window.location.origin + "/sparql", method: "POST" },
    copyEndpointOnNewTab: false,
  });
}

// The editor's result table links an entity to its w3id IRI; here it opens the local page.
function localLinks(root) {
  const point = (anchor) => {
    const href = anchor.getAttribute("href");
    if (href && href.startsWith(ID_BASE)) anchor.setAttribute("href", target(href));
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        if (node.matches("a[href]")) point(node);
        node.querySelectorAll("a[href]").forEach(point);
      }
    }
  }).observe(root, { childList: true, subtree: true });
}

async function start() {
  const [listed, declared] = await Promise.all([
    fetch("/api/queries").then((response) => response.json()),
    fetch("/api/prefixes").then((response) => response.json())]);
  catalogue = listed;
  prefixes = Object.entries(declared).sort((a, b) => b[1].length - a[1].length);
  startEditor();
  localLinks(document.getElementById("yasgui"));
  const select = $("#query-name");
  for (const query of catalogue) select.add(new Option(query.title, query.name));
  select.addEventListener("change", () => {
    showParams(selected());
    clearAnswer();
  });
  if (catalogue.length) showParams(catalogue[0]);
  $("#saved-form").addEventListener("submit", submitted);
  $("#open-in-editor").addEventListener("click", openInEditor);
  window.addEventListener("popstate", () => {
    if (!new URLSearchParams(window.location.search).get("q")) clearAnswer();
    followAddress();
  });
  await followAddress();
  document.body.dataset.ready = "true";
}

start();
