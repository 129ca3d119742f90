// The chain page's drawing: an SVG of the chain embedded in the page
// (#chain-data, what /api/v1/chains/{id} answers), one column per generation
// from left to right. Each person hangs under one source (a case's latest
// source, an F1–F4's path), as a tree: leaves take one row each and a source
// sits level with the middle of its secondaries; a case's other sources are
// drawn as links too. Drag or pinch to pan and zoom, wheel or buttons to zoom,
// the slider shows the links dated up to a day. First-party; no libraries.
// Without JavaScript the table below the drawing has the same chain.
"use strict";
(function () {
  var view = document.getElementById("chain-view");
  var source = document.getElementById("chain-data");
  if (!view || !source || !document.createElementNS) return;
  var chain = JSON.parse(source.textContent);
  var NS = "http://www.w3.org/2000/svg";
  var COL = 190, ROW = 34;
  var asked = Number(view.getAttribute("data-asked"));
  var nodes = chain.nodes, edges = chain.edges;
  var byId = {}, incoming = {}, children = {};
  nodes.forEach(function (n) { byId[n.person_id] = n; incoming[n.person_id] = []; });
  edges.forEach(function (e) { if (incoming[e.to]) incoming[e.to].push(e); });

  function isoDay(s) { return s.slice(8, 10) + "/" + s.slice(5, 7) + "/" + s.slice(0, 4); }
  function label(n) {
    if (n.case_code) return n.name && n.name !== n.case_code ? n.case_code + " · " + n.name : n.case_code;
    return n.name ? n.name + " (F" + n.level + ")" : "F" + n.level;
  }

  // The tree: each person under the source of the highest generation before
  // theirs (ties: the earliest link), then leaves row by row.
  nodes.forEach(function (n) {
    var best = null;
    incoming[n.person_id].forEach(function (e) {
      var s = byId[e.from];
      if (!s || s.generation >= n.generation) return;
      if (!best || s.generation > byId[best.from].generation ||
          (s.generation === byId[best.from].generation && e.on < best.on)) best = e;
    });
    n.parent = best ? best.from : null;
    if (best) (children[best.from] = children[best.from] || []).push(n);
  });
  var row = 0;
  function place(n) {
    var kids = children[n.person_id] || [];
    kids.sort(function (a, b) { return a.level - b.level || (a.since_on < b.since_on ? -1 : a.since_on > b.since_on ? 1 : a.person_id - b.person_id); });
    n.x = n.generation * COL;
    if (!kids.length) { n.y = row++ * ROW; return; }
    kids.forEach(place);
    n.y = (kids[0].y + kids[kids.length - 1].y) / 2;
  }
  nodes.filter(function (n) { return n.parent === null; }).forEach(function (n) { place(n); row += 0.5; });

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  var svg = el("svg", { "class": "chain-svg", role: "img", "aria-label": document.title });
  var defs = el("defs", {}, svg);
  var arrow = el("marker", { id: "chain-arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto" }, defs);
  el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#444" }, arrow);
  var stage = el("g", {}, svg);
  var edgeLayer = el("g", { "class": "edges" }, stage);
  var nodeLayer = el("g", { "class": "nodes" }, stage);
  var labels = nodes.length <= 3000;

  edges.forEach(function (e) {
    var a = byId[e.from], b = byId[e.to];
    if (!a || !b) return;
    var x1 = a.x + 8, y1 = a.y, x2 = b.x - 10, y2 = b.y, mx = (x1 + x2) / 2;
    e.el = el("path", {
      "class": "edge " + e.kind + " " + e.dated,
      d: "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2,
      "marker-end": "url(#chain-arrow)", "data-on": e.on, "data-from": e.from, "data-to": e.to
    }, edgeLayer);
  });
  nodes.forEach(function (n) {
    var cls = n.level === 0 ? "node case " + (n.in_scope ? n.status : "outside") : "node contact" + (n.in_scope ? "" : " outside");
    if (n.person_id === asked) cls += " asked";
    var holder = n.in_scope ? el("a", { href: "/persons/" + n.person_id }, nodeLayer) : nodeLayer;
    var g = el("g", { "class": cls, "data-id": n.person_id, "data-level": n.level, transform: "translate(" + n.x + "," + n.y + ")" }, holder);
    if (n.level === 0) el("circle", { r: n.person_id === asked ? 9 : 7 }, g);
    else el("rect", { x: -5, y: -5, width: 10, height: 10 }, g);
    if (labels) {
      el("title", {}, g).textContent = label(n);
      el("text", { x: 0, y: -11 }, g).textContent = label(n);
    }
    n.el = holder === nodeLayer ? g : holder;
  });
  view.appendChild(svg);

  // Pan and zoom: one transform on the stage.
  var t = { x: 20, y: 20, k: 1 };
  function apply() { stage.setAttribute("transform", "translate(" + t.x + "," + t.y + ") scale(" + t.k + ")"); }
  function zoomAt(f, cx, cy) {
    var k = Math.min(4, Math.max(0.02, t.k * f));
    f = k / t.k;
    t.x = cx - (cx - t.x) * f; t.y = cy - (cy - t.y) * f; t.k = k;
    apply();
  }
  function fit() {
    var r = svg.getBoundingClientRect(), maxX = 0, maxY = 0;
    nodes.forEach(function (n) { maxX = Math.max(maxX, n.x); maxY = Math.max(maxY, n.y); });
    var k = Math.min(1.2, (r.width - 20) / (maxX + (labels ? 180 : 40)), (r.height - 20) / (maxY + 20));
    // Labels stay legible on a phone; the rest of the chain is a drag away.
    t.k = Math.max(labels ? 0.7 : 0.02, k);
    t.x = labels ? 90 * t.k + 10 : 10;
    t.y = 24 + Math.max(0, (r.height - 34 - maxY * t.k) / 2);
    var a = byId[asked];
    if (a && a.x * t.k + t.x > r.width - 150) t.x = r.width / 2 - a.x * t.k;
    if (a && a.y * t.k + t.y > r.height - 20) t.y = r.height / 2 - a.y * t.k;
    apply();
  }
  var pointers = {}, moved = false, pinch = null;
  svg.addEventListener("pointerdown", function (ev) {
    pointers[ev.pointerId] = { x: ev.clientX, y: ev.clientY };
    moved = false;
  });
  svg.addEventListener("pointermove", function (ev) {
    var p = pointers[ev.pointerId];
    if (!p) return;
    var ids = Object.keys(pointers);
    if (ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      p.x = ev.clientX; p.y = ev.clientY;
      var d = Math.hypot(a.x - b.x, a.y - b.y), r = svg.getBoundingClientRect();
      if (pinch) zoomAt(d / pinch, (a.x + b.x) / 2 - r.left, (a.y + b.y) / 2 - r.top);
      pinch = d; moved = true;
      return;
    }
    var dx = ev.clientX - p.x, dy = ev.clientY - p.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!moved) svg.setPointerCapture(ev.pointerId);
    moved = true;
    t.x += dx; t.y += dy; p.x = ev.clientX; p.y = ev.clientY;
    apply();
  });
  function up(ev) { delete pointers[ev.pointerId]; pinch = null; }
  svg.addEventListener("pointerup", up);
  svg.addEventListener("pointercancel", up);
  // A drag is not a click on the person under the pointer.
  svg.addEventListener("click", function (ev) { if (moved) { ev.preventDefault(); ev.stopPropagation(); } }, true);
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect();
    zoomAt(ev.deltaY < 0 ? 1.2 : 1 / 1.2, ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  Array.prototype.forEach.call(document.querySelectorAll("[data-zoom]"), function (b) {
    b.addEventListener("click", function () {
      var r = svg.getBoundingClientRect(), z = b.getAttribute("data-zoom");
      if (z === "fit") fit(); else zoomAt(z === "in" ? 1.25 : 0.8, r.width / 2, r.height / 2);
    });
  });

  // The slider: the links dated up to a day, the people they reach, and the
  // cases without a source in the chain confirmed by that day.
  var info = document.getElementById("chain-info");
  var slider = document.getElementById("chain-date");
  var dateLabel = document.getElementById("chain-date-label");
  function dayAfter(first, days) {
    var d = new Date(first + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }
  function show(limit) {
    var seen = {}, shownEdges = 0, shownNodes = 0;
    edges.forEach(function (e) {
      if (!e.el) return;
      var on = e.on <= limit;
      e.el.style.display = on ? "" : "none";
      if (on) { shownEdges++; seen[e.from] = true; seen[e.to] = true; }
    });
    nodes.forEach(function (n) {
      // A case without a source in the chain appears on its own day.
      var on = seen[n.person_id] || (incoming[n.person_id].length === 0 && (!n.since_on || n.since_on <= limit));
      n.el.style.display = on ? "" : "none";
      if (on) shownNodes++;
    });
    view.setAttribute("data-shown-nodes", String(shownNodes));
    view.setAttribute("data-shown-edges", String(shownEdges));
    if (info) info.textContent = view.getAttribute("data-shown") + ": " + shownNodes + " " + view.getAttribute("data-people") +
      " · " + shownEdges + " " + view.getAttribute("data-links");
  }
  if (slider) {
    slider.addEventListener("input", function () {
      var limit = dayAfter(slider.getAttribute("data-first"), Number(slider.value));
      dateLabel.textContent = isoDay(limit);
      show(limit);
    });
  }
  svg.addEventListener("mouseover", function (ev) {
    var g = ev.target.closest && ev.target.closest(".node");
    var n = g && byId[g.getAttribute("data-id")];
    if (n && info) {
      info.textContent = label(n) + " · F" + n.level + " · " + isoDay(n.since_on) +
        (incoming[n.person_id].length ? " · ← " + incoming[n.person_id].map(function (e) {
          var s = byId[e.from];
          return (s ? label(s) : "#" + e.from) + " " + isoDay(e.on) + (e.dated === "confirmation" ? " (" + view.getAttribute("data-confirmation") + ")" : "");
        }).join("; ") : "");
    }
  });

  var controls = document.getElementById("chain-controls");
  if (controls) controls.hidden = false;
  fit();
  show(chain.last_on || "9999-12-31");
  window.addEventListener("resize", fit);
  view.setAttribute("data-ready", String(nodes.length));
})();
