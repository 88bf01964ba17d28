package training

import (
	"strings"
	"time"
)

// EquivalenceUse is an equivalence (等同资质) a teacher's qualification for
// a class rests on: without it, 第五条 would refuse the teacher in that
// role. The bureau's filing review shows it next to the check result, with
// who decided it and when (QUAL-1..4, DOMAIN.md: "a bureau decision
// recorded on the teacher, with who decided and when").
type EquivalenceUse struct {
	TeacherID   int64
	TeacherName string
	Role        TeachingRole
	Equivalence Equivalence
}

// Text is the note as the reviewer reads it.
func (u EquivalenceUse) Text() string {
	e := u.Equivalence
	var b strings.Builder
	b.WriteString(u.TeacherName + "（" + u.Role.Label() + "）依据等同资质合格：" + e.Label())
	if e.Basis != "" {
		b.WriteString("，认定依据：" + e.Basis)
	}
	b.WriteString("；" + e.DecidedBy + "于" + dateText(e.DecidedOn) + "认定")
	if e.RecordedBy != "" {
		b.WriteString("，" + e.RecordedBy + "于" + e.RecordedAt.In(shanghai).Format("2006-01-02 15:04") + "录入")
	}
	return b.String()
}

// shanghai is the zone recorded times are shown in.
var shanghai = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

func dateText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2006-01-02")
}

// EquivalencesReliedOn lists the equivalences of t without which Qualify
// would refuse t for role on a class of occupationID at level: each one
// whose removal adds a refusal. When two equivalences cover the same
// requirement (neither alone is needed) both are listed, since the teacher
// still qualifies only through an equivalence.
func EquivalencesReliedOn(t Teacher, occupationID int64, level Level, role TeachingRole, related func(a, b int64) bool) []Equivalence {
	if len(t.Equivalences) == 0 {
		return nil
	}
	with := len(Qualify(t, occupationID, level, role, related))
	bare := t
	bare.Equivalences = nil
	if len(Qualify(bare, occupationID, level, role, related)) == with {
		return nil // the teacher's own education, title and certificates suffice
	}
	var out []Equivalence
	for i, e := range t.Equivalences {
		without := t
		without.Equivalences = append(append([]Equivalence{}, t.Equivalences[:i]...), t.Equivalences[i+1:]...)
		if len(Qualify(without, occupationID, level, role, related)) > with {
			out = append(out, e)
		}
	}
	if len(out) > 0 {
		return out
	}
	band := BandOf(level)
	for _, e := range t.Equivalences {
		if e.Band == band && e.Role == role {
			out = append(out, e)
		}
	}
	return out
}
