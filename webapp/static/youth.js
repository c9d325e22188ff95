/* Small helps on the answer form. Each is extra: the form works the same without scripts. */
(function () {
  "use strict";

  // A failed send: the summary of what needs another look takes the focus (where the
  // browser did not honour autofocus), and each of its links goes to its field.
  var summary = document.getElementById("error-summary");
  if (summary) {
    if (document.activeElement !== summary) {
      summary.focus();
    }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        return;
      }
      event.preventDefault();
      // Bring the question or label into view with the control, not the control alone.
      (target.closest(".field, fieldset") || target).scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }

  // A live count of the characters left in a written answer. The limit is already in words
  // under the box; a screen reader hears the count once typing pauses, not every key.
  var boxes = document.querySelectorAll("textarea[maxlength][data-counter]");
  Array.prototype.forEach.call(boxes, function (box) {
    var limit = parseInt(box.getAttribute("maxlength"), 10);
    var words = box.getAttribute("data-counter");
    var shown = document.createElement("p");
    var said = document.createElement("p");
    var pause = null;
    shown.className = "counter";
    shown.setAttribute("aria-hidden", "true");
    said.className = "visually-hidden";
    said.setAttribute("aria-live", "polite");
    var hint = document.getElementById(box.id + "-hint") || box;
    hint.insertAdjacentElement("afterend", shown);
    shown.insertAdjacentElement("afterend", said);

    function left() {
      return words.replace("{num}", String(limit - box.value.length));
    }
    function update() {
      shown.textContent = left();
      shown.classList.toggle("nearly-full", limit - box.value.length <= limit / 10);
      window.clearTimeout(pause);
      pause = window.setTimeout(function () {
        said.textContent = left();
      }, 1000);
    }
    box.addEventListener("input", update);
    shown.textContent = left();
  });
})();
