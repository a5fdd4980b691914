/* Sunlight: the bid form seals the bid in the browser, so the platform only ever receives ciphertext.

   The plain inputs have no name attribute: no form submission can send them. On submit this script checks the
   fields as the opening will (trading/bids/content.py clean_content), builds the content's JSON padded with
   spaces to a multiple of 1024 bytes, seals it and every attachment (a 2-byte name length, the name, the file)
   with libsodium's crypto_box_seal to the tender's public key (an X25519 sealed box, which PyNaCl's SealedBox
   opens), and posts only the sealed boxes, with the lot, client key and device fingerprint. */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  function codePoints(text) { return Array.from(text).length; }

  function checkFields(form, limits, say) {
    var errors = {}, content = {};
    function value(name) {
      var input = form.querySelector("[data-sealed=" + name + "]");
      return input ? input.value : "";
    }
    var price = value("price").trim();
    if (!price) {
      errors.price = say.required;
    } else if (!/^[0-9]{1,16}(\.[0-9]{1,2})?$/.test(price) || !/[1-9]/.test(price)) {
      errors.price = say.price;
    } else {
      var parts = price.split("."), whole = parts[0].replace(/^0+(?=[0-9])/, ""), cents = ((parts[1] || "") + "00").slice(0, 2);
      var max = limits.max_amount.split(".")[0];
      if (whole.length > max.length || (whole.length === max.length && whole > max)) {
        errors.price = say.too_large;
      } else {
        content.price = whole + "." + cents;
      }
    }
    var duration = value("duration_days").trim();
    if (!duration) {
      errors.duration_days = say.required;
    } else if (!/^[0-9]{1,6}$/.test(duration)) {
      errors.duration_days = say.duration;
    } else if (+duration < 1 || +duration > limits.max_duration) {
      errors.duration_days = say.duration_range;
    } else {
      content.duration_days = parseInt(duration, 10);
    }
    Object.keys(limits.text_limits).forEach(function (name) {
      var text = value(name).trim(), limit = limits.text_limits[name];
      if (!text) {
        errors[name] = say.required;
      } else if (codePoints(text) > limit) {
        errors[name] = say.too_long.replace("%(n)s", String(limit));
      } else if (text.indexOf("\u0000") >= 0) {
        errors[name] = say.control;
      } else {
        content[name] = text;
      }
    });
    return {errors: errors, content: content};
  }

  function checkFiles(files, limits, say) {
    var problems = [];
    if (files.length > limits.max_attachments) { problems.push(say.too_many); }
    files.forEach(function (file) {
      var dot = file.name.lastIndexOf("."), extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
      if (limits.extensions.indexOf(extension) < 0) {
        problems.push(say.file_type + " " + file.name);
      } else if (file.size === 0 || file.size > limits.max_attachment_bytes) {
        problems.push(say.file_size + " " + file.name);
      }
    });
    return problems;
  }

  function padded(content, padTo) {
    var encoder = new TextEncoder();
    var size = encoder.encode(JSON.stringify(Object.assign({}, content, {pad: ""}))).length;
    var pad = (padTo - (size % padTo)) % padTo;
    return encoder.encode(JSON.stringify(Object.assign({}, content, {pad: " ".repeat(pad)})));
  }

  function sealFile(sodium, key, file) {
    return file.arrayBuffer().then(function (buffer) {
      var name = new TextEncoder().encode(Array.from(file.name).slice(0, 200).join(""));
      var plain = new Uint8Array(2 + name.length + buffer.byteLength);
      plain[0] = name.length >> 8;
      plain[1] = name.length & 255;
      plain.set(name, 2);
      plain.set(new Uint8Array(buffer), 2 + name.length);
      var sealed = sodium.crypto_box_seal(plain, key);
      plain.fill(0);
      return sealed;
    });
  }

  /* The request body as bytes (not a FormData of blobs): only ASCII fields (base64, keys, numbers) and the sealed
     files, so what leaves the browser is exactly what is listed here. */
  function multipart(sodium, fields, sealedFiles) {
    var encoder = new TextEncoder(), boundary = "----sunlight-" + sodium.to_hex(sodium.randombytes_buf(16));
    var parts = [];
    fields.forEach(function (field) {
      parts.push(encoder.encode("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] +
                                "\"\r\n\r\n" + field[1] + "\r\n"));
    });
    sealedFiles.forEach(function (box, index) {
      parts.push(encoder.encode("--" + boundary + "\r\nContent-Disposition: form-data; name=\"sealed_attachments\"; " +
                                "filename=\"sealed-" + (index + 1) + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
      parts.push(box);
      parts.push(encoder.encode("\r\n"));
    });
    parts.push(encoder.encode("--" + boundary + "--\r\n"));
    var bytes = new Uint8Array(parts.reduce(function (total, part) { return total + part.length; }, 0)), at = 0;
    parts.forEach(function (part) { bytes.set(part, at); at += part.length; });
    return {bytes: bytes, type: "multipart/form-data; boundary=" + boundary};
  }

  /* The platform signs the receipt over what it stored: it must be the ciphertext this browser sent. A web
     process that stored or signed anything else is caught here, and the bidder sees an alarm, not the receipt. */
  function checkReceipt(answer, sent) {
    var receipt = fetch(answer.receipt_json_url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); });
    return Promise.all([sent, receipt]).then(function (both) {
      var digests = both[0], payload = both[1].payload || {};
      if (digests.content === null || (payload.ciphertext_sha256 === digests.content &&
          JSON.stringify(payload.attachments_sha256 || []) === JSON.stringify(digests.attachments))) {
        window.location.assign(answer.receipt_url);  // matches (or no WebCrypto here to check with)
        return;
      }
      var alarm = document.getElementById("bid-alarm");
      alarm.hidden = false;
      alarm.querySelector("[data-sent]").textContent = digests.content;
      alarm.querySelector("[data-named]").textContent = String(payload.ciphertext_sha256);
      alarm.querySelector("a").href = answer.receipt_url;
    }, function () {
      window.location.assign(answer.receipt_url);  // the bid is stored: show its receipt even if the check failed
    });
  }

  function sha256hex(bytes) {
    if (!(window.crypto && window.crypto.subtle)) { return Promise.resolve(null); }  /* plain http on a LAN */
    return window.crypto.subtle.digest("SHA-256", bytes).then(function (buffer) {
      return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return ("0" + b.toString(16)).slice(-2); })
        .join("");
    });
  }

  function showErrors(form, errors) {
    var box = document.getElementById("bid-errors");
    Array.prototype.forEach.call(form.querySelectorAll("[data-error-for]"), function (node) { node.textContent = ""; });
    box.textContent = "";
    Object.keys(errors).forEach(function (name) {
      var text = [].concat(errors[name]).join(" ");
      var slot = form.querySelector("[data-error-for=" + (name === "sealed_attachments" ? "attachments" : name) + "]");
      if (slot) {
        slot.textContent = text;
      } else {
        var line = document.createElement("p");
        line.className = "errorlist";
        line.textContent = text;
        box.appendChild(line);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("bid-form");
    if (!form || !form.hasAttribute("data-seals")) { return; }
    var limits = readJson("bid-limits"), say = readJson("bid-messages");
    var progress = document.getElementById("bid-progress"), button = form.querySelector("button[type=submit]");
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }
      var checked = checkFields(form, limits, say);
      var fileInput = form.querySelector("[data-sealed=attachments]");
      var files = fileInput ? Array.from(fileInput.files) : [];
      var fileProblems = checkFiles(files, limits, say);
      if (fileProblems.length) { checked.errors.attachments = fileProblems; }
      showErrors(form, checked.errors);
      if (Object.keys(checked.errors).length) { return; }
      if (!window.sodium || !window.sodium.ready) { showErrors(form, {__all__: say.no_script}); return; }
      busy = true;
      button.disabled = true;
      progress.textContent = say.sealing;
      var sodium = window.sodium, key, sent = Promise.resolve(null);
      window.sodium.ready.then(function () {
        key = sodium.from_base64(form.getAttribute("data-tender-key"), sodium.base64_variants.ORIGINAL);
        return Promise.all(files.map(function (file) { return sealFile(sodium, key, file); }));
      }).then(function (sealedFiles) {
        var plain = padded(checked.content, limits.pad_to);
        var box = sodium.crypto_box_seal(plain, key);
        var sealed = sodium.to_base64(box, sodium.base64_variants.ORIGINAL);
        plain.fill(0);
        // What the receipt must name: the SHA-256 of exactly the boxes sent (checked before the receipt is shown).
        sent = Promise.all([box].concat(sealedFiles).map(sha256hex)).then(function (digests) {
          return {content: digests[0], attachments: digests.slice(1)};
        });
        var fields = [];
        ["csrfmiddlewaretoken", "client_key", "lot"].forEach(function (name) {
          var input = form.elements.namedItem(name);
          if (input && input.value !== undefined) { fields.push([name, input.value]); }
        });
        fields.push(["sealed_content", sealed]);
        return (window.sunlightFingerprint || Promise.resolve("")).then(function (fingerprint) {
          fields.push(["device_fingerprint", fingerprint]);
          var body = multipart(sodium, fields, sealedFiles);
          progress.textContent = say.sending;
          return fetch(form.action || window.location.href, {
            method: "POST", body: body.bytes, credentials: "same-origin",
            headers: {"Accept": "application/json", "Content-Type": body.type}});
        });
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.ok && answer.receipt_url) {
            return checkReceipt(answer, sent);
          }
          showErrors(form, answer.errors || {__all__: say.failed});
          busy = false;
          button.disabled = false;
          progress.textContent = "";
        });
      }).catch(function () {
        showErrors(form, {__all__: say.failed});
        busy = false;
        button.disabled = false;
        progress.textContent = "";
      });
    });
  });
}());
