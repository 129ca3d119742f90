// Forms whose action cannot be undone or reaches many records carry
// `data-confirm` (on the form, or on the one button that does it) with the
// question in the page's language: the browser asks before sending. A
// checkbox with `data-select-all="name"` ticks every box of that name in its
// form ("everyone on this page"); it is hidden until this script shows it. A file, not an inline handler, so the Content-Security-
// Policy allows no inline script.
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (e) {
      var f = e.target;
      var by = e.submitter;
      var q = (by && by.getAttribute && by.getAttribute("data-confirm")) || (f && f.getAttribute && f.getAttribute("data-confirm"));
      if (q && !window.confirm(q)) e.preventDefault();
    },
    true
  );
  var alls = document.querySelectorAll("input[data-select-all]");
  for (var i = 0; i < alls.length; i++) {
    alls[i].hidden = false;
    alls[i].addEventListener("change", function (e) {
      var box = e.target;
      var form = box.form || box.closest("form");
      if (!form) return;
      var named = form.querySelectorAll('input[type="checkbox"][name="' + box.getAttribute("data-select-all") + '"]');
      for (var j = 0; j < named.length; j++) named[j].checked = box.checked;
    });
  }
})();
