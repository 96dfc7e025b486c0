// Leadbitz progressive enhancements. Every page works without this file:
// it only saves a click here and there. Loaded with `defer`, same origin,
// so the Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The workspace switcher submits as soon as a workspace is picked.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.requestSubmit(); });
  });

  // Copy buttons copy the value of the input they name.
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var input = document.getElementById(btn.getAttribute("data-copy"));
      if (!input) { return; }
      input.select();
      var done = function () {
        var label = btn.textContent;
        btn.textContent = "Copied";
        setTimeout(function () { btn.textContent = label; }, 2000);
      };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });

  // Opening a thread is a GET, which changes nothing: the page marks the
  // conversation read by sending its "Mark read" form at once (a same-origin
  // POST, which the server's cross-origin protection lets through). The
  // redirect that answers it is not followed: there is nothing to load.
  document.querySelectorAll("form[data-mark-read]").forEach(function (form) {
    fetch(form.action, { method: "POST", credentials: "same-origin", redirect: "manual" })
      .then(function (r) {
        if (r.type !== "opaqueredirect" && !r.ok) { return; }
        form.hidden = true;
        var unread = document.querySelector("form.mark-unread");
        if (unread) { unread.hidden = false; }
        var row = document.querySelector(".reply-row.is-selected.is-unread");
        if (row) {
          row.classList.remove("is-unread");
          row.querySelectorAll(".unread-dot").forEach(function (dot) {
            if (dot.nextElementSibling && dot.nextElementSibling.classList.contains("visually-hidden")) {
              dot.nextElementSibling.remove();
            }
            dot.remove();
          });
        }
        var badge = document.querySelector(".nav-badge");
        var count = badge && badge.firstChild && badge.firstChild.nodeValue;
        if (count && /^\d+$/.test(count)) {
          if (count === "1") { badge.remove(); } else { badge.firstChild.nodeValue = String(Number(count) - 1); }
        }
      }, function () { /* offline: the button is still there */ });
  });

  // Read-only inputs holding something to copy select it all on focus.
  document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  // New campaigns default to the browser's own time zone.
  var tz = document.querySelector("[data-timezone-default] input[name=timezone]");
  if (tz && tz.value === "UTC" && window.Intl) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) { tz.value = zone; }
    } catch (e) { /* keep UTC */ }
  }

  // Sequence editor: "Insert variable" puts the tag at the cursor of the
  // field last focused in the same step (the body by default).
  var lastField = {};
  document.querySelectorAll("[data-merge-target]").forEach(function (el) {
    el.addEventListener("focus", function () {
      var card = el.closest(".variant") || document.body;
      lastField[card.id || "page"] = el;
    });
  });
  document.querySelectorAll("[data-insert]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var card = btn.closest(".variant") || document.body;
      var el = lastField[card.id || "page"] || document.getElementById(btn.getAttribute("data-for"));
      if (!el) { return; }
      var text = btn.getAttribute("data-insert");
      var start = el.selectionStart == null ? el.value.length : el.selectionStart;
      var end = el.selectionEnd == null ? start : el.selectionEnd;
      el.setRangeText(text, start, end, "end");
      el.focus();
      el.dispatchEvent(new Event("input", { bubbles: true }));
      var menu = btn.closest("details");
      if (menu) { menu.open = false; }
    });
  });

  // Sequence editor: as the user types, the server parses the template
  // (the same parser that checks it on save) for the spintax counter and
  // the first syntax error.
  function plural(n, one, many) { return n === 1 ? "1 " + one : n.toLocaleString("en-US") + " " + many; }
  function liveError(el) {
    var p = el.parentNode.querySelector(".live-error");
    if (!p) {
      p = document.createElement("p");
      p.className = "field-error live-error";
      p.setAttribute("aria-live", "polite");
      el.insertAdjacentElement("afterend", p);
    }
    return p;
  }
  document.querySelectorAll("[data-check-template]").forEach(function (el) {
    var timer = null;
    el.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new FormData();
        body.append("text", el.value);
        body.append("field", el.tagName === "TEXTAREA" ? "body" : "subject");
        fetch("/templates/check", { method: "POST", body: body, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (res) {
            if (!res) { return; }
            var counter = document.getElementById(el.getAttribute("data-counter") || "");
            var err = liveError(el);
            if (res.error) {
              err.textContent = "Line " + res.error.line + ", column " + res.error.column + ": " + res.error.message;
              err.hidden = false;
              if (counter) { counter.textContent = "The body does not parse yet."; }
            } else {
              err.hidden = true;
              if (counter) {
                counter.textContent = res.variants > 1 ? plural(res.variants, "wording", "wordings") + " from spintax {Hi|Hello}" :
                  "No spintax: one wording. Write {Hi|Hello} to vary it.";
              }
            }
          })
          .catch(function () { /* the check on save still runs */ });
      }, 400);
    });
  });

  // Variant tabs: one variant of a step at a time (all of them without JS).
  document.querySelectorAll(".step-card").forEach(function (card) {
    var tabs = card.querySelectorAll("[data-variant-tab]");
    var panels = card.querySelectorAll("[data-variant-panel]");
    if (tabs.length < 2) { return; }
    function show(id) {
      panels.forEach(function (p) { p.hidden = p.id !== id; });
      tabs.forEach(function (t) { t.setAttribute("aria-selected", t.getAttribute("href") === "#" + id ? "true" : "false"); });
    }
    tabs.forEach(function (t) {
      t.addEventListener("click", function (e) {
        e.preventDefault();
        show(t.getAttribute("href").slice(1));
      });
    });
    var withError = card.querySelector("[data-variant-panel] [aria-invalid=true]");
    var open = card.querySelector("[data-variant-open]") || panels[0];
    show(withError ? withError.closest("[data-variant-panel]").id : open.id);
  });

  // Import progress: poll every 2 s and reload once the import has ended
  // (without JS, a <noscript> meta refresh reloads the page instead).
  var progress = document.querySelector("[data-progress-url]");
  if (progress) {
    var poll = setInterval(function () {
      fetch(progress.getAttribute("data-progress-url"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (st) {
          if (!st) { return; }
          var bar = progress.querySelector("[data-progress-bar]");
          if (bar) { bar.value = st.percent; bar.textContent = st.percent + "%"; }
          var text = progress.querySelector("[data-progress-text]");
          if (text) { text.textContent = st.rowsDone.toLocaleString("en-US") + " of " + st.rowsTotal.toLocaleString("en-US") + " rows"; }
          progress.querySelectorAll("[data-count]").forEach(function (dd) {
            var v = st[dd.getAttribute("data-count")];
            if (typeof v === "number") { dd.textContent = v.toLocaleString("en-US"); }
          });
          if (st.status !== "running") {
            clearInterval(poll);
            window.location.reload();
          }
        })
        .catch(function () { /* try again at the next tick */ });
    }, 2000);
  }

  // After a failed submit, focus the first invalid field so keyboard and
  // screen-reader users land on what to fix; a template error puts the
  // cursor where the error is.
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) {
    invalid.focus();
    var at = invalid.getAttribute("data-error-at");
    if (at !== null && invalid.setSelectionRange) {
      var n = parseInt(at, 10);
      invalid.setSelectionRange(n, n + 1);
    }
  }

  // Replies: an email's HTML is shown in a sandboxed frame (same origin,
  // no scripts); it grows to its content so the thread reads as one page.
  document.querySelectorAll("iframe.mail-frame").forEach(function (frame) {
    function fit() {
      try {
        var doc = frame.contentDocument;
        if (doc && doc.documentElement) { frame.style.height = Math.max(40, doc.documentElement.offsetHeight + 2) + "px"; }
      } catch (e) { /* keep the stylesheet's height */ }
    }
    frame.addEventListener("load", fit);
    var d = frame.contentDocument;
    if (d && d.URL !== "about:blank" && d.readyState === "complete") { fit(); }
  });
})();
