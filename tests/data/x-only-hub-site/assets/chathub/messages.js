/* chathub: the words its scripts write, in the page's language. Generated from the message
   catalogues when the site is built; the other scripts call window.chathubI18n. */
(function () {
  "use strict";

  /* language tag -> [{locale, messages}, plural rule]. English, the messages' own language, needs none. */
  var catalogues = {
  "en": [{"locale": "en", "messages": {}}, function (n) { return Number((n != 1)); }],
  "fr-ca": [{"locale": "fr-CA", "messages": {"%(num)s of %(total)s matches": ["%(num)s sur %(total)s correspond", "%(num)s sur %(total)s correspondent", "%(num)s sur %(total)s correspondent"], "Archived": "Archivé", "Cancelled": "Annulé", "Copied": "Copié", "Ended": "Terminé", "Live now": "En direct", "Press Ctrl+C to copy": "Faites Ctrl+C pour copier", "Upcoming": "À venir", "ended": "terminé", "live now": "en direct", "starting now": "ça commence"}}, function (n) { return Number((n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2); }],
  "fr": [{"locale": "fr-CA", "messages": {"%(num)s of %(total)s matches": ["%(num)s sur %(total)s correspond", "%(num)s sur %(total)s correspondent", "%(num)s sur %(total)s correspondent"], "Archived": "Archivé", "Cancelled": "Annulé", "Copied": "Copié", "Ended": "Terminé", "Live now": "En direct", "Press Ctrl+C to copy": "Faites Ctrl+C pour copier", "Upcoming": "À venir", "ended": "terminé", "live now": "en direct", "starting now": "ça commence"}}, function (n) { return Number((n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2); }]
};

  function tagOf(el) {
    var node = el && el.closest ? el.closest("[lang]") : null;
    return ((node || document.documentElement).getAttribute("lang") || "").toLowerCase();
  }

  function catalogueOf(el) {
    var tag = tagOf(el);
    return catalogues[tag] || catalogues[tag.split("-")[0]] || null;
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    }).replace(/%%/g, "%");
  }

  /* The locale to format dates and numbers with: the page's own tag when it names a region
     (fr-FR), else the one its catalogue formats with (fr is formatted as fr-CA). */
  function locale(el) {
    var tag = tagOf(el);
    var found = catalogueOf(el);
    if (tag.indexOf("-") === -1 && found) return found[0].locale;
    return tag || undefined;
  }

  function gettext(msgid, values, el) {
    var found = catalogueOf(el);
    var text = found && found[0].messages[msgid];
    return fill(typeof text === "string" ? text : msgid, values);
  }

  /* values.num is the count in the locale's digits, unless given. */
  function ngettext(singular, plural, count, values, el) {
    var found = catalogueOf(el);
    var forms = found && found[0].messages[singular];
    var text = Array.isArray(forms) ? forms[found[1](count)] || forms[forms.length - 1]
      : (count === 1 ? singular : plural);
    var all = { num: new Intl.NumberFormat(locale(el)).format(count) };
    Object.keys(values || {}).forEach(function (key) { all[key] = values[key]; });
    return fill(text, all);
  }

  window.chathubI18n = { gettext: gettext, ngettext: ngettext, locale: locale, fill: fill };
})();
