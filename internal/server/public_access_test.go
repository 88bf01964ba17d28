package server_test

import (
	"context"
	"strings"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// Access rows of complaints, surveys, employment and the trainee's own
// record (issue 12).
//
// Complaint routes: "own" a complaint about the school, forwarded to it;
// "other" one about the academy, forwarded; "unforwarded" one about the
// school the bureau has not forwarded (the school gets 404, as for
// another's); {fid} the attachment of "own". Made once per env by
// publicPath. The walk's stale version makes a permitted step 409.
// Employment records: "own" a record of the school's approved demo class.
// Class routes use the filings of access_test.go (the school's is
// submitted: no codes, no follow-up yet, so the steps answer 422).
func init() {
	complaintStep := access{"own": bureauOnly(conf), "other": bureauOnly(conf), "unforwarded": bureauOnly(conf), "missing": bureauOnly(nf)}
	classRead := access{"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}}
	for k, v := range map[string]access{
		// Public: no sign-in; every role may use them too.
		"GET /complaints/new":     {"-": same(ok, ok)},
		"GET /complaints/filed":   {"-": same(ok, ok)},
		"GET /complaints/status":  {"-": same(ok, ok)},
		"POST /complaints/status": {"-": same(bad, bad)}, // no number, no phone
		"POST /complaints":        {"-": same(bad, bad)}, // no institution, no text
		"GET /survey":             {"-": same(ok, ok)},
		"POST /survey":            {"-": same(bad, bad)}, // no code, no scores
		"GET /survey/thanks":      {"-": same(ok, ok)},
		"GET /me":                 {"-": same(ok, ok)},
		"POST /me":                {"-": same(bad, bad)}, // no code, no ID number

		// The queue (bureau) or the forwarded list (institution).
		"GET /complaints": {"-": roleStatus{see, ok, ok, forb}},
		"GET /complaints/{id}": {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb},
			"unforwarded": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
		"POST /complaints/{id}/assign":  complaintStep,
		"POST /complaints/{id}/note":    complaintStep,
		"POST /complaints/{id}/forward": complaintStep,
		"POST /complaints/{id}/answer":  complaintStep,
		"POST /complaints/{id}/close":   complaintStep,
		"POST /complaints/{id}/reveal": {"own": bureauOnly(ok), "other": bureauOnly(ok), "unforwarded": bureauOnly(ok),
			"missing": bureauOnly(nf)},
		"GET /complaints/{id}/files/{fid}": {"own": bureauOnly(ok), "other": bureauOnly(nf), "missing": bureauOnly(nf)},
		"POST /complaints/{id}/reply": {"own": instOnly(conf), "other": instOnly(nf), "unforwarded": instOnly(nf),
			"missing": instOnly(nf)},

		"GET /classes/{id}/survey":             classRead,
		"GET /classes/{id}/survey/slips":       classRead,
		"POST /classes/{id}/survey/codes":      classInstStep(bad), // 第十五条: not finished
		"GET /classes/{id}/employment":         classRead,
		"POST /classes/{id}/employment":        classInstStep(bad), // not finished
		"POST /classes/{id}/employment/import": classInstStep(bad), // not multipart: no file
		"GET /employment/template.xlsx":        {"-": roleStatus{see, ok, ok, forb}},
		"GET /surveys":                         {"-": bureauOnly(ok)},
		"GET /surveys.xlsx":                    {"-": bureauOnly(ok)},
		"GET /employment":                      {"-": bureauOnly(ok)},
		"GET /employment.xlsx":                 {"-": bureauOnly(ok)},
		"GET /employment/checks":               {"-": bureauOnly(ok)},
		"POST /employment/checks/sample":       {"-": bureauOnly(ok)},
		"POST /employment/records/{id}/check":  bureauStep(conf, "own"),
	} {
		accessTable[k] = v
	}
}

// publicPath fills the ids of the issue-12 routes it owns; ok is false for
// every other route.
func (e *env) publicPath(route, variant string) (string, bool) {
	const missing = "999999"
	switch {
	case route == "/complaints/filed":
		return route + "?no=TS20260302ABC123", true
	case strings.HasPrefix(route, "/complaints/{id}"):
		id, fid := missing, missing
		if variant != "missing" {
			id = itoa(e.complaint(variant))
		}
		if variant == "own" || variant == "other" {
			fid = itoa(e.queryID(`SELECT coalesce(max(f.id), 999999) FROM complaint_files f JOIN complaints c ON c.id = f.complaint_id
				WHERE c.id = $1 OR c.id = $2`, e.complaint("own"), e.complaint("own")))
		}
		return strings.NewReplacer("{id}", id, "{fid}", fid).Replace(route), true
	case strings.HasPrefix(route, "/employment/records/{id}"):
		id := missing
		if variant == "own" {
			id = itoa(e.employmentRecord())
		}
		return strings.Replace(route, "{id}", id, 1), true
	}
	return "", false
}

// complaint is the access walk's complaint of a variant, made once per env.
func (e *env) complaint(variant string) int64 {
	return e.fixture("complaint "+variant, func() int64 {
		e.t.Helper()
		ctx := context.Background()
		inst := e.institutionID("杭州市临安区天目职业技能培训学校")
		if variant == "other" {
			inst = e.institutionID("临安锦城家政服务培训中心")
		}
		var files []repository.ComplaintUpload
		if variant == "own" {
			files = []repository.ComplaintUpload{{Filename: "照片.pdf", ContentType: "application/pdf", Data: pdfBytes}}
		}
		no, err := e.store.FileComplaint(ctx, training.ComplaintInput{InstitutionID: itoa(inst), Body: "访问测试：课时不足。",
			Phone: "13912345678", Name: "访问测试"}, files)
		if err != nil {
			e.t.Fatal(err)
		}
		id := e.queryID(`SELECT id FROM complaints WHERE tracking_no = $1`, no)
		if variant != "unforwarded" {
			if err := e.store.StepComplaint(ctx, e.actorOf("bureau"), id, 1, training.ActComplaintForward, training.ComplaintStepInput{}); err != nil {
				e.t.Fatal(err)
			}
		}
		return id
	})
}

// employmentRecord is a follow-up record of the school's approved demo
// class, written directly (the class is not over in the demo).
func (e *env) employmentRecord() int64 {
	return e.fixture("employment record", func() int64 {
		class := e.classID(approvedDemoClass)
		return e.queryID(`INSERT INTO employment_records (enrolment_id, class_id, institution_id, months, employed, recorded_by, recorded_at)
			SELECT e.id, c.id, c.institution_id, 3, false, '访问测试', now() FROM enrolments e JOIN classes c ON c.id = e.class_id
			WHERE c.id = $1 ORDER BY e.id LIMIT 1 RETURNING id`, class)
	})
}
