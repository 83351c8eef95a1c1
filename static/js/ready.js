// The page's ready signal: <html data-ready> once every script of the page has bound its
// handlers (a select that submits on change, htmx forms, copy buttons). Deferred scripts run
// in document order and base.html loads this one last, so its DOMContentLoaded listener runs
// after theirs. The browser tests wait for it before they touch a page (network/tests/browser.py).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.dataset.ready = "true";
  });
})();
