// Text for HTML that JavaScript builds (ECharts tooltip formatters): names typed by users
// must never become markup.
window.kpEscapeHtml = function (value) {
  return String(value === null || value === undefined ? "" : value).replace(/[&<>"'`]/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" }[c];
  });
};

// Behaviour the templates ask for with data-* attributes, so no page needs inline script
// (the Content-Security-Policy allows scripts from this origin only).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
// (select[data-autosubmit] is nav.js's.)
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
  if (event.target.closest("a[data-inert]")) event.preventDefault();
});
