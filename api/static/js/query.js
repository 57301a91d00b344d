// The query page: CodeMirror editor, example questions, results table with links, downloads.
// Plain DOM and fetch; data is only ever written with textContent, never as HTML.
(function () {
  "use strict";
  var app = document.getElementById("query-app");
  var endpoint = app.dataset.endpoint;
  var origin = app.dataset.origin;
  var base = app.dataset.base;
  var ontology = app.dataset.ontology;
  var textarea = document.getElementById("query");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var editor = window.CodeMirror
    ? window.CodeMirror.fromTextArea(textarea, {
        mode: "application/sparql-query", lineNumbers: true, indentUnit: 2,
        extraKeys: { "Ctrl-Enter": function () { run(); }, "Cmd-Enter": function () { run(); } }
      })
    : null;

  function queryText() { return editor ? editor.getValue() : textarea.value; }

  function localHref(iri) {
    if (iri === ontology || iri.indexOf(ontology + "#") === 0) return origin + "/ontology" + iri.slice(ontology.length);
    // "?" and "#" in an IRI under the base are part of its path here, not a query or a fragment
    if (iri.indexOf(base) === 0) return origin + "/" + iri.slice(base.length).replace(/\?/g, "%3F").replace(/#/g, "%23");
    if (/^https?:/.test(iri)) return origin + "/about?iri=" + encodeURIComponent(iri);
    return null;
  }

  // PREFIX and BASE declarations and comments before a query's form (in a prologue "<" always opens an IRI)
  var PROLOGUE = /^(?:\s+|#[^\r\n]*|(?:PREFIX\s+[^\s:<>]*:\s*|BASE\s+)<[^<>]*>)*/i;

  function asksForAGraph(text) {
    // CONSTRUCT and DESCRIBE answer with a graph (Turtle and JSON-LD; CSV cannot carry one), the rest with a table
    return /^(CONSTRUCT|DESCRIBE)\b/i.test(text.slice(text.match(PROLOGUE)[0].length));
  }

  function updateDownloads() {
    var q = encodeURIComponent(queryText());
    var answeredGraph = asksForAGraph(queryText());
    var first = document.getElementById("download-csv");
    first.textContent = answeredGraph ? "Turtle" : "CSV";
    first.href = endpoint + "?query=" + q + "&format=" + (answeredGraph ? "turtle" : "csv");
    var second = document.getElementById("download-json");
    second.textContent = answeredGraph ? "JSON-LD" : "JSON";
    second.href = endpoint + "?query=" + q + "&format=" + (answeredGraph ? "jsonld" : "json");
  }

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  function termText(binding) {
    // a term in N-Triples 1.2 syntax (for a triple term's parts, which may be triple terms themselves)
    if (!binding || typeof binding !== "object") return String(binding);
    if (binding.type === "uri") return "<" + binding.value + ">";
    if (binding.type === "bnode") return "_:" + binding.value;
    if (binding.type === "triple") return tripleText(binding);
    var text = '"' + String(binding.value).replace(/\\/g, "\\\\").replace(/"/g, '\\"')
      .replace(/\n/g, "\\n").replace(/\r/g, "\\r") + '"';
    if (binding["xml:lang"]) return text + "@" + binding["xml:lang"] + (binding["its:dir"] ? "--" + binding["its:dir"] : "");
    if (binding.datatype && binding.datatype !== "http://www.w3.org/2001/XMLSchema#string") {
      return text + "^^<" + binding.datatype + ">";
    }
    return text;
  }

  function tripleText(binding) {
    var parts = binding.value || {};
    return "<<( " + [parts.subject, parts.predicate, parts.object].map(termText).join(" ") + " )>>";
  }

  function cell(binding) {
    var td = document.createElement("td");
    if (!binding) return td;
    if (binding.type === "uri") {
      var href = localHref(binding.value);
      if (!href && !/^https?:\/\//i.test(binding.value)) {
        // only web IRIs become links: a javascript: or data: IRI from the data would run in the reader's page
        var code = document.createElement("span");
        code.className = "iri";
        code.textContent = binding.value;
        td.appendChild(code);
        return td;
      }
      var a = document.createElement("a");
      a.textContent = binding.value;
      a.href = href || binding.value;
      a.className = "iri";
      td.appendChild(a);
    } else if (binding.type === "bnode") {
      td.textContent = "_:" + binding.value;
    } else if (binding.type === "triple") {
      // an RDF 1.2 triple term: its value is {subject, predicate, object}, shown as text <<( s p o )>>
      var span = document.createElement("span");
      span.className = "triple-term";
      span.textContent = tripleText(binding);
      td.appendChild(span);
    } else {
      var span = document.createElement("span");
      span.textContent = binding.value;
      if (binding["xml:lang"]) span.lang = binding["xml:lang"];
      if (binding["its:dir"] === "rtl" || binding["its:dir"] === "ltr") span.dir = binding["its:dir"];
      td.appendChild(span);
      var tag = binding["xml:lang"] || (binding.datatype && binding.datatype.split(/[#\/]/).pop());
      if (binding["xml:lang"] && binding["its:dir"]) tag += "--" + binding["its:dir"];
      if (tag && tag !== "string") {
        var small = document.createElement("span");
        small.className = "tag";
        small.textContent = tag;
        td.appendChild(document.createTextNode(" "));
        td.appendChild(small);
      }
    }
    return td;
  }

  function table(data) {
    var vars = data.head.vars || [];
    var rows = data.results.bindings;
    var t = document.createElement("table");
    t.id = "results-table";
    var head = t.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.textContent = "?" + v;
      head.appendChild(th);
    });
    var body = t.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    return t;
  }

  function show(response) {
    var type = (response.headers.get("content-type") || "").split(";")[0].trim();
    if (!response.ok) {
      return response.text().then(function (text) { say("Error " + response.status + ": " + text.trim(), true); });
    }

    if (type === "application/sparql-results+json" || type === "application/json") {
      return response.json().then(function (data) {
        results.textContent = "";
        if (typeof data.boolean === "boolean") {
          var p = document.createElement("p");
          p.id = "results-boolean";
          p.textContent = data.boolean ? "yes (true)" : "no (false)";
          results.appendChild(p);
          say("Done.");
          return;
        }
        results.appendChild(table(data));
        var n = data.results.bindings.length;
        say(n + (n === 1 ? " row." : " rows."));
      });
    }
    return response.text().then(function (text) {
      results.textContent = "";
      var pre = document.createElement("pre");
      pre.id = "results-text";
      pre.textContent = text;
      results.appendChild(pre);
      say("Done (" + type + ").");
    });
  }

  function run(event) {
    if (event) event.preventDefault();
    if (editor) editor.save();
    updateDownloads();
    say("Running…");
    var body = new URLSearchParams();
    body.set("query", queryText());
    return fetch(endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1"
      },
      body: body
    }).then(show).catch(function (error) { say("Could not reach the endpoint: " + error, true); });
  }

  document.getElementById("query-form").addEventListener("submit", run);
  Array.prototype.forEach.call(document.querySelectorAll("[data-example]"), function (button) {
    button.addEventListener("click", function () {
      var example = examples[Number(button.dataset.example)];
      if (editor) editor.setValue(example.query); else textarea.value = example.query;
      run();
    });
  });
  if (editor) editor.on("change", updateDownloads);
  updateDownloads();
})();
