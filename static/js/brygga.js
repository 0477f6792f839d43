// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Move focus to an error summary so a screen reader announces what went wrong (GOV.UK pattern).
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); });
  // After an htmx swap, put focus on the new content's heading or error summary so keyboard and
  // screen-reader users are not left on a removed element.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target.classList.contains("form-slot")) {
      // A case page form fetched as its panel opened: focus stays on the summary the user
      // pressed; only if it was on the fallback link the form replaced, go to the first field.
      var active = document.activeElement;
      if (!active || active === document.body) {
        var field = target.querySelector("input:not([type=hidden]), select, textarea");
        if (field) { field.focus(); }
      }
      return;
    }
    var focusable = target.querySelector("[data-autofocus]") || target.querySelector("h2, h3");
    if (focusable) {
      if (!focusable.hasAttribute("tabindex")) { focusable.setAttribute("tabindex", "-1"); }
      focusable.focus();
    }
  });
})();
