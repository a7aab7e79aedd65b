// On a phone the page menu is one row that scrolls sideways: bring the current page into view
// (sideways only, so that a page opened at an anchor stays where it is).
"use strict";
(function () {
  var current = document.querySelector(".sub-nav [aria-current='page']");
  if (!current) return;
  var row = current.closest("ul");
  if (row && row.scrollWidth > row.clientWidth) {
    row.scrollLeft = current.offsetLeft - row.offsetLeft - (row.clientWidth - current.offsetWidth) / 2;
  }
})();
