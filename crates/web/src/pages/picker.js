// The person picker: every `input[data-person]` becomes an ARIA 1.2
// combobox. Typing asks `/persons/pick?fragment=1&q=…` for the matching
// people (HTML options from the server, so names and wording stay there);
// ↓/↑ move, Enter picks, Escape closes; a click or tap picks too. The field
// then holds "Name · year (#id)", which the server reads; without this
// script the same field is a plain search the server resolves.
// `data-person="many"` keeps a comma-separated list and searches the part
// after the last comma. "Register a new person" goes to the form with the
// typed name and comes back here with `?picked=ID&field=…`, which fills the
// field.
(function () {
  "use strict";
  var count = 0;

  function lastPart(v) {
    var i = Math.max(v.lastIndexOf(","), v.lastIndexOf(";"));
    return { head: i >= 0 ? v.slice(0, i + 1) + " " : "", tail: v.slice(i + 1) };
  }

  function setup(input) {
    var many = input.getAttribute("data-person") === "many";
    if (!input.id) input.id = "person-picker-" + ++count;
    var list = document.createElement("ul");
    list.id = input.id + "-list";
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    if (input.labels && input.labels[0]) list.setAttribute("aria-label", input.labels[0].textContent);
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var wrap = document.createElement("div");
    wrap.className = "picker";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var timer = null;
    var active = -1;
    var asked = 0;

    function options() {
      return list.querySelectorAll('[role="option"]');
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(i) {
      var o = options();
      if (!o.length) return;
      active = (i + o.length) % o.length;
      for (var j = 0; j < o.length; j++) o[j].setAttribute("aria-selected", j === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", o[active].id);
      if (o[active].scrollIntoView) o[active].scrollIntoView({ block: "nearest" });
    }
    function choose(o) {
      var fresh = o.getAttribute("data-new");
      if (fresh) {
        window.location.href =
          fresh +
          "&next=" + encodeURIComponent(window.location.pathname + window.location.search) +
          "&field=" + encodeURIComponent(input.id);
        return;
      }
      var value = o.getAttribute("data-value");
      if (many) input.value = lastPart(input.value).head + value + ", ";
      else input.value = value;
      close();
      input.focus();
    }
    function ask() {
      var q = (many ? lastPart(input.value).tail : input.value).trim();
      if (q.length < 2 || /\(#\d+\)$/.test(q)) {
        close();
        return;
      }
      var mine = ++asked;
      fetch("/persons/pick?fragment=1&q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) {
          return r.ok ? r.text() : "";
        })
        .then(function (html) {
          if (mine !== asked) return;
          list.innerHTML = html;
          var o = options();
          for (var k = 0; k < o.length; k++) o[k].id = input.id + "-opt-" + k;
          active = -1;
          list.hidden = !html.trim();
          input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
          status.textContent = list.querySelectorAll("[data-value]").length + " ✓";
        })
        .catch(function () {
          close();
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 180);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) {
        if (e.key === "ArrowDown") {
          e.preventDefault();
          ask();
        }
        return;
      }
      if (e.key === "ArrowDown") {
        e.preventDefault();
        highlight(active + 1);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        highlight(active - 1);
      } else if (e.key === "Enter") {
        if (active >= 0) {
          e.preventDefault();
          choose(options()[active]);
        }
      } else if (e.key === "Escape") {
        e.preventDefault();
        close();
      }
    });
    list.addEventListener("mousedown", function (e) {
      var o = e.target.closest('[role="option"]');
      if (o) {
        e.preventDefault();
        choose(o);
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  var inputs = document.querySelectorAll("input[data-person]");
  for (var i = 0; i < inputs.length; i++) setup(inputs[i]);

  // Back from "register a new person": fill the field that asked.
  var params = new URLSearchParams(window.location.search);
  var picked = params.get("picked");
  var field = params.get("field") && document.getElementById(params.get("field"));
  if (picked && field && field.hasAttribute("data-person")) {
    fetch("/persons/pick?fragment=1&id=" + encodeURIComponent(picked), { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.text() : "";
      })
      .then(function (html) {
        var box = document.createElement("ul");
        box.innerHTML = html;
        var o = box.querySelector("[data-value]");
        if (!o) return;
        var many = field.getAttribute("data-person") === "many";
        field.value = many ? lastPart(field.value).head + o.getAttribute("data-value") + ", " : o.getAttribute("data-value");
        var d = field.closest("details");
        if (d) d.open = true;
        field.focus();
      });
  }
})();

// A province's districts as the suggestions of a district typed by name:
// a `select[data-districts=ID]` of provinces fills `datalist#ID` from
// `/units/<code>/districts` when it changes. Without this script the field
// is typed by name and the server resolves it within the chosen province.
// The list says whose districts it holds (`data-province`): a province
// chosen before this script ran (it is deferred) is filled when it does,
// and an answer for a province no longer chosen is dropped.
(function () {
  "use strict";
  function fill(select) {
    var list = document.getElementById(select.getAttribute("data-districts"));
    if (!list) return;
    var code = select.value;
    if (list.getAttribute("data-province") === code) return;
    list.innerHTML = "";
    list.setAttribute("data-province", code);
    if (!code) return;
    fetch("/units/" + encodeURIComponent(code) + "/districts", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (select.value === code) list.innerHTML = html;
      })
      .catch(function () {});
  }
  document.querySelectorAll("select[data-districts]").forEach(function (s) {
    s.addEventListener("change", function () { fill(s); });
    fill(s);
  });
})();
