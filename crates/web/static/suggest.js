// While a requester describes a problem, shows published articles that may answer it
// and catalog items that may be what they need. Opening an article is counted (a
// request not raised afterwards was deflected). The form works the same without this
// script.
(function () {
  "use strict";
  var box = document.getElementById("suggestions");
  var title = document.getElementById("title");
  if (!box || !title || !window.fetch) return;
  var articles = document.getElementById("suggested-articles");
  var items = document.getElementById("suggested-items");
  var timer = null;
  var last = "";

  // Fills one part with links; returns whether it has any.
  function fill(part, links) {
    var list = part.querySelector("ul");
    list.textContent = "";
    links.forEach(function (l) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = l.href;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = l.text;
      li.appendChild(link);
      list.appendChild(li);
    });
    part.hidden = links.length === 0;
    return links.length > 0;
  }

  function show(found) {
    var a = fill(articles, (found.articles || []).map(function (x) {
      return { href: "/knowledge/" + encodeURIComponent(x.number) + "?via=suggestion", text: x.title };
    }));
    var i = fill(items, (found.items || []).map(function (x) {
      return { href: "/catalog/" + encodeURIComponent(x.id), text: x.name };
    }));
    box.hidden = !(a || i);
  }

  function ask() {
    var q = (title.value + " " + (document.getElementById("description") || {}).value).trim();
    if (q === last) return;
    last = q;
    if (q.length < 4) { show({}); return; }
    fetch("/knowledge/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : {}; })
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
