/* A small SVG force layout for a co-bidding group: no library, no network.
   Nodes repel, edges pull (stronger for firms that met more often); drag to move,
   click to open the firm's page. Data: the JSON in #graph-data. */
(function () {
  "use strict";
  var box = document.getElementById("cobid-graph");
  var source = document.getElementById("graph-data");
  if (!box || !source) return;
  var data = JSON.parse(source.textContent);
  var NS = "http://www.w3.org/2000/svg";
  var W = box.clientWidth || 600, H = box.clientHeight || 420;
  var svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.setAttribute("role", "img");
  box.appendChild(svg);

  var byId = {};
  var nodes = data.nodes.map(function (n, i) {
    var a = 2 * Math.PI * i / Math.max(1, data.nodes.length);
    var node = {id: n.id, data: n, x: W / 2 + Math.cos(a) * W / 4, y: H / 2 + Math.sin(a) * H / 4, vx: 0, vy: 0,
                r: 10 + 4 * Math.sqrt(n.wins || 0)};
    byId[n.id] = node;
    return node;
  });
  var maxW = Math.max.apply(null, [1].concat(data.edges.map(function (e) { return e.weight; })));
  var edges = data.edges.map(function (e) {
    return {s: byId[e.source], t: byId[e.target], w: e.weight};
  }).filter(function (e) { return e.s && e.t; });

  var lines = edges.map(function (e) {
    var l = document.createElementNS(NS, "line");
    l.setAttribute("stroke-width", 1 + 5 * e.w / maxW);
    var title = document.createElementNS(NS, "title");
    title.textContent = e.s.id + " – " + e.t.id + ": " + e.w + " " + (box.dataset.labelCobids || "");
    l.appendChild(title);
    svg.appendChild(l);
    return l;
  });
  var groups = nodes.map(function (n) {
    var g = document.createElementNS(NS, "g");
    g.setAttribute("class", "node" + (n.data.cover ? " cover" : ""));
    g.setAttribute("data-id", n.id);
    var c = document.createElementNS(NS, "circle");
    c.setAttribute("r", n.r);
    var t = document.createElementNS(NS, "text");
    t.setAttribute("x", n.r + 3);
    t.setAttribute("y", 4);
    t.textContent = n.id;
    var title = document.createElementNS(NS, "title");
    title.textContent = n.id + ": " + (n.data.wins || 0) + " " + (box.dataset.labelWins || "");
    g.appendChild(c); g.appendChild(t); g.appendChild(title);
    svg.appendChild(g);
    attachDrag(g, n);
    return g;
  });

  var dragging = null, moved = false;
  function point(evt) {
    var r = svg.getBoundingClientRect();
    return {x: (evt.clientX - r.left) * W / r.width, y: (evt.clientY - r.top) * H / r.height};
  }
  function attachDrag(g, n) {
    g.addEventListener("pointerdown", function (evt) {
      dragging = n; moved = false; g.setPointerCapture(evt.pointerId); evt.preventDefault(); heat = 1;
    });
    g.addEventListener("pointermove", function (evt) {
      if (dragging !== n) return;
      var p = point(evt); n.x = p.x; n.y = p.y; n.vx = n.vy = 0; moved = true; heat = Math.max(heat, 0.5);
    });
    g.addEventListener("pointerup", function () {
      if (dragging === n && !moved && n.data.url) window.location.href = n.data.url;
      dragging = null;
    });
  }

  var heat = 1;
  function step() {
    var i, j, a, b, dx, dy, d2, d, f;
    for (i = 0; i < nodes.length; i++) {
      for (j = i + 1; j < nodes.length; j++) {
        a = nodes[i]; b = nodes[j];
        dx = b.x - a.x; dy = b.y - a.y; d2 = dx * dx + dy * dy + 0.01; d = Math.sqrt(d2);
        f = 6000 / d2;
        a.vx -= f * dx / d; a.vy -= f * dy / d; b.vx += f * dx / d; b.vy += f * dy / d;
      }
    }
    edges.forEach(function (e) {
      dx = e.t.x - e.s.x; dy = e.t.y - e.s.y; d = Math.sqrt(dx * dx + dy * dy) + 0.01;
      f = 0.02 * (d - 180 / (0.5 + e.w / maxW));
      e.s.vx += f * dx / d; e.s.vy += f * dy / d; e.t.vx -= f * dx / d; e.t.vy -= f * dy / d;
    });
    nodes.forEach(function (n) {
      n.vx += (W / 2 - n.x) * 0.005; n.vy += (H / 2 - n.y) * 0.005;
      if (n !== dragging) {
        n.x += n.vx * heat; n.y += n.vy * heat;
        n.x = Math.max(n.r, Math.min(W - n.r - 60, n.x)); n.y = Math.max(n.r, Math.min(H - n.r, n.y));
      }
      n.vx *= 0.6; n.vy *= 0.6;
    });
    heat *= 0.985;
  }
  function draw() {
    edges.forEach(function (e, k) {
      lines[k].setAttribute("x1", e.s.x); lines[k].setAttribute("y1", e.s.y);
      lines[k].setAttribute("x2", e.t.x); lines[k].setAttribute("y2", e.t.y);
    });
    nodes.forEach(function (n, k) { groups[k].setAttribute("transform", "translate(" + n.x + "," + n.y + ")"); });
  }
  function tick() {
    if (heat > 0.01 || dragging) { step(); draw(); }
    window.requestAnimationFrame(tick);
  }
  for (var warm = 0; warm < 150; warm++) step();
  draw();
  box.setAttribute("data-ready", "1");
  window.requestAnimationFrame(tick);
})();
