// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // On a phone the facet sidebar starts folded so results come first.
    if (window.matchMedia("(max-width: 860px)").matches) {
      document.querySelectorAll("details.filters, details.tools-box").forEach(function (d) { d.removeAttribute("open"); });
      // Dates and sort fold away too, unless one is set (the user should see it is on).
      document.querySelectorAll("details.advanced-box").forEach(function (d) {
        var set = Array.prototype.some.call(d.querySelectorAll("input, select"), function (el) { return el.value; });
        if (!set) { d.removeAttribute("open"); }
      });
    }
    // Changing the sort order or dates re-runs the search at once.
    document.querySelectorAll(".searchbar select, .searchbar input[type=date]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // Choosing a facet value loads a new page: keep the keyboard focus on that value there.
    var KEY = "ct05-facet-focus";
    try {
      var wanted = window.sessionStorage.getItem(KEY);
      window.sessionStorage.removeItem(KEY);
      if (wanted) {
        document.querySelectorAll(".facet-value").forEach(function (a) {
          if (a.getAttribute("data-key") === wanted) {
            var more = a.closest("details.more");
            if (more) { more.setAttribute("open", ""); }
            var filters = a.closest("details.filters");
            if (filters) { filters.setAttribute("open", ""); }
            a.focus();
          }
        });
      }
      document.querySelectorAll(".facet-value").forEach(function (a) {
        a.addEventListener("click", function () { window.sessionStorage.setItem(KEY, a.getAttribute("data-key")); });
      });
    } catch (e) { /* storage disabled: focus simply starts at the top */ }
    // An article opened from a result list: its crumb leads back to that list, not to an empty search
    // (the page is cached per address, so the server cannot know where the reader came from).
    var back = document.querySelector("a[data-back]");
    if (back && document.referrer) {
      try {
        var from = new URL(document.referrer), path = from.pathname, label = "";
        if (path === "/search" && from.search) {
          label = "‹ Kết quả tìm kiếm";
        } else if (path.indexOf("/models/") === 0) {
          label = "‹ Mô hình “" + decodeURIComponent(path.slice(8)) + "”";
        } else if (path.indexOf("/provinces/") === 0) {
          label = "‹ " + decodeURIComponent(path.slice(11));
        }
        if (label && from.origin === window.location.origin) {
          back.href = path + from.search;
          back.textContent = label;
        }
      } catch (e) { /* an unparsable referrer: keep the plain link */ }
    }
    document.querySelectorAll("[data-action=print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();
