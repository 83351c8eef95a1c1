// Print buttons: <button type="button" data-print hidden> prints the page.
// The buttons stay hidden without JavaScript (the browser's own Print still works).
// Loaded as a file, never inline, so a Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
