// Progressive enhancement for the sign-in, sign-up and sign-out forms.
// Without this script the forms post natively and the server answers with a redirect.
// With it, a failed attempt shows its message in place and nothing typed is lost.
(function () {
  "use strict";

  function showError(form, detail, field) {
    var box = form.querySelector("[data-form-error]");
    if (box) {
      box.textContent = detail;
      box.hidden = false;
    }
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var input = field ? form.querySelector('[name="' + field + '"]') : null;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-skopx-form")) return;
    event.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    var label = button ? button.textContent : "";
    if (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      if (button.dataset.busyLabel) button.textContent = button.dataset.busyLabel;
    }
    var body = new URLSearchParams(new FormData(form));
    // Where to go next comes from this page's own address, which is there before the page's state
    // has loaded: a quick submit must not fall back to the default. The server still checks it.
    var next = new URLSearchParams(window.location.search).get("next");
    if (next && body.has("next")) body.set("next", next);
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      body: body,
    })
      .then(function (response) {
        return response.json().catch(function () { return { ok: false, detail: "Something went wrong. Please try again." }; });
      })
      .then(function (result) {
        if (result.ok) {
          window.location.assign(result.redirect || "/");
          return;
        }
        showError(form, result.detail || "Something went wrong. Please try again.", result.field);
      })
      .catch(function () {
        showError(form, "We couldn't reach Skopx. Check your connection and try again.", null);
      })
      .finally(function () {
        if (button) {
          button.disabled = false;
          button.removeAttribute("aria-busy");
          if (button.dataset.busyLabel) button.textContent = label;
        }
      });
  });
})();
