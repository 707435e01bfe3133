// Progressive enhancement only: every page works without this file.
"use strict";
document.documentElement.classList.add("js");

function autosubmitForms() {
  var forms = [];
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    if (select.form && forms.indexOf(select.form) < 0) forms.push(select.form);
  });
  return forms;
}

// A list's sort and filter selects reload the list as soon as a choice is made; without
// JavaScript the form's Apply button does the same.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      if (!form) return;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
  });
  // Leave empty choices (the default filter) out of the URL, as the server's own links
  // do. Dropping them from the submitted data, rather than disabling their controls,
  // leaves the form usable when the reader comes back to this page.
  autosubmitForms().forEach(function (form) {
    form.addEventListener("formdata", function (event) {
      var data = event.formData;
      Array.from(data.keys()).forEach(function (name) {
        if (data.getAll(name).every(function (v) { return v === ""; })) data.delete(name);
      });
    });
  });
});

// Going back to a list may show the page as the reader left it (from the back-forward
// cache) or with the browser's restored form state: either way the selects would show
// the choice that led away, not the order of the list on screen. Reset them to the
// choices the page was rendered with.
window.addEventListener("pageshow", function () {
  autosubmitForms().forEach(function (form) { form.reset(); });
});

// The composer suggests existing threads as the title is typed, so an asker may find an
// answer before asking. Without JavaScript the same list appears after Preview.
document.addEventListener("DOMContentLoaded", function () {
  var title = document.querySelector("input[data-similar]");
  var box = document.getElementById("similar");
  if (!title || !box || !window.fetch) return;
  var timer, last = "";
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = title.value.trim();
      if (text === last || text.length < 8) return;
      last = text;
      fetch(title.dataset.similar + "?title=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (last === text) box.innerHTML = html; })
        .catch(function () {});
    }, 300);
  });
});

// Live pages: the last page of a thread shows replies as they are posted, and the first
// page of a list offers the threads started since it was shown. Each stream resumes where
// it left off when the connection comes back. Without JavaScript the pages stay as served.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.EventSource) return;
  var wrap = document.querySelector("[data-live-posts]");
  var status = document.getElementById("live-status");
  if (wrap) {
    var list = wrap.querySelector("ol.posts");
    follow(wrap.dataset.livePosts, "reply", function (event) {
      if (!list || document.getElementById("post-" + event.lastEventId)) return;
      list.insertAdjacentHTML("beforeend", event.data);
      addCopyButtons(list.lastElementChild);
      var article = list.lastElementChild && list.lastElementChild.querySelector("article");
      if (status && article) status.textContent = "New: " + article.getAttribute("aria-label");
    });
  }
  var news = document.querySelector("[data-live-list]");
  if (news) {
    var count = 0;
    follow(news.dataset.liveList, "thread", function () {
      count++;
      var link = news.querySelector("a") || news.appendChild(document.createElement("a"));
      link.href = location.pathname + location.search;
      link.textContent = count + (count === 1 ? " new thread" : " new threads") + " — show";
    });
  }
});

// The header's unread count follows the reader's notifications as they come and are read.
document.addEventListener("DOMContentLoaded", function () {
  var badge = document.getElementById("unread-count");
  if (!window.EventSource || !badge) return;
  var number = badge.firstChild;
  follow(badge.dataset.liveUnread, "notifications", function (event) {
    number.textContent = event.data;
    badge.dataset.count = event.data; // what the stream last said
    badge.hidden = event.data === "0";
  });
});

// follow hands each event called name from the stream at url to handle. After a dropped
// connection the browser reconnects by itself, as the stream's retry field says. A refusal
// (429 when one address holds too many streams, 503 when the server does) makes the
// browser give up for good: then this tries again itself, no sooner than the refusal's
// Retry-After (a minute), and twice as long after each further refusal, up to an hour,
// spread at random so that refused pages do not come back all at once.
function follow(url, name, handle) {
  var wait = 60000, lastId = "";
  function open() {
    var target = new URL(url, location.href);
    if (lastId) target.searchParams.set("after", lastId);
    var source = new EventSource(target.href);
    source.addEventListener("open", function () { wait = 60000; });
    source.addEventListener(name, function (event) {
      lastId = event.lastEventId;
      handle(event);
    });
    source.addEventListener("error", function () {
      if (source.readyState !== EventSource.CLOSED) return; // the browser is reconnecting
      setTimeout(open, wait * (1 + Math.random()));
      wait = Math.min(wait * 2, 3600000);
    });
  }
  open();
}

// Code blocks get a Copy button that puts the code on the clipboard and says so, to the
// eye on the button and to screen readers through a polite live region. Without
// JavaScript, or without the Clipboard API, a code block is plain text to select and copy.
document.addEventListener("DOMContentLoaded", function () { addCopyButtons(document); });

function addCopyButtons(root) {
  if (!navigator.clipboard || !root) return;
  var status = document.getElementById("copy-status");
  if (!status) {
    status = document.body.appendChild(document.createElement("p"));
    status.id = "copy-status";
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
  }
  root.querySelectorAll(".post-body pre").forEach(function (pre) {
    if (pre.parentNode.classList.contains("code-block")) return;
    var block = document.createElement("div");
    block.className = "code-block";
    pre.parentNode.insertBefore(block, pre);
    block.appendChild(pre);
    var button = block.appendChild(document.createElement("button"));
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the code");
    var timer;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(pre.textContent).then(function () {
        say("Copied", "Code copied to the clipboard");
      }, function () {
        say("Copy failed", "The code could not be copied; select it and copy it instead");
      });
    });
    function say(label, announcement) {
      button.textContent = label;
      status.textContent = "";
      status.textContent = announcement;
      clearTimeout(timer);
      timer = setTimeout(function () { button.textContent = "Copy"; }, 3000);
    }
  });
}
