// Progressive enhancement for the filing form (issue 14). Without
// JavaScript the form's own buttons do the same with a round trip:
// "增加5行课程" re-renders the form with five more rows, and the textbook
// list is filtered when the form is shown.
//  - "增加一行" under the teacher and session tables adds a row in the
//    browser, numbered and named like the server's rows;
//  - the textbook list follows the occupation and level chosen.
(function () {
  var form = document.querySelector('form[data-testid="class-form"]');
  if (!form) return;

  function addRowButton(table, prefix, label) {
    if (!table) return;
    var body = table.tBodies[0];
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.setAttribute('data-testid', 'add-row-' + prefix);
    button.addEventListener('click', function () {
      var rows = body.rows;
      if (!rows.length) return;
      var n = rows.length;
      var copy = rows[n - 1].cloneNode(true);
      copy.querySelectorAll('.err').forEach(function (p) { p.remove(); });
      copy.querySelectorAll('input, select').forEach(function (el) {
        el.name = el.name.replace(new RegExp('^' + prefix + '\\.\\d+\\.'), prefix + '.' + n + '.');
        var aria = el.getAttribute('aria-label');
        if (aria) el.setAttribute('aria-label', aria.replace(/^第\d+/, '第' + (n + 1)));
        el.removeAttribute('aria-invalid');
        el.classList.remove('invalid');
        if (el.tagName === 'SELECT') el.selectedIndex = 0; else el.value = '';
      });
      copy.cells[0].textContent = String(n + 1);
      body.appendChild(copy);
      var count = form.querySelector('input[name="rows"]');
      if (count && prefix === 'sessions') count.value = String(n + 1);
      var first = copy.querySelector('input, select');
      if (first) first.focus();
    });
    table.parentNode.insertBefore(button, table.nextSibling);
  }
  addRowButton(form.querySelector('[data-testid="teacher-rows"]'), 'teachers', '＋ 增加一位教师');
  addRowButton(form.querySelector('[data-testid="session-rows"]'), 'sessions', '＋ 增加一行课程');

  // Textbooks: only those serving the chosen occupation and level (a use
  // with level 0 serves every level); a ticked one stays.
  var occ = form.querySelector('select[name="occupation_id"], input[name="occupation_id"]');
  var level = form.querySelector('select[name="level"], input[name="level"]');
  function filterTextbooks() {
    var o = occ ? occ.value : '';
    var l = level ? level.value : '';
    form.querySelectorAll('li[data-uses]').forEach(function (li) {
      var box = li.querySelector('input[type="checkbox"]');
      var uses = (li.getAttribute('data-uses') || '').split(' ');
      var serves = !o || uses.indexOf(o + ':0') >= 0 || uses.indexOf(o + ':' + l) >= 0;
      li.hidden = !(serves || (box && box.checked));
    });
  }
  if (occ) occ.addEventListener('change', filterTextbooks);
  if (level) level.addEventListener('change', filterTextbooks);
})();
