/* Sunlight: a hash of stable browser properties, sent with a bid as the device fingerprint.
   Discipline staff see it only after the opening (shared devices between bidders are a collusion signal). */
(function () {
  "use strict";

  function canvasSample() {
    try {
      var canvas = document.createElement("canvas");
      canvas.width = 220; canvas.height = 30;
      var ctx = canvas.getContext("2d");
      ctx.textBaseline = "top"; ctx.font = "16px sans-serif";
      ctx.fillStyle = "#f60"; ctx.fillRect(0, 0, 100, 20);
      ctx.fillStyle = "#069"; ctx.fillText("Sunlight \u9633\u5149 0.1", 2, 2);
      return canvas.toDataURL();
    } catch (e) { return ""; }
  }

  function properties() {
    var nav = window.navigator, scr = window.screen || {};
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    return [
      nav.userAgent, (nav.languages || [nav.language]).join(","), nav.platform, nav.hardwareConcurrency,
      nav.deviceMemory, nav.maxTouchPoints, scr.width + "x" + scr.height + "x" + scr.colorDepth,
      window.devicePixelRatio, zone, new Date().getTimezoneOffset(), canvasSample()
    ].join("|");
  }

  function fnv1a(text, seed) {  /* fallback where WebCrypto is unavailable (plain http on a LAN) */
    var hash = seed >>> 0;
    for (var i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    return ("0000000" + hash.toString(16)).slice(-8);
  }

  function digest(text) {
    if (window.crypto && window.crypto.subtle && window.TextEncoder) {
      return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buf) {
        return "sha256:" + Array.prototype.map.call(new Uint8Array(buf), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        }).join("");
      });
    }
    return Promise.resolve("fnv:" + fnv1a(text, 2166136261) + fnv1a(text, 84696351) + fnv1a(text, 19088743));
  }

  var ready = digest(properties());
  window.sunlightFingerprint = ready;  /* bids/seal.js waits for it before sending a sealed bid */

  document.addEventListener("DOMContentLoaded", function () {
    var fields = document.querySelectorAll("input[name=device_fingerprint]");
    ready.then(function (value) {
      Array.prototype.forEach.call(fields, function (field) { field.value = value; });
    });
    Array.prototype.forEach.call(fields, function (field) {
      var form = field.form;
      if (!form || form.hasAttribute("data-seals")) { return; }  /* seal.js sends that form itself */
      form.addEventListener("submit", function (event) {
        if (field.value) { return; }
        event.preventDefault();
        ready.then(function (value) { field.value = value; form.submit(); });
      });
    });
  });
}());
