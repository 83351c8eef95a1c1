// The column chooser of every table (templates/tables/table.html): unticking a column hides
// its cells, and the choice is kept in localStorage per user and table (the container's
// data-columns-key, "<user id>.<table>"), so the table comes back the same on every page load.
// Loaded as a file, never inline, so a Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";

  var PREFIX = "portal.columns.";

  function load(key) {
    try {
      var hidden = JSON.parse(window.localStorage.getItem(PREFIX + key) || "[]");
      return Array.isArray(hidden) ? hidden : [];
    } catch (error) {
      return []; // storage refused (private mode) or a value from elsewhere
    }
  }

  function save(key, hidden) {
    try {
      if (hidden.length) window.localStorage.setItem(PREFIX + key, JSON.stringify(hidden));
      else window.localStorage.removeItem(PREFIX + key);
    } catch (error) {
      // Storage refused: the choice holds until the page is left.
    }
  }

  function show(container, hidden) {
    var chooser = container.querySelector(".column-chooser");
    if (!chooser) return;
    var choosable = {};
    chooser.querySelectorAll("input[type=checkbox]").forEach(function (input) {
      choosable[input.value] = true;
      input.checked = hidden.indexOf(input.value) === -1;
    });
    container.querySelectorAll(".table-frame [data-column]").forEach(function (cell) {
      var name = cell.getAttribute("data-column");
      cell.hidden = choosable[name] === true && hidden.indexOf(name) !== -1;
    });
  }

  function setUp(root) {
    var containers = root.querySelectorAll ? root.querySelectorAll("[data-columns-key]") : [];
    containers.forEach(function (container) {
      var chooser = container.querySelector(".column-chooser");
      if (!chooser || container.hasAttribute("data-columns-ready")) return;
      container.setAttribute("data-columns-ready", "");
      show(container, load(container.getAttribute("data-columns-key")));
      chooser.hidden = false;
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    var chooser = input.closest && input.closest(".column-chooser");
    if (!chooser) return;
    var container = chooser.closest("[data-columns-key]");
    var hidden = [];
    chooser.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (!box.checked) hidden.push(box.value);
    });
    save(container.getAttribute("data-columns-key"), hidden);
    show(container, hidden);
  });

  // The chooser's menu closes on Escape, as the browser's own menus do.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = event.target.closest && event.target.closest(".column-chooser[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUp(document);
    });
  } else {
    setUp(document);
  }
  // Tables that htmx swaps in later.
  document.addEventListener("htmx:load", function (event) {
    setUp(event.target.parentNode || document);
  });
})();
