/* The queue's bulk bar: a header checkbox ticks every row of the page, the count of ticked rows,
   and only the fields of the chosen action. Without JavaScript every field shows and the server
   ignores those the action does not use. */
"use strict";

(function () {
  var form = document.querySelector("[data-testid=bulk-form]");
  if (!form) return;
  var all = form.querySelector("[data-select-page]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("input[name=references]"));
  var count = form.querySelector("[data-testid=ticked-count]");
  var ticked = form.querySelector("input[name=select][value=ticked]");
  var action = form.querySelector("[data-bulk-action]");

  function refresh() {
    var n = rows.filter(function (box) { return box.checked; }).length;
    count.textContent = "(" + n + ")";
    if (all) {
      all.checked = rows.length > 0 && n === rows.length;
      all.indeterminate = n > 0 && n < rows.length;
    }
  }

  if (all && rows.length) {
    all.hidden = false;
    all.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = all.checked; });
      ticked.checked = true;
      refresh();
    });
  }
  rows.forEach(function (box) {
    box.addEventListener("change", function () { ticked.checked = true; refresh(); });
  });

  function showFields() {
    form.querySelectorAll("[data-for-action]").forEach(function (field) {
      field.hidden = field.dataset.forAction.split(" ").indexOf(action.value) < 0;
    });
  }
  action.addEventListener("change", showFields);
  showFields();
  refresh();
})();
