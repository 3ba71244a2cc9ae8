// The Fairdesk chat widget: add <script src="https://your-fairdesk/widget.js" async></script> to
// any page. Optional attributes: data-name="Visitor's name", data-title="Chat with us".
//
// The visitor's browser keeps a random visitor id, so a returning visitor sees the earlier
// conversation. Messages typed while the connection is down wait in an outbox (kept across
// reloads) and are sent when it comes back; the server recognises a message it already has.
(function () {
  "use strict";
  if (window.__fairdeskWidget) return;
  window.__fairdeskWidget = true;

  var script = document.currentScript;
  var origin = new URL(script ? script.src : "/widget.js", location.href).origin;
  var socketURL = origin.replace(/^http/, "ws") + "/widget/socket";
  var visitorName = (script && script.dataset.name) || "";
  var title = (script && script.dataset.title) || "Chat with us";
  var store = window.localStorage;

  function randomHex(bytes) {
    var values = new Uint8Array(bytes);
    crypto.getRandomValues(values);
    return Array.from(values, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  var visitorId = store.getItem("fairdesk.visitor");
  if (!visitorId) {
    visitorId = "v_" + randomHex(16);
    store.setItem("fairdesk.visitor", visitorId);
  }
  var outbox = [];
  try { outbox = JSON.parse(store.getItem("fairdesk.outbox") || "[]"); } catch (e) { outbox = []; }
  function saveOutbox() { store.setItem("fairdesk.outbox", JSON.stringify(outbox)); }

  // The widget lives in a shadow root so the host page's styles cannot break it.
  var host = document.createElement("div");
  host.id = "fairdesk-widget";
  document.body.appendChild(host);
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    '<style>' +
    ':host { all: initial; }' +
    '.fd { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; display: flex; flex-direction: column; align-items: flex-end; font: 15px/1.4 system-ui, sans-serif; color: #1f2933; }' +
    '.toggle { background: #1d5c8f; color: #fff; border: 0; border-radius: 999px; padding: 12px 18px; font: inherit; font-weight: 600; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.2); }' +
    '.toggle:focus-visible, button:focus-visible, textarea:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }' +
    '.panel { display: none; flex-direction: column; width: min(360px, calc(100vw - 32px)); height: min(480px, calc(100vh - 96px)); background: #fff; border: 1px solid #d9e0e6; border-radius: 12px; box-shadow: 0 8px 28px rgba(0,0,0,.2); overflow: hidden; margin-bottom: 10px; }' +
    '.open .panel { display: flex; }' +
    '.head { background: #1d5c8f; color: #fff; padding: 10px 14px; }' +
    '.head strong { display: block; } .head small { opacity: .85; }' +
    '.log { flex: 1; overflow-y: auto; padding: 10px; background: #f5f7f9; }' +
    '.msg { max-width: 85%; margin: 6px 0; padding: 7px 10px; border-radius: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }' +
    '.msg small { display: block; font-size: 11px; color: #61707f; margin-bottom: 2px; }' +
    '.inbound { margin-left: auto; background: #dbeafe; }' +
    '.outbound { background: #fff; border: 1px solid #d9e0e6; }' +
    '.pending { opacity: .6; }' +
    '.state { font-size: 12px; color: #61707f; padding: 2px 12px; min-height: 16px; }' +
    'form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #d9e0e6; }' +
    'textarea { flex: 1; resize: none; font: inherit; padding: 6px 8px; border: 1px solid #aab5bf; border-radius: 8px; }' +
    'form button { background: #1d5c8f; color: #fff; border: 0; border-radius: 8px; padding: 0 14px; font: inherit; cursor: pointer; }' +
    '</style>' +
    '<div class="fd">' +
    '<div class="panel" role="dialog" aria-label="Chat with support">' +
    '<div class="head"><strong></strong><small>A person answers. You can ask for one at any time.</small></div>' +
    '<div class="log" role="log" aria-live="polite"></div>' +
    '<div class="state" aria-live="polite"></div>' +
    '<form><label for="fd-text" style="position:absolute;left:-9999px">Your message</label>' +
    '<textarea id="fd-text" rows="2" placeholder="Type your message"></textarea>' +
    '<button type="submit">Send</button></form>' +
    '</div>' +
    '<button class="toggle" type="button" aria-expanded="false"></button>' +
    '</div>';

  var box = root.querySelector(".fd");
  var log = root.querySelector(".log");
  var state = root.querySelector(".state");
  var toggle = root.querySelector(".toggle");
  var text = root.querySelector("textarea");
  root.querySelector(".head strong").textContent = title;
  toggle.textContent = title;

  toggle.addEventListener("click", function () {
    var open = !box.classList.contains("open");
    box.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Close chat" : title;
    if (open) text.focus();
  });

  var shown = new Set();
  function bubble(direction, author, body, when) {
    var item = document.createElement("div");
    item.className = "msg " + direction;
    var label = document.createElement("small");
    label.textContent = author + (when ? " · " + new Date(when).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "");
    var content = document.createElement("div");
    content.textContent = body;
    item.appendChild(label);
    item.appendChild(content);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }
  function show(message) {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    cursor = message.cursor;
    bubble(message.direction, message.direction === "inbound" ? "You" : message.author, message.body, message.at);
  }

  var pendingBubbles = {};
  outbox.forEach(function (item) {
    pendingBubbles[item.clientId] = bubble("inbound pending", "You (sending…)", item.body);
  });

  var socket = null, cursor = null, greeted = false, delay = 1000;
  function send(item) {
    if (socket && socket.readyState === 1 && greeted) {
      socket.send(JSON.stringify({ type: "send", clientId: item.clientId, body: item.body }));
    }
  }
  function connect() {
    socket = new WebSocket(socketURL);
    socket.onopen = function () {
      delay = 1000;
      state.textContent = "";
      // First connection: the last messages. After a drop: only what was missed.
      socket.send(JSON.stringify({ type: "hello", visitorId: visitorId, name: visitorName, after: cursor }));
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "history") {
        (data.messages || []).forEach(show);
        greeted = true;
        outbox.forEach(send);
      } else if (data.type === "message") {
        show(data.message);
      } else if (data.type === "ack") {
        outbox = outbox.filter(function (item) { return item.clientId !== data.clientId; });
        saveOutbox();
        var pending = pendingBubbles[data.clientId];
        if (pending) { pending.remove(); delete pendingBubbles[data.clientId]; }
      } else if (data.type === "error") {
        state.textContent = data.error || "Something went wrong.";
      }
    };
    socket.onclose = function () {
      greeted = false;
      state.textContent = "Connection lost; reconnecting… Messages you write will be sent.";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    };
  }

  root.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = text.value.trim();
    if (!body) return;
    var item = { clientId: randomHex(12), body: body };
    outbox.push(item);
    saveOutbox();
    pendingBubbles[item.clientId] = bubble("inbound pending", "You (sending…)", body);
    text.value = "";
    send(item);
  });
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      root.querySelector("form").requestSubmit();
    }
  });

  connect();
})();
