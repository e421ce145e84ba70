// Keyboard shortcuts for agents ("?" lists them). The pages work without this script.
(function () {
  "use strict";
  var QUEUE_KEY = "cairn.queue";
  var typing = function (el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  };
  var $ = function (css) { return document.querySelector(css); };

  // The queue remembers its tickets in order, so a ticket page knows the next one.
  var links = Array.prototype.slice.call(document.querySelectorAll("table.queue td.num a, table.queue td:first-child a[href^='/tickets/']"));
  if (links.length && $("#queue")) {
    try { sessionStorage.setItem(QUEUE_KEY, JSON.stringify(links.map(function (a) { return a.getAttribute("href"); }))); } catch (e) { /* private mode */ }
  }

  function move(step) {
    if (!links.length) return;
    var i = links.indexOf(document.activeElement);
    var next = i < 0 ? 0 : Math.min(links.length - 1, Math.max(0, i + step));
    links[next].focus();
  }

  function nextTicket() {
    var list;
    try { list = JSON.parse(sessionStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { list = []; }
    var i = list.indexOf(location.pathname);
    if (i >= 0 && i + 1 < list.length) location.href = list[i + 1];
  }

  function write(visibility) {
    var radio = $("form.reply input[name=visibility][value=" + visibility + "]");
    var body = $("#body");
    if (!radio || !body) return;
    radio.checked = true;
    body.focus();
  }

  function assignToMe() {
    var me = document.body.getAttribute("data-me");
    var select = $("#f-assignee");
    if (!me || !select) return;
    var mine = Array.prototype.find.call(select.options, function (o) { return o.value === me; });
    if (!mine || mine.disabled) {
      // Not in the chosen group (fields.js marks who is): say so rather than send a refused save.
      var group = $("#f-group");
      var msg = $("#f-assignee-msg");
      if (msg) {
        msg.textContent = "You are not a member of " + (group ? group.value : "this group") + ": choose another group to take the ticket.";
        msg.className = "field-msg";
      }
      select.setAttribute("aria-invalid", "true");
      select.focus();
      return;
    }
    select.value = me;
    $("#fields").requestSubmit();
  }

  function resolve() {
    var status = $("#f-status");
    if (!status || !status.querySelector("option[value=resolved]")) return;
    status.value = "resolved";
    var code = $("#f-code");
    (code || status).focus();
  }

  var actions = {
    "?": function () { var d = $("#shortcuts"); if (d && !d.open) d.showModal(); },
    "/": function () { var q = $("#global-q"); if (q) q.focus(); },
    "j": function () { move(1); },
    "k": function () { move(-1); },
    "]": nextTicket,
    "r": function () { write("public"); },
    "n": function () { write("internal"); },
    "a": assignToMe,
    "e": resolve
  };

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    var act = actions[ev.key];
    if (!act) return;
    ev.preventDefault();
    act();
  });
})();
