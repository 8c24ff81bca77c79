// Django admin, WCAG 2.2 AA (docs/accessibility.md): names for the controls that Django's
// admin scripts create without one. Static file, no inline script (the CSP forbids it).
(function () {
  "use strict";

  function labelText(id) {
    var label = id && document.querySelector('label[for="' + id + '"]');
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  // A control in a tabular inline row is named by its column header (same column index).
  function columnName(control) {
    var cell = control.closest("td");
    var table = control.closest("table");
    var header = table && table.tHead && table.tHead.rows[0];
    if (!cell || !header) {
      return "";
    }
    var index = 0;
    for (var c = cell.parentElement.firstElementChild; c && c !== cell; c = c.nextElementSibling) {
      index += c.colSpan || 1;
    }
    for (var i = 0, col = 0; i < header.cells.length; i++) {
      if (col === index || (col < index && index < col + header.cells[i].colSpan)) {
        return header.cells[i].textContent.replace(/[:：?？]\s*$/, "").trim();
      }
      col += header.cells[i].colSpan || 1;
    }
    return "";
  }

  // A field whose widget has several inputs (a split date-time) has a label without "for".
  function rowLabel(control) {
    var row = control.closest(".flex-container, .form-row");
    var label = row && row.querySelector("label:not([for])");
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  function nameOf(control) {
    return labelText(control.id) || columnName(control) || rowLabel(control);
  }

  function hasName(control) {
    return control.getAttribute("aria-label") || control.getAttribute("aria-labelledby") ||
      (control.id && document.querySelector('label[for="' + control.id + '"]')) || control.closest("label");
  }

  function fix(root) {
    // select2 (autocomplete fields): the combobox, its text and its search box.
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var name = nameOf(select);
      if (!name || !container || !container.classList.contains("select2")) {
        return;
      }
      container.querySelectorAll(".select2-selection, .select2-selection__rendered, .select2-search__field").forEach(function (el) {
        if (el.getAttribute("aria-label") !== name) {
          el.setAttribute("aria-label", name);
        }
        if (el.classList.contains("select2-selection")) {
          el.removeAttribute("aria-labelledby");
        }
      });
    });
    // The filtered multi-select's search icons carry a label: they are images.
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (el) {
      el.setAttribute("role", "img");
    });
    // Date and time inputs of a split date-time field, and controls of tabular inlines.
    root.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (control) {
      if (hasName(control)) {
        return;
      }
      var name = nameOf(control);
      if (!name && control.id) {
        name = labelText(control.id.replace(/_[01]$/, "_0")) || labelText(control.id.replace(/_[01]$/, ""));
      }
      if (!name) {
        var legend = control.closest("fieldset") && control.closest("fieldset").querySelector("legend");
        name = legend ? legend.textContent.trim() : "";
      }
      if (name && (control.classList.contains("vDateField") || control.classList.contains("vTimeField"))) {
        var part = (control.previousSibling && control.previousSibling.textContent || "").replace(/[:：]\s*$/, "").trim();
        name = part ? name + " " + part : name;
      }
      if (name) {
        control.setAttribute("aria-label", name);
      }
    });
  }

  function start() {
    fix(document);
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        if (records[i].addedNodes.length) {
          fix(document);
          return;
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
