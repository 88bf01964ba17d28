package training

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseComplaint: whatever the public form sends, an accepted
// complaint fits the schema's CHECKs (length, clean text, phone pattern)
// and an anonymous one keeps no name.
func FuzzParseComplaint(f *testing.F) {
	f.Add("3", "BB2026000001", "培训只上了一半课时。", "138 0000 1234", "张三", false)
	f.Add("x", "", "\x00", "0571-63812345", strings.Repeat("名", 60), true)
	f.Add("-1", "\xff", "abcde", "12345", "", false)
	f.Fuzz(func(t *testing.T, inst, class, body, phone, name string, anon bool) {
		p, err := ParseComplaint(ComplaintInput{InstitutionID: inst, ClassNo: class, Body: body, Phone: phone, Name: name, Anonymous: anon})
		if err != nil {
			return
		}
		n := utf8.RuneCountInString(p.Body)
		if p.InstitutionID <= 0 || n < MinComplaintBody || n > MaxComplaintBody || !CleanText(p.Body) || !CleanText(p.Name) ||
			utf8.RuneCountInString(p.Name) > MaxComplaintName || !phoneRe.MatchString(p.Phone) || len([]rune(p.ClassNo)) > 40 {
			t.Fatalf("accepted %+v", p)
		}
		if anon && p.Name != "" {
			t.Fatalf("anonymous complaint kept a name: %q", p.Name)
		}
	})
}

// FuzzParseSurvey: an accepted answer has scores 1–5, a code of the
// alphabet and a clean comment within its limit.
func FuzzParseSurvey(f *testing.F) {
	f.Add("ABCDEFGHJK", "5", "4", "3", "1", "很好")
	f.Add("abcd-efgh-jk", "0", "6", "x", "", "\x00")
	f.Fuzz(func(t *testing.T, code, o, te, v, org, comment string) {
		a, err := ParseSurvey(SurveyInput{Code: code, Overall: o, Teaching: te, Venue: v, Organisation: org, Comment: comment})
		if err != nil {
			return
		}
		for _, s := range []int{a.Overall, a.Teaching, a.Venue, a.Organisation} {
			if s < 1 || s > 5 {
				t.Fatalf("accepted score %d", s)
			}
		}
		if _, ok := NormalizeSurveyCode(a.Code); !ok || !CleanText(a.Comment) || utf8.RuneCountInString(a.Comment) > MaxSurveyComment {
			t.Fatalf("accepted %+v", a)
		}
	})
}

// FuzzParseEmploymentImportRow: a row read from a file and accepted keeps
// the schema's rules (employer when employed and not self-employed, a
// start date when employed, nothing when not).
func FuzzParseEmploymentImportRow(f *testing.F) {
	f.Add("330185199203151021", "方晓东", "是", "否", "临安某酒店", "2026-05-06")
	f.Add("", "", "否", "", "某公司", "")
	f.Fuzz(func(t *testing.T, id, name, emp, self, employer, start string) {
		in, ok := ParseEmploymentImportRow(2, []string{id, name, emp, self, employer, start})
		if !ok {
			return
		}
		r, rs := ParseEmploymentRecord(in, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
		if len(rs) > 0 {
			return
		}
		if r.Employed && (r.StartDate == nil || (!r.SelfEmployed && r.Employer == "")) ||
			!r.Employed && (r.SelfEmployed || r.Employer != "" || r.StartDate != nil) ||
			utf8.RuneCountInString(r.Employer) > MaxEmployer || !CleanText(r.Employer) {
			t.Fatalf("accepted %+v", r)
		}
	})
}
