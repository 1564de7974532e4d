// The admin pages' small enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // A bulk form: a box that ticks every case on the page, and a count of
  // the ticked ones, announced as it changes.
  document.querySelectorAll("form[data-bulk]").forEach(function (form) {
    var all = form.querySelector("[data-tick-all]");
    var count = form.querySelector("[data-selected-count]");
    var boxes = form.querySelectorAll("input[name=case_id]");
    var update = function () {
      var n = 0;
      boxes.forEach(function (b) { if (b.checked) { n++; } });
      if (count) {
        count.hidden = false;
        count.textContent = n === 1 ? "1 case ticked" : n + " cases ticked";
      }
      if (all) {
        all.checked = n === boxes.length && n > 0;
        all.indeterminate = n > 0 && n < boxes.length;
      }
    };
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  });
});
