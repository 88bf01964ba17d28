package browser_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// overflowJS lists what sticks out: the page scrolling sideways, an
// element outside the viewport (tables may scroll inside their own box),
// a navigation entry outside the header, a badge or count broken over two
// lines, and the filing's deadline warning covering the date.
const overflowJS = `(() => {
	const out = [], W = document.documentElement.clientWidth;
	const name = el => el.tagName.toLowerCase() + (el.dataset.testid ? '[' + el.dataset.testid + ']' : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
	if (document.documentElement.scrollWidth > W + 1) out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + W);
	for (const el of document.querySelectorAll('body *')) {
		if (el.closest('table, .figure-table, svg, pre, .sr-only, .skip') || !el.checkVisibility()) continue;
		const r = el.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		if (r.right > W + 1) out.push(name(el) + ' ends at ' + Math.round(r.right) + ' > ' + W);
	}
	const header = document.querySelector('header.top');
	if (header) {
		const h = header.getBoundingClientRect();
		for (const a of header.querySelectorAll('a, summary, button')) {
			const r = a.getBoundingClientRect();
			if (r.width === 0 || !a.checkVisibility()) continue;
			if (r.bottom > h.bottom + 1 || r.right > h.right + 1) out.push('header: ' + name(a) + ' ' + a.innerText + ' ' + JSON.stringify([Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)]) + ' outside the header ' + JSON.stringify([Math.round(h.right), Math.round(h.bottom)]));
		}
		const wide = header.querySelector('.nav-wide');
		if (wide && wide.getBoundingClientRect().width > 0) {
			const tops = new Set(Array.from(wide.children, li => Math.round(li.getBoundingClientRect().top)));
			if (tops.size > 1) out.push('navigation on ' + tops.size + ' lines');
		}
	}
	for (const b of document.querySelectorAll('.badge, .count')) {
		if (!b.checkVisibility()) continue;
		const r = b.getBoundingClientRect(), lh = parseFloat(getComputedStyle(b).fontSize) * 2;
		if (r.height > lh) out.push(name(b) + ' breaks over lines: ' + b.innerText);
	}
	const d = document.querySelector('[data-testid=deadline] strong');
	if (d) {
		const r = d.getBoundingClientRect();
		for (const el of document.querySelectorAll('[data-testid=deadline] .badge, [data-testid=deadline] .notice')) {
			const o = el.getBoundingClientRect();
			if (o.left < r.right && o.right > r.left && o.top < r.bottom && o.bottom > r.top) out.push('deadline: ' + name(el) + ' covers the date');
		}
	}
	return out;
})()`

// axeJS runs axe-core (vendored for tests under testdata/axe, never served)
// and returns the serious and critical violations.
const axeJS = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
	.then(r => (r.passes.length < 10 ? ['axe checked almost nothing: ' + r.passes.length + ' rules passed'] : []).concat(
		r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
		.map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))`

// TestLayoutAndAccessibility: each role's main pages and the public pages
// at 1024 and 1400 px wide: nothing outside its box (the navigation on one
// line or in its menu, badges whole, the deadline warning beside its
// date), and no serious or critical axe-core violation.
func TestLayoutAndAccessibility(t *testing.T) {
	axe, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	var classID int64
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT min(c.id) FROM classes c JOIN users u ON u.institution_id = c.institution_id
		WHERE c.status = 'draft' AND u.username = 'school'`).Scan(&classID); err != nil {
		t.Fatal(err)
	}
	pages := map[string][]string{
		"":       {"/login", "/results", "/verify"},
		"bureau": {"/", "/review", "/institutions", "/classes", "/teachers", "/audit", "/stats", "/inbox", "/delivery"},
		"school": {"/", "/classes", "/classes/new", "/assessments", "/exam-results", "/teachers", "/inbox", fmt.Sprintf("/classes/%d/edit", classID)},
		"centre": {"/", "/assessments", "/exam-sessions", "/exam-results", "/stats", "/examiners"},
	}
	var problems []string
	for _, who := range []string{"", "bureau", "school", "centre"} {
		if who != "" {
			e.do("viewport", chromedp.EmulateViewport(1400, 900))
			if who != "bureau" {
				e.visit("/")
				e.click(tid("logout"))
			}
			e.login(who)
		}
		for _, width := range []int64{1024, 1400} {
			e.do("viewport", chromedp.EmulateViewport(width, 900))
			for _, p := range pages[who] {
				e.visit(p)
				for _, o := range run(e, "overflow "+p, chromedp.Evaluate[[]string](overflowJS)) {
					problems = append(problems, fmt.Sprintf("%s %s @%d: %s", who, p, width, o))
				}
				if width != 1400 {
					continue
				}
				e.do("inject axe", chromedp.Evaluate[chromedp.Void](string(axe)))
				for _, v := range run(e, "axe "+p, chromedp.Evaluate[[]string](axeJS, chromedp.EvalAwaitPromise)) {
					problems = append(problems, fmt.Sprintf("%s %s: axe %s", who, p, v))
				}
			}
		}
	}
	if len(problems) > 0 {
		t.Fatalf("%d problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}
