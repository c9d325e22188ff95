/* "Tell me in this browser": asks for permission, subscribes through the site's service
   worker, and sends the subscription to the site. Without scripts, or in a browser that has
   no notifications, the button stays hidden and the private link is still there. */
(function () {
  "use strict";

  var box = document.getElementById("push-on");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window)) {
    return;
  }
  var button = box.querySelector("button");
  var status = document.getElementById("push-status");
  box.hidden = false;

  function say(words) {
    status.textContent = words;
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  // What went wrong, in the page's own words: a browser's error messages are in English
  // and mean little to a young person.
  function Refusal(words) {
    this.words = words;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw new Refusal(box.getAttribute("data-refused"));
      }
      return navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.getAttribute("data-key")),
      });
    }).then(function (subscription) {
      return fetch(box.getAttribute("data-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": box.getAttribute("data-csrf"),
        },
        body: JSON.stringify(subscription.toJSON()),
      });
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (refused) {
          throw new Refusal(refused.detail || box.getAttribute("data-failed"));
        });
      }
      say(box.getAttribute("data-done"));
      button.hidden = true;
    }).catch(function (error) {
      say(error instanceof Refusal ? error.words : box.getAttribute("data-failed"));
      button.disabled = false;
    });
  });
})();
