// Phones: « Menu » opens and closes the header's menu in place (without JavaScript, the #menu link opens it
// through :target and « Fermer le menu » closes it).
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".menu-toggle");
  var header = document.getElementById("menu");
  if (!toggle || !header) return;
  toggle.setAttribute("role", "button");
  toggle.setAttribute("aria-expanded", "false");
  toggle.addEventListener("click", function (event) {
    event.preventDefault();
    var open = header.classList.toggle("is-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.textContent = open ? toggle.dataset.closeLabel : toggle.dataset.openLabel;
  });
  toggle.addEventListener("keydown", function (event) {
    if (event.key === " ") { event.preventDefault(); toggle.click(); }
  });
});
