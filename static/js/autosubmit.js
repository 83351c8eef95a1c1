// <select data-autosubmit> submits its form when changed (a filter without a button).
// Loaded as a file, never inline, so a Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.requestSubmit();
  });
})();
