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

  // Read-only inputs holding something to copy select it all on focus.
  document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  // After a failed submit, focus the first invalid field so keyboard and
  // screen-reader users land on what to fix.
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) { invalid.focus(); }
})();
