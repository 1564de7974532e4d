// Small enhancements only: every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to a form's error summary so screen readers and keyboard
  // users start from the list of problems.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }
  // Ask before destructive actions (forms marked data-confirm).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
  // A file over the upload limit is refused before it is sent, with the
  // server's own sentence next to the field; the typed text stays as it is.
  // Without script the server answers the same way.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var error = document.createElement("p");
    error.className = "field-error";
    error.id = input.id + "-size-error";
    error.hidden = true;
    error.textContent = input.getAttribute("data-too-large");
    input.parentNode.insertBefore(error, input);
    var check = function () {
      var tooBig = input.files && input.files.length > 0 && input.files[0].size > max;
      error.hidden = !tooBig;
      input.parentNode.classList.toggle("has-error", tooBig);
      if (tooBig) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", error.id);
      } else {
        input.removeAttribute("aria-invalid");
      }
      return !tooBig;
    };
    input.addEventListener("change", check);
    input.form.addEventListener("submit", function (event) {
      if (!check()) {
        event.preventDefault();
        event.stopImmediatePropagation();
        input.focus();
      }
    });
  });
  // While a form that classifies is being sent, say so and stop a second
  // submission. Registered after the confirmations, so a cancelled one
  // leaves the form as it was.
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) {
        return;
      }
      if (form.getAttribute("aria-busy") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("aria-busy", "true");
      var text = form.getAttribute("data-busy");
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("busy");
        button.textContent = text;
      });
      var status = form.querySelector(".busy-status");
      if (status) {
        status.textContent = text;
      }
    });
  });
  // Caseload filters apply themselves: changing a select or a status box
  // submits the filter form, and so does the search box when its text is
  // committed (Enter or leaving it). Without script the Apply button, which
  // the stylesheet hides once this file runs, does the same.
  document.documentElement.classList.add("js");
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    var send = function () {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    };
    form.querySelectorAll("select, input[type=checkbox], input[type=search]").forEach(function (input) {
      input.addEventListener("change", send);
    });
  });
  // Bulk changes: a box in the header ticks every case on the page, and
  // the fields that do not apply to the chosen change are hidden.
  var bulk = document.getElementById("bulk");
  if (bulk) {
    var picks = bulk.querySelectorAll("input[name=case]");
    var head = bulk.querySelector("thead th.pick");
    if (head && picks.length > 0) {
      var all = document.createElement("input");
      all.type = "checkbox";
      all.id = "pick-all";
      all.setAttribute("aria-label", "Tick every case on this page");
      head.textContent = "";
      head.appendChild(all);
      all.addEventListener("change", function () {
        picks.forEach(function (p) { p.checked = all.checked; });
      });
    }
    var action = document.getElementById("bulk-action");
    var show = function () {
      var status = document.getElementById("bulk-status").closest(".field");
      var date = document.getElementById("next_follow_up_at").closest(".field");
      status.hidden = action.value !== "status";
      date.hidden = action.value !== "follow-up";
    };
    if (action) {
      action.addEventListener("change", show);
      show();
    }
  }
});
