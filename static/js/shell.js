/* Turbo stays loaded (viewflow's menu reads Turbo's navigator) but Drive is off: our pages are plain HTML
   pages with file downloads (audited per request), page scripts and forms that re-render with errors, which
   Turbo Drive would fetch twice, run again or swallow. A page may opt in with data-turbo="true". */
if (window.Turbo) { window.Turbo.session.drive = false; }
