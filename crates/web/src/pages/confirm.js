// Forms whose action cannot be undone or reaches many records carry
// `data-confirm` with the question in the page's language: the browser asks
// before sending. A file, not an inline handler, so the Content-Security-
// Policy allows no inline script.
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (e) {
      var f = e.target;
      var q = f && f.getAttribute && f.getAttribute("data-confirm");
      if (q && !window.confirm(q)) e.preventDefault();
    },
    true
  );
})();
