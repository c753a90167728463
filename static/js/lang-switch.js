/* The header's language menu: choosing a language submits its form (the <noscript> button does the
 * same without JavaScript). A file of its own because the Content-Security-Policy allows no inline
 * event handlers. */
(function () {
  "use strict";

  function init() {
    var select = document.getElementById("lang-select");
    if (!select || !select.form) return;
    select.addEventListener("change", function () { select.form.submit(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
