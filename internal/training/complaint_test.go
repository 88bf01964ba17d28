package training_test

import (
	"strings"
	"testing"

	"tianmu/internal/training"
)

func TestComplaintDueDate(t *testing.T) {
	cal := publishedCalendar(t)
	for _, c := range []struct {
		received, want string
		covered        bool
	}{
		{"2026-03-02", "2026-03-23", true},  // three plain weeks
		{"2026-03-07", "2026-03-27", true},  // received on a Saturday: counting starts on Monday
		{"2026-09-23", "2026-10-21", true},  // 中秋 and 国庆 off, Saturday 10-10 worked (调休)
		{"2026-12-24", "2027-01-14", false}, // 2027 not entered: weekends only, flagged
	} {
		got, cov := cal.ComplaintDueDate(day(c.received))
		if got.Format("2006-01-02") != c.want || cov != c.covered {
			t.Errorf("due(%s) = %s covered %v, want %s %v", c.received, got.Format("2006-01-02"), cov, c.want, c.covered)
		}
	}
}

func TestComplaintOverdue(t *testing.T) {
	due := day("2026-03-23")
	for _, c := range []struct {
		status training.ComplaintStatus
		today  string
		want   bool
	}{
		{training.ComplaintReceived, "2026-03-23", false}, // the due date itself is in time
		{training.ComplaintReceived, "2026-03-24", true},
		{training.ComplaintHandling, "2026-03-24", true},
		{training.ComplaintAnswered, "2026-04-30", false}, // answered: nothing owed
		{training.ComplaintClosed, "2026-04-30", false},
	} {
		got := training.Complaint{Status: c.status, DueDate: due}.Overdue(day(c.today))
		if got != c.want {
			t.Errorf("%s on %s: overdue %v, want %v", c.status, c.today, got, c.want)
		}
	}
}

func TestParseComplaint(t *testing.T) {
	ok := training.ComplaintInput{InstitutionID: "3", Body: "培训只上了一半课时。", Phone: "138 0000 1234", Name: "张三"}
	for _, c := range []struct {
		name   string
		change func(*training.ComplaintInput)
		field  string
	}{
		{"ok", func(*training.ComplaintInput) {}, ""},
		{"landline", func(in *training.ComplaintInput) { in.Phone = "0571-63812345" }, ""},
		{"anonymous drops the name", func(in *training.ComplaintInput) { in.Anonymous = true; in.Name = strings.Repeat("名", 80) }, ""},
		{"no institution", func(in *training.ComplaintInput) { in.InstitutionID = "" }, "institution_id"},
		{"bad institution", func(in *training.ComplaintInput) { in.InstitutionID = "-1" }, "institution_id"},
		{"long class number", func(in *training.ComplaintInput) { in.ClassNo = strings.Repeat("X", 41) }, "class_no"},
		{"short body", func(in *training.ComplaintInput) { in.Body = "差" }, "body"},
		{"long body", func(in *training.ComplaintInput) { in.Body = strings.Repeat("长", training.MaxComplaintBody+1) }, "body"},
		{"NUL in body", func(in *training.ComplaintInput) { in.Body = "培训只上了\x00一半" }, "body"},
		{"bad UTF-8", func(in *training.ComplaintInput) { in.Body = "培训只上了\xff一半课时" }, "body"},
		{"bad phone", func(in *training.ComplaintInput) { in.Phone = "12345" }, "phone"},
		{"long name", func(in *training.ComplaintInput) { in.Name = strings.Repeat("名", 51) }, "name"},
	} {
		in := ok
		c.change(&in)
		p, err := training.ParseComplaint(in)
		v, _ := training.AsValidation(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (v == nil || v.Fields[c.field] == ""):
			t.Errorf("%s: want a message on %s, got %v", c.name, c.field, err)
		}
		if c.name == "anonymous drops the name" && p.Name != "" {
			t.Errorf("anonymous kept the name %q", p.Name)
		}
		if c.name == "ok" && p.Phone != "13800001234" {
			t.Errorf("phone = %q", p.Phone)
		}
	}
}

func TestCheckComplaintFile(t *testing.T) {
	for _, c := range []struct {
		sniffed string
		size    int
		want    string
	}{
		{"image/jpeg", 1000, "image/jpeg"},
		{"image/png", 1000, "image/png"},
		{"application/pdf", training.MaxComplaintFile, "application/pdf"},
		{"application/pdf", training.MaxComplaintFile + 1, ""},
		{"text/html; charset=utf-8", 100, ""},
		{"application/zip", 100, ""},
		{"image/png", 0, ""},
	} {
		got, msg := training.CheckComplaintFile(c.sniffed, c.size)
		if got != c.want || (got == "") == (msg == "") {
			t.Errorf("%s %d: %q %q, want %q", c.sniffed, c.size, got, msg, c.want)
		}
	}
}

func TestTrackingNo(t *testing.T) {
	no := training.NewTrackingNo(day("2026-03-02"))
	if !strings.HasPrefix(no, "TS20260302") || len(no) != 16 {
		t.Fatalf("tracking number %q", no)
	}
	if got, ok := training.NormalizeTrackingNo(" " + strings.ToLower(no) + " "); !ok || got != no {
		t.Fatalf("normalize: %q %v", got, ok)
	}
	for _, bad := range []string{"", "TS2026", "XX20260302ABCDEF", "TS20260302ABCDE!"} {
		if _, ok := training.NormalizeTrackingNo(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDecideComplaintStep(t *testing.T) {
	bureau := training.Actor{UserID: 1, Role: training.RoleBureau}
	inst := training.Actor{UserID: 2, Role: training.RoleInstitution, InstitutionID: 7}
	other := training.Actor{UserID: 3, Role: training.RoleInstitution, InstitutionID: 8}
	c := func(s training.ComplaintStatus, fwd bool) training.Complaint {
		return training.Complaint{Status: s, InstitutionID: 7, Forwarded: fwd}
	}
	assign := training.ComplaintStepInput{AssigneeID: 1, AssigneeIsBureau: true}
	text := training.ComplaintStepInput{Text: "已电话联系机构核实。"}
	for _, x := range []struct {
		name   string
		a      training.Actor
		c      training.Complaint
		act    training.ComplaintAction
		in     training.ComplaintStepInput
		refuse string // field of the refusal, "-" general, "" none
	}{
		{"assign received", bureau, c(training.ComplaintReceived, false), training.ActComplaintAssign, assign, ""},
		{"reassign handling", bureau, c(training.ComplaintHandling, false), training.ActComplaintAssign, assign, ""},
		{"assign to an institution user", bureau, c(training.ComplaintReceived, false), training.ActComplaintAssign,
			training.ComplaintStepInput{AssigneeID: 2}, "assignee_id"},
		{"assign answered", bureau, c(training.ComplaintAnswered, false), training.ActComplaintAssign, assign, "-"},
		{"note", bureau, c(training.ComplaintHandling, false), training.ActComplaintNote, text, ""},
		{"empty note", bureau, c(training.ComplaintHandling, false), training.ActComplaintNote, training.ComplaintStepInput{}, "body"},
		{"note closed", bureau, c(training.ComplaintClosed, false), training.ActComplaintNote, text, "-"},
		{"forward", bureau, c(training.ComplaintReceived, false), training.ActComplaintForward, text, ""},
		{"forward twice", bureau, c(training.ComplaintHandling, true), training.ActComplaintForward, text, "-"},
		{"answer before assigning", bureau, c(training.ComplaintReceived, false), training.ActComplaintAnswer, text, "-"},
		{"answer", bureau, c(training.ComplaintHandling, false), training.ActComplaintAnswer, text, ""},
		{"empty answer", bureau, c(training.ComplaintHandling, false), training.ActComplaintAnswer, training.ComplaintStepInput{}, "answer"},
		{"close unanswered", bureau, c(training.ComplaintHandling, false), training.ActComplaintClose,
			training.ComplaintStepInput{Outcome: training.ComplaintUpheld}, "-"},
		{"close without outcome", bureau, c(training.ComplaintAnswered, false), training.ActComplaintClose, training.ComplaintStepInput{}, "outcome"},
		{"close", bureau, c(training.ComplaintAnswered, false), training.ActComplaintClose,
			training.ComplaintStepInput{Outcome: training.ComplaintPartlyUpheld}, ""},
		{"reply forwarded", inst, c(training.ComplaintHandling, true), training.ActComplaintReply, text, ""},
		{"reply not forwarded", inst, c(training.ComplaintHandling, false), training.ActComplaintReply, text, "-"},
		{"reply other institution", other, c(training.ComplaintHandling, true), training.ActComplaintReply, text, "-"},
		{"reply closed", inst, c(training.ComplaintClosed, true), training.ActComplaintReply, text, "-"},
	} {
		rs := training.DecideComplaintStep(x.a, x.c, x.act, x.in)
		switch {
		case x.refuse == "" && !rs.OK():
			t.Errorf("%s: refused %v", x.name, rs.Messages())
		case x.refuse == "-" && (rs.OK() || rs[0].Field != ""):
			t.Errorf("%s: want a general refusal, got %v", x.name, rs)
		case x.refuse != "" && x.refuse != "-" && (rs.OK() || rs[0].Field != x.refuse):
			t.Errorf("%s: want a refusal on %s, got %v", x.name, x.refuse, rs)
		}
	}
	if training.CanComplaintStep(inst, c(training.ComplaintHandling, true), training.ActComplaintAnswer) {
		t.Error("an institution may not answer")
	}
	if training.CanComplaintStep(other, c(training.ComplaintHandling, true), training.ActComplaintReply) {
		t.Error("another institution may not reply")
	}
}

func TestPublicAuditLabels(t *testing.T) {
	for _, a := range []string{"complaint.file", "complaint.assign", "complaint.note", "complaint.forward", "complaint.answer",
		"complaint.close", "complaint.reply", "complaint.reveal", "survey.codes", "survey.answer", "employment.record",
		"employment.check", "employment.sample"} {
		if training.AuditActionLabel(a) == a {
			t.Errorf("audit action %s has no label", a)
		}
	}
}
