package training

import (
	"crypto/rand"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Complaints (SUP-2, 第十五条 学员投诉机制): anyone complains without
// signing in, about an institution and optionally one of its classes, gets
// a tracking number and follows it with that number and the phone given.
// The bureau assigns, handles, answers and closes; the answer is due 15
// working days after receipt (interpretation) and overdue ones are flagged.
// The institution reads a complaint once the bureau forwards it and may
// reply; it never sees the complainant's phone or name.

// ComplaintStatus is where a complaint is.
type ComplaintStatus string

// Complaint statuses.
const (
	ComplaintReceived ComplaintStatus = "received"
	ComplaintHandling ComplaintStatus = "handling"
	ComplaintAnswered ComplaintStatus = "answered"
	ComplaintClosed   ComplaintStatus = "closed"
)

// ComplaintStatuses lists the statuses in display order.
var ComplaintStatuses = []ComplaintStatus{ComplaintReceived, ComplaintHandling, ComplaintAnswered, ComplaintClosed}

// Label is the Chinese name (as the complainant reads it too).
func (s ComplaintStatus) Label() string {
	switch s {
	case ComplaintReceived:
		return "已受理"
	case ComplaintHandling:
		return "办理中"
	case ComplaintAnswered:
		return "已答复"
	case ComplaintClosed:
		return "已办结"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s ComplaintStatus) Valid() bool {
	for _, x := range ComplaintStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Open reports whether an answer is still owed.
func (s ComplaintStatus) Open() bool { return s == ComplaintReceived || s == ComplaintHandling }

// ComplaintOutcome is the bureau's conclusion when it closes a complaint; the annual
// evaluation (SUP-6) counts upheld ones.
type ComplaintOutcome string

// Complaint outcomes.
const (
	ComplaintUpheld       ComplaintOutcome = "upheld"
	ComplaintPartlyUpheld ComplaintOutcome = "partly_upheld"
	ComplaintNotUpheld    ComplaintOutcome = "not_upheld"
)

// ComplaintOutcomes lists the outcomes in display order.
var ComplaintOutcomes = []ComplaintOutcome{ComplaintUpheld, ComplaintPartlyUpheld, ComplaintNotUpheld}

// Label is the Chinese name.
func (o ComplaintOutcome) Label() string {
	switch o {
	case ComplaintUpheld:
		return "投诉属实"
	case ComplaintPartlyUpheld:
		return "部分属实"
	case ComplaintNotUpheld:
		return "投诉不属实"
	}
	return string(o)
}

// Valid reports whether o is a known outcome.
func (o ComplaintOutcome) Valid() bool {
	for _, x := range ComplaintOutcomes {
		if o == x {
			return true
		}
	}
	return false
}

// ComplaintAction is a step on a complaint.
type ComplaintAction string

// Complaint steps: the bureau assigns, notes its handling, forwards to the
// institution, answers and closes; the institution replies.
const (
	ActComplaintAssign  ComplaintAction = "assign"
	ActComplaintNote    ComplaintAction = "note"
	ActComplaintForward ComplaintAction = "forward"
	ActComplaintAnswer  ComplaintAction = "answer"
	ActComplaintClose   ComplaintAction = "close"
	ActComplaintReply   ComplaintAction = "reply"
)

// Label is the Chinese name.
func (a ComplaintAction) Label() string {
	switch a {
	case ActComplaintAssign:
		return "指定经办人"
	case ActComplaintNote:
		return "记录办理情况"
	case ActComplaintForward:
		return "转培训机构"
	case ActComplaintAnswer:
		return "答复"
	case ActComplaintClose:
		return "办结"
	case ActComplaintReply:
		return "机构回复"
	}
	return string(a)
}

// Role is who takes the step.
func (a ComplaintAction) Role() Role {
	if a == ActComplaintReply {
		return RoleInstitution
	}
	return RoleBureau
}

// ComplaintDueDays is the answer period in working days (interpretation of
// SUP-2).
const ComplaintDueDays = 15

// Complaint limits, the same as the schema's CHECKs.
const (
	MaxComplaintBody  = 2000
	MinComplaintBody  = 5
	MaxComplaintName  = 50
	MaxComplaintFiles = 3
	MaxComplaintFile  = 5 << 20
)

// Complaint is one complaint. Phone and Name are the complainant's contact:
// only the bureau's queries fill them.
type Complaint struct {
	ID              int64
	TrackingNo      string
	InstitutionID   int64
	InstitutionName string
	ClassID         int64 // 0: none named
	ClassNo         string
	Body            string
	Phone           string
	Name            string
	Status          ComplaintStatus
	ReceivedAt      time.Time
	DueDate         time.Time
	AssigneeID      int64
	AssigneeName    string
	Forwarded       bool
	Answer          string
	AnsweredAt      *time.Time
	Outcome         ComplaintOutcome
	ClosedAt        *time.Time
	Version         int
	Notes           []ComplaintNote
	Files           []ComplaintFile
}

// ComplaintNote is a bureau handling note or an institution's reply.
type ComplaintNote struct {
	Kind   string // "handling" or "reply"
	Body   string
	ByName string
	At     time.Time
}

// ComplaintFile is an attachment (the bytes are read separately).
type ComplaintFile struct {
	ID          int64
	Filename    string
	ContentType string
	Size        int
}

// Overdue reports whether the answer is late on today (a date): still
// open after its due date.
func (c Complaint) Overdue(today time.Time) bool {
	return c.Status.Open() && today.After(c.DueDate)
}

// Rules of complaints.
var (
	RuleComplaintInstitution = NewRule("SUP-2", "第十五条", "请选择被投诉的培训机构")
	RuleComplaintClass       = NewRule("SUP-2", "", "该培训机构没有这个编号的培训班，请核对培训班编号（可不填）")
	RuleComplaintBody        = NewRule("SUP-2", "第十五条", "请写明投诉事项（5至2000字）")
	RuleComplaintPhone       = NewRule("SUP-2", "第十五条", "请填写联系电话（手机号或区号-座机号），用于查询办理进度")
	RuleComplaintName        = NewRule("SUP-2", "", "姓名最多50字；不愿留名可选择匿名")
	RuleComplaintFiles       = NewRule("SUP-2", "", "最多上传3个附件，每个不超过5 MB，只能是图片（JPG、PNG）或 PDF")
	RuleComplaintText        = NewRule("SUP-2", "", "内容含有无法识别的字符")
	RuleComplaintStep        = NewRule("SUP-2", "第十五条", "投诉当前状态为「%s」，不能%s")
	RuleComplaintAssignee    = NewRule("SUP-2", "", "请选择区人力社保局的经办人")
	RuleComplaintAnswer      = NewRule("SUP-2", "第十五条", "请填写给投诉人的答复（最多2000字）")
	RuleComplaintNote        = NewRule("SUP-2", "", "请填写内容（最多2000字）")
	RuleComplaintOutcome     = NewRule("SUP-2", "第十五条", "办结时请选择结论：属实、部分属实或不属实")
	RuleComplaintForwarded   = NewRule("SUP-2", "第十五条", "该投诉已转培训机构")
	RuleComplaintNotForward  = NewRule("SUP-2", "第十五条", "该投诉尚未转交本机构")
)

// ComplaintInput is the public form as typed.
type ComplaintInput struct {
	InstitutionID string
	ClassNo       string // optional: the class number on the agreement or notice
	Body          string
	Phone         string
	Name          string
	Anonymous     bool
}

// ComplaintPlan is a validated complaint.
type ComplaintPlan struct {
	InstitutionID int64
	ClassNo       string
	Body          string
	Phone         string
	Name          string
}

var phoneRe = regexp.MustCompile(`^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$`)

// NormalizePhone drops spaces from a typed phone number and reports
// whether it is a mobile or a landline number with its area code.
func NormalizePhone(s string) (string, bool) {
	s = strings.NewReplacer(" ", "", "　", "").Replace(strings.TrimSpace(s))
	return s, phoneRe.MatchString(s)
}

// CleanText reports whether s is fit to store: valid UTF-8, no NUL or other
// control characters except line breaks and tabs.
func CleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

// checkText validates a free text: clean, present when required, and at
// most max characters (runes), with msg for a missing or too long one.
func checkText(p *Problems, field, s string, min, max int, msg string) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case !CleanText(s):
		p.Add(field, RuleComplaintText.Msg())
	case n < min || n > max:
		p.Add(field, msg)
	}
	return s
}

// ComplaintTarget is what filing a complaint looks up: how many files
// came with it, whether the institution named takes complaints (known,
// past its registration review), and, when a class number was given,
// whether it is a class of that institution.
type ComplaintTarget struct {
	Files           int
	InstitutionOpen bool
	ClassAsked      bool
	ClassFound      bool
}

// DecideComplaintTarget refuses a complaint with too many files, about an
// institution that takes none, or naming a class the institution does not
// have (SUP-2, 第十五条).
func DecideComplaintTarget(t ComplaintTarget) Refusals {
	var rs Refusals
	if t.Files > MaxComplaintFiles {
		rs.Add("files", RuleComplaintFiles)
	}
	if !t.InstitutionOpen {
		rs.Add("institution_id", RuleComplaintInstitution)
	} else if t.ClassAsked && !t.ClassFound {
		rs.Add("class_no", RuleComplaintClass)
	}
	return rs
}

// ParseComplaint validates the public complaint form.
func ParseComplaint(in ComplaintInput) (ComplaintPlan, error) {
	var p Problems
	var c ComplaintPlan
	if id, err := strconv.ParseInt(strings.TrimSpace(in.InstitutionID), 10, 64); err == nil && id > 0 {
		c.InstitutionID = id
	} else {
		p.Add("institution_id", RuleComplaintInstitution.Msg())
	}
	c.ClassNo = strings.ToUpper(checkText(&p, "class_no", in.ClassNo, 0, 40, RuleComplaintClass.Msg()))
	c.Body = checkText(&p, "body", in.Body, MinComplaintBody, MaxComplaintBody, RuleComplaintBody.Msg())
	if ph, ok := NormalizePhone(in.Phone); ok {
		c.Phone = ph
	} else {
		p.Add("phone", RuleComplaintPhone.Msg())
	}
	if !in.Anonymous {
		c.Name = checkText(&p, "name", in.Name, 0, MaxComplaintName, RuleComplaintName.Msg())
	}
	return c, p.Err()
}

// CheckComplaintFile checks one attachment: its size and its type sniffed
// from the content (never the name or the declared type). It returns the
// content type to store, or "" and the message.
func CheckComplaintFile(sniffed string, size int) (string, string) {
	if size <= 0 || size > MaxComplaintFile {
		return "", RuleComplaintFiles.Msg()
	}
	switch ct := strings.TrimSpace(strings.SplitN(sniffed, ";", 2)[0]); ct {
	case "image/jpeg", "image/png", "application/pdf":
		return ct, ""
	}
	return "", RuleComplaintFiles.Msg()
}

// trackingAlphabet: a status is shown only for the number together with
// the phone given, and lookups are rate-limited, so six characters suffice.
const trackingAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// NewTrackingNo is a complaint's tracking number: TS, the receipt date
// (yyyymmdd) and six random characters.
func NewTrackingNo(received time.Time) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = trackingAlphabet[int(b[i])%len(trackingAlphabet)]
	}
	return "TS" + received.Format("20060102") + string(b)
}

var trackingRe = regexp.MustCompile(`^TS[0-9]{8}[0-9A-Z]{6}$`)

// NormalizeTrackingNo upper-cases a typed tracking number and reports
// whether it can be one.
func NormalizeTrackingNo(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	return s, trackingRe.MatchString(s)
}

// AddWorkingDays is the date n working days after from (from itself not
// counted), on the working-day calendar. covered is false when a year
// consulted is not covered (only weekends were then known).
func (c Calendar) AddWorkingDays(from time.Time, n int) (time.Time, bool) {
	covered := true
	t := civilOf(from).time()
	for found, i := 0, 0; found < n && i < n*4+60; i++ {
		t = t.AddDate(0, 0, 1)
		ok, cov := c.isWorking(civilOf(t))
		covered = covered && cov
		if ok {
			found++
		}
	}
	return t, covered
}

// ComplaintDueDate is the date the answer is due for a complaint received
// on the date received: 15 working days later.
func (c Calendar) ComplaintDueDate(received time.Time) (time.Time, bool) {
	return c.AddWorkingDays(received, ComplaintDueDays)
}

// ComplaintStepInput is what a step carries.
type ComplaintStepInput struct {
	AssigneeID       int64
	AssigneeIsBureau bool
	Text             string // note, answer or reply
	Outcome          ComplaintOutcome
}

// NextComplaintStatus is the status after action, or the rule refusing it.
func NextComplaintStatus(from ComplaintStatus, action ComplaintAction) (ComplaintStatus, *Rule) {
	switch action {
	case ActComplaintAssign:
		if from.Open() {
			return ComplaintHandling, nil
		}
	case ActComplaintNote, ActComplaintForward, ActComplaintReply:
		if from != ComplaintClosed {
			return from, nil
		}
	case ActComplaintAnswer:
		if from == ComplaintHandling || from == ComplaintAnswered {
			return ComplaintAnswered, nil
		}
	case ActComplaintClose:
		if from == ComplaintAnswered {
			return ComplaintClosed, nil
		}
	}
	return from, RuleComplaintStep
}

// DecideComplaintStep says whether actor may take action on c with in.
func DecideComplaintStep(a Actor, c Complaint, action ComplaintAction, in ComplaintStepInput) Refusals {
	var rs Refusals
	if _, r := NextComplaintStatus(c.Status, action); r != nil {
		rs.General(r, c.Status.Label(), action.Label())
		return rs
	}
	switch action {
	case ActComplaintAssign:
		if in.AssigneeID == 0 || !in.AssigneeIsBureau {
			rs.Add("assignee_id", RuleComplaintAssignee)
		}
	case ActComplaintForward:
		if c.Forwarded {
			rs.General(RuleComplaintForwarded)
		}
	case ActComplaintReply:
		if !c.Forwarded || a.InstitutionID != c.InstitutionID {
			rs.General(RuleComplaintNotForward)
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(in.Text)); n == 0 || n > MaxComplaintBody || !CleanText(in.Text) {
			rs.Add("body", RuleComplaintNote)
		}
	case ActComplaintNote:
		if n := utf8.RuneCountInString(strings.TrimSpace(in.Text)); n == 0 || n > MaxComplaintBody || !CleanText(in.Text) {
			rs.Add("body", RuleComplaintNote)
		}
	case ActComplaintAnswer:
		if n := utf8.RuneCountInString(strings.TrimSpace(in.Text)); n == 0 || n > MaxComplaintBody || !CleanText(in.Text) {
			rs.Add("answer", RuleComplaintAnswer)
		}
	case ActComplaintClose:
		if !in.Outcome.Valid() {
			rs.Add("outcome", RuleComplaintOutcome)
		}
	}
	return rs
}

// CanComplaintStep reports whether actor's role takes the step and the
// complaint's status allows it (for showing the forms).
func CanComplaintStep(a Actor, c Complaint, action ComplaintAction) bool {
	if a.Role != action.Role() {
		return false
	}
	if action == ActComplaintForward && c.Forwarded {
		return false
	}
	if action == ActComplaintReply && (!c.Forwarded || a.InstitutionID != c.InstitutionID) {
		return false
	}
	_, r := NextComplaintStatus(c.Status, action)
	return r == nil
}

// ComplaintCounts are the figures on the bureau's home.
type ComplaintCounts struct {
	Open    int
	Overdue int
	DueSoon int // due within 3 days, not overdue
}
