// Print buttons without inline handlers (Content-Security-Policy): any [data-print] button prints the page.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
