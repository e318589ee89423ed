/* chathub: small progressive enhancements. Pages work without this script. */
(function () {
  "use strict";

  /* The locale of an element's page (its nearest lang), as chathub formats it (fr as fr-CA). */
  function localeOf(el) {
    if (window.chathubI18n) return window.chathubI18n.locale(el);
    var node = el.closest("[lang]");
    return (node && node.getAttribute("lang")) || undefined;
  }

  /* Show each <time data-chathub-local> in the visitor's own time zone, in the page's language, on
     the 24-hour clock like the times chathub writes. */
  function showLocalTimes(root) {
    root.querySelectorAll("time[data-chathub-local]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when)) return;
      el.textContent = when.toLocaleString(localeOf(el), {
        weekday: "long", year: "numeric", month: "long", day: "numeric",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
      });
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) el.setAttribute("data-chathub-zone", zone);
      var note = el.parentNode.querySelector("[data-chathub-local-note]");
      if (note) note.textContent = zone ? "(" + zone + ")" : "";
    });
  }

  var enhancers = [showLocalTimes];
  window.chathub = { enhancers: enhancers };

  function enhance() {
    enhancers.forEach(function (fn) { fn(document); });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
