// Lists: the « Filtres » disclosure opens by itself on wide screens (on phones it stays folded unless a filter
// is active; without JavaScript it opens with a tap on its summary).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia || !window.matchMedia("(min-width: 48rem)").matches) return;
  document.querySelectorAll("details.filters-box").forEach(function (box) { box.open = true; });
});
