// The checkpoint's scan form on a weak connection. Each scan is one small
// JSON request (`POST /api/v1/checkpoint/scans`) with its own idempotency
// key. When the connection drops, the scan is kept on the device (in
// localStorage) and sent again — with the same key, so the server records it
// once — when the connection is back or every 10 s. A refusal (a cancelled
// code, another province's) is shown and not retried. The page's words come
// from the form's data-* attributes (in the reader's language). A queued
// scan answered 401/403 (the session ended) stays queued until the officer
// logs in again; one refused for good is listed, never dropped unseen. The
// rapid-test choice goes back to "not tested" after every scan. Without
// JavaScript the form posts as a plain form.
(function () {
  "use strict";
  var form = document.getElementById("scan");
  if (!form || !window.fetch || !window.JSON) return;
  var QUEUE = "pd-scan-queue";
  var csrf = form.querySelector("input[name='_csrf']");
  var keyField = form.querySelector("input[name='idempotency_key']");
  var codeField = form.querySelector("input[name='code']");
  var placeField = form.querySelector("input[name='checkpoint']");
  var result = document.getElementById("scan-result");
  var pending = document.getElementById("scan-queue");
  var en = document.documentElement.lang === "en";
  var sending = false;

  function word(name) {
    return form.getAttribute("data-" + name) || "";
  }
  function newKey() {
    var a = new Uint32Array(4);
    (window.crypto || window.msCrypto).getRandomValues(a);
    var s = "js";
    for (var i = 0; i < a.length; i++) s += "-" + a[i].toString(16);
    return s;
  }
  function load() {
    try {
      return JSON.parse(localStorage.getItem(QUEUE) || "[]");
    } catch (e) {
      return [];
    }
  }
  function save(q) {
    try {
      localStorage.setItem(QUEUE, JSON.stringify(q));
    } catch (e) {
      /* private mode: the queue lives as long as the page */
    }
    showPending(q.length);
  }
  function showPending(n) {
    if (!pending) return;
    pending.hidden = n === 0;
    pending.textContent = n === 0 ? "" : word("queued").replace("{n}", String(n));
  }
  function show(kind, lines) {
    if (!result) return;
    result.hidden = false;
    result.className = "scan-result " + kind;
    result.removeAttribute("data-result");
    while (result.firstChild) result.removeChild(result.firstChild);
    lines.forEach(function (l, i) {
      var p = document.createElement("p");
      if (i === 0) {
        var b = document.createElement("strong");
        b.textContent = l;
        p.appendChild(b);
      } else {
        p.textContent = l;
      }
      result.appendChild(p);
    });
  }
  function answered(o) {
    var r = o.registration;
    var head = word(o.outcome) || o.outcome;
    var lines = [head, r.full_name + " (" + r.birth_year + ")",
      word("going") + " " + (r.hamlet_name ? r.hamlet_name + ", " : "") + r.commune_name +
      " · " + word("from") + " " + r.origin_name,
      en ? o.must_en : o.must_vi];
    if (r.checkpoint_result === "positive") lines.push(word("positive"));
    show(o.outcome === "arrived" ? "ok" : "warn", lines);
  }
  // A travel permit's code (`GDD-` and eight symbols) is checked, not received.
  function isPermit(code) {
    return /^\s*GDD-[0-9A-Z]{8}\s*$/i.test(code || "");
  }
  function permitAnswered(c) {
    var p = c.permit;
    var lines = [word("permit-" + c.result) || c.result,
      p.full_name + " (" + p.birth_year + ")" + (p.plate ? " · " + p.plate : ""),
      p.from_name + " → " + p.to_name + " · " + day(p.valid_from) + " – " + day(p.valid_until),
      p.purpose_detail];
    show(c.result === "valid" ? "ok" : "warn", lines);
    if (result) result.setAttribute("data-result", c.result);
  }
  function day(iso) {
    var d = String(iso).split("-");
    return d.length === 3 ? d[2] + "/" + d[1] + "/" + d[0] : String(iso);
  }
  function refused(problem, code) {
    var msg = en ? problem.message_en : problem.message_vi;
    var extra = (problem.errors || []).map(function (e) {
      return en ? e.message_en : e.message_vi;
    });
    show("refused", [word("refused") + " — " + code].concat([msg]).concat(extra));
  }
  // Send one scan; resolves "done" (answered or refused for good) or
  // "later" (no answer: keep it).
  function send(body, live) {
    var permit = isPermit(body.code);
    return fetch(permit ? "/api/v1/permits/check" : "/api/v1/checkpoint/scans", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf ? csrf.value : "" },
      body: JSON.stringify(body)
    }).then(function (res) {
      // No answer to trust yet: the server busy, or the session ended.
      if (res.status >= 500 || res.status === 429) return "later";
      if (res.status === 401 || res.status === 403) return "login";
      return res.json().then(function (j) {
        if (res.ok) {
          if (live) (permit ? permitAnswered : answered)(j);
        } else {
          refused(j, body.code);
        }
        return "done";
      });
    }).catch(function () {
      // No connection, or an answer that was not ours (a portal's page).
      return "later";
    });
  }
  function flush() {
    if (sending) return;
    var q = load();
    if (q.length === 0) return;
    sending = true;
    var head = q[0];
    send(head, false).then(function (state) {
      sending = false;
      if (state === "login") {
        show("refused", [word("login")]);
        return;
      }
      if (state === "done") {
        // Removed by its key: another tab may have changed the queue.
        save(load().filter(function (b) {
          return b.idempotency_key !== head.idempotency_key;
        }));
        flush();
      }
    });
  }
  // The checkpoint's name stays on the device for the next shift.
  try {
    if (placeField && !placeField.value) placeField.value = localStorage.getItem("pd-checkpoint") || "";
  } catch (e) {
    /* private mode */
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var rapid = form.querySelector("input[name='rapid_result']:checked");
    var body = {
      code: codeField.value,
      checkpoint: placeField.value,
      idempotency_key: keyField.value,
      rapid_result: rapid ? rapid.value : ""
    };
    try {
      localStorage.setItem("pd-checkpoint", placeField.value);
    } catch (e) {
      /* private mode */
    }
    // The next scan gets a key of its own; this one keeps its key in the queue.
    keyField.value = newKey();
    codeField.value = "";
    var none = form.querySelector("input[name='rapid_result'][value='']");
    if (none) none.checked = true;
    codeField.focus();
    send(body, true).then(function (state) {
      // A permit is checked now or not at all: its answer is for the gate,
      // and a check sent later would be judged on another day.
      if (isPermit(body.code) && (state === "later" || state === "login")) {
        show("warn", [word(state === "login" ? "login" : "permit-offline"), body.code]);
        return;
      }
      if (state === "later" || state === "login") {
        var q = load();
        q.push(body);
        save(q);
        show("warn", [word(state === "login" ? "login" : "offline"), body.code]);
      }
    });
  });
  window.addEventListener("online", flush);

  // The camera, where the browser reads QR codes itself: the first code
  // read fills the field and the camera stops; the officer records the rapid
  // test and presses Record, as with a typed code.
  var camera = document.getElementById("camera");
  var start = document.getElementById("camera-start");
  var view = document.getElementById("camera-view");
  if (
    camera &&
    start &&
    view &&
    "BarcodeDetector" in window &&
    navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia
  ) {
    camera.hidden = false;
    var startLabel = start.textContent;
    var stream = null;
    var stop = function () {
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      view.hidden = true;
      start.textContent = startLabel;
    };
    start.addEventListener("click", function () {
      if (stream) {
        stop();
        return;
      }
      var detector;
      try {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (e) {
        show("warn", [camera.getAttribute("data-none")]);
        return;
      }
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (s) {
          stream = s;
          view.srcObject = s;
          view.hidden = false;
          start.textContent = camera.getAttribute("data-stop");
          return view.play();
        })
        .then(function look() {
          if (!stream) return;
          detector
            .detect(view)
            .then(function (found) {
              var code = found.length ? String(found[0].rawValue || "").trim() : "";
              if (code) {
                codeField.value = code;
                stop();
                codeField.focus();
              } else {
                setTimeout(look, 250);
              }
            })
            .catch(function () {
              setTimeout(look, 500);
            });
        })
        .catch(function () {
          stop();
          show("warn", [camera.getAttribute("data-none")]);
        });
    });
  }
  setInterval(flush, 10000);
  showPending(load().length);
  flush();
})();
