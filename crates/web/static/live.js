// Live notices from the server's events: a ticket page says when its ticket changed,
// the queue says how many of its tickets changed since it was drawn. A hidden tab
// lets go of its connection and catches up when shown again, so background tabs do
// not use up the browser's connections. The pages work without this script.
(function () {
  "use strict";
  // Under 768 px the main menu starts folded behind its "Menu" button.
  var menu = document.getElementById("menu");
  if (menu && window.matchMedia && window.matchMedia("(max-width: 767px)").matches) menu.open = false;
})();

(function () {
  "use strict";
  if (!window.EventSource) return;

  // Listens on the element's data-events while the tab is visible.
  function follow(el, onChange) {
    var source = null;
    var open = function () {
      if (source || document.hidden) return;
      source = new EventSource(el.getAttribute("data-events"));
      source.addEventListener("changed", function (ev) {
        var data = {};
        try { data = JSON.parse(ev.data); } catch (e) { /* an empty event */ }
        if (onChange(data) === false) stop();
      });
    };
    var stop = function () { if (source) { source.close(); source = null; } };
    document.addEventListener("visibilitychange", function () { if (document.hidden) stop(); else open(); });
    open();
    return stop;
  }

  // The ticket page: news is a change this page did not save itself (fields.js saves
  // fields one by one and says so with "cairn:saving" and "cairn:saved").
  var ticket = document.getElementById("changed");
  if (ticket && ticket.getAttribute("data-events")) {
    var mine = { version: 0, at: 0 };
    var saving = 0;
    var waiting = [];
    var news = function (d) {
      return d.version === undefined || d.version > mine.version || d.updated_at > mine.at;
    };
    var check = function (d) {
      if (!news(d)) return true;
      ticket.hidden = false;
      return false;
    };
    document.addEventListener("cairn:saving", function () { saving += 1; });
    document.addEventListener("cairn:saved", function (ev) {
      saving = Math.max(0, saving - 1);
      if (ev.detail) {
        mine.version = Math.max(mine.version, ev.detail.version);
        mine.at = Math.max(mine.at, ev.detail.updated_at);
      }
      if (!saving) waiting.splice(0).forEach(check);
    });
    follow(ticket, function (d) {
      if (saving) { waiting.push(d); return true; }
      return check(d);
    });
  }

  var queue = document.getElementById("queue-changed");
  if (queue && queue.getAttribute("data-events")) {
    var seen = {};
    var count = 0;
    follow(queue, function (data) {
      (data.numbers || ["?"]).forEach(function (n) { if (!seen[n]) { seen[n] = true; count += 1; } });
      queue.querySelector(".what").textContent = count === 1
        ? "1 ticket changed since this list was loaded."
        : count + " tickets changed since this list was loaded.";
      queue.hidden = false;
    });
  }

  // The header's bell: the unread count, asked for on load, every 30 s while the tab
  // is visible, and when it is shown again.
  var bell = document.getElementById("bell");
  if (bell && window.fetch) {
    var shown = bell.querySelector(".count");
    var ask = function () {
      if (document.hidden) return;
      fetch(bell.getAttribute("data-unread"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) return;
          shown.textContent = d.unread > 0 ? String(d.unread) : "";
          bell.setAttribute("aria-label", d.unread === 1 ? "Notifications, 1 unread" : "Notifications, " + d.unread + " unread");
        })
        .catch(function () { /* the next round tries again */ });
    };
    ask();
    setInterval(ask, 30000);
    document.addEventListener("visibilitychange", ask);
  }
})();
