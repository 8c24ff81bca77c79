// The API reference page (api/templates/api/docs.html): what Swagger UI leaves out for
// assistive technology and keyboards, added as it renders. Parameter fields are named after
// their parameter; scrollable examples can be reached with Tab.
(function () {
  "use strict";
  function complete(root) {
    root.querySelectorAll("tr[data-param-name] select, tr[data-param-name] input, tr[data-param-name] textarea")
      .forEach(function (field) {
        if (!field.getAttribute("aria-label") && !(field.labels && field.labels.length)) {
          field.setAttribute("aria-label", field.closest("tr[data-param-name]").getAttribute("data-param-name"));
        }
      });
    root.querySelectorAll("pre.microlight").forEach(function (block) {
      if (!block.hasAttribute("tabindex")) {
        block.setAttribute("tabindex", "0");
      }
    });
  }
  new MutationObserver(function () { complete(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
