/* One submission per form: a double click or a second Enter does not post twice (the server is safe anyway). */
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.dataset.sent) { e.preventDefault(); return; }
  form.dataset.sent = "1";
  setTimeout(function () { form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; }); }, 0);
});
window.addEventListener("pageshow", function (e) {
  if (!e.persisted) return;
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });
});
