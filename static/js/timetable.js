// Timetable editor: a button with data-empties="ID" empties the element with that id (the
// "Close" of the item editor that htmx fills). A static file, as the Content-Security-Policy
// allows no inline handlers.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-empties]");
    if (!button) return;
    var target = document.getElementById(button.dataset.empties);
    if (target) target.replaceChildren();
  });
})();
