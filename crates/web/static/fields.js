// Saves a ticket's fields one at a time as the agent changes them (those marked
// data-inline), shows each field's message beside it, and keeps the form's version
// current so a later Save still works. Without this script the Save button does it all.
(function () {
  "use strict";
  var form = document.getElementById("fields");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var version = form.querySelector("input[name=version]");
  var csrf = form.querySelector("input[name=csrf]");

  function say(el, text, bad) {
    var slot = document.getElementById(el.id + "-msg");
    if (slot) {
      slot.textContent = text;
      slot.className = bad ? "field-msg" : "field-msg ok";
    }
    if (bad) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
  }

  function done(detail) {
    document.dispatchEvent(new CustomEvent("cairn:saved", { detail: detail }));
  }

  function save(el) {
    var body = new URLSearchParams();
    body.set("csrf", csrf.value);
    body.set("version", version.value);
    body.set(el.name, el.value);
    say(el, "Saving…", false);
    document.dispatchEvent(new CustomEvent("cairn:saving"));
    fetch(form.action, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" }, body: body })
      .then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      })
      .then(function (res) {
        if (!res.ok) {
          say(el, res.data.message || "Not saved.", true);
          done(null);
          return;
        }
        var d = res.data;
        version.value = d.version;
        Object.keys(d.fields).forEach(function (name) {
          var other = form.elements[name];
          if (other && other !== el && other !== document.activeElement && other.value !== d.fields[name]) other.value = d.fields[name];
        });
        var prio = document.getElementById("priority");
        if (prio) {
          prio.textContent = d.priority;
          prio.className = "prio p" + d.priority.charAt(1);
        }
        say(el, "Saved.", false);
        done({ version: d.version, updated_at: d.updated_at });
      })
      .catch(function () {
        say(el, "Not saved: no answer from the server. Use Save to try again.", true);
        done(null);
      });
  }

  // The assignee picker offers only the chosen group's members (and Unassigned); the
  // current assignee stays shown, marked, when the group no longer has them.
  var group = form.elements["group"];
  var assignee = form.elements["assignee"];
  function member(option, name) {
    return !name || !option.value || (option.getAttribute("data-groups") || "").indexOf("|" + name + "|") >= 0;
  }
  function offerMembers() {
    if (!group || !assignee) return;
    Array.prototype.forEach.call(assignee.options, function (o) {
      var offered = member(o, group.value);
      o.hidden = !offered && !o.selected;
      o.disabled = !offered;
    });
    var current = assignee.options[assignee.selectedIndex];
    if (current && !member(current, group.value)) {
      say(assignee, current.value + " is not a member of " + group.value + ": choose a member or Unassigned.", true);
    }
  }
  offerMembers();

  form.addEventListener("change", function (ev) {
    if (ev.target === group) offerMembers();
    if (ev.target && ev.target.hasAttribute("data-inline")) save(ev.target);
  });
  // Enter in a one-line field saves that field instead of the whole form.
  form.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (ev.key === "Enter" && el.tagName === "INPUT" && el.hasAttribute("data-inline")) {
      ev.preventDefault();
      el.blur();
    }
  });
})();
