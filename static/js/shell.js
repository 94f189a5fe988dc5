/* Turbo stays loaded (viewflow's menu reads Turbo's navigator) but Drive is off: our pages are plain HTML
   pages with file downloads (audited per request), page scripts and forms that re-render with errors, which
   Turbo Drive would fetch twice, run again or swallow. A page may opt in with data-turbo="true". */
if (window.Turbo) { window.Turbo.session.drive = false; }

/* A select marked data-autosubmit sends its form when changed (the language switch); no inline handler, so
   the Content-Security-Policy needs no 'unsafe-inline' for scripts. */
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("select[data-autosubmit]") && e.target.form) {
    e.target.form.submit();
  }
});
