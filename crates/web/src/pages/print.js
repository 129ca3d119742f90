// Print buttons (`data-print`): a file, not an inline `onclick`, so that the
// Content-Security-Policy allows no inline script. Loaded once per button;
// the handler is added once.
(function () {
  "use strict";
  if (window.pdPrint) return;
  window.pdPrint = true;
  document.addEventListener("click", function (e) {
    var b = e.target && e.target.closest && e.target.closest("[data-print]");
    if (b) window.print();
  });
})();
