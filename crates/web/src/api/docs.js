// Sends an API operation from the docs page with the session cookie and the
// anti-forgery token, and shows the status and the JSON answer.
"use strict";
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  document.querySelectorAll("form.try").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var op = form.closest(".op");
      var path = op.getAttribute("data-path");
      form.querySelectorAll("[data-param]").forEach(function (input) {
        path = path.replace("{" + input.getAttribute("data-param") + "}", encodeURIComponent(input.value));
      });
      var query = form.querySelector("[data-query]").value.trim();
      if (query) {
        path += "?" + query.split("&").map(function (kv) {
          var i = kv.indexOf("=");
          return i < 0 ? encodeURIComponent(kv) : encodeURIComponent(kv.slice(0, i)) + "=" + encodeURIComponent(kv.slice(i + 1));
        }).join("&");
      }
      var method = op.getAttribute("data-method");
      var init = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
      var body = form.querySelector("[data-body]");
      if (body && body.value.trim()) {
        init.headers["Content-Type"] = "application/json";
        init.body = body.value;
      }
      if (method !== "GET") init.headers["X-CSRF-Token"] = csrf;
      var out = form.querySelector(".result");
      out.textContent = "…";
      fetch(path, init).then(function (r) {
        return r.text().then(function (text) {
          var shown = text;
          try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
          out.textContent = r.status + " " + r.statusText + "\n" + shown;
        });
      }).catch(function (e) { out.textContent = String(e); });
    });
  });
})();
