/* chathub invite kit: each "Copy" button copies its post's exact text. The page works without it. */
(function () {
  "use strict";

  /* Words in the page's language (messages.js); the English messages themselves without it. */
  function _(text, el) {
    return window.chathubI18n ? window.chathubI18n.gettext(text, null, el) : text;
  }

  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    area.setSelectionRange(0, text.length);
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(area);
    return copied;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return copyWithSelection(text); }
      );
    }
    return Promise.resolve(copyWithSelection(text));
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  /* One polite live region for the page: screen readers say "Copied" (a focused button's new
     text alone is not always read out). */
  var status = null;
  function announce(message) {
    if (!status) {
      status = document.createElement("span");
      status.className = "chathub-sr-only";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function say(button, message) {
    var label = button.getAttribute("data-chathub-label") || button.textContent;
    button.setAttribute("data-chathub-label", label);
    button.textContent = message;
    announce(message);
    window.setTimeout(function () { button.textContent = label; }, 2000);
  }

  function setUpCopyButtons(root) {
    root.querySelectorAll("button[data-chathub-copy]").forEach(function (button) {
      if (button.hasAttribute("data-chathub-ready")) return;
      button.setAttribute("data-chathub-ready", "");
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-chathub-copy"));
        if (!source) return;
        copyText(source.textContent).then(function (copied) {
          if (copied) {
            say(button, _("Copied", button));
          } else {
            selectText(source);
            say(button, _("Press Ctrl+C to copy", button));
          }
        });
      });
    });
  }

  function enhance() { setUpCopyButtons(document); }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
