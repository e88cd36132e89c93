/* The meeting notes page: unsaved text is kept on this device (localStorage) until the server has it, so a reload,
   a closed tab or a dropped connection loses nothing; the save status says what is happening. htmx does the saving
   (hx-trigger on each item's textarea); without JavaScript each item's Save button posts the form. Loaded from a
   file so the Content-Security-Policy can say script-src 'self'. */
(function () {
  "use strict";

  var PREFIX = "accord-notes:";

  function store() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  function keyOf(editor) { return PREFIX + editor.getAttribute("data-notes-key"); }

  function statusOf(editor) { return document.getElementById(editor.getAttribute("aria-describedby").split(" ")[0]); }

  function revisionOf(editor) { return document.getElementById("notes-rev-" + editor.id.replace("notes-", "")); }

  function say(editor, text) {
    var status = statusOf(editor);
    if (status) { status.textContent = text; }
  }

  function keep(editor) {
    var storage = store();
    if (!storage) { return; }
    var revision = revisionOf(editor);
    try {
      storage.setItem(keyOf(editor), JSON.stringify({ text: editor.value, base: revision ? revision.value : "" }));
    } catch (error) { /* storage full or refused: the server save still happens */ }
  }

  function drop(editor) {
    var storage = store();
    if (storage) { storage.removeItem(keyOf(editor)); }
  }

  function localTimes(root) {
    (root || document).querySelectorAll("time[data-notes-time]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) { return; }
      element.textContent = moment.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
    });
  }

  function editorFrom(event) {
    var element = event.detail && event.detail.elt;
    return element && element.matches && element.matches("textarea[data-notes-editor]") ? element : null;
  }

  // A draft left from before (a reload, a crash, an offline spell): put it back and save it against the revision it
  // was written on, so that if someone else saved meanwhile the server shows both texts instead of overwriting.
  function restore(editor) {
    var storage = store();
    if (!storage) { return; }
    var draft = null;
    try { draft = JSON.parse(storage.getItem(keyOf(editor)) || "null"); } catch (error) { draft = null; }
    if (!draft || typeof draft.text !== "string") { return; }
    if (draft.text === editor.value || draft.text.trim() === editor.value.trim()) {
      // In a conflict the text is not saved yet: keep the copy (against the new revision) until it is merged.
      if (editor.hasAttribute("data-notes-conflict")) { keep(editor); } else { drop(editor); }
      return;
    }
    editor.value = draft.text;
    var revision = revisionOf(editor);
    if (revision && draft.base !== "") { revision.value = draft.base; }
    if (editor.hasAttribute("data-notes-conflict")) {
      say(editor, "Restored your unsaved text from this device.");
      return;
    }
    say(editor, "Restored your unsaved text from this device. Saving…");
    if (window.htmx) { window.htmx.trigger(editor, "blur"); }
  }

  function setUp(root) {
    (root || document).querySelectorAll("textarea[data-notes-editor]").forEach(function (editor) {
      if (editor.getAttribute("data-notes-ready")) { return; }
      editor.setAttribute("data-notes-ready", "1");
      editor.addEventListener("input", function () { keep(editor); });
      restore(editor);
    });
    localTimes(root);
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var editor = editorFrom(event);
    if (editor) {
      keep(editor);
      editor.setAttribute("data-notes-sending", editor.value);
      say(editor, "Saving…");
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var editor = editorFrom(event);
    if (!editor) { return; }
    var xhr = event.detail.xhr;
    if (event.detail.successful && xhr && xhr.status < 300) {
      if (editor.value === editor.getAttribute("data-notes-sending")) { drop(editor); }
    } else if (xhr && xhr.status === 0) {
      say(editor, "Not saved: offline — kept on this device.");
    } else if (xhr && xhr.status !== 409 && xhr.status !== 422) {
      say(editor, "Not saved — kept on this device. See the message at the top of the page.");
    }
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    var editor = editorFrom(event);
    if (editor) { say(editor, "Not saved: offline — kept on this device."); }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) { localTimes(event.target); });

  // A conflict (409) swaps the whole item in, with both texts: move to it, so the note-taker sees what happened.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.classList || !target.classList.contains("notes-item")) { return; }
    var editor = target.querySelector("textarea[data-notes-editor]");
    if (editor && target.classList.contains("notes-item--conflict")) { editor.focus(); }
    if (editor && !target.classList.contains("notes-item--conflict")) { drop(editor); }
  });

  // Back online: send what was kept.
  window.addEventListener("online", function () {
    document.querySelectorAll("textarea[data-notes-editor]:not([data-notes-conflict])").forEach(function (editor) {
      var storage = store();
      if (storage && storage.getItem(keyOf(editor)) && window.htmx) { window.htmx.trigger(editor, "blur"); }
    });
  });

  // After htmx has set the page up (and on every item it swaps in), so a restored draft can be saved at once.
  if (window.htmx && window.htmx.onLoad) {
    window.htmx.onLoad(function (element) { setUp(element); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  }
})();
