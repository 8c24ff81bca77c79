// A public page seen by a visitor who came by a channel link: report it once (first-party,
// same origin; no inline script: the CSP forbids it).
(function () {
  function csrf() {
    var raw = document.body.getAttribute("hx-headers");
    try { return JSON.parse(raw)["X-CSRFToken"]; } catch (e) { return ""; }
  }
  document.querySelectorAll("[data-channel-seen-url]").forEach(function (marker) {
    if (marker.dataset.reported) return;
    marker.dataset.reported = "1";
    fetch(marker.dataset.channelSeenUrl, { method: "POST", headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" });
  });
})();
