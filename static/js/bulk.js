// Participant list: a "select this page" checkbox in the heading of the selection column.
// Without the script each row is ticked by hand, or "all matching" is chosen; nothing else
// depends on it.
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("bulk-form");
    var all = document.getElementById("bulk-select-page");
    if (!form || !all) return;
    var boxes = form.querySelectorAll("input[name=participant]");
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var ticked = form.querySelectorAll("input[name=participant]:checked").length;
        all.checked = ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
