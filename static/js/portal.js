// Behaviour that used to be inline on*= handlers (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  // <form data-confirm="Really?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form && form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // <input data-select-on-click>: select the whole value (copyable links).
  document.addEventListener("click", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-select-on-click]")) {
      el.select();
    }
  });
})();
