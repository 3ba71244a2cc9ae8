// Fairdesk pages: shows times in the reader's time zone, and keeps the inbox and the case view
// up to date over the /live socket. Events only say "something changed"; the page then asks the
// server for what changed, so a page that was disconnected catches up the same way.
(function () {
  "use strict";

  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) return;
      el.title = el.getAttribute("datetime");
      el.textContent = date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    });
  }
  localTimes(document);

  // Forms: no double submits.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  var livePath = document.body.dataset.live;
  if (!livePath) return;
  var status = document.querySelector(".live-status");
  function say(text) {
    if (!status) return;
    status.hidden = !text;
    status.textContent = text;
  }

  var inbox = document.querySelector("table[data-rows]");
  var caseView = document.querySelector(".case-layout[data-case]");

  var refreshTimer = null;
  function refreshInbox() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      fetch(inbox.dataset.rows, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var body = document.getElementById("inbox-rows");
          var before = new Set(Array.from(body.querySelectorAll("tr[data-case]"), function (tr) { return tr.dataset.case; }));
          body.innerHTML = html;
          body.querySelectorAll("tr[data-case]").forEach(function (tr) {
            if (!before.has(tr.dataset.case)) tr.classList.add("fresh");
          });
          localTimes(body);
        })
        .catch(function () {});
    }, 150);
  }

  var busy = false, pending = false;
  function catchUp(withSummary) {
    if (withSummary) {
      fetch(caseView.dataset.summary, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var old = document.getElementById("case-summary");
          if (old) old.outerHTML = html;
        })
        .catch(function () {});
    }
    if (busy) { pending = true; return; }
    busy = true;
    var url = caseView.dataset.entries + "?after=" + encodeURIComponent(caseView.dataset.cursor);
    fetch(url, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) return Promise.reject(r.status);
        var cursor = r.headers.get("X-Fairdesk-Cursor");
        if (cursor) caseView.dataset.cursor = cursor;
        return r.text();
      })
      .then(function (html) {
        if (!html.trim()) return;
        var list = document.getElementById("timeline");
        var holder = document.createElement("ol");
        holder.innerHTML = html;
        var added = 0;
        Array.from(holder.children).forEach(function (item) {
          if (item.id && document.getElementById(item.id)) return;
          item.classList.add("fresh");
          list.appendChild(item);
          localTimes(item);
          added++;
        });
        if (added) say(added === 1 ? "1 new entry below." : added + " new entries below.");
      })
      .catch(function () {})
      .finally(function () {
        busy = false;
        if (pending) { pending = false; catchUp(false); }
      });
  }

  var connectedBefore = false;
  function connect(delay) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + livePath);
    socket.onopen = function () {
      delay = 1000;
      say("");
      // After a drop, fetch whatever happened while we were away.
      if (connectedBefore) {
        if (inbox) refreshInbox();
        if (caseView) catchUp(true);
      }
      connectedBefore = true;
      document.body.dataset.liveConnected = "true";
    };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (inbox) refreshInbox();
      if (caseView && (event.caseId === caseView.dataset.case || event.customerId === caseView.dataset.customer)) {
        catchUp(event.caseId === caseView.dataset.case);
      }
    };
    socket.onclose = function () {
      document.body.dataset.liveConnected = "false";
      say("Connection lost; reconnecting…");
      setTimeout(function () { connect(Math.min(delay * 2, 15000)); }, delay);
    };
  }
  connect(1000);
})();
