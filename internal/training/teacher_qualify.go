package training

// Who may teach what (第五条, QUAL-1..5).

// hasEquivalence reports whether an equivalence replaces req for the band
// and role; for a certificate, it must stand for an occupation ok accepts.
func (t Teacher) hasEquivalence(req Requirement, b Band, r TeachingRole, ok func(occ int64) bool) bool {
	for _, e := range t.Equivalences {
		if e.Requirement != req || e.Band != b || e.Role != r {
			continue
		}
		if req == ReqCertificate && (ok == nil || !ok(e.OccupationID)) {
			continue
		}
		return true
	}
	return false
}

// SameOccupation is the related func for the strict reading: only the same
// occupation counts as related.
func SameOccupation(a, b int64) bool { return a == b }

// Qualify answers QUAL-1..4: may t teach role on a class of occupationID at
// level? It returns every unmet requirement with its article; an empty
// result means allowed. related reports whether the bureau marked two
// occupations as related (it need not handle a == b). QUAL-5 (review into
// the pool) is CheckTeacher's.
func Qualify(t Teacher, occupationID int64, level Level, role TeachingRole, related func(a, b int64) bool) []string {
	band := BandOf(level)
	rules := qualBasic
	if band == BandAdvanced {
		rules = qualAdvanced
	}
	var out []string
	switch role {
	case RoleTheory:
		minEdu := EduSecondaryVoc
		if band == BandAdvanced {
			minEdu = EduCollege
		}
		if t.Education < minEdu && !t.hasEquivalence(ReqEducation, band, role, nil) {
			out = append(out, rules.theoryEdu.Msg(t.Education.Label()))
		}
		if t.Title < TitleMiddle && !t.hasEquivalence(ReqTitle, band, role, nil) {
			out = append(out, rules.theoryTitle.Msg(t.Title.Label()))
		}
	case RolePractical:
		if t.Education < EduHigh && !t.hasEquivalence(ReqEducation, band, role, nil) {
			out = append(out, rules.practicalEdu.Msg(t.Education.Label()))
		}
		accept := func(occ int64) bool { return occ == occupationID }
		minLevel := Level3
		if band == BandAdvanced {
			minLevel = Level2
		} else if related != nil {
			accept = func(occ int64) bool { return occ == occupationID || related(occ, occupationID) }
		}
		held := false
		for _, c := range t.Certificates {
			if accept(c.OccupationID) && c.Level.AtLeast(minLevel) {
				held = true
				break
			}
		}
		if !held && !t.hasEquivalence(ReqCertificate, band, role, accept) {
			out = append(out, rules.practicalCert.Msg())
		}
	default:
		out = append(out, RuleTeachingRoleNeeded.Msg())
	}
	return out
}

// qualRules are the four requirements of one band of 第五条: (一) for
// 初、中级 (QUAL-1 theory, QUAL-2 practical), (二) for 高级 (QUAL-3, QUAL-4).
type qualRules struct {
	theoryEdu, theoryTitle, practicalEdu, practicalCert *Rule
}

// The teacher requirements of 第五条 (QUAL-1..4); the %s is what the
// teacher has now.
var (
	qualBasic = qualRules{
		theoryEdu:     NewRule("QUAL-1", "第五条（一）", "初、中级技能培训理论课教师须具有中专以上学历或等同资质（现为%s）"),
		theoryTitle:   NewRule("QUAL-1", "第五条（一）", "初、中级技能培训理论课教师须具有中级以上职称或等同资质（现为%s）"),
		practicalEdu:  NewRule("QUAL-2", "第五条（一）", "初、中级技能培训操作技能课教师须具有高中以上文化程度或等同资质（现为%s）"),
		practicalCert: NewRule("QUAL-2", "第五条（一）", "初、中级技能培训操作技能课教师须持相关工种三级/高级工以上职业资格证书或等同资质"),
	}
	qualAdvanced = qualRules{
		theoryEdu:     NewRule("QUAL-3", "第五条（二）", "高级技能培训理论课教师须具有大专以上学历或等同资质（现为%s）"),
		theoryTitle:   NewRule("QUAL-3", "第五条（二）", "高级技能培训理论课教师须具有中级以上职称或等同资质（现为%s）"),
		practicalEdu:  NewRule("QUAL-4", "第五条（二）", "高级技能培训操作技能课教师须具有高中以上文化程度或等同资质（现为%s）"),
		practicalCert: NewRule("QUAL-4", "第五条（二）", "高级技能培训操作技能课教师须持本工种技师以上职业资格证书或等同资质"),
	}
)

// CheckTeacher is QUAL-1..5 for naming t on a class: the teacher must have
// been reviewed into the pool, and must meet 第五条 for the role. An empty
// result means allowed.
func CheckTeacher(t Teacher, occupationID int64, level Level, role TeachingRole, related func(a, b int64) bool) []string {
	var out []string
	if t.Status != TeacherApproved {
		out = append(out, RuleTeacherNotInPool.Msg(t.Name, t.Status.Label()))
	}
	return append(out, Qualify(t, occupationID, level, role, related)...)
}

// Eligibility is one cell of a teacher's "what may I teach" table.
type Eligibility struct {
	Band    Band
	Role    TeachingRole
	Reasons []string // empty = allowed
}

// Allowed reports whether the cell is a yes.
func (e Eligibility) Allowed() bool { return len(e.Reasons) == 0 }

// EligibilityRow is one occupation of the table.
type EligibilityRow struct {
	OccupationID   int64
	OccupationCode string
	OccupationName string
	Cells          []Eligibility // basic theory, basic practical, advanced theory, advanced practical
}

// EligibilityTable answers, for every occupation the teacher holds a
// certificate (or a certificate equivalence) in, each band × role.
func EligibilityTable(t Teacher, related func(a, b int64) bool) []EligibilityRow {
	var rows []EligibilityRow
	seen := map[int64]bool{}
	add := func(id int64, code, name string) {
		if id == 0 || seen[id] {
			return
		}
		seen[id] = true
		row := EligibilityRow{OccupationID: id, OccupationCode: code, OccupationName: name}
		for _, b := range Bands {
			lvl := Level4
			if b == BandAdvanced {
				lvl = Level3
			}
			for _, r := range TeachingRoles {
				row.Cells = append(row.Cells, Eligibility{Band: b, Role: r, Reasons: Qualify(t, id, lvl, r, related)})
			}
		}
		rows = append(rows, row)
	}
	for _, c := range t.Certificates {
		add(c.OccupationID, c.OccupationCode, c.OccupationName)
	}
	for _, e := range t.Equivalences {
		if e.Requirement == ReqCertificate {
			add(e.OccupationID, "", e.OccupationName)
		}
	}
	return rows
}

// RuleTeacherNotLinked is QUAL-5 for the institution: a teacher named on a
// class is one of its own teachers.
var RuleTeacherNotLinked = NewRule("QUAL-5", "第五条", "所选教师不在本机构师资名单中")

// CheckAssignment is QUAL-1..5 for teacher t (nil when not found) named in
// role on a class of institutionID, occupationID and level: the problems,
// each with the teacher's name and role in front.
func CheckAssignment(t *Teacher, institutionID, occupationID int64, level Level, role TeachingRole, related func(a, b int64) bool) []string {
	if t == nil || !t.LinkedTo(institutionID) {
		return []string{RuleTeacherNotLinked.Msg()}
	}
	var out []string
	for _, m := range CheckTeacher(*t, occupationID, level, role, related) {
		out = append(out, t.Name+"（"+role.Label()+"）："+m)
	}
	return out
}

// Rules of naming a teacher on a class.
var (
	RuleTeachingRoleNeeded = NewRule("QUAL-1", "第五条", "请选择授课类型（理论课或操作技能课）")
	RuleTeacherNotInPool   = NewRule("QUAL-5", "第五条", "只有经区人力社保局审核入库（培训师资库）的教师方可列入办班计划（%s当前为「%s」）")
)
