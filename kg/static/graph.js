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

  // ---------------------------------------------------------------- what is drawn: the view
  // A graph of more than data.maxNodes nodes is not drawn whole (vis-network would need minutes to lay out
  // 10,000 nodes): the view holds the best-connected nodes of the report selection with their neighbours,
  // up to the budget, plus one cluster node per Louvain community for the rest. Search and cluster clicks
  // draw more ("revealed" nodes, with their neighbours); the filters recompute the view.
  var MAX_NODES = data.maxNodes;
  var MIN_CLUSTER = 5;
  var corpus = data.corpus || [];
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  var ranked = data.nodes.slice().sort(function (a, b) {
    return b.value - a.value || cmp(a.label, b.label) || cmp(a.id, b.id);
  });
  var rankOf = Object.create(null);
  ranked.forEach(function (n, i) { rankOf[n.id] = i; });
  var edgesOf = Object.create(null);  // node id -> its edges, best-ranked neighbour first
  data.edges.forEach(function (e) {
    (edgesOf[e.from] = edgesOf[e.from] || []).push(e);
    if (e.to !== e.from) { (edgesOf[e.to] = edgesOf[e.to] || []).push(e); }
  });
  function other(e, id) { return e.from === id ? e.to : e.from; }
  Object.keys(edgesOf).forEach(function (id) {
    edgesOf[id].sort(function (a, b) { return rankOf[other(a, id)] - rankOf[other(b, id)] || cmp(a.id, b.id); });
  });

  var chosenReports = null;  // null: every report; else report index -> true
  var revealed = Object.create(null);  // drawn on demand (search, cluster panel), whatever the budget
  var hiddenClass = Object.create(null);
  function inSelection(item) {
    if (chosenReports === null || !item.r) { return true; }
    for (var i = 0; i < item.r.length; i++) { if (chosenReports[item.r[i]]) { return true; } }
    return false;
  }

  var drawn = Object.create(null);  // entity id -> true when it is in the DataSet
  var clusterOf = Object.create(null);  // entity id -> cluster node id, for entities of the selection not drawn
  var clusters = Object.create(null);  // cluster node id -> {community, members: [ids in rank order]}
  var viewInfo = { total: 0, clustered: 0 };

  function clusterNode(id, cluster) {
    var top = cluster.community === 0 ? "other" : cluster.members.length ? byId[cluster.members[0]].label : "";
    return { id: id, label: "+" + cluster.members.length + " · " + top, shape: "ellipse", cluster: true,
             title: cluster.members.length + " entities not drawn (" + communityName(cluster.community) + ")\nclick to list them",
             color: { background: "#f3f4f6", border: "#9ca3af", highlight: { background: "#e5e7eb", border: "#111827" } },
             font: { color: "#374151", size: 12 }, shapeProperties: { borderDashes: [4, 3] }, borderWidth: 1 };
  }

  function communityName(c) {
    return c === 0 ? "small communities and unconnected entities" : "Louvain community " + c;
  }

  function computeView() {
    var candidates = ranked.filter(inSelection);
    var inCand = Object.create(null);
    candidates.forEach(function (n) { inCand[n.id] = true; });
    var keep = Object.create(null);
    var count = 0;
    function add(id) { if (!keep[id]) { keep[id] = true; count++; } }
    if (candidates.length <= MAX_NODES) {
      candidates.forEach(function (n) { add(n.id); });
    } else {
      for (var i = 0; i < candidates.length && count < MAX_NODES; i++) {
        var id = candidates[i].id;
        add(id);
        var around = edgesOf[id] || [];
        for (var j = 0; j < around.length && count < MAX_NODES; j++) {
          var nb = other(around[j], id);
          if (inCand[nb] && inSelection(around[j])) { add(nb); }
        }
      }
    }
    Object.keys(revealed).forEach(function (id) {
      add(id);
      (edgesOf[id] || []).forEach(function (e) { add(other(e, id)); });
    });
    // one cluster per community; the few left-overs of small communities (and the unconnected nodes,
    // community 0) share one "other" cluster, so that the page does not draw hundreds of tiny clusters
    var byCommunity = Object.create(null);
    var communityOrder = [];
    candidates.forEach(function (n) {
      if (keep[n.id]) { return; }
      if (!byCommunity[n.c]) { byCommunity[n.c] = []; communityOrder.push(n.c); }
      byCommunity[n.c].push(n.id);
    });
    var cl = Object.create(null);
    var clusterIds = [];
    var of = Object.create(null);
    communityOrder.sort(function (a, b) { return a - b; });
    communityOrder.forEach(function (c) {
      var members = byCommunity[c];
      var community = c === 0 || members.length < MIN_CLUSTER ? 0 : c;
      var cid = "cluster:" + community;
      if (!cl[cid]) { cl[cid] = { community: community, members: [] }; clusterIds.push(cid); }
      members.forEach(function (id) { cl[cid].members.push(id); of[id] = cid; });
    });
    if (cl["cluster:0"]) {
      cl["cluster:0"].members.sort(function (a, b) { return rankOf[a] - rankOf[b]; });
    }
    var viewEdges = [];
    var bundles = Object.create(null);
    var bundleIds = [];
    var relations = 0;
    data.edges.forEach(function (e) {
      if (inCand[e.from] && inCand[e.to] && inSelection(e)) { relations++; }
      var a = keep[e.from] ? e.from : of[e.from];
      var b = keep[e.to] ? e.to : of[e.to];
      if (!a || !b) { return; }
      var real = a === e.from && b === e.to;
      if (!inSelection(e) && !(real && (revealed[e.from] || revealed[e.to]))) { return; }
      if (real) { viewEdges.push(Object.assign({}, e)); return; }
      if (a === b) { return; }
      var key = a < b ? a + "\u0000" + b : b + "\u0000" + a;
      if (!bundles[key]) { bundles[key] = { id: "bundle:" + key, from: a < b ? a : b, to: a < b ? b : a, count: 0 }; bundleIds.push(key); }
      bundles[key].count++;
    });
    bundleIds.forEach(function (key) {
      var b = bundles[key];
      viewEdges.push({ id: b.id, from: b.from, to: b.to, bundle: true, arrows: "", dashes: [2, 4],
                       width: Math.min(6, 1 + Math.log(b.count) / Math.LN2),
                       color: { color: "#cbd5e1", highlight: "#6b7280", hover: "#94a3b8", inherit: false },
                       title: b.count + (b.count === 1 ? " relation" : " relations") });
    });
    return { keep: keep, clusters: cl, clusterIds: clusterIds, clusterOf: of, edges: viewEdges,
             total: candidates.length, relations: relations };
  }

  function nodeItem(id) {
    var n = byId[id];
    return { id: id, label: n.label, group: n.group, value: n.value, title: n.title, hidden: hiddenClass[n.group] === true };
  }

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var kpiNodes = document.getElementById("kpi-nodes");
  var kpiEdges = document.getElementById("kpi-edges");
  var viewNote = document.getElementById("view-note");

  // apply a view: keep the nodes that stay (and where they are), place the new ones where their cluster was
  function applyView(view, anchor) {
    var positions = network ? network.getPositions() : {};
    var removeIds = nodes.getIds().filter(function (id) {
      return byId[id] ? !view.keep[id] : !view.clusters[id];
    });
    var add = [];
    Object.keys(view.keep).sort(function (a, b) { return rankOf[a] - rankOf[b]; }).forEach(function (id, i) {
      if (drawn[id]) { return; }
      var item = nodeItem(id);
      var from = anchor || positions[clusterOf[id]];
      if (from) {
        var angle = 2.399963 * i;  // golden angle: a deterministic spiral around the anchor
        var radius = 40 + 6 * Math.sqrt(i);
        item.x = from.x + radius * Math.cos(angle);
        item.y = from.y + radius * Math.sin(angle);
      }
      add.push(item);
    });
    var clusterItems = view.clusterIds.map(function (cid) { return clusterNode(cid, view.clusters[cid]); });
    edges.clear();
    nodes.remove(removeIds);
    nodes.add(add);
    nodes.update(clusterItems);
    edges.add(view.edges);
    drawn = view.keep;
    clusterOf = view.clusterOf;
    clusters = view.clusters;
    var hiddenCount = 0;
    view.clusterIds.forEach(function (cid) { hiddenCount += view.clusters[cid].members.length; });
    viewInfo = { total: view.total, clustered: hiddenCount };
    kpiNodes.textContent = String(view.total);
    kpiEdges.textContent = String(view.relations);
    if (hiddenCount) {
      viewNote.textContent = "showing " + (view.total - hiddenCount) + " of " + view.total + " nodes (" + hiddenCount +
        " in " + view.clusterIds.length + " community clusters); use the filters, search or click a cluster";
      viewNote.hidden = false;
    } else {
      viewNote.hidden = true;
    }
    document.body.setAttribute("data-drawn", String(nodes.length));
  }

  var container = document.getElementById("network");
  var network = null;
  var firstView = computeView();
  applyView(firstView, null);
  network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  // ---------------------------------------------------------------- layout: stabilise, then stop physics
  var loading = document.getElementById("loading");
  var progress = document.getElementById("loading-progress");
  var loadingCount = document.getElementById("loading-count");
  var views = 0;
  window.__csrkgStableMs = null;
  function settled() {
    network.setOptions({ physics: { enabled: false } });
    network.stopSimulation();
    loading.hidden = true;
    views++;
    document.body.setAttribute("data-view", String(views));
  }
  function stable() {
    if (window.__csrkgStableMs !== null) { return; }
    window.__csrkgStableMs = Math.round(performance.now());
    settled();
    document.body.setAttribute("data-stable", "true");
  }
  network.on("stabilizationProgress", function (p) {
    progress.style.width = Math.round(100 * p.iterations / Math.max(1, p.total)) + "%";
  });
  network.once("stabilizationIterationsDone", stable);
  network.once("stabilized", stable);
  if (nodes.length === 0) { stable(); }

  // a new selection of reports: a new view, laid out briefly from where its nodes were
  var RELAYOUT_ITERATIONS = 120;
  function relayout() {
    if (window.__csrkgStableMs === null) { return; }  // the first layout is still running and will cover it
    if (nodes.length === 0) { settled(); return; }
    loadingCount.textContent = String(nodes.length);
    progress.style.width = "0%";
    loading.hidden = false;
    network.setOptions({ physics: { enabled: true } });
    network.once("stabilizationIterationsDone", function () { settled(); network.fit({ animation: false }); });
    network.stabilize(RELAYOUT_ITERATIONS);
  }

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
    nodes.update(nodes.getIds().map(function (nid) {
      var on = keep[nid] === true;
      return { id: nid, opacity: on ? 1 : 0.15, font: { color: on ? NODE_FONT : "rgba(31,41,55,0.12)" } };
    }));
    edges.update(edges.getIds().map(function (eid) {
      var on = keepEdges[eid] === true;
      return { id: eid, color: { opacity: on ? 1 : 0.08 },
               font: { color: on ? EDGE_FONT : "rgba(0,0,0,0)", strokeColor: on ? "#ffffff" : "rgba(0,0,0,0)" } };
    }));
    dimmed = true;
  }
  function clearHighlight() {
    if (!dimmed) { return; }
    nodes.update(nodes.get().map(function (n) {
      return { id: n.id, opacity: 1, font: { color: n.cluster ? "#374151" : NODE_FONT } };
    }));
    edges.update(edges.getIds().map(function (eid) {
      return { id: eid, color: { opacity: 1 }, font: { color: EDGE_FONT, strokeColor: "#ffffff" } };
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
    if (!e || e.bundle) { return; }
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

  var CLUSTER_LIST = 200;
  function openClusterPanel(cid) {
    var cluster = clusters[cid];
    if (!cluster) { return; }
    clear(panelBody);
    panelBody.removeAttribute("data-node");
    panelBody.setAttribute("data-cluster", cid);
    panelBody.appendChild(el("h2", "panel-label", cluster.members.length + " entities not drawn"));
    panelBody.appendChild(el("p", "note", communityName(cluster.community) + ", best-connected first. " +
      "Click one to draw it with its neighbours, or narrow the view with the report filter."));
    var list = el("ol", "cluster-members");
    cluster.members.slice(0, CLUSTER_LIST).forEach(function (id) {
      var li = el("li");
      li.appendChild(nodeLink(id));
      li.appendChild(el("span", "score", byId[id].value));
      list.appendChild(li);
    });
    panelBody.appendChild(list);
    if (cluster.members.length > CLUSTER_LIST) {
      panelBody.appendChild(el("p", "note", "… and " + (cluster.members.length - CLUSTER_LIST) + " more: use the search."));
    }
    showPanel();
  }

  function closePanel() {
    var wasHidden = panel.hidden;
    panel.hidden = true;
    if (!wasHidden) { network.setSize("100%", "100%"); network.redraw(); }
    clear(panelBody);
    panelBody.removeAttribute("data-node");
    panelBody.removeAttribute("data-cluster");
  }

  // ---------------------------------------------------------------- class filter
  function setClassVisible(cls, visible) {
    hiddenClass[cls] = !visible;
    nodes.update(nodes.get({ filter: function (n) { return n.group === cls; } })
      .map(function (n) { return { id: n.id, hidden: !visible }; }));
    var selected = network.getSelectedNodes();
    if (!visible && selected.length && byId[selected[0]] && byId[selected[0]].group === cls) { clearSelection(); }
  }
  var checkboxes = Array.prototype.slice.call(document.querySelectorAll("input.class-filter"));
  checkboxes.forEach(function (box) {
    box.addEventListener("change", function () { setClassVisible(box.value, box.checked); });
  });
  function visibleNodeIds() {
    return nodes.get({ filter: function (n) { return !n.hidden && !n.cluster; } }).map(function (n) { return n.id; });
  }

  // ---------------------------------------------------------------- selection
  // draw a node that the view left out, with its neighbours, where its cluster was (no re-layout: the
  // rest of the drawing stays put)
  function reveal(id) {
    if (drawn[id]) { return; }
    revealed[id] = true;
    var anchor = network.getPositions([clusterOf[id]])[clusterOf[id]];
    if (!anchor) { anchor = network.getViewPosition(); }
    applyView(computeView(), anchor);
  }

  function selectNode(id) {
    var n = byId[id];
    if (!n) { return false; }
    reveal(id);
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
    if (params.nodes.length && clusters[params.nodes[0]]) {
      clearHighlight();
      openClusterPanel(params.nodes[0]);
    } else if (params.nodes.length) {
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

  // ---------------------------------------------------------------- report / company / year filter
  var filterReport = document.getElementById("filter-report");
  var filterCompany = document.getElementById("filter-company");
  var filterYear = document.getElementById("filter-year");
  var filterStatus = document.getElementById("filter-status");
  function applyFilter() {
    var report = filterReport.value, company = filterCompany.value, year = filterYear.value;
    var chosen = Object.create(null);
    var names = [];
    corpus.forEach(function (r, i) {
      if ((report === "" || String(i) === report) && (company === "" || r.company === company) &&
          (year === "" || r.year === year)) {
        chosen[i] = true;
        names.push(r.label);
      }
    });
    chosenReports = report === "" && company === "" && year === "" ? null : chosen;
    revealed = Object.create(null);
    clearSelection();
    applyView(computeView(), null);
    filterStatus.textContent = chosenReports === null ? "All " + corpus.length + " reports." :
      names.length === 0 ? "No report matches." :
      names.length + (names.length === 1 ? " report: " : " reports: ") + names.join(", ");
    relayout();
  }
  [filterReport, filterCompany, filterYear].forEach(function (box) {
    if (box) { box.addEventListener("change", applyFilter); }
  });

  // for tests and for the curious analyst's console
  window.csrkg = {
    network: network, nodes: nodes, edges: edges, data: data,
    selectNode: selectNode, clearSelection: clearSelection, search: search, visibleNodeIds: visibleNodeIds,
    drawnEntityIds: function () { return Object.keys(drawn); },
    view: function () { return { total: viewInfo.total, drawn: Object.keys(drawn).length, clustered: viewInfo.clustered,
                                 clusters: Object.keys(clusters).length }; }
  };
})();
