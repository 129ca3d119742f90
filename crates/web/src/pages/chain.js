// Transmission chain view: layered layout (F0 on the left, F1…F4 to the right),
// drawn on a canvas so that tens of thousands of nodes stay responsive.
// Drag to pan, wheel to zoom, click a node to open the person, slider to show
// only what was known by a date. First-party; no libraries.
"use strict";
(function () {
  var canvas = document.getElementById("chain-canvas");
  if (!canvas) return;
  var info = document.getElementById("chain-info");
  var slider = document.getElementById("chain-date");
  var dateLabel = document.getElementById("chain-date-label");
  var colours = ["#9b1c1c", "#c2410c", "#a16207", "#4d7c0f", "#0f766e"];
  var ctx = canvas.getContext("2d");
  var nodes = [], byId = {}, edges = [], days = [];
  var view = { x: 40, y: 20, k: 1 };
  var limit = null;

  function resize() {
    var r = canvas.getBoundingClientRect();
    canvas.width = Math.max(300, r.width) * devicePixelRatio;
    canvas.height = Math.max(300, r.height) * devicePixelRatio;
    draw();
  }

  function layout() {
    var levels = [[], [], [], [], []];
    nodes.forEach(function (n) { levels[Math.min(4, n.level)].push(n); });
    var rank = {};
    levels.forEach(function (list, l) {
      list.forEach(function (n) {
        var parent = n.parent != null ? rank[n.parent] : 0;
        n.key = (parent || 0) * 1e6 + n.person_id % 1e6;
      });
      list.sort(function (a, b) { return a.key - b.key; });
      list.forEach(function (n, i) { n.x = l * 220; n.y = i * 16; rank[n.person_id] = i; });
    });
  }

  function visible(n) { return limit === null || n.since_on <= limit; }

  function draw() {
    var w = canvas.width, h = canvas.height, s = devicePixelRatio * view.k;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.setTransform(s, 0, 0, s, view.x * devicePixelRatio, view.y * devicePixelRatio);
    ctx.strokeStyle = "rgba(0,0,0,0.25)";
    ctx.lineWidth = 1 / view.k;
    ctx.beginPath();
    edges.forEach(function (e) {
      var a = byId[e.from], b = byId[e.to];
      if (!a || !b || !visible(b)) return;
      ctx.moveTo(a.x + 5, a.y);
      ctx.lineTo(b.x - 5, b.y);
    });
    ctx.stroke();
    var labels = view.k > 0.6;
    ctx.font = "11px system-ui, sans-serif";
    nodes.forEach(function (n) {
      if (!visible(n)) return;
      ctx.fillStyle = colours[Math.min(4, n.level)];
      ctx.fillRect(n.x - 5, n.y - 5, 10, 10);
      if (labels) {
        ctx.fillStyle = n.in_scope ? "#1a1a1a" : "#777";
        ctx.fillText("#" + n.person_id + " F" + n.level, n.x + 8, n.y + 4);
      }
    });
  }

  function at(ev) {
    var r = canvas.getBoundingClientRect();
    var x = (ev.clientX - r.left - view.x) / view.k, y = (ev.clientY - r.top - view.y) / view.k;
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (visible(n) && Math.abs(n.x - x) <= 7 && Math.abs(n.y - y) <= 7) return n;
    }
    return null;
  }

  var drag = null, moved = false;
  canvas.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, y: ev.clientY }; moved = false; });
  window.addEventListener("mouseup", function () { drag = null; });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    view.x += ev.clientX - drag.x; view.y += ev.clientY - drag.y;
    if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 2) moved = true;
    drag = { x: ev.clientX, y: ev.clientY };
    draw();
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = canvas.getBoundingClientRect();
    var mx = ev.clientX - r.left, my = ev.clientY - r.top;
    var f = ev.deltaY < 0 ? 1.2 : 1 / 1.2;
    view.x = mx - (mx - view.x) * f; view.y = my - (my - view.y) * f; view.k *= f;
    draw();
  }, { passive: false });
  canvas.addEventListener("click", function (ev) {
    if (moved) return;
    var n = at(ev);
    if (n && n.in_scope) window.location.href = "/persons/" + n.person_id;
  });
  canvas.addEventListener("mousemove", function (ev) {
    var n = at(ev);
    canvas.style.cursor = n ? "pointer" : "grab";
    if (n) info.textContent = "#" + n.person_id + " · F" + n.level + " · " + n.since_on + " · " + n.commune_code;
  });
  if (slider) {
    slider.addEventListener("input", function () {
      limit = days[Number(slider.value)] || null;
      dateLabel.textContent = limit || "";
      draw();
    });
  }

  fetch(canvas.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (chain) {
      nodes = chain.nodes;
      nodes.forEach(function (n) { byId[n.person_id] = n; });
      edges = chain.edges;
      edges.forEach(function (e) { if (byId[e.to]) byId[e.to].parent = e.from; });
      layout();
      var seen = {};
      nodes.forEach(function (n) { seen[n.since_on] = true; });
      days = Object.keys(seen).sort();
      if (slider) { slider.max = String(Math.max(0, days.length - 1)); slider.value = slider.max; dateLabel.textContent = days[days.length - 1] || ""; }
      info.textContent = nodes.length + " · " + edges.length;
      canvas.setAttribute("data-ready", String(nodes.length));
      resize();
    });
  window.addEventListener("resize", resize);
})();
