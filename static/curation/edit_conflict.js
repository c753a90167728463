/* The edit-conflict page: "Copy my text" puts the curator's unsaved value on the clipboard (or, where
 * the clipboard is not available, selects it for Ctrl+C). No inline script: a static file (CSP). */
(function () {
  "use strict";

  function copy(button) {
    var box = button.parentNode.querySelector("textarea");
    var said = button.parentNode.querySelector("[data-copied]");
    box.focus();
    box.select();
    var done = function () { if (said) said.hidden = false; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(box.value).then(done, function () {});
    } else {
      done(); // selected: Ctrl+C copies it
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-conflict]");
    if (button) copy(button);
  });
})();
