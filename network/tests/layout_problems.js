// What is wrong with the page in the window as it is, as sentences (none: nothing): a page
// wider than the window, a table whose columns are cut off rather than scrolling in a frame of
// its own, a header cell or a data table's cell (a date, a figure, a code) on two lines, the
// site's header taking more than a fifth of a phone's screen. `wide`: a laptop's window, where
// the pages' own summary tables (.table-wrap: dashboards, totals) fit without scrolling, while
// the data tables (.table-frame) may scroll in their frame.
// network/tests/test_browser_layout.py runs it on every page.
(wide) => {
  const problems = new Set();
  const width = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  if (page > width) problems.add(`the page scrolls sideways: ${page}px wide in a ${width}px window`);
  const named = (table) => {
    const heading = table.closest("section")?.querySelector("h2, h3") || document.querySelector("main h1");
    return `table "${heading ? heading.textContent.trim().replace(/\s+/g, " ").slice(0, 40) : "?"}"`;
  };
  const wraps = (cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const style = getComputedStyle(cell);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    return range.getBoundingClientRect().height > line * 1.5;
  };
  for (const table of document.querySelectorAll("main table")) {
    if (!table.checkVisibility()) continue;
    const name = named(table);
    // Up from the table: a frame that scrolls keeps every column in reach (then the frame must
    // fit); anything else that hides overflow must hold the whole table.
    let box = table;
    for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
      const overflow = getComputedStyle(el).overflowX;
      if (overflow === "visible") continue;
      if (overflow === "auto" || overflow === "scroll") {
        if (wide && el.classList.contains("table-wrap") && el.scrollWidth > el.clientWidth + 1)
          problems.add(`${name} needs scrolling sideways on a laptop (${el.scrollWidth}px in ${el.clientWidth}px)`);
        box = el;
        continue;
      }
      const inner = box.getBoundingClientRect(), outer = el.getBoundingClientRect();
      if (inner.left < outer.left - 1 || inner.right > outer.right + 1)
        problems.add(`${name}: columns cut off by <${el.tagName.toLowerCase()} class="${el.className}"> (overflow: ${overflow})`);
    }
    const edges = box.getBoundingClientRect();
    if (edges.left < -1 || edges.right > width + 1)
      problems.add(`${name}: columns cut off by the window (${Math.round(edges.left)}..${Math.round(edges.right)}px)`);
    for (const th of table.querySelectorAll("thead th")) {
      if (th.checkVisibility() && wraps(th)) problems.add(`${name}: the header "${th.textContent.trim()}" wraps`);
    }
    if (!table.closest(".table-frame")) continue;
    // A data table's cells stay on one line, but for the row's name and free text.
    for (const td of table.querySelectorAll("tbody td")) {
      if (td.hidden || td.matches(".wrap, .empty")) continue;
      if (!td.matches(".nowrap") && td.matches(":first-child:not(.select), .select + *")) continue;
      if (wraps(td)) problems.add(`${name}: column ${td.dataset.column} wraps ("${td.textContent.trim().slice(0, 40)}")`);
    }
  }
  const header = document.querySelector("body > header");
  if (!wide && header.getBoundingClientRect().height > window.innerHeight * 0.2)
    problems.add(`the header takes ${Math.round(header.getBoundingClientRect().height)}px of a ${window.innerHeight}px screen`);
  return [...problems];
}
