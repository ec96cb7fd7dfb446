// The review page's installments follow the terms as they are typed: the server splits them
// ("Atualizar parcelas" does the same without JavaScript). A file, not an inline script, so the
// Content-Security-Policy can forbid those.
(function () {
  const form = document.getElementById("review-form");
  const box = document.getElementById("installment-preview-box");
  if (!form || !box) return;
  let timer = null;
  function refresh() {
    const data = new FormData(form);
    data.append("_preview", "1");
    data.append("_fragment", "preview");
    fetch(form.action || window.location.href, {method: "POST", body: data, credentials: "same-origin"})
      .then((response) => response.ok ? response.text() : Promise.reject(response.status))
      .then((html) => { box.innerHTML = html; });
  }
  // "Usar pagamento da loja": the store's method and installments into the form, then the preview.
  const useStore = document.getElementById("use-store-payment");
  if (useStore) useStore.addEventListener("click", () => {
    form.elements["payment_method"].value = useStore.dataset.method;
    form.elements["installments"].value = useStore.dataset.installments;
    form.elements["installments"].dispatchEvent(new Event("change", {bubbles: true}));
  });
  ["input", "change"].forEach((type) => form.addEventListener(type, (event) => {
    if (!event.target.name || event.target.type === "submit") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }));
})();
