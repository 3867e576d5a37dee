// Confirmations in a dialog (confirm.go explains the pattern). A form marked data-confirm
// (or submitted by a button marked so) would lead to its confirmation page; here the same
// page is fetched and its confirmation shown in a <dialog>, so the visitor stays where
// they were. Whatever goes wrong (an old browser, no network, an error page instead of a
// confirmation) ends in the ordinary submission, which shows the page itself.
(function () {
  if (!window.fetch || !window.DOMParser || typeof HTMLDialogElement !== "function") return;
  var passing = false;

  function pass(form, submitter) {
    passing = true;
    if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
    passing = false;
  }

  function show(html, form, submitter) {
    var box = new DOMParser().parseFromString(html, "text/html").querySelector("[data-confirmation]");
    if (!box) { pass(form, submitter); return; }
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-title");
    dialog.appendChild(document.importNode(box, true));
    document.body.appendChild(dialog);
    dialog.querySelector("[data-confirm-back]").addEventListener("click", function (e) {
      e.preventDefault();
      dialog.close();
    });
    dialog.addEventListener("close", function () { dialog.remove(); });
    // A form that htmx sends (hx-post) has its confirmed action sent by htmx too, into
    // the same part of the page, and the dialog closes once the answer is in.
    var confirmForm = dialog.querySelector("form");
    if (window.htmx && confirmForm && form.hasAttribute("hx-post")) {
      Array.prototype.forEach.call(form.attributes, function (a) {
        if (a.name.indexOf("hx-") === 0 && a.name !== "hx-post" && a.name !== "hx-get") confirmForm.setAttribute(a.name, a.value);
      });
      confirmForm.setAttribute("hx-post", confirmForm.getAttribute("action"));
      confirmForm.addEventListener("htmx:afterRequest", function () { dialog.close(); });
      window.htmx.process(confirmForm);
    }
    dialog.showModal();
    var cancel = dialog.querySelector("[data-confirm-back]");
    if (cancel) cancel.focus(); // the safe choice has the focus, as in the system dialogs
  }

  // Caught on the way down (capture), before the form's own listeners: htmx, on a form it
  // sends, must not send what has yet to be confirmed.
  document.addEventListener("submit", function (e) {
    var form = e.target, submitter = e.submitter || null;
    if (passing || !form.matches) return;
    var asks = form.hasAttribute("data-confirm") || (submitter && submitter.hasAttribute("data-confirm"));
    if (!asks) return;
    e.preventDefault();
    e.stopPropagation();
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var params = new URLSearchParams(data);
    var method = (form.getAttribute("method") || "get").toLowerCase();
    // The attribute, not form.action: a field named "action" (the sign-up list's
    // buttons) hides the property behind itself.
    var url = new URL(form.getAttribute("action") || "", location.href).href, init = { credentials: "same-origin" };
    if (method === "post") {
      init.method = "POST";
      init.body = params;
    } else {
      url += (url.indexOf("?") < 0 ? "?" : "&") + params.toString();
    }
    fetch(url, init).then(function (res) {
      return res.text();
    }).then(function (html) {
      show(html, form, submitter);
    }).catch(function () {
      pass(form, submitter);
    });
  }, true);
})();
