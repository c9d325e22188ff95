/* The site's web chat: a small socket.io client for a Rasa assistant's socketio channel.
   Messages are shown with textContent only, so nothing a message holds can run as HTML. */
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root) return;
  var log = root.querySelector(".chat-log");
  var choices = root.querySelector(".chat-buttons");
  var form = root.querySelector(".chat-form");
  var input = root.querySelector("#chat-input");
  var status = root.querySelector(".chat-status");
  var KEY = "youthvoice-chat-session";
  var sessionId = null;

  // What the chat says comes from the page (data-say-*), in the page's language.
  function word(name, english) { return root.dataset[name] || english; }
  function say(text) { status.textContent = text; }

  if (typeof window.io !== "function") {
    say(word("sayNoLoad", "The chat could not load. You can still have your say on the website."));
    return;
  }
  try { sessionId = window.sessionStorage.getItem(KEY); } catch (e) { sessionId = null; }

  function addLinks(node, text) {
    var parts = String(text).split(/(https?:\/\/[^\s]+)/);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var a = document.createElement("a");
        a.href = part;
        a.textContent = part;
        a.rel = "noopener";
        node.appendChild(a);
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    });
  }

  function add(who, text) {
    var item = document.createElement("li");
    item.className = "chat-" + who;
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = who === "me" ? word("sayMe", "You said: ") : word("sayBot", "Youth Voice said: ");
    item.appendChild(label);
    addLinks(item, text);
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  var socket = window.io(root.dataset.socketUrl, {
    path: root.dataset.socketPath || "/socket.io",
    transports: ["websocket", "polling"]
  });

  // The page's language travels with every message (Rasa's socket.io channel reads the
  // "metadata" key), so the assistant's actions answer in it.
  var metadata = { language: document.documentElement.lang || "en" };

  function send(text, shown) {
    choices.textContent = "";
    add("me", shown || text);
    socket.emit("user_uttered", { message: text, session_id: sessionId, metadata: metadata });
  }

  function showButtons(buttons) {
    choices.textContent = "";
    (buttons || []).forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () { send(b.payload, b.title); });
      choices.appendChild(button);
    });
  }

  socket.on("connect", function () {
    say(word("sayConnected", "Connected."));
    socket.emit("session_request", { session_id: sessionId });
  });
  socket.on("session_confirm", function (data) {
    var id = typeof data === "string" ? data : (data && data.session_id);
    var isNew = id !== sessionId;
    sessionId = id;
    try { window.sessionStorage.setItem(KEY, id); } catch (e) { /* private mode */ }
    if (isNew) socket.emit("user_uttered", { message: "/greet", session_id: sessionId, metadata: metadata });
  });
  socket.on("bot_uttered", function (message) {
    if (message && message.text) add("bot", message.text);
    showButtons(message && (message.quick_replies || message.buttons));
  });
  socket.on("connect_error", function () {
    say(word("sayNoConnect", "The chat can't connect right now. You can still have your say on the website."));
  });
  socket.on("disconnect", function () { say(word("sayReconnecting", "Reconnecting…")); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || !sessionId) return;
    input.value = "";
    send(text);
  });
})();
