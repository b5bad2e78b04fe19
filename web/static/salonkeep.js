// Salonkeep staff workspace. No script lives in the pages (the content security policy forbids
// inline script and on... handlers): behaviour is attached here by data attributes.
//   data-print           a button that prints the page
//   data-copy-from="ID"  a button that copies the value of the element ID (then shows data-done)
//   data-swap-422        htmx swaps 422 answers inside this element too (forms with field errors)
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var print = target && target.closest("[data-print]");
    if (print) { window.print(); return; }
    var copy = target && target.closest("[data-copy-from]");
    if (copy) {
      var source = document.getElementById(copy.getAttribute("data-copy-from"));
      if (source && navigator.clipboard) { navigator.clipboard.writeText(source.value); }
      if (copy.dataset.done) { copy.textContent = copy.dataset.done; }
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (event.detail.xhr.status === 422 && target && target.closest("[data-swap-422]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();

// The idle screen lock.
// After the tenant's idle time without activity the page content is removed from the DOM
// (not hidden) and the session is locked on the server; activity is reported so the
// server-side idle clock (which locks on its own too) restarts.
(function () {
  "use strict";
  var body = document.body;
  var idle = Number(body.dataset.idleSeconds || 0);
  if (!idle) { return; }
  var token = body.dataset.csrf || "";
  var last = Date.now();
  var active = false;
  var locked = false;
  function seen() { last = Date.now(); active = true; }
  ["mousemove", "mousedown", "keydown", "input", "click", "scroll", "touchstart", "pointerdown"].forEach(function (name) {
    document.addEventListener(name, seen, { passive: true, capture: true });
  });
  document.addEventListener("htmx:afterRequest", function () { last = Date.now(); });
  function lock() {
    if (locked) { return; }
    locked = true;
    document.title = "Salonkeep";
    body.replaceChildren();  // every client detail leaves the DOM now
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/app/lock";
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "_csrf_token";
    field.value = token;
    form.appendChild(field);
    var back = document.createElement("input");  // the page to come back to after unlocking
    back.type = "hidden";
    back.name = "next";
    back.value = window.location.pathname + window.location.search;
    form.appendChild(back);
    body.appendChild(form);
    form.submit();
  }
  setInterval(function () {
    if (Date.now() - last >= idle * 1000) { lock(); }
  }, 500);
  setInterval(function () {
    if (!active || locked) { return; }
    active = false;
    fetch("/app/keepalive", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.redirected) { lock(); }
    });
  }, Math.max(5, idle / 3) * 1000);
  // A page restored from the back-forward cache must not show old data.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { window.location.reload(); } });
})();

// The compact layout (issue 17): the menu button on phones, the "Manage" and person menus,
// labelled table cells for phones and the keys of the profile's tabs.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 760px)");
  function fitMenu() {
    var menu = document.querySelector("[data-navmenu]");
    if (menu) { menu.open = !narrow.matches; }
  }
  fitMenu();
  if (narrow.addEventListener) { narrow.addEventListener("change", fitMenu); }

  // One open menu at a time; a click elsewhere or Escape closes it (focus back on its button).
  function closeGroups(except) {
    document.querySelectorAll("details[data-navgroup][open]").forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  }
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    closeGroups(target ? target.closest("details[data-navgroup]") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector("details[data-navgroup][open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });

  // Each cell of a .table carries its column's heading (shown before it on a phone).
  function labelCells(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("table.table").forEach(function (table) {
      var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!headings.length) { return; }
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (headings[index] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", headings[index]); }
        });
      });
    });
  }
  labelCells(document);
  document.addEventListener("htmx:afterSettle", function (event) {
    labelCells(event.target instanceof Element ? event.target : document);
  });

  // Profile tabs (each section at /app/clients/ID/s/KEY; htmx loads it and pushes the
  // address): an old link to #panel-KEY opens that section; the arrow keys, Home and End move
  // between the tabs (Enter opens one, as any link).
  var tabs = document.querySelector("[data-tabs]");
  if (tabs && window.location.hash.indexOf("#panel-") === 0) {
    var asked = tabs.querySelector('a[data-section="' + window.location.hash.slice(7).replace(/[^\w-]/g, "") + '"]');
    if (asked && !asked.hasAttribute("aria-current")) { window.location.replace(asked.href); }
  }
  document.addEventListener("keydown", function (event) {
    var tab = event.target instanceof Element ? event.target.closest("[data-tabs] a[data-section]") : null;
    if (!tab) { return; }
    var all = Array.prototype.slice.call(tab.parentElement.querySelectorAll("a[data-section]"));
    var at = all.indexOf(tab);
    var next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: all.length - 1 }[event.key];
    if (next === undefined) { return; }
    event.preventDefault();
    all[(next + all.length) % all.length].focus();
  });
})();
