// "Add a member" on the household form: copies the last row with its numbers moved on by one.
// Without this script the form still has its four rows and works the same.
(function () {
  "use strict";
  var box = document.getElementById("members");
  var button = document.getElementById("add-member");
  if (!box || !button) { return; }
  var max = parseInt(box.getAttribute("data-max"), 10) || 60;
  button.hidden = false;
  button.addEventListener("click", function () {
    var rows = box.querySelectorAll("fieldset.member");
    if (rows.length >= max) { return; }
    var last = rows[rows.length - 1];
    var from = parseInt(last.getAttribute("data-index"), 10);
    var to = from + 1;
    var row = last.cloneNode(true);
    var swap = function (value) {
      return value.replace("members[" + from + "]", "members[" + to + "]")
                  .replace("f-members-" + from + "-", "f-members-" + to + "-");
    };
    row.setAttribute("data-index", String(to));
    row.querySelector("legend").textContent =
      box.getAttribute("data-legend").replace("{number}", String(to + 1));
    row.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    row.querySelectorAll("[name], [id], label[for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        if (el.hasAttribute(attr)) { el.setAttribute(attr, swap(el.getAttribute(attr))); }
      });
      el.removeAttribute("aria-invalid");
      if (/-error$/.test(el.getAttribute("aria-describedby") || "")) {
        el.removeAttribute("aria-describedby");
      }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = false;
      } else if (el.tagName === "INPUT") {
        el.value = "";
      }
      if (el.tagName === "SELECT") { el.selectedIndex = 0; }
    });
    box.appendChild(row);
    var first = row.querySelector("input");
    if (first) { first.focus(); }
  });
}());
