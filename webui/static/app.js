// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // On a phone the facet sidebar starts folded so results come first.
    if (window.matchMedia("(max-width: 860px)").matches) {
      document.querySelectorAll("details.filters").forEach(function (d) { d.removeAttribute("open"); });
    }
    // Changing the sort order or dates re-runs the search at once.
    document.querySelectorAll(".searchbar select, .searchbar input[type=date]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    document.querySelectorAll("[data-action=print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();
