/* csr-kg graph view.
 * Report text (labels, aliases, evidence) comes from the JSON data element and is written into the page with
 * textContent / createTextNode only, never innerHTML, so a hostile report cannot inject markup or script.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("csrkg-data").textContent);
  var styles = data.styles;
  var byId = Object.create(null);
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var details = data.details;

  // facts per node and per edge (subject|relation|object)
  var factsByNode = Object.create(null);
  var factsByTriple = Object.create(null);
  data.facts.forEach(function (f) {
    (factsByNode[f.s] = factsByNode[f.s] || []).push(f);
    if (f.o !== f.s) { (factsByNode[f.o] = factsByNode[f.o] || []).push(f); }
    var key = f.s + "\u0000" + f.p + "\u0000" + f.o;
    (factsByTriple[key] = factsByTriple[key] || []).push(f);
  });

  // hover texts: plain strings, which vis-network shows with innerText
  data.nodes.forEach(function (n) {
    n.title = n.label + "\n" + n.group + " · degree " + n.value;
  });
  data.edges.forEach(function (e) {
    var facts = factsByTriple[e.from + "\u0000" + e.label + "\u0000" + e.to] || [];
    var lines = [byId[e.from].label + " —" + e.label + "→ " + byId[e.to].label];
    facts.forEach(function (f) { if (f.evidence) { lines.push("“" + f.evidence + "”"); } });
    e.title = lines.join("\n");
  });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  // ---------------------------------------------------------------- layout: stabilise, then stop physics
  var loading = document.getElementById("loading");
  var progress = document.getElementById("loading-progress");
  window.__csrkgStableMs = null;
  function stable() {
    if (window.__csrkgStableMs !== null) { return; }
    network.setOptions({ physics: { enabled: false } });
    network.stopSimulation();
    window.__csrkgStableMs = Math.round(performance.now());
    loading.hidden = true;
    document.body.setAttribute("data-stable", "true");
  }
  network.on("stabilizationProgress", function (p) {
    progress.style.width = Math.round(100 * p.iterations / Math.max(1, p.total)) + "%";
  });
  network.once("stabilizationIterationsDone", stable);
  network.once("stabilized", stable);
  if (data.nodes.length === 0) { stable(); }

  // ---------------------------------------------------------------- helpers
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function nodeLink(id) {
    var b = el("button", "node-link", byId[id] ? byId[id].label : id);
    b.type = "button";
    b.setAttribute("data-node", id);
    b.title = byId[id] ? byId[id].label : id;
    b.addEventListener("click", function () { selectNode(id); });
    return b;
  }

  // ---------------------------------------------------------------- highlight neighbours, dim the rest
  var dimmed = false;
  var NODE_FONT = data.options.nodes.font.color;
  var EDGE_FONT = data.options.edges.font.color;
  function highlight(id) {
    var keep = Object.create(null);
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { keep[n] = true; });
    var keepEdges = Object.create(null);
    network.getConnectedEdges(id).forEach(function (e) { keepEdges[e] = true; });
    nodes.update(data.nodes.map(function (n) {
      var on = keep[n.id] === true;
      return { id: n.id, opacity: on ? 1 : 0.15, font: { color: on ? NODE_FONT : "rgba(31,41,55,0.12)" } };
    }));
    edges.update(data.edges.map(function (e) {
      var on = keepEdges[e.id] === true;
      return { id: e.id, color: { opacity: on ? 1 : 0.08 },
               font: { color: on ? EDGE_FONT : "rgba(0,0,0,0)", strokeColor: on ? "#ffffff" : "rgba(0,0,0,0)" } };
    }));
    dimmed = true;
  }
  function clearHighlight() {
    if (!dimmed) { return; }
    nodes.update(data.nodes.map(function (n) { return { id: n.id, opacity: 1, font: { color: NODE_FONT } }; }));
    edges.update(data.edges.map(function (e) {
      return { id: e.id, color: { opacity: 1 }, font: { color: EDGE_FONT, strokeColor: "#ffffff" } };
    }));
    dimmed = false;
  }

  // ---------------------------------------------------------------- side panel
  var panel = document.getElementById("panel");
  var panelBody = document.getElementById("panel-body");

  function badge(cls) {
    var b = el("span", "badge", cls);
    if (styles[cls]) { b.style.background = styles[cls].color; } else { b.className = "badge plain"; }
    return b;
  }

  function factCard(f, here) {
    var card = el("div", "fact");
    var head = el("div", "fact-head");
    if (f.s === here && f.o === here) {
      head.appendChild(el("span", "relation", f.p));
      head.appendChild(el("span", "direction", "itself"));
    } else if (f.s === here) {
      head.appendChild(el("span", "relation", f.p));
      head.appendChild(el("span", "direction", "→"));
      head.appendChild(nodeLink(f.o));
    } else if (f.o === here) {
      head.appendChild(nodeLink(f.s));
      head.appendChild(el("span", "direction", "→"));
      head.appendChild(el("span", "relation", f.p));
      head.appendChild(el("span", "direction", "→ this"));
    } else {
      head.appendChild(nodeLink(f.s));
      head.appendChild(el("span", "relation", f.p));
      head.appendChild(nodeLink(f.o));
    }
    card.appendChild(head);
    if (f.evidence) {
      card.appendChild(el("blockquote", "evidence", f.evidence));
    } else {
      card.appendChild(el("div", "evidence none", "no evidence sentence recorded"));
    }
    var meta = el("div", "fact-meta");
    if (f.report) { meta.appendChild(el("span", "report", f.report)); }
    if (f.line !== undefined) { meta.appendChild(el("span", "line", "line " + f.line)); }
    if (f.page !== undefined) { meta.appendChild(el("span", "page", "p. " + f.page)); }
    if (f.rule) { meta.appendChild(el("span", "rule", f.rule + (f.confidence !== undefined ? " · " + f.confidence : ""))); }
    if (f.amount) { meta.appendChild(el("span", "amount", f.amount)); }
    if (f.date) { meta.appendChild(el("span", "date", f.date)); }
    if (meta.firstChild) { card.appendChild(meta); }
    return card;
  }

  function openPanel(id) {
    var n = byId[id];
    var d = details[id];
    if (!n || !d) { return; }
    clear(panelBody);
    panelBody.setAttribute("data-node", id);
    panelBody.appendChild(el("h2", "panel-label", n.label));
    var badges = el("div", "badges");
    d.classes.forEach(function (c) { badges.appendChild(badge(c)); });
    panelBody.appendChild(badges);
    panelBody.appendChild(el("div", "iri", id));
    if (d.aliases && d.aliases.length) {
      panelBody.appendChild(el("h3", null, "Also known as"));
      var aliases = el("div", "aliases");
      d.aliases.forEach(function (a) { aliases.appendChild(el("span", "alias", a)); });
      panelBody.appendChild(aliases);
    }
    var dl = el("dl", "attrs");
    (d.attrs || []).forEach(function (pair) {
      dl.appendChild(el("dt", null, pair[0]));
      dl.appendChild(el("dd", null, pair[1]));
    });
    dl.appendChild(el("dt", null, "Degree"));
    dl.appendChild(el("dd", null, d.degree));
    (d.mentions || []).forEach(function (m) {
      dl.appendChild(el("dt", null, "Mentioned in"));
      dl.appendChild(el("dd", null, m.report + (m.line !== undefined ? " · first at line " + m.line : "")));
    });
    panelBody.appendChild(el("h3", null, "Attributes"));
    panelBody.appendChild(dl);
    var facts = factsByNode[id] || [];
    panelBody.appendChild(el("h3", null, "Facts (" + facts.length + ")"));
    if (!facts.length) { panelBody.appendChild(el("p", "note", "This entity takes part in no relation.")); }
    facts.forEach(function (f) { panelBody.appendChild(factCard(f, id)); });
    showPanel();
  }

  // the panel takes width from the canvas: tell vis-network now (it would notice within a second and
  // shift the view), so that a focus animation started right after aims at the right centre
  function showPanel() {
    var wasHidden = panel.hidden;
    panel.hidden = false;
    panel.scrollTop = 0;
    if (wasHidden) { network.setSize("100%", "100%"); network.redraw(); }
  }

  function openEdgePanel(edgeId) {
    var e = edges.get(edgeId);
    if (!e) { return; }
    clear(panelBody);
    panelBody.setAttribute("data-edge", edgeId);
    panelBody.removeAttribute("data-node");
    var head = el("h2", "panel-label");
    head.appendChild(document.createTextNode(e.label));
    panelBody.appendChild(head);
    var facts = factsByTriple[e.from + "\u0000" + e.label + "\u0000" + e.to] || [{ s: e.from, p: e.label, o: e.to }];
    panelBody.appendChild(el("h3", null, "Facts (" + facts.length + ")"));
    facts.forEach(function (f) { panelBody.appendChild(factCard(f, null)); });
    showPanel();
  }

  function closePanel() {
    var wasHidden = panel.hidden;
    panel.hidden = true;
    if (!wasHidden) { network.setSize("100%", "100%"); network.redraw(); }
    clear(panelBody);
    panelBody.removeAttribute("data-node");
  }

  // ---------------------------------------------------------------- class filter
  var hiddenClass = Object.create(null);
  function setClassVisible(cls, visible) {
    hiddenClass[cls] = !visible;
    nodes.update(data.nodes.filter(function (n) { return n.group === cls; })
      .map(function (n) { return { id: n.id, hidden: !visible }; }));
    var selected = network.getSelectedNodes();
    if (!visible && selected.length && byId[selected[0]].group === cls) { clearSelection(); }
  }
  var checkboxes = Array.prototype.slice.call(document.querySelectorAll("input.class-filter"));
  checkboxes.forEach(function (box) {
    box.addEventListener("change", function () { setClassVisible(box.value, box.checked); });
  });
  function visibleNodeIds() {
    return nodes.get({ filter: function (n) { return !n.hidden; } }).map(function (n) { return n.id; });
  }

  // ---------------------------------------------------------------- selection
  function selectNode(id) {
    var n = byId[id];
    if (!n) { return false; }
    if (hiddenClass[n.group]) {
      checkboxes.forEach(function (box) { if (box.value === n.group) { box.checked = true; } });
      setClassVisible(n.group, true);
    }
    network.selectNodes([id]);
    highlight(id);
    openPanel(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.25),
                        animation: { duration: 450, easingFunction: "easeInOutQuad" } });
    return true;
  }
  function clearSelection() {
    network.unselectAll();
    clearHighlight();
    closePanel();
  }
  network.on("click", function (params) {
    if (params.nodes.length) {
      highlight(params.nodes[0]);
      openPanel(params.nodes[0]);
    } else if (params.edges.length) {
      clearHighlight();
      openEdgePanel(params.edges[0]);
    } else {
      clearSelection();
    }
  });
  document.getElementById("panel-close").addEventListener("click", clearSelection);
  document.getElementById("btn-clear").addEventListener("click", clearSelection);
  document.getElementById("btn-fit").addEventListener("click", function () {
    network.fit({ animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  });
  Array.prototype.forEach.call(document.querySelectorAll("#analytics .node-link"), function (b) {
    b.addEventListener("click", function () { selectNode(b.getAttribute("data-node")); });
  });

  // ---------------------------------------------------------------- search by label or alias
  var index = data.nodes.map(function (n) {
    return { id: n.id, label: n.label, low: n.label.toLowerCase(),
             aliases: (details[n.id].aliases || []).map(function (a) { return [a, a.toLowerCase()]; }) };
  });
  function search(query, limit) {
    var q = query.trim().toLowerCase();
    if (!q) { return []; }
    var hits = [];
    index.forEach(function (item) {
      var rank = -1;
      var via = null;
      if (item.low === q) { rank = 0; }
      else if (item.low.indexOf(q) === 0) { rank = 2; }
      else if (item.low.indexOf(q) > 0) { rank = 4; }
      item.aliases.forEach(function (pair) {
        var r = pair[1] === q ? 1 : pair[1].indexOf(q) === 0 ? 3 : pair[1].indexOf(q) > 0 ? 5 : -1;
        if (r >= 0 && (rank < 0 || r < rank)) { rank = r; via = pair[0]; }
      });
      if (rank >= 0) { hits.push({ id: item.id, label: item.label, rank: rank, via: via }); }
    });
    hits.sort(function (a, b) {
      return a.rank - b.rank || a.label.length - b.label.length || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
    });
    return hits.slice(0, limit || 12);
  }
  var input = document.getElementById("search");
  var results = document.getElementById("search-results");
  var current = [];
  var active = 0;
  function renderResults() {
    clear(results);
    if (!input.value.trim()) { results.hidden = true; return; }
    if (!current.length) {
      results.appendChild(el("li", "empty", "No entity matches"));
    }
    current.forEach(function (hit, i) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-node", hit.id);
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      var label = el("span", "result-label", hit.label);
      if (hit.via) { label.appendChild(el("span", "result-alias", "  (" + hit.via + ")")); }
      li.appendChild(label);
      li.appendChild(el("span", "result-kind", byId[hit.id].group));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
      results.appendChild(li);
    });
    results.hidden = false;
  }
  function choose(i) {
    var hit = current[i];
    if (!hit) { return; }
    selectNode(hit.id);
    results.hidden = true;
  }
  input.addEventListener("input", function () {
    current = search(input.value, 12);
    active = 0;
    renderResults();
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      current = search(input.value, 12);
      ev.preventDefault();
      choose(active < current.length ? active : 0);
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!current.length) { return; }
      ev.preventDefault();
      active = (active + (ev.key === "ArrowDown" ? 1 : current.length - 1)) % current.length;
      renderResults();
    } else if (ev.key === "Escape") {
      input.value = "";
      current = [];
      renderResults();
    }
  });
  input.addEventListener("blur", function () { results.hidden = true; });
  input.addEventListener("focus", function () { if (current.length) { renderResults(); } });

  // for tests and for the curious analyst's console
  window.csrkg = {
    network: network, nodes: nodes, edges: edges, data: data,
    selectNode: selectNode, clearSelection: clearSelection, search: search, visibleNodeIds: visibleNodeIds
  };
})();
