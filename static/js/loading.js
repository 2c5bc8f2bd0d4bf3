// "Show me more" says it is working while the next set of picks loads.
(function () {
  "use strict";
  document.querySelectorAll("[data-loading-text]").forEach(function (link) {
    link.addEventListener("click", function () {
      link.textContent = link.dataset.loadingText;
      link.setAttribute("aria-busy", "true");
      link.classList.add("loading");
      document.querySelector("main").setAttribute("aria-busy", "true");
    });
  });
})();
