/* chathub: progressive enhancements of chat pages. Pages work without this script: they show what
   the build saw. With it, times show in the visitor's zone, and each chat's state (upcoming, live,
   ended), countdown and status follow the real clock, from the instants the page carries
   (data-chathub-start and data-chathub-end). Its words are translated like the templates' (by
   assets/chathub/messages.js, in the language of the page). */
(function () {
  "use strict";

  var STARTING_NOW = 5 * 60 * 1000; /* the same rules as hub/pages/states.py */
  var MINUTE = 60 * 1000, HOUR = 60 * MINUTE, DAY = 24 * HOUR;

  /* The locale of an element's page (its nearest lang), as chathub formats it (fr as fr-CA). */
  function localeOf(el) {
    if (window.chathubI18n) return window.chathubI18n.locale(el);
    var node = el.closest("[lang]");
    return (node && node.getAttribute("lang")) || undefined;
  }

  /* A word in the language of the element's page (assets/chathub/messages.js holds the
     catalogues; the words here are extracted like the templates' words). */
  function _(msgid, el) {
    return window.chathubI18n ? window.chathubI18n.gettext(msgid, null, el) : msgid;
  }

  function statusWord(status, el) {
    switch (status) {
      case "upcoming": return _("Upcoming", el);
      case "live": return _("Live now", el);
      case "ended": return _("Ended", el);
      case "archived": return _("Archived", el);
      case "cancelled": return _("Cancelled", el);
      default: return status;
    }
  }

  /* Show each <time data-chathub-local> in the visitor's own time zone, in the page's language, on
     the 24-hour clock like the times chathub writes ("short": the abbreviated month, no day). */
  function showLocalTimes(root) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    root.querySelectorAll("time[data-chathub-local]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when)) return;
      var long = el.getAttribute("data-chathub-local") !== "short";
      var format = { year: "numeric", month: long ? "long" : "short", day: "numeric",
                     hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
      if (long) format.weekday = "long";
      el.textContent = when.toLocaleString(localeOf(el), format);
      if (zone) el.setAttribute("data-chathub-zone", zone);
      var note = el.parentNode.querySelector("[data-chathub-local-note]");
      if (note) note.textContent = zone ? "(" + zone + ")" : "";
    });
  }

  /* --- states and countdowns --------------------------------------------------------------- */

  function stateOf(el, now) {
    if (el.hasAttribute("data-chathub-cancelled")) return "cancelled";
    var start = Date.parse(el.getAttribute("data-chathub-start"));
    var end = Date.parse(el.getAttribute("data-chathub-end"));
    if (isNaN(start) || isNaN(end)) return el.getAttribute("data-chathub-state");
    if (now >= end) return "ended";
    return now >= start ? "live" : "upcoming";
  }

  function countdownText(el, state, now) {
    if (state === "live") return _("live now", el);
    if (state === "ended") return _("ended", el);
    var left = Date.parse(el.getAttribute("data-chathub-start")) - now;
    if (left <= STARTING_NOW) return _("starting now", el);
    var relative = new Intl.RelativeTimeFormat(localeOf(el), { numeric: "auto" });
    var minutes = Math.ceil(left / MINUTE);
    if (minutes < 60) return relative.format(minutes, "minute");
    var hours = Math.round(left / HOUR);
    if (hours < 24) return relative.format(Math.max(1, hours), "hour");
    return relative.format(Math.max(1, Math.round(left / DAY)), "day");
  }

  function ownedBy(el, chat) {
    return el.closest("[data-chathub-chat]") === chat;
  }

  function updateChat(chat, now) {
    var state = stateOf(chat, now);
    chat.setAttribute("data-chathub-state", state);
    var status = state === "ended" && chat.hasAttribute("data-chathub-archived") ? "archived" : state;
    chat.querySelectorAll("[data-chathub-countdown]").forEach(function (el) {
      if (ownedBy(el, chat)) el.textContent = countdownText(chat, state, now);
    });
    chat.querySelectorAll("[data-chathub-status]").forEach(function (el) {
      if (!ownedBy(el, chat) || el.getAttribute("data-chathub-status") === status) return;
      el.classList.remove("chathub-status-" + el.getAttribute("data-chathub-status"));
      el.classList.add("chathub-status-" + status);
      el.setAttribute("data-chathub-status", status);
      el.textContent = statusWord(status, el);
    });
    chat.querySelectorAll("[data-chathub-show]").forEach(function (el) {
      if (!ownedBy(el, chat)) return;
      var shown = el.getAttribute("data-chathub-show").split(/\s+/).indexOf(state) !== -1;
      if (el.hidden === shown) el.hidden = !shown;
    });
  }

  function updateChats(root) {
    var now = Date.now();
    root.querySelectorAll("[data-chathub-chat]").forEach(function (chat) { updateChat(chat, now); });
  }

  /* --- the add-to-calendar menu button -------------------------------------------------------- */

  function setUpCalendarMenu(box) {
    if (box.hasAttribute("data-chathub-ready")) return;
    var button = box.querySelector("button[aria-haspopup]");
    var menu = box.querySelector("[role=menu]");
    if (!button || !menu) return;
    box.setAttribute("data-chathub-ready", "");
    var items = Array.prototype.slice.call(menu.querySelectorAll("[role=menuitem]"));
    items.forEach(function (item) { item.setAttribute("tabindex", "-1"); });
    menu.hidden = true;
    button.hidden = false;
    menu.setAttribute("aria-labelledby", button.id);
    menu.removeAttribute("aria-label");

    function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
    function focusItem(index) {
      var item = items[(index + items.length) % items.length];
      if (item) item.focus();
    }
    function open(index) {
      menu.hidden = false;
      button.setAttribute("aria-expanded", "true");
      box.classList.add("chathub-calendar-open");
      if (index !== undefined) focusItem(index);
    }
    function close(refocus) {
      if (!isOpen()) return;
      menu.hidden = true;
      button.setAttribute("aria-expanded", "false");
      box.classList.remove("chathub-calendar-open");
      if (refocus) button.focus();
    }

    button.addEventListener("click", function () {
      if (isOpen()) close(false); else open(0);
    });
    button.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); open(0); }
      else if (event.key === "ArrowUp") { event.preventDefault(); open(items.length - 1); }
      else if (event.key === "Escape") { close(true); }
    });
    menu.addEventListener("keydown", function (event) {
      var index = items.indexOf(document.activeElement);
      if (event.key === "ArrowDown") { event.preventDefault(); focusItem(index + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); focusItem(index - 1); }
      else if (event.key === "Home") { event.preventDefault(); focusItem(0); }
      else if (event.key === "End") { event.preventDefault(); focusItem(items.length - 1); }
      else if (event.key === "Escape") { event.preventDefault(); close(true); }
      else if (event.key === "Tab") { close(false); }
      else if (event.key === " " && index !== -1) { event.preventDefault(); items[index].click(); }
    });
    items.forEach(function (item) {
      item.addEventListener("click", function () { close(false); });
    });
    document.addEventListener("click", function (event) {
      if (isOpen() && !box.contains(event.target)) close(false);
    });
    box.addEventListener("focusout", function (event) {
      if (isOpen() && event.relatedTarget && !box.contains(event.relatedTarget)) close(false);
    });
  }

  function setUpCalendarMenus(root) {
    root.querySelectorAll("[data-chathub-calendar]").forEach(setUpCalendarMenu);
  }

  /* webcal:// links to the hub's calendar, from the https address this page resolves. */
  function setUpWebcal(root) {
    root.querySelectorAll("a[data-chathub-webcal]").forEach(function (link) {
      if (/^webcal:/i.test(link.getAttribute("href"))) return;
      link.href = link.href.replace(/^https?:/i, "webcal:");
    });
  }

  /* The 404 page's search link: search for the words of the missing path. */
  function setUpSearchLinks(root) {
    root.querySelectorAll("a[data-chathub-search-path]").forEach(function (link) {
      var base = link.getAttribute("data-chathub-search-path");
      var path = decodeURIComponent(window.location.pathname);
      if (path.indexOf(base) === 0) path = path.slice(base.length);
      var terms = path.replace(/\.html?$/i, "").split(/[\/\-_.]+/).filter(function (word) {
        return word && !/^(index|chats|page|\d+)$/i.test(word);
      });
      var url = new URL(link.getAttribute("href"), window.location.href);
      url.search = "?q=" + encodeURIComponent(terms.join(" "));
      link.href = url.href;
    });
  }

  var enhancers = [showLocalTimes, updateChats, setUpCalendarMenus, setUpWebcal, setUpSearchLinks];
  window.chathub = { enhancers: enhancers };

  function enhance() {
    enhancers.forEach(function (fn) { fn(document); });
  }

  var timer = null;
  function keepCurrent() {
    if (timer === null) timer = window.setInterval(function () { updateChats(document); }, 15 * 1000);
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) updateChats(document);
  });

  function start() {
    enhance();
    keepCurrent();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
