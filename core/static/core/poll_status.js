// Long work's progress (an import run, a bulk confirmation): every element with data-poll-url is
// refreshed from that URL every 2 s until the fragment it receives carries data-finished.
// A file, not an inline script, so the Content-Security-Policy can forbid those.
(function () {
  document.querySelectorAll("[data-poll-url]").forEach(function (box) {
    function poll() {
      if (box.querySelector("[data-finished]")) return;
      fetch(box.dataset.pollUrl, {credentials: "same-origin"})
        .then((response) => response.ok ? response.text() : Promise.reject(response.status))
        .then((html) => { box.innerHTML = html; })
        .finally(() => setTimeout(poll, 2000));
    }
    setTimeout(poll, 2000);
  });
})();
