// A strength meter under each new-password field (input[data-meter], its value the
// minimum length). Length is counted here as the server counts it (characters, not
// bytes); whether a long enough password is common or easy to guess is asked of the
// server, which answers with the same policy that refuses it on save. The verdict is
// written to a polite live region ("weak — too common"), so screen readers hear it.
// The form works the same without this script.
(function () {
  "use strict";
  var WORDS = ["very weak", "weak", "fair", "good", "strong"];

  function setUp(input) {
    var min = parseInt(input.getAttribute("data-meter"), 10) || 12;
    var text = document.getElementById(input.id + "-strength");
    var meter = document.getElementById(input.id + "-meter");
    var form = input.form;
    var csrf = form && form.querySelector("input[name=csrf]");
    if (!text || !csrf) return;
    var timer = null;
    var asked = 0;

    function show(score, words) {
      if (meter) {
        meter.hidden = false;
        meter.value = score;
      }
      text.textContent = words;
    }

    function ask(value, n) {
      var body = new URLSearchParams();
      body.set("csrf", csrf.value);
      body.set("password", value);
      fetch("/account/password-check", { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (v) {
          if (!v || n !== asked) return;
          var words = v.ok ? WORDS[v.score] : "weak — " + v.weakness;
          show(v.ok ? v.score : Math.min(v.score, 1), words);
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      var value = input.value;
      var chars = Array.from(value).length;
      asked += 1;
      clearTimeout(timer);
      if (chars === 0) {
        if (meter) meter.hidden = true;
        text.textContent = "";
      } else if (value.trim() === "") {
        show(0, "weak — only spaces");
      } else if (chars < min) {
        show(0, "weak — too short: " + chars + " of at least " + min + " characters");
      } else {
        var n = asked;
        timer = setTimeout(function () { ask(value, n); }, 300);
      }
    });
  }

  document.querySelectorAll("input[data-meter]").forEach(setUp);
})();
