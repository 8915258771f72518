// The query page: saved questions with their parameters, and YASGUI for free-form SPARQL.
"use strict";

const ID_BASE = "https://w3id.org/unkg/id/";
const PREFIXES = [
  ["id:", ID_BASE],
  ["unkg:", "https://w3id.org/unkg/ontology#"],
  ["schema:", "http://schema.org/"],
  ["opengov:", "http://www.w3.org/ns/opengov#"],
];
const $ = (selector) => document.querySelector(selector);
let catalogue = [];
let yasgui = null;

function compact(iri) {
  for (const [prefix, namespace] of PREFIXES) {
    if (iri.startsWith(namespace)) return prefix + iri.slice(namespace.length);
  }
  return iri;
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    // Only http(s) IRIs become links: a source's "URL" may be javascript: or data:.
    const href = term.value.startsWith(ID_BASE) ? "/id/" + term.value.slice(ID_BASE.length)
               : /^https?:\/\//i.test(term.value) ? term.value : null;
    if (href === null) {
      td.textContent = compact(term.value);
      return td;
    }
    const link = document.createElement("a");
    link.href = href;
    link.textContent = compact(term.value);
    td.append(link);
  } else {
    td.textContent = term.value;
    if (term["xml:lang"]) {
      const lang = document.createElement("span");
      lang.className = "lang";
      lang.textContent = " @" + term["xml:lang"];
      td.append(lang);
    }
  }
  return td;
}

function showTable(results) {
  const table = $("#saved-results");
  table.replaceChildren();
  if ("boolean" in results) {
    $("#saved-status").textContent = "Answer: " + (results.boolean ? "yes" : "no");
    return;
  }
  const vars = results.head.vars;
  const head = table.createTHead().insertRow();
  for (const name of vars) {
    const th = document.createElement("th");
    th.textContent = name;
    head.append(th);
  }
  const body = table.createTBody();
  for (const binding of results.results.bindings) {
    const row = body.insertRow();
    for (const name of vars) row.append(cell(binding[name]));
  }
  const count = results.results.bindings.length;
  $("#saved-status").textContent = count + (count === 1 ? " row" : " rows");
}

function showParams(query) {
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
    input.value = param.default && param.default !== "none" ? param.default : "";
    input.placeholder = param.type + (param.default === null ? " (required)" : " (optional)");
    const help = document.createElement("small");
    help.textContent = param.description;
    row.append(label, input, help);
    box.append(row);
  }
}

function selected() {
  return catalogue.find((query) => query.name === $("#query-name").value);
}

async function runSaved(event) {
  event.preventDefault();
  const query = selected();
  const params = new URLSearchParams();
  for (const input of $("#query-params").querySelectorAll("input")) {
    if (input.value.trim()) params.set(input.name, input.value.trim());
  }
  const status = $("#saved-status");
  status.className = "";
  status.textContent = "Running…";
  $("#saved-results").replaceChildren();
  const response = await fetch("/api/queries/" + encodeURIComponent(query.name) + "?" + params);
  if (!response.ok) {
    status.className = "error";
    status.textContent = await response.text();
    return;
  }
  showTable(await response.json());
}

async function start() {
  catalogue = await (await fetch("/api/queries")).json();
  const select = $("#query-name");
  for (const query of catalogue) select.add(new Option(query.title, query.name));
  select.addEventListener("change", () => showParams(selected()));
  if (catalogue.length) showParams(catalogue[0]);
  $("#saved-form").addEventListener("submit", runSaved);
  $("#open-in-editor").addEventListener("click", () => {
    yasgui.getTab().setQuery(selected().text);
    $("#editor").scrollIntoView();
  });
  document.body.dataset.ready = "true";
}

yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: window.location.origin + "/sparql", method: "POST" },
  copyEndpointOnNewTab: false,
});
start();
