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

  /* Items are posts (article[data-author]) or people rows (tr[data-author]). */
  function setUp(root) {
    var form = root.querySelector("form[data-chathub-filter]");
    if (!form || form.getAttribute("data-chathub-ready")) return;
    form.setAttribute("data-chathub-ready", "1");
    var scope = form.closest("[data-chathub-archive], [data-chathub-people]") || root;
    var input = form.querySelector("input");
    var status = form.querySelector("output");
    var empty = scope.querySelector("[data-chathub-filter-empty]");
    var clear = scope.querySelector("[data-chathub-filter-clear]");
    var items = Array.prototype.map.call(scope.querySelectorAll("[data-author]"), function (el) {
      var text = el.querySelector(".chathub-post-text");
      return {
        el: el,
        holder: el.closest("li.chathub-entry") || el,
        author: normalize(el.getAttribute("data-author")),
        words: normalize(el.getAttribute("data-author") + " " + (text ? text.textContent : el.textContent))
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
          if (el === item.holder || el.matches("li.chathub-entry")) keep.add(el);
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

  function enhance() { setUp(document); }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
