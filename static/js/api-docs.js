// The API docs page (/api/docs/): names for Swagger UI's controls that have none, as it renders them.
// Swagger UI draws the page after this script runs and redraws parts of it on every click, so the
// names are given by a MutationObserver rather than once.
(function () {
  "use strict";

  function label(root) {
    // A parameter's value list: named by the parameter, as its row's first cell shows it.
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", select.closest("tr").getAttribute("data-param-name"));
    });
    // Example responses that scroll: reachable by keyboard, so that they can be scrolled without a mouse.
    root.querySelectorAll("pre.microlight:not([tabindex]), .highlight-code > pre:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
  }

  var root = document.getElementById("swagger-ui");
  if (!root) {
    return;
  }
  label(root);
  new MutationObserver(function () { label(root); }).observe(root, { childList: true, subtree: true });
})();
