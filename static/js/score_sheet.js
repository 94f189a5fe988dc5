/* Live totals on the score sheet. The server recomputes and validates everything: this is only a preview,
   and the page works without it (the totals shown on load come from the server). */
(function () {
  "use strict";
  var sheet = document.querySelector("[data-score-sheet]");
  if (!sheet) return;
  var mode = sheet.dataset.mode;
  var threshold = parseFloat(sheet.dataset.threshold);
  var minShare = parseFloat(sheet.dataset.minShare) || 0;
  var grand = sheet.querySelector("[data-grand-total]");
  var result = sheet.querySelector("[data-result]");
  var lang = document.documentElement.lang || undefined;

  function show(n) {
    return (Math.round(n * 100) / 100).toLocaleString(lang, { maximumFractionDigits: 2 });
  }

  function points(input) {
    var v = parseFloat(input.value);
    return isFinite(v) && v >= 0 ? v : 0;
  }

  function pointsResult() {
    var total = 0;
    var ok = true;
    sheet.querySelectorAll("[data-criterion]").forEach(function (criterion) {
      var sum = 0;
      criterion.querySelectorAll("input[data-points]").forEach(function (input) {
        sum += points(input);
        var max = parseFloat(input.max);
        input.classList.toggle("over", isFinite(max) && parseFloat(input.value) > max);
      });
      var max = parseFloat(criterion.dataset.max) || 0;
      var minimum = Math.round(max * minShare) / 100;
      var short = sum < minimum;
      criterion.classList.toggle("short", short);
      var out = criterion.querySelector("[data-criterion-total]");
      if (out) out.textContent = show(sum);
      total += sum;
      if (short) ok = false;
    });
    if (grand) grand.textContent = show(total);
    if (isFinite(threshold) && total < threshold) ok = false;
    return ok;
  }

  function indicatorResult() {
    var rows = Array.prototype.slice.call(sheet.querySelectorAll("[data-level]"));
    var levels = rows.map(function (row) { return parseInt(row.dataset.level, 10) || 1; });
    var lowest = Math.min.apply(null, levels);
    return rows.every(function (row, i) {
      if (levels[i] > lowest) return true;
      var yes = row.querySelector('input[type="radio"][value="1"]');
      return Boolean(yes && yes.checked);
    });
  }

  function update() {
    var ok = mode === "points" ? pointsResult() : indicatorResult();
    if (!result) return;
    result.textContent = ok ? sheet.dataset.textPass : sheet.dataset.textFail;
    result.classList.toggle("pass", ok);
    result.classList.toggle("fail", !ok);
  }

  sheet.addEventListener("input", update);
  sheet.addEventListener("change", update);
  update();
})();
