// Bulk edit in the queue: shift-click chooses a range, "x" chooses the focused row,
// the header box chooses the whole page, and the bar counts what is chosen. Without
// this script the boxes still post.
(function () {
  "use strict";
  var form = document.getElementById("bulk");
  if (!form) return;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#queue input[name=n]"));
  var all = document.getElementById("bulk-all");
  var count = document.getElementById("bulk-count");
  var last = null;

  function update() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    if (count) count.textContent = n === 0 ? "No tickets chosen" : n === 1 ? "1 ticket chosen" : n + " tickets chosen";
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
    boxes.forEach(function (b) { b.closest("tr").classList.toggle("chosen", b.checked); });
  }

  boxes.forEach(function (b, i) {
    b.addEventListener("click", function (ev) {
      if (ev.shiftKey && last !== null) {
        for (var k = Math.min(i, last); k <= Math.max(i, last); k++) boxes[k].checked = b.checked;
      }
      last = i;
      update();
    });
  });
  if (all) all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    update();
  });

  document.addEventListener("keydown", function (ev) {
    if ((ev.key !== "x" && ev.key !== "b") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var el = document.activeElement;
    if (!el || el.isContentEditable || (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && el.type !== "checkbox")) return;
    if (ev.key === "b") {
      ev.preventDefault();
      document.getElementById("bulk-assignee").focus();
      return;
    }
    var row = el.closest("#queue tbody tr");
    var box = row && row.querySelector("input[name=n]");
    if (!box) return;
    ev.preventDefault();
    box.checked = !box.checked;
    last = boxes.indexOf(box);
    update();
  });
  update();
})();
