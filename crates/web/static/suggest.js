// While a requester describes a problem, shows published articles that may answer it.
// Opening one is counted (a request not raised afterwards was deflected). The form
// works the same without this script.
(function () {
  "use strict";
  var box = document.getElementById("suggestions");
  var title = document.getElementById("title");
  if (!box || !title || !window.fetch) return;
  var list = box.querySelector("ul");
  var timer = null;
  var last = "";

  function show(items) {
    list.textContent = "";
    items.forEach(function (a) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "/knowledge/" + encodeURIComponent(a.number) + "?via=suggestion";
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = a.title;
      li.appendChild(link);
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  function ask() {
    var q = (title.value + " " + (document.getElementById("description") || {}).value).trim();
    if (q === last) return;
    last = q;
    if (q.length < 4) { show([]); return; }
    fetch("/knowledge/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(show)
      .catch(function () { /* suggestions are a help, not a need */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 300);
  }
  title.addEventListener("input", later);
  var description = document.getElementById("description");
  if (description) description.addEventListener("input", later);
})();
