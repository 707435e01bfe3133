// Progressive enhancement only: every page works without this file.
"use strict";
document.documentElement.classList.add("js");

// A list's sort and filter selects reload the list as soon as a choice is made; without
// JavaScript the form's Apply button does the same.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      // Leave the default filter out of the URL, as the server's own links do.
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.tagName === "SELECT" && el.value === "") el.disabled = true;
      });
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
  });
});
