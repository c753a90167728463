/* The front page: pointing at a node of the concept-map thumbnail names it in the caption below
 * (the drawing itself is server-rendered SVG; without JavaScript the caption keeps the totals). */
(function () {
  "use strict";

  function init() {
    var map = document.querySelector("[data-testid=home-map] svg");
    var caption = document.getElementById("home-map-caption");
    if (!map || !caption) return;
    var totals = caption.textContent;
    map.addEventListener("mouseover", function (event) {
      var label = event.target.getAttribute && event.target.getAttribute("data-label");
      if (label) caption.textContent = label;
    });
    map.addEventListener("mouseleave", function () { caption.textContent = totals; });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
