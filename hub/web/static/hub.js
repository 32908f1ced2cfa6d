// The hub's pages work without this file; with it: htmx requests carry the CSRF token, "copy as JSON" copies.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector('meta[name="csrf-token"]');
  if (token) { event.detail.headers["x-csrftoken"] = token.content; }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) { return; }
  var source = document.getElementById(button.getAttribute("data-copy"));
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.value || source.textContent).then(function () {
      button.textContent = "Скопировано";
    });
  }
});
// a refused form (422) shows its message in place, as the full-page post does
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 422) { event.detail.shouldSwap = true; event.detail.isError = false; }
});
// on a phone a listing's rows reflow into cards (hub.css); each cell is labelled with its column's heading
function labelCells(root) {
  root.querySelectorAll("table").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    if (!heads.length) { return; }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (heads[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", heads[i]); }
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
document.addEventListener("htmx:afterSwap", function (event) { labelCells(event.target); });
