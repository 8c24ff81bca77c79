// Overview video: report "watched" once (no inline script: the CSP forbids it), and load
// external players only after a click (privacy: nothing is fetched from YouTube/Vimeo before).
(function () {
  function csrf() {
    var raw = document.body.getAttribute("hx-headers");
    try { return JSON.parse(raw)["X-CSRFToken"]; } catch (e) { return ""; }
  }
  // A public page's video says nothing of its visitor (the page may be shared by all
  // visitors); a visitor who came by a channel link carries the play address on the page's
  // own marker instead (promotion/channel_seen.html).
  function watchedUrl(element) {
    if (element.dataset.watchedUrl) return element.dataset.watchedUrl;
    var marker = document.querySelector("[data-channel-play-url]");
    return marker ? marker.dataset.channelPlayUrl : "";
  }
  function report(url) {
    if (!url) return;
    fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" });
  }
  document.querySelectorAll(".overview-video video").forEach(function (video) {
    if (video.dataset.bound) return;
    video.dataset.bound = "1";
    video.addEventListener("play", function () { report(watchedUrl(video)); }, { once: true });
  });
  document.querySelectorAll("button.video-consent").forEach(function (button) {
    if (button.dataset.bound) return;
    button.dataset.bound = "1";
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = button.dataset.embedUrl;
      frame.title = button.dataset.title || "";
      frame.allow = "fullscreen; picture-in-picture";
      frame.setAttribute("allowfullscreen", "");
      button.replaceWith(frame);
      report(watchedUrl(button));
    });
  });
})();
