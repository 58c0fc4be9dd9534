// The main menu: one drop-down open at a time, closed by a click elsewhere or Escape;
// the menu button below 900 px; the language selector submits on change.
(function () {
  "use strict";
  var groups = Array.prototype.slice.call(document.querySelectorAll("details[data-nav-group]"));

  function closeAll(except) {
    groups.forEach(function (group) {
      if (group !== except) { group.removeAttribute("open"); }
    });
  }

  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) { closeAll(group); }
    });
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest("details[data-nav-group]")) { closeAll(null); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeAll(null); }
  });

  var toggle = document.querySelector("[data-nav-toggle]");
  if (toggle) {
    var header = toggle.closest("header");
    toggle.addEventListener("click", function () {
      var open = !header.classList.contains("nav-open");
      header.classList.toggle("nav-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
}());
