/* Accord's few behaviours, all progressive: every page works without JavaScript. Loaded from a file (never
   inline) so the pages' Content-Security-Policy can say script-src 'self'. */
(function () {
  "use strict";

  // Copy buttons beside read-only values (invitation links, a new API token). Without JavaScript the buttons
  // stay hidden and the values are plain selectable inputs.
  function copy(input) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(input.value); }
    return new Promise(function (resolve, reject) {
      input.select();
      try { if (document.execCommand("copy")) { resolve(); return; } } catch (error) { /* reported below */ }
      reject();
    });
  }

  function setUpCopyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy"));
      if (!input) { return; }
      var status = document.getElementById(input.id + "_status");
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(input).then(function () {
          status.textContent = button.getAttribute("data-copied");
        }, function () {
          input.focus();
          input.select();
          status.textContent = "Could not copy: it is selected, so copy it with your keyboard or menu.";
        });
      });
    });
    document.querySelectorAll(".copy-link input[readonly]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  // The join form: the group's fields hide when one applies as an individual. Without JavaScript every field shows.
  function setUpJoinForm() {
    var section = document.getElementById("group-section");
    var radios = document.querySelectorAll('input[type="radio"][name="kind"]');
    if (!section || radios.length === 0) { return; }
    function update() {
      var chosen = document.querySelector('input[type="radio"][name="kind"]:checked');
      section.hidden = !!chosen && chosen.value === "individual";
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  // htmx: refusals (4xx) come back as a message the server swaps into #messages itself (see
  // accord.web.middleware). A server error or a lost connection has no such message, so say so here rather than
  // fail silently.
  function say(text) {
    var region = document.getElementById("messages");
    if (!region) { return; }
    var message = document.createElement("p");
    message.className = "message message--error";
    message.textContent = text;
    region.replaceChildren(message);
  }

  function setUpHtmxErrors() {
    document.body.addEventListener("htmx:responseError", function (event) {
      var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
      if (status >= 500) {
        say("Something went wrong on the server, so this was not done. Try again in a minute.");
      }
    });
    document.body.addEventListener("htmx:sendError", function () {
      say("Accord could not be reached, so this was not done. Check your connection and try again.");
    });
  }

  setUpCopyButtons();
  setUpJoinForm();
  setUpHtmxErrors();
})();
