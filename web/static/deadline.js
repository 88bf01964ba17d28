// Progressive enhancement for the filing form: when the start date
// changes, show its submission deadline (第六条) at once. Without
// JavaScript the deadline appears after saving the draft.
(function () {
  var form = document.querySelector('form[data-testid="class-form"]');
  if (!form) return;
  var input = form.querySelector('input[name="start_date"]');
  var out = form.querySelector('[data-testid="deadline"]');
  if (!input || !out) return;
  input.addEventListener('change', function () {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.value)) return;
    fetch('/calendar/deadline?start=' + encodeURIComponent(input.value), { credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var res = doc.querySelector('[data-testid="deadline-result"]');
        if (!res) return;
        out.textContent = '';
        var p = document.createElement('p');
        p.textContent = res.innerText ? res.innerText.trim() : res.textContent.trim();
        out.appendChild(p);
      })
      .catch(function () {});
  });
})();
