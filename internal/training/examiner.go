package training

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The examiner pool (考评员库, EXAM-2, 第九条): an evaluation organisation
// keeps its examiners once — name, ID number, employer, the occupations and
// levels they may examine, their examiner certificate — and picks them per
// session. 考培分离 is checked against the pool record (its ID number and
// employer), so a pool examiner employed by the institution, or teaching
// the class, is refused. Free typing stays possible for a one-off examiner;
// a typed examiner whose ID number is in the pool is checked against the
// pool's employer too.

// The examiner rules (EXAM-2).
var (
	RuleExaminerTeacher  = NewRule("EXAM-2", "第九条", "实行考培分离，考评人员不得为该培训班的授课教师（%s）")
	RuleExaminerStaff    = NewRule("EXAM-2", "第九条", "实行考培分离，考评人员不得为该培训机构的工作人员（%s）")
	RuleExaminerEmployer = NewRule("EXAM-2", "第九条", "实行考培分离，考评人员不得为该培训机构的工作人员（%s，工作单位：%s）")
	RuleExaminerScope    = NewRule("EXAM-2", "第九条", "区职建中心组织相关专业人员进行考核，考评员%s的考评范围不含%s")
	RuleExaminerInactive = NewRule("EXAM-2", "第九条", "考评员%s已停用，不能安排考评")
	RuleExaminerUnknown  = NewRule("EXAM-2", "第九条", "所选考评员不在本机构的考评员库中")
	RuleExaminerTwice    = NewRule("EXAM-2", "第九条", "考评员%s重复")
	RuleExaminerNoScope  = NewRule("EXAM-2", "第九条", "请填写考评员可考评的职业（工种）及最高等级")
	RuleExaminerCert     = NewRule("EXAM-2", "第九条", "请填写考评员证书编号")
)

// PoolExaminer is an examiner in an organisation's pool.
type PoolExaminer struct {
	ID            int64
	EvalOrgID     int64
	Name          string
	IDNumber      string
	Employer      string
	CertificateNo string // 考评员证 number
	Scopes        []ScopeItem
	Active        bool
	Version       int
	UpdatedBy     string
	UpdatedAt     time.Time
}

// Examiner is the pool record as a session's examiner.
func (p PoolExaminer) Examiner() Examiner {
	return Examiner{Name: p.Name, IDNumber: p.IDNumber, Organisation: p.Employer}
}

// ScopeText lists what the examiner may examine, e.g. "中式烹调师 三级及以下；电工 四级及以下".
func (p PoolExaminer) ScopeText() string {
	var parts []string
	for _, s := range p.Scopes {
		t := s.OccupationName
		if s.MaxLevel.Valid() {
			t += " " + s.MaxLevel.Short() + "及以下"
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, "；")
}

// MayExamine reports whether the examiner's scope covers a class of
// occupationID at level (the same reading as an institution's scope: a
// level at or below the highest recorded; a class without a level needs
// only the occupation).
func (p PoolExaminer) MayExamine(occupationID int64, level Level) bool {
	for _, s := range p.Scopes {
		if s.OccupationID != occupationID {
			continue
		}
		if level == LevelNone || s.MaxLevel == LevelNone {
			return true
		}
		return s.MaxLevel.AtLeast(level)
	}
	return false
}

// PoolExaminerInput is a pool record as the centre types it.
type PoolExaminerInput struct {
	Name          string
	IDNumber      string
	Employer      string
	CertificateNo string
	Scopes        []ScopeItem // occupation and highest level
}

// Validate checks the record and returns it normalised.
func (in PoolExaminerInput) Validate(today time.Time) (PoolExaminer, error) {
	var p Problems
	e := PoolExaminer{Name: strings.TrimSpace(in.Name), IDNumber: NormalizeIDNumber(in.IDNumber),
		Employer: strings.TrimSpace(in.Employer), CertificateNo: strings.TrimSpace(in.CertificateNo), Active: true}
	switch n := utf8.RuneCountInString(e.Name); {
	case n == 0:
		p.Add("name", "请填写考评员姓名")
	case n > 50:
		p.Add("name", "姓名过长（最多50字）")
	}
	if _, msg := ParseResidentID(e.IDNumber, today); msg != "" {
		p.Add("id_number", msg)
	}
	switch n := utf8.RuneCountInString(e.Employer); {
	case n == 0:
		p.Add("employer", "请填写工作单位")
	case n > 100:
		p.Add("employer", "工作单位过长（最多100字）")
	}
	switch n := utf8.RuneCountInString(e.CertificateNo); {
	case n == 0:
		p.Add("certificate_no", RuleExaminerCert.Msg())
	case n > 50:
		p.Add("certificate_no", "证书编号过长（最多50字）")
	}
	seen := map[int64]bool{}
	for i, s := range in.Scopes {
		if s.OccupationID == 0 {
			continue
		}
		if seen[s.OccupationID] {
			p.Add("scope_"+strconv.Itoa(i), "同一职业（工种）只填一行")
			continue
		}
		if s.MaxLevel != LevelNone && !s.MaxLevel.Valid() {
			p.Add("scope_"+strconv.Itoa(i), "请选择等级")
			continue
		}
		seen[s.OccupationID] = true
		e.Scopes = append(e.Scopes, s)
	}
	if len(e.Scopes) == 0 && !p.Has("scope_0") {
		p.Add("scope_0", RuleExaminerNoScope.Msg())
	}
	return e, p.Err()
}

// ExaminerFacts is what a session's examiners are checked against: EXAM-2's
// conflict facts, the class's occupation and level, and the organisation's
// pool (by id and by ID number).
type ExaminerFacts struct {
	Conflict     ConflictFacts
	OccupationID int64
	Level        Level
	ClassName    string // occupation and level as shown, e.g. "中式烹调师 四级"
	Pool         map[int64]PoolExaminer
}

// PoolByIDNumber indexes the pool by ID number.
func (f ExaminerFacts) PoolByIDNumber() map[string]PoolExaminer {
	m := make(map[string]PoolExaminer, len(f.Pool))
	for _, p := range f.Pool {
		m[p.IDNumber] = p
	}
	return m
}

// ConflictRefusal is EXAM-2 (考培分离) for one examiner as a refusal
// beside field: not a teacher of the class, not on the institution's staff
// (its teachers), not employed by it. nil when independent.
func ConflictRefusal(field string, e Examiner, f ConflictFacts) Refusals {
	var rs Refusals
	switch {
	case f.ClassTeachers[e.IDNumber]:
		rs.Add(field, RuleExaminerTeacher, e.Name)
	case f.Staff[e.IDNumber]:
		rs.Add(field, RuleExaminerStaff, e.Name)
	case f.InstitutionName != "" && sameOrg(e.Organisation, f.InstitutionName):
		rs.Add(field, RuleExaminerEmployer, e.Name, e.Organisation)
	}
	return rs
}

// PoolPick is an examiner picked from the pool.
type PoolPick struct {
	PoolID   int64
	Examiner Examiner
}

// DecideSessionExaminers checks the examiners picked from the pool (by id)
// and the typed rows of the form against the pool records: each pick must
// be an active record of the organisation's pool whose scope covers the
// class, and independent of the class and its institution by the pool's ID
// number and employer; a typed examiner found in the pool by ID number is
// checked against the pool's employer too; nobody twice. (The typed rows'
// own checks are SessionInput.Validate's.) Refusals stand beside
// "pool_<id>" or "examiner_<row>" and are repeated for the form as a whole.
func DecideSessionExaminers(picked []int64, typed []ExaminerInput, f ExaminerFacts) ([]PoolPick, Refusals) {
	var rs Refusals
	var out []PoolPick
	seen := map[string]bool{}
	refuse := func(r Refusals) bool {
		for _, x := range r {
			rs = append(rs, x, Refusal{Rule: x.Rule, Message: x.Message})
		}
		return len(r) > 0
	}
	for _, id := range picked {
		field := "pool_" + strconv.FormatInt(id, 10)
		p, ok := f.Pool[id]
		var r Refusals
		switch {
		case !ok:
			r.Add(field, RuleExaminerUnknown)
		case !p.Active:
			r.Add(field, RuleExaminerInactive, p.Name)
		case seen[p.IDNumber]:
			r.Add(field, RuleExaminerTwice, p.Name)
		case !p.MayExamine(f.OccupationID, f.Level):
			r.Add(field, RuleExaminerScope, p.Name, f.ClassName)
		default:
			r = ConflictRefusal(field, p.Examiner(), f.Conflict)
		}
		if refuse(r) {
			continue
		}
		seen[p.IDNumber] = true
		out = append(out, PoolPick{PoolID: id, Examiner: p.Examiner()})
	}
	byID := f.PoolByIDNumber()
	for i, in := range typed {
		idn := NormalizeIDNumber(in.IDNumber)
		if idn == "" {
			continue
		}
		field := "examiner_" + strconv.Itoa(i)
		var r Refusals
		if seen[idn] {
			r.Add(field, RuleExaminerTwice, strings.TrimSpace(in.Name))
		} else if p, ok := byID[idn]; ok {
			r = ConflictRefusal(field, p.Examiner(), f.Conflict)
		}
		if refuse(r) {
			continue
		}
		seen[idn] = true
	}
	return out, rs
}
