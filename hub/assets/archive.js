/* chathub: the filter box of archive and people pages (by person or word). Without this script
   the box stays hidden and every post shows. No third-party code, no requests. The filter is
   in the URL as ?filter= (not ?q=, which Material's search takes for itself). */
(function () {
  "use strict";

  var PARAM = "filter";

  /* Words in the page's language (messages.js); the English messages themselves without it. */
  var i18n = window.chathubI18n;
  function ngettext(singular, plural, count, values, el) {
    if (i18n) return i18n.ngettext(singular, plural, count, values, el);
    var text = count === 1 ? singular : plural;
    return text.replace(/%\((\w+)\)s/g, function (w, k) { return k === "num" ? count : values[k]; });
  }

  function normalize(text) {
    return (text || "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  /* Who wrote a post: its data-author, or (an archive of one network's posts) the name and
     @handle of the link to their profile. */
  function authorOf(el) {
    var given = el.getAttribute("data-author");
    if (given !== null) return given;
    var link = el.querySelector(".chathub-post-author");
    var handle = link && link.querySelector(".chathub-handle");
    return link ? (handle ? handle.textContent + " " : "") + link.textContent : "";
  }

  /* An archive's times show the hour; the tooltip gives the full date and time to the second, in
     the chat's zone and the page's language, worked out when the time is first pointed at. */
  function addTooltips(scope) {
    var zone = scope.getAttribute("data-timezone");
    if (!zone || !window.Intl) return;
    var format = null;
    function tip(event) {
      var time = event.target.closest && event.target.closest("time[datetime]");
      if (!time || time.title || !scope.contains(time)) return;
      try {
        format = format || new Intl.DateTimeFormat(i18n ? i18n.locale(time) : undefined, {
          weekday: "long", year: "numeric", month: "long", day: "numeric", hour: "2-digit",
          minute: "2-digit", second: "2-digit", timeZone: zone, timeZoneName: "short" });
        time.title = format.format(new Date(time.getAttribute("datetime")));
      } catch (error) { /* an unknown zone: no tooltip */ }
    }
    scope.addEventListener("mouseover", tip);
    scope.addEventListener("focusin", tip);
  }

  /* An archive's authors without a picture get their initials in the circle of their avatar, and
     the filter box offers every author's @handle (most posts first). */
  function initialsOf(name) {
    var words = name.match(/[\p{L}\p{N}_]+/gu) || ["?"];
    return words.slice(0, 2).map(function (w) { return Array.from(w)[0]; }).join("").toUpperCase();
  }
  function describeAuthors(scope, form) {
    var counts = new Map();
    Array.prototype.forEach.call(scope.querySelectorAll("article.chathub-post > a.chathub-post-author"),
      function (link) {
        var handle = link.querySelector("span");
        var name = (handle ? link.firstChild && link.firstChild.textContent : link.textContent) || "";
        if (!link.querySelector("img") && !link.hasAttribute("data-initials")) {
          link.setAttribute("data-initials", initialsOf(name.trim() || (handle ? handle.textContent.slice(1) : "")));
        }
        if (handle) {
          var key = handle.textContent.trim();
          var seen = counts.get(key) || { name: name.trim(), posts: 0 };
          seen.posts++;
          counts.set(key, seen);
        }
      });
    var list = form.querySelector("datalist");
    if (!list || list.options.length) return;
    Array.from(counts.entries()).sort(function (a, b) { return b[1].posts - a[1].posts; })
      .forEach(function (entry) {
        var option = document.createElement("option");
        option.value = entry[0];
        option.textContent = entry[1].name;
        list.appendChild(option);
      });
  }

  /* Items are posts (article.chathub-post) or people rows (tr[data-author]). */
  function setUp(root) {
    var form = root.querySelector("form[data-chathub-filter]");
    if (!form || form.getAttribute("data-chathub-ready")) return;
    form.setAttribute("data-chathub-ready", "1");
    var scope = form.closest("[data-chathub-archive], [data-chathub-people]") || root;
    var input = form.querySelector("input");
    var status = form.querySelector("output");
    var empty = scope.querySelector("[data-chathub-filter-empty]");
    var clear = scope.querySelector("[data-chathub-filter-clear]");
    if (scope.hasAttribute("data-chathub-archive")) describeAuthors(scope, form);
    var found = scope.querySelectorAll("article.chathub-post, [data-author]");
    var items = Array.prototype.map.call(found, function (el) {
      var text = el.querySelector(".chathub-post-text");
      var author = authorOf(el);
      return {
        el: el,
        holder: el.closest("ol.chathub-thread > li, li.chathub-entry") || el,
        author: normalize(author),
        words: normalize(author + " " + (text ? text.textContent : el.textContent))
      };
    });
    var sections = scope.querySelectorAll("section.chathub-section");
    items.forEach(function (item) { item.section = item.el.closest("section.chathub-section"); });

    function matches(item, terms) {
      return terms.every(function (term) {
        return term.charAt(0) === "@" ? item.author.indexOf(term) !== -1 : item.words.indexOf(term) !== -1;
      });
    }

    function apply() {
      var terms = normalize(input.value.trim()).split(/\s+/).filter(Boolean);
      var keep = new Set();
      var live = new Set();
      var shown = 0;
      items.forEach(function (item) {
        if (terms.length && !matches(item, terms)) return;
        shown++;
        /* A thread entry stays visible when it or any reply under it matches. */
        for (var el = item.holder; el && el !== scope; el = el.parentElement) {
          if (el === item.holder || el.matches("ol.chathub-thread > li, li.chathub-entry")) keep.add(el);
        }
        if (item.section) live.add(item.section);
      });
      items.forEach(function (item) {
        item.holder.classList.toggle("chathub-is-filtered-out", !keep.has(item.holder));
      });
      Array.prototype.forEach.call(sections, function (section) {
        section.classList.toggle("chathub-is-filtered-out", terms.length > 0 && !live.has(section));
      });
      var total = i18n ? new Intl.NumberFormat(i18n.locale(status)).format(items.length) : items.length;
      status.textContent = terms.length
        ? ngettext("%(num)s of %(total)s matches", "%(num)s of %(total)s match", shown, { total: total }, status)
        : "";
      if (empty) empty.hidden = !(terms.length && shown === 0);
      remember(input.value.trim());
    }

    /* The filter stays in the address (?filter=…), so a filtered page can be shared. */
    function remember(value) {
      if (!window.history || !window.history.replaceState) return;
      var url = new URL(window.location.href);
      if (value) url.searchParams.set(PARAM, value); else url.searchParams.delete(PARAM);
      if (url.href !== window.location.href) window.history.replaceState(window.history.state, "", url.href);
    }

    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, 80);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply();
    });
    if (clear) {
      clear.addEventListener("click", function () {
        input.value = "";
        apply();
        input.focus();
      });
    }
    form.hidden = false;
    var wanted = new URLSearchParams(window.location.search).get(PARAM);
    if (wanted) {
      input.value = wanted;
      apply();
    }
  }

  function enhance() {
    setUp(document);
    var archive = document.querySelector("[data-chathub-archive][data-timezone]");
    if (archive && !archive.getAttribute("data-chathub-tooltips")) {
      archive.setAttribute("data-chathub-tooltips", "1");
      addTooltips(archive);
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
