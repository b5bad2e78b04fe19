// Salonkeep staff workspace: the idle screen lock.
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
