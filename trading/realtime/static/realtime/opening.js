// The opening hall: one websocket, a snapshot, then events in sequence order.
// Reconnects with exponential backoff and resumes after the last sequence number it saw;
// an event whose "prev" is not that number means a gap, so it asks the server to resume.
(function () {
  "use strict";
  var root = document.getElementById("opening");
  if (!root) return;
  var initial = JSON.parse(document.getElementById("opening-initial").textContent);
  var labels = JSON.parse(document.getElementById("opening-labels").textContent);
  var L = labels.events, STATES = labels.states;
  var role = root.dataset.role;
  var state = {state: initial.state, paused: initial.paused, deadline: initial.tender.deadline,
               stepDeadline: initial.step_deadline, confirmUntil: initial.confirmation_ends_at};
  var lastSeq = null, socket = null, attempts = 0, lastHeard = 0, commandCounter = 0;
  var offset = new Date(initial.server_time).getTime() - Date.now();
  var shares = {presented: 0, threshold: 1};
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  // Amounts as the platform writes them in the page's language (tenders.money: the pattern comes with the page).
  function money(value) {
    var n = Number(value);
    if (value === null || value === undefined || value === "" || !isFinite(n)) return value;
    var digits = Math.abs(n).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
    return (root.dataset.money || "{sign}{digits}").replace("{sign}", n < 0 ? "-" : "").replace("{digits}", digits);
  }
  function time(iso) { return iso ? new Date(iso).toLocaleTimeString() : ""; }
  function notice(text) { $("notice").textContent = text || ""; }

  // --- rendering ---------------------------------------------------------------
  function renderState() {
    $("state").textContent = STATES[state.state] || state.state;
    var paused = $("paused");
    paused.hidden = !state.paused;
    paused.textContent = state.paused ? L._paused + (state.pauseReason ? ": " + state.pauseReason : "") : "";
    // Controls show only in the steps they are for (the template renders the first step the same way).
    root.querySelectorAll("[data-states]").forEach(function (node) {
      node.hidden = node.dataset.states.split(" ").indexOf(state.state) < 0;
    });
    root.querySelectorAll("[data-when-paused]").forEach(function (node) {
      node.hidden = (node.dataset.whenPaused === "yes") !== Boolean(state.paused);
    });
  }

  function tick() {
    var now = Date.now() + offset, target = null, label = "";
    if (state.state === "waiting" && state.deadline) { target = new Date(state.deadline).getTime(); label = L._until_deadline; }
    else if (state.state === "confirming" && state.confirmUntil) { target = new Date(state.confirmUntil).getTime(); label = L._step_ends; }
    else if (state.stepDeadline && state.state !== "closed" && state.state !== "failed") { target = new Date(state.stepDeadline).getTime(); label = L._step_ends; }
    if (target === null) { $("countdown").textContent = state.state === "closed" || state.state === "failed" ? L._done : "—"; $("countdown-label").textContent = ""; return; }
    var left = Math.max(0, Math.round((target - now) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    $("countdown").textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    $("countdown-label").textContent = state.state === "waiting" && left === 0 ? L._deadline_passed : label;
  }

  function logEvent(ev) {
    var log = document.querySelector("#event-log tbody");
    if (!log) return;
    var row = el("tr");
    row.dataset.seq = ev.seq;
    [ev.seq, time(ev.at), L[ev.kind] || ev.kind, ev.audience, JSON.stringify(ev.payload)].forEach(function (v) { row.appendChild(el("td", v)); });
    if (ev.kind === "alarm") row.className = "state-red";
    log.appendChild(row);
  }

  // A tender with lots: bids are announced lot by lot, each lot in its own table body under a heading row.
  function lotLabel(p) { return p.lot === undefined || p.lot === null ? "" : L._lot + " " + p.lot + ": " + p.lot_title; }
  function withLot(text, p) { return p.lot === undefined || p.lot === null ? text : text + " · " + lotLabel(p); }

  function bidsBody(p) {
    var table = $("bids");
    if (p.lot === undefined || p.lot === null) return table.querySelector("tbody") || table.appendChild(el("tbody"));
    var body = table.querySelector('tbody[data-lot="' + p.lot + '"]');
    if (!body) {
      body = el("tbody"); body.dataset.lot = p.lot;
      var heading = el("tr", null, "lot-heading"), cell = el("th", lotLabel(p));
      cell.colSpan = table.querySelectorAll("thead th").length;
      heading.appendChild(cell); body.appendChild(heading); table.appendChild(body);
    }
    return body;
  }

  function lotStatus(p, text, bad) {
    var item = $("lot-" + p.lot);
    if (!item) return;
    item.querySelector(".lot-status").textContent = text;
    if (bad) item.className = "bad";
  }

  function objectionItem(p) {
    var item = el("li", null, "objection");
    item.id = "objection-" + p.objection;
    item.appendChild(el("strong", p.bidder + ": "));
    item.appendChild(el("span", p.text, "objection-text"));
    var answer = el("div", null, "answer");
    item.appendChild(answer);
    if (role === "host") {
      var box = el("textarea"); box.rows = 2; box.className = "answer-text"; box.maxLength = 2000;
      var button = el("button", L._answer, "primary answer-button");
      button.addEventListener("click", function () { send("answer", {objection: p.objection, answer: box.value}); });
      answer.appendChild(box); answer.appendChild(button);
    }
    return item;
  }

  function apply(ev) {
    var p = ev.payload || {};
    switch (ev.kind) {
      case "room_opened":
        state.state = "room_open"; state.stepDeadline = p.sign_in_until; shares.threshold = p.threshold || 1;
        (p.lots || []).forEach(function (lot) { lotStatus(lot, lot.bids + " " + L._bids, false); });
        break;
      case "lot_failed": lotStatus(p, "✗ " + p.reason, true); break;
      case "signed_in": state.state = "signing_in"; $("sign-ins").appendChild(el("li", p.bidder + " · " + time(ev.at))); break;
      case "sign_in_closed": state.state = "decrypting"; state.stepDeadline = null; break;
      case "share_presented":
        state.state = "decrypting"; shares.presented = p.presented; shares.threshold = p.threshold;
        $("shares-progress").max = p.threshold; $("shares-progress").value = p.presented;
        $("shares-text").textContent = p.presented + " / " + p.threshold + " " + L._presented; break;
      case "bid_decrypted": $("decryption").appendChild(el("li", withLot("✓ " + p.bidder, p))); break;
      case "bid_rejected": $("decryption").appendChild(el("li", withLot("✗ " + p.bidder, p) + " — " + p.status_label + ": " + p.reason, "bad")); break;
      case "decryption_complete": state.state = "announcing"; break;
      case "bid_announced":
        var row = el("tr"); row.dataset.order = p.order;
        // Marks the opening sets against a bid (e.g. its bid security not confirmed) stand in the bid security column.
        var security = [p.security_reference].concat((p.mark_labels || []).map(function (m) { return "⚠ " + m; }));
        var cells = [p.order, p.bidder, money(p.price), p.duration_days, p.quality, p.project_manager,
                     security.filter(Boolean).join(" — ")];
        if (p.marks && p.marks.length) row.className = "marked";
        if (p.lot !== undefined && p.lot !== null) { row.dataset.lot = p.lot; cells.splice(1, 0, lotLabel(p)); }
        cells.forEach(function (v) { row.appendChild(el("td", v)); });
        bidsBody(p).appendChild(row); break;
      case "ceiling_announced":
        state.state = "confirming"; state.confirmUntil = p.confirm_until;
        $("ceiling").textContent = L.ceiling_announced + ": " + money(p.ceiling_price) +
          (p.lots || []).map(function (lot) { return " · " + lotLabel(lot) + " " + money(lot.ceiling_price); }).join("");
        break;
      case "bidder_confirmed": if ($("confirmations")) $("confirmations").appendChild(el("li", "✓ " + p.bidder + " " + L._confirmed, "confirmed")); break;
      case "objection_raised": if ($("objections")) $("objections").appendChild(objectionItem(p)); break;
      case "objection_answered":
        var target = $("objection-" + p.objection);
        if (target) { var a = target.querySelector(".answer"); a.textContent = ""; a.appendChild(el("em", "→ " + p.answer, "answered")); }
        break;
      case "paused": state.paused = true; state.pauseReason = p.reason; break;
      case "resumed": state.paused = false; state.pauseReason = ""; break;
      case "alarm":
        if ($("alarms")) $("alarms").appendChild(el("li", time(ev.at) + " " + L.alarm + " — " + (STATES[p.step] || p.step) + " (+" + p.overdue_seconds + " s)", "alarm"));
        break;
      case "integrity_alarm":
        if ($("alarms")) $("alarms").appendChild(el("li", time(ev.at) + " " + L.integrity_alarm + " — " + p.bidder +
          ": " + (p.reasons || []).join("; "), "alarm"));
        break;
      case "opening_closed": state.state = "closed"; $("record-link").hidden = false; break;
      case "opening_failed": state.state = "failed"; $("record-link").hidden = false; notice(p.reason); break;
    }
    logEvent(ev);
    renderState();
  }

  // --- the socket --------------------------------------------------------------
  function url() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + root.dataset.wsPath + (lastSeq !== null ? "?after=" + lastSeq : "");
  }

  function connect() {
    socket = new WebSocket(url());
    $("connection").textContent = L._reconnecting;
    socket.onopen = function () { attempts = 0; lastHeard = Date.now(); };
    socket.onmessage = function (message) {
      lastHeard = Date.now();
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame.type === "snapshot") {
        $("connection").textContent = L._connected; $("connection").className = "badge green";
        state.state = frame.state; state.paused = frame.paused; state.pauseReason = frame.pause_reason;
        state.stepDeadline = frame.step_deadline; state.confirmUntil = frame.confirmation_ends_at;
        offset = new Date(frame.server_time).getTime() - Date.now();
        frame.events.forEach(function (ev) { if (lastSeq === null || ev.seq > lastSeq) { apply(ev); lastSeq = ev.seq; } });
        if (lastSeq === null) lastSeq = frame.last_seq;
        renderState();
      } else if (frame.type === "event") {
        var ev = frame.event;
        if (ev.seq <= lastSeq) return;                       // already seen
        if (frame.prev !== lastSeq) { socket.send(JSON.stringify({type: "resume", after: lastSeq})); return; }  // a gap
        apply(ev); lastSeq = ev.seq;
      } else if (frame.type === "ping") {
        socket.send(JSON.stringify({type: "pong", t: frame.t}));
      } else if (frame.type === "result") {
        $("command-status").textContent = "✓ " + commandLabel(frame.command);
      } else if (frame.type === "error") {
        $("command-status").textContent = "✗ " + frame.message;
      }
    };
    socket.onclose = function (event) {
      $("connection").className = "badge yellow";
      if (event.code === 4403 || event.code === 4404) { $("connection").textContent = L._refused; return; }
      $("connection").textContent = L._reconnecting;
      var delay = Math.min(30000, 500 * Math.pow(2, attempts++)) * (0.75 + Math.random() / 2);
      setTimeout(connect, delay);
    };
  }

  // The button's own (translated) caption names the command; answers come from the objection list.
  function commandLabel(type) {
    if (type === "answer") return L._answer;
    var button = type ? root.querySelector('button[data-command="' + type + '"]') : null;
    return button ? button.textContent.trim() : (type || "");
  }

  function send(type, args) {
    if (!socket || socket.readyState !== WebSocket.OPEN) { $("command-status").textContent = L._reconnecting; return; }
    commandCounter += 1;
    var id = type + "-" + Date.now().toString(36) + "-" + commandCounter + "-" + Math.random().toString(36).slice(2, 8);
    socket.send(JSON.stringify({type: type, id: id, args: args || {}}));
  }

  root.querySelectorAll("button[data-command]").forEach(function (button) {
    button.addEventListener("click", function () {
      var type = button.dataset.command, args = {};
      if (type === "present_share") { args.passphrase = $("passphrase").value; $("passphrase").value = ""; }
      if (type === "object") { args.text = $("objection-text").value; }
      if (type === "pause" || type === "resume") { args.reason = $("pause-reason").value; }
      send(type, args);
    });
  });

  // Heartbeat from this side: a socket that has heard nothing for a minute is dead; reconnect.
  setInterval(function () {
    if (socket && socket.readyState === WebSocket.OPEN) {
      if (Date.now() - lastHeard > 60000) { socket.close(); return; }
      socket.send(JSON.stringify({type: "ping", t: Date.now()}));
    }
  }, 20000);
  setInterval(tick, 1000);
  renderState(); tick(); connect();
})();
