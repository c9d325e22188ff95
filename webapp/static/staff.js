// The staff console's only script: the readability panel as you type, live poll results,
// and decisions on long lists of answers made in place.
// Everything works without it (the panel refreshes on save, the big screen on reload).
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function setText(root, name, value) {
    var node = root.querySelector('[data-field="' + name + '"]');
    if (node) { node.textContent = value; }
    return node;
  }

  function listItems(list, items, emptyText) {
    list.textContent = "";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "hint";
      empty.textContent = emptyText;
      list.appendChild(empty);
    }
    items.forEach(function (item) { list.appendChild(item); });
  }

  function renderReadability(panel, data) {
    panel.querySelector('[data-field="empty"]').hidden = !data.empty;
    panel.querySelector('[data-field="scored"]').hidden = data.empty;
    setText(panel, "reading_age", data.reading_age.toFixed(1));
    setText(panel, "target", String(Math.round(data.target)));
    setText(panel, "empty_target", String(Math.round(data.target)));
    setText(panel, "passes", data.passes ? "easy enough" : "too hard");
    setText(panel, "words", String(data.words));
    setText(panel, "minutes", String(data.minutes_to_read));
    var verdict = panel.querySelector('[data-field="verdict"]');
    verdict.className = "verdict " + (data.empty ? "empty" : (data.passes ? "pass" : "fail"));
    listItems(panel.querySelector('[data-field="sentences"]'), data.sentences.map(function (s) {
      var li = document.createElement("li");
      if (s.long || s.hard) {
        var mark = document.createElement("mark");
        mark.textContent = s.text;
        var why = document.createElement("span");
        why.className = "why";
        var reasons = [];
        if (s.long) { reasons.push(s.words + " words"); }
        if (s.hard) { reasons.push("reading age " + Math.round(s.reading_age)); }
        why.textContent = " (" + reasons.join(", ") + ")";
        li.appendChild(mark);
        li.appendChild(why);
      } else {
        li.textContent = s.text;
      }
      return li;
    }), "");
    listItems(panel.querySelector('[data-field="glossary"]'), data.glossary_terms.map(function (t) {
      var li = document.createElement("li");
      var strong = document.createElement("strong");
      strong.textContent = t.term;
      li.appendChild(strong);
      li.appendChild(document.createTextNode(": " + t.explanation));
      return li;
    }), "No glossary words found.");
    listItems(panel.querySelector('[data-field="avoid"]'), Object.keys(data.words_to_avoid).map(function (w) {
      var li = document.createElement("li");
      li.textContent = "\u201c" + w + "\u201d \u2192 \u201c" + data.words_to_avoid[w] + "\u201d";
      return li;
    }), "None found.");
  }

  function watchReadability() {
    var panel = document.querySelector("[data-readability]");
    var source = document.querySelector("[data-readability-source]");
    if (!panel || !source || !window.fetch) { return; }
    var target = document.querySelector("[data-readability-target]");
    var timer = null;
    function refresh() {
      var body = new URLSearchParams();
      body.set("text", source.value);
      body.set("target", target ? target.value : (panel.dataset.target || "12"));
      if (panel.dataset.consultation) { body.set("consultation_id", panel.dataset.consultation); }
      fetch(panel.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
        body: body
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { renderReadability(panel, data); } })
        .catch(function () { /* the panel refreshes on save instead */ });
    }
    function later() { clearTimeout(timer); timer = setTimeout(refresh, 500); }
    source.addEventListener("input", later);
    if (target) { target.addEventListener("input", later); }
  }

  // Live poll pages: counts follow the votes every second. A change the page cannot
  // make in place (the results revealed, the poll closed or reopened) reloads it, and the
  // presenter view moves on by itself when the worker starts the next poll.
  function watchPoll() {
    var screen = document.querySelector("[data-live-results]");
    if (!screen || !window.fetch) { return; }
    var url = screen.getAttribute("data-live-results");
    var state = screen.getAttribute("data-live-state");
    var follows = screen.hasAttribute("data-follow-next");
    function words(data) {
      var place = screen.querySelector("[data-live-words]");
      if (!place || !data.words.length) { return; }
      var list = place.querySelector(".word-cloud");
      if (!list) { window.location.reload(); return; }
      list.textContent = "";
      data.words.forEach(function (w) {
        var li = document.createElement("li");
        li.className = "w" + w.size;
        li.appendChild(document.createTextNode(w.word + " "));
        var n = document.createElement("span");
        n.className = "n";
        n.textContent = String(w.count);
        li.appendChild(n);
        list.appendChild(li);
      });
    }
    function update(data) {
      if (follows && data.next) { window.location.assign(data.next); return false; }
      if (data.status + " " + (data.shown ? "True" : "False") !== state) {
        window.location.reload();
        return false;
      }
      screen.querySelector('[data-live="voters"]').textContent = String(data.voters);
      screen.querySelector('[data-live="voters-word"]').textContent = data.voters === 1 ? "vote" : "votes";
      if (data.kind === "words") { words(data); return true; }
      data.options.forEach(function (o) {
        var bar = screen.querySelector('[data-option="' + o.id + '"]');
        // The table row says in text what the bar draws: both change together.
        var row = screen.querySelector('[data-row="' + o.id + '"]');
        [bar, row].forEach(function (place) {
          if (!place) { return; }
          place.querySelector('[data-live="count"]').textContent = String(o.count);
          place.querySelector('[data-live="percent"]').textContent = String(Math.round(o.percent));
        });
        if (bar) { bar.querySelector("rect.fill").setAttribute("width", String(o.percent)); }
      });
      return true;
    }
    function poll() {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { return data ? update(data) : true; })
        .catch(function () { return true; /* try again on the next tick */ })
        .then(function (goOn) { if (goOn !== false) { setTimeout(poll, 1000); } });
    }
    setTimeout(poll, 1000);
  }

  // A decision or a tag on a long list: sent in the background and only that answer's part
  // of the page is replaced, so the place on the page is kept. Without this script the
  // server sends the browser back to the same answer by its anchor instead.
  function actInPlace() {
    if (!window.fetch || !window.DOMParser || !window.FormData) { return; }
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-in-place]")) { return; }
      var place = form.closest("[data-place]");
      if (!place || !place.id) { return; }
      event.preventDefault();
      var body = new FormData(form);
      if (event.submitter && event.submitter.name) {
        body.append(event.submitter.name, event.submitter.value);
      }
      var id = place.id;
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
      fetch(form.action, { method: "POST", credentials: "same-origin", body: body })
        .then(function (r) { return r.text().then(function (html) { return { url: r.url, html: html }; }); })
        .then(function (got) {
          var fresh = new DOMParser().parseFromString(got.html, "text/html");
          var replacement = fresh.getElementById(id);
          if (!replacement) { window.location.assign(got.url.split("#")[0] + "#" + id); return; }
          place.replaceWith(replacement);
          // Counts elsewhere on the page (the queue's size, the themes) follow the change.
          Array.prototype.forEach.call(document.querySelectorAll("[data-refresh][id]"), function (old) {
            var now = fresh.getElementById(old.id);
            if (now) { old.replaceWith(now); }
          });
          var stale = document.querySelector(".error-summary");
          if (stale) { stale.remove(); }
          if (window.history && window.history.replaceState) {
            window.history.replaceState(null, "", got.url.split("#")[0] + "#" + id);
          }
          replacement.focus({ preventScroll: true });
        })
        .catch(function () {
          // Not reached: send it the ordinary way, which keeps the place by its anchor.
          Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = false; });
          form.removeAttribute("data-in-place");
          form.requestSubmit(event.submitter || undefined);
        });
    });
  }

  // "Tick every answer on this page": shown only where the script runs.
  function tickAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-tick-all]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var boxes = document.querySelectorAll('input[type="checkbox"][form="' + button.getAttribute("data-tick-all") + '"]');
        var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
        Array.prototype.forEach.call(boxes, function (b) { b.checked = !all; });
      });
    });
  }

  watchReadability();
  watchPoll();
  actInPlace();
  tickAll();
})();
