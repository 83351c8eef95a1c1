// Copy buttons: <button type="button" data-copy="ID" hidden> copies the value of the field #ID.
// The buttons stay hidden without JavaScript (the field can still be selected by hand).
// Loaded as a file, never inline, so a Content-Security-Policy can forbid inline scripts.
// The page's language gives the confirmations: data-copied and data-copy-failed on the tag.
(function () {
  "use strict";

  var script = document.currentScript;
  var COPIED = (script && script.dataset.copied) || "Copied";
  var FAILED = (script && script.dataset.copyFailed) || "Press Ctrl+C to copy";

  function reveal(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function confirm(button, text) {
    if (!button.dataset.label) button.dataset.label = button.textContent;
    button.textContent = text;
    window.setTimeout(function () {
      button.textContent = button.dataset.label;
    }, 1500);
  }

  function copy(button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    field.focus();
    field.select();
    // The Clipboard API needs a secure context; the old command covers plain-http hosts.
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { confirm(button, COPIED); },
        function () { confirm(button, FAILED); }
      );
    } else {
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      confirm(button, copied ? COPIED : FAILED);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (button) {
      event.preventDefault();
      copy(button);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  // Content swapped in by htmx (the link builder) brings new buttons.
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
})();
