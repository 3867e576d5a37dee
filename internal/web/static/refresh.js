// Keeps the live part of a page current without reloading the page (a form being filled
// in stays as it is): an element with an id and data-refresh="N" is fetched again after N
// seconds, from the page's own address, and its content is swapped for the new version,
// whose data-refresh says when to come again. A link inside it marked data-refresh-now
// does the same at once. Without JavaScript that link reloads the whole page.
(function () {
  "use strict";
  var timers = {};

  function schedule(el, seconds) {
    clearTimeout(timers[el.id]);
    if (seconds > 0) timers[el.id] = setTimeout(function () { update(el.id); }, seconds * 1000);
  }

  function update(id) {
    var el = document.getElementById(id);
    if (!el) return;
    clearTimeout(timers[id]);
    el.setAttribute("aria-busy", "true");
    fetch(location.pathname + location.search, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(id);
        el.removeAttribute("aria-busy");
        if (!fresh) return; // the part is gone (the card was reported lost, say): leave it
        el.innerHTML = fresh.innerHTML;
        el.setAttribute("data-refresh", fresh.getAttribute("data-refresh") || "");
        bind(el);
      })
      .catch(function () {
        // Offline or the server is restarting: try again shortly, keep what is shown.
        el.removeAttribute("aria-busy");
        schedule(el, 10);
      });
  }

  function bind(el) {
    schedule(el, parseInt(el.getAttribute("data-refresh"), 10));
    var now = el.querySelector("[data-refresh-now]");
    if (now) now.addEventListener("click", function (ev) {
      ev.preventDefault();
      update(el.id);
    });
  }

  document.querySelectorAll("[id][data-refresh]").forEach(bind);
})();
