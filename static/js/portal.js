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

// Accessibility (docs/accessibility.md): what htmx changes is said aloud, wide tables can be
// scrolled by keyboard, the collapsed navigation closes with Escape.
(function () {
  "use strict";
  var live = null;
  var said = {};

  // One polite live region for the whole page (base.html): text put here is read out once.
  function announce(text) {
    live = live || document.getElementById("live-region");
    if (!live || !text) {
      return;
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  // After an htmx swap, every new element with data-announce says its text, unless the same
  // element (by id) said the same thing last time (the bell polls every 20 s).
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail && event.detail.elt;
    if (!root || !root.querySelectorAll) {
      return;
    }
    var found = root.matches && root.matches("[data-announce]") ? [root] : [];
    found = found.concat(Array.prototype.slice.call(root.querySelectorAll("[data-announce]")));
    found.forEach(function (el) {
      var text = el.getAttribute("data-announce");
      var key = el.id || text;
      if (said[key] !== text) {
        said[key] = text;
        announce(text);
      }
    });
  });
  // The first render of an element is not news: remember what it says without saying it.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-announce][id]").forEach(function (el) {
      said[el.id] = el.getAttribute("data-announce");
    });
  });

  // <form data-announce-done="…" data-focus-done="#selector">: after its htmx request the
  // text is said and, if the focused control went away with the swap, focus moves there.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || !form.getAttribute || !event.detail.successful) {
      return;
    }
    announce(form.getAttribute("data-announce-done"));
    var target = form.getAttribute("data-focus-done");
    window.setTimeout(function () {
      if (target && (!document.activeElement || document.activeElement === document.body)) {
        var el = document.querySelector(target);
        if (el) {
          el.focus();
        }
      }
    }, 100);
  });

  // A table wider than its box scrolls sideways: make the box focusable (keyboard users
  // scroll it with the arrow keys) and name it after its table's caption or heading.
  function scrollables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1;
      if (overflows && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption");
        var section = box.closest("section, .card");
        var heading = section && section.querySelector("h1, h2, h3, h4");
        var name = (caption || heading || {}).textContent;
        if (name) {
          box.setAttribute("aria-label", name.trim());
        }
      } else if (!overflows && box.getAttribute("tabindex") === "0" && box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", scrollables);
  window.addEventListener("load", scrollables);
  window.addEventListener("resize", scrollables);
  document.addEventListener("htmx:afterSettle", scrollables);

  // The collapsed navigation (narrow screens) closes with Escape and gives focus back to
  // its toggle button; Bootstrap's collapse does the opening (a real <button>).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelector(".navbar-collapse.show");
    if (!open || !window.bootstrap) {
      return;
    }
    if (open.contains(document.activeElement) && document.activeElement.closest(".dropdown-menu.show")) {
      return; // the dropdown closes first
    }
    window.bootstrap.Collapse.getOrCreateInstance(open).hide();
    var toggle = document.querySelector('[data-bs-target="#' + open.id + '"]');
    if (toggle) {
      toggle.focus();
    }
  });

  // A form that came back with errors: focus its first invalid field (its error message is
  // tied to it with aria-describedby, so it is read out with the field).
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("main [aria-invalid=true]");
    if (invalid && !document.querySelector("main [autofocus]")) {
      invalid.focus();
    }
  });
})();
