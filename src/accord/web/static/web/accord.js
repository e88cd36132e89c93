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


  // Moments: the page says them in UTC (<time datetime="..." data-local-time>); shown here in the viewer's own
  // time zone. Without JavaScript the UTC text stays, and says "UTC".
  function setUpLocalTimes(root) {
    if (!window.Intl || !Intl.DateTimeFormat) { return; }
    (root || document).querySelectorAll("time[data-local-time]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) { return; }
      var options = { year: "numeric", month: "short", day: "numeric" };
      if (element.getAttribute("data-local-time") !== "date") {
        options.hour = "2-digit";
        options.minute = "2-digit";
        options.timeZoneName = "short";
      }
      element.textContent = moment.toLocaleString(undefined, options);
      element.title = element.getAttribute("datetime");
    });
  }

  // Forms with date-and-time inputs read them in the browser's time zone: fill the hidden zone fields
  // (data-time-zone: the zone's name; data-time-zone-offset: minutes east of UTC at the moment typed) and name the
  // zone in the hint. Without JavaScript the fields stay empty and the server reads the times as UTC.
  function setUpTimeZoneFields() {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { zone = ""; }
    // Prefilled times come in UTC (data-utc-value, what the server reads without JavaScript): say them locally.
    document.querySelectorAll("input[data-utc-value]").forEach(function (input) {
      var moment = new Date(input.getAttribute("data-utc-value") + ":00Z");
      if (isNaN(moment.getTime()) || input.value !== input.getAttribute("data-utc-value")) { return; }
      function two(number) { return String(number).padStart(2, "0"); }
      input.value = moment.getFullYear() + "-" + two(moment.getMonth() + 1) + "-" + two(moment.getDate()) + "T" +
        two(moment.getHours()) + ":" + two(moment.getMinutes());
    });
    document.querySelectorAll("input[data-time-zone]").forEach(function (input) { input.value = zone; });
    document.querySelectorAll("[data-time-zone-name]").forEach(function (element) {
      element.textContent = zone ? "your time zone (" + zone + ")" : "your device's time zone";
    });
    document.querySelectorAll("input[data-time-zone-offset]").forEach(function (input) {
      var form = input.form;
      function update() {
        var typed = form && form.querySelector('input[type="datetime-local"]');
        var moment = typed && typed.value ? new Date(typed.value) : new Date();
        if (isNaN(moment.getTime())) { moment = new Date(); }
        input.value = String(-moment.getTimezoneOffset());
      }
      update();
      if (form) { form.addEventListener("submit", update); }
    });
  }

  // Stance forms: choosing "block" (or a fist-to-five score that blocks) marks the reason as required. The server
  // still decides; this only says so before sending.
  function setUpBlockReasons() {
    document.querySelectorAll("[data-reason-for]").forEach(function (reason) {
      var form = reason.form;
      if (!form) { return; }
      var blocking = (reason.getAttribute("data-blocking") || "").split(" ");
      var marker = document.getElementById(reason.id + "_required");
      function update() {
        var chosen = form.querySelector('input[type="radio"][name="' + reason.getAttribute("data-reason-for") + '"]:checked');
        var required = !!chosen && blocking.indexOf(chosen.value) !== -1;
        reason.required = required;
        reason.setAttribute("aria-required", required ? "true" : "false");
        if (marker) { marker.hidden = !required; }
      }
      form.addEventListener("change", update);
      update();
    });
  }

  // The decision-kind select: the chosen kind's rule, in plain words, beside it. Without JavaScript the page shows
  // the rule of the kind chosen when it loaded, and every kind's rule in the list below.
  function setUpKindRules() {
    document.querySelectorAll("select[data-kind-select]").forEach(function (select) {
      var target = document.getElementById(select.getAttribute("data-kind-select"));
      if (!target) { return; }
      function update() {
        var option = select.options[select.selectedIndex];
        var rule = option ? option.getAttribute("data-rule") : "";
        target.replaceChildren();
        if (rule) {
          var strong = document.createElement("strong");
          strong.textContent = "Rule:";
          target.append(strong, " " + rule);
        } else {
          target.textContent = "Choose a kind to see its rule here.";
        }
      }
      select.addEventListener("change", update);
    });
  }

  setUpCopyButtons();
  setUpJoinForm();
  setUpHtmxErrors();
  setUpLocalTimes(document);
  setUpTimeZoneFields();
  setUpBlockReasons();
  setUpKindRules();
  document.body.addEventListener("htmx:afterSwap", function (event) { setUpLocalTimes(event.target); });
})();

/* --- Facilitator mode and the projector (accord.web.views.facilitation; templates web/facilitation/) -------------
   Keyboard first, all progressive: without JavaScript each row is a form with real buttons, the search is a GET
   form and the projector reloads itself (<noscript> meta refresh).
   In facilitator mode: typing a name (or "/") goes to the search box; ArrowDown goes to the list; ArrowUp/Down,
   Home and End move between rows; a row's keys (its buttons' data-key: a agree, d disagree, s stand aside,
   x abstain, b block, or the button's number; 0-5 under fist-to-five) record for the focused row; a stance that
   needs a reason asks for it in the row and Enter then records it; Escape goes back. After recording, focus goes
   back to the search box when a search is typed, else to the next row; the page's live region announces it. */
(function () {
  "use strict";

  var recording = null; // the unit key of the row whose stance is being recorded

  function units() { return document.querySelector("[data-facilitate-units]"); }
  function searchBox() { return document.querySelector("[data-facilitate-search]"); }
  function rowsIn(list) { return Array.prototype.slice.call(list.querySelectorAll("[data-facilitate-row]")); }
  function rowName(row) {
    var name = row.querySelector(".facilitate-row__name");
    return name ? name.textContent.trim() : "";
  }

  function announce(text) {
    var region = document.getElementById("facilitate-announce");
    if (!region) { return; }
    var message = document.createElement("p");
    message.className = "message";
    message.textContent = text;
    region.replaceChildren(message);
  }

  // One row is in the Tab order at a time (a roving tabindex); the arrows move between rows.
  function focusRow(row) {
    var list = units();
    if (!row || !list) { return; }
    rowsIn(list).forEach(function (other) { other.tabIndex = other === row ? 0 : -1; });
    row.focus();
  }

  function keepOneRowTabbable() {
    var list = units();
    if (!list) { return; }
    var all = rowsIn(list);
    if (all.length && !all.some(function (row) { return row.tabIndex === 0; })) { all[0].tabIndex = 0; }
  }

  function focusSearch() {
    var box = searchBox();
    if (box) { box.focus(); box.select(); }
  }

  function buttonFor(row, key) {
    var buttons = row.querySelectorAll("button[data-key]");
    for (var index = 0; index < buttons.length; index += 1) {
      if (buttons[index].getAttribute("data-key").split(" ").indexOf(key) !== -1) { return buttons[index]; }
    }
    return null;
  }

  function visibleName(button) {
    var copy = button.cloneNode(true);
    copy.querySelectorAll(".visually-hidden").forEach(function (hidden) { hidden.remove(); });
    return copy.textContent.trim().toLowerCase();
  }

  // A button that needs a reason (block, a blocking score) with the row's reason still empty: ask for it here
  // instead of sending a stance the server would refuse. Returns true when it asked.
  function askForReason(button) {
    if (!button.hasAttribute("data-needs-reason")) { return false; }
    var row = button.closest("[data-facilitate-row]");
    var reason = row && row.querySelector("[data-reason]");
    if (!reason || reason.value.trim()) { return false; }
    button.form.setAttribute("data-pending", button.name + "=" + button.value);
    reason.setAttribute("aria-required", "true");
    row.classList.add("facilitate-row--asking");
    reason.focus();
    announce("A " + visibleName(button) + " needs a reason: type why " + rowName(row) + " blocks, then press Enter.");
    return true;
  }

  function pendingButton(form) {
    var pending = form.getAttribute("data-pending");
    if (!pending) { return null; }
    var parts = pending.split("=");
    return form.querySelector('button[name="' + parts[0] + '"][value="' + parts[1] + '"]');
  }

  function onKeydown(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var list = units();
    if (!list) { return; }
    var target = event.target;
    var box = searchBox();
    if (target === box) {
      if (event.key === "ArrowDown") {
        var first = rowsIn(list)[0];
        if (first) { event.preventDefault(); focusRow(first); }
      }
      return;
    }
    var row = target.closest ? target.closest("[data-facilitate-row]") : null;
    var typing = target.matches && target.matches('input:not([type="checkbox"]):not([type="radio"]), textarea, select');
    if (!row) {
      if (event.key === "/" && !typing) { event.preventDefault(); focusSearch(); }
      return;
    }
    if (typing) {
      if (event.key === "Escape") {
        event.preventDefault();
        if (target.form) { target.form.removeAttribute("data-pending"); }
        row.classList.remove("facilitate-row--asking");
        focusRow(row);
      } else if (event.key === "Enter" && target.hasAttribute("data-reason")) {
        event.preventDefault();
        var button = pendingButton(target.form);
        if (button) {
          button.click();
        } else {
          announce("Choose " + rowName(row) + "'s stance: press its button or its key.");
        }
      }
      return;
    }
    var rows = rowsIn(list);
    var index = rows.indexOf(row);
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (key === "ArrowDown" || key === "ArrowUp") {
      event.preventDefault();
      var next = rows[index + (key === "ArrowDown" ? 1 : -1)];
      if (next) { focusRow(next); } else if (key === "ArrowUp") { focusSearch(); }
    } else if (key === "Home" || key === "End") {
      event.preventDefault();
      focusRow(key === "Home" ? rows[0] : rows[rows.length - 1]);
    } else if (key === "Escape" || key === "/") {
      event.preventDefault();
      focusSearch();
    } else if (key.length === 1) {
      var chosen = buttonFor(row, key);
      if (chosen) {
        event.preventDefault();
        chosen.click();
      } else if (/^[^\s\d]$/.test(key) && target === row) {
        focusSearch(); // type to filter: the letter lands in the search box
      }
    }
  }

  function onClick(event) {
    var button = event.target.closest ? event.target.closest("[data-facilitate-row] button[type='submit']") : null;
    if (button && askForReason(button)) { event.preventDefault(); }
  }

  function afterRecording() {
    var key = recording;
    recording = null;
    var row = document.getElementById("unit-" + key);
    keepOneRowTabbable();
    if (row && row.classList.contains("facilitate-row--invalid")) {
      var reason = row.querySelector("[data-reason]");
      if (reason) { reason.focus(); } else { focusRow(row); }
      return;
    }
    var box = searchBox();
    if (!row || (box && box.value.trim())) { focusSearch(); return; }
    var rows = rowsIn(units());
    focusRow(rows[rows.indexOf(row) + 1] || row);
  }

  function setUpFacilitatorMode() {
    var list = units();
    if (!list) { return; }
    keepOneRowTabbable();
    document.addEventListener("keydown", onKeydown);
    list.addEventListener("click", onClick);
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var row = event.detail && event.detail.elt && event.detail.elt.closest
        ? event.detail.elt.closest("[data-facilitate-row]") : null;
      if (row) { recording = row.getAttribute("data-unit"); }
    });
    document.body.addEventListener("htmx:afterSettle", function () {
      if (recording) { afterRecording(); } else { keepOneRowTabbable(); }
    });
  }

  // The projector's Full screen button, shown only where the browser allows it.
  function setUpFullScreen() {
    var button = document.querySelector("[data-fullscreen]");
    if (!button || !document.fullscreenEnabled) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        document.documentElement.requestFullscreen();
      }
    });
    document.addEventListener("fullscreenchange", function () {
      button.textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
    });
  }

  setUpFacilitatorMode();
  setUpFullScreen();
})();
