// 审核队列: "全选本页" checks or clears every report checkbox of the page.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("input[data-select-all]"), function (master) {
    var name = master.getAttribute("data-select-all");
    master.addEventListener("change", function () {
      Array.prototype.forEach.call(document.querySelectorAll('input[type=checkbox][name="' + name + '"]'), function (box) {
        box.checked = master.checked;
      });
    });
  });
}());
