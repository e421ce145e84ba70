// Order forms: a question with data-show-if shows only while the question it names
// holds one of data-equals ("|"-separated); hidden questions are disabled, so they are
// not sent. The server checks the same rule on every order.
(function () {
  "use strict";
  var form = document.getElementById("order");
  if (!form) return;
  var answer = function (name) {
    var inputs = form.querySelectorAll("[name='a." + name + "']");
    var values = [];
    Array.prototype.forEach.call(inputs, function (el) {
      if (el.disabled) return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      if (el.value) values.push(el.value);
    });
    return values;
  };
  var update = function () {
    Array.prototype.forEach.call(form.querySelectorAll(".question[data-show-if]"), function (q) {
      var wanted = q.getAttribute("data-equals").split("|");
      var shown = answer(q.getAttribute("data-show-if")).some(function (v) { return wanted.indexOf(v) >= 0; });
      q.hidden = !shown;
      Array.prototype.forEach.call(q.querySelectorAll("input, select, textarea"), function (el) { el.disabled = !shown; });
    });
  };
  form.addEventListener("change", update);
  update();
})();
