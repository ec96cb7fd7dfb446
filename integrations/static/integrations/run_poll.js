// An import run's page: refresh the status every 2 s until the run is finished (the fragment then
// carries data-finished). A file, not an inline script, so the Content-Security-Policy can forbid those.
(function () {
  const box = document.getElementById("run-status");
  if (!box) return;
  function poll() {
    if (box.querySelector("[data-finished]")) return;
    fetch(box.dataset.pollUrl, {credentials: "same-origin"})
      .then((response) => response.ok ? response.text() : Promise.reject(response.status))
      .then((html) => { box.innerHTML = html; })
      .finally(() => setTimeout(poll, 2000));
  }
  setTimeout(poll, 2000);
})();
