// While photos are processing, ask the API every few seconds and reload the closet as soon
// as one of them is ready or failed, so nobody has to press reload.
(function () {
  "use strict";
  const script = document.currentScript;
  const pending = Array.from(document.querySelectorAll(".item-card[data-status=pending]"));
  if (!script || !pending.length || !window.fetch) return;
  const waiting = new Set(pending.map(function (card) { return card.dataset.id; }));

  function check() {
    fetch(script.dataset.api + "?limit=500", { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        const changed = body && body.results.some(function (item) {
          return waiting.has(String(item.id)) && item.status !== "pending";
        });
        if (changed) window.location.reload();
        else window.setTimeout(check, 2000);
      })
      .catch(function () { window.setTimeout(check, 5000); });
  }
  window.setTimeout(check, 1500);
})();
