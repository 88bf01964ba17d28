package server_test

import (
	"context"
	"strings"

	"tianmu/internal/training"
)

// Access rows of inspections, rectification orders and sanctions (issue
// 13). "own" is an inspection of the school (the walk's institution user)
// with one finding, its order answered with a PDF, and an evidence file;
// "other" an inspection of the academy with its finding, open order and file,
// both made once per env by supervisionPath. An institution sees its own
// only (another institution's object is 404, as a missing one); POSTs carry
// a stale version, so a permitted step on an existing order is 409.
func init() {
	own := func() access {
		return access{"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}}
	}
	for k, v := range map[string]access{
		"GET /supervision":                                   {"-": bureauOnly(ok)},
		"GET /checklist":                                     {"-": bureauOnly(ok)},
		"POST /checklist":                                    {"-": bureauOnly(bad)}, // no text
		"POST /checklist/{id}/retire":                        bureauStep(see, "own"),
		"POST /checklist/{id}/restore":                       bureauStep(conf, "own"), // still active
		"GET /institutions/{id}/inspections/new":             bureauStep(ok, "own", "other"),
		"POST /institutions/{id}/inspections":                bureauStep(bad, "own", "other"), // no results
		"POST /findings/{id}/order":                          bureauStep(bad, "own", "other"), // no working days
		"POST /rectifications/{id}/accept":                   bureauStep(conf, "own", "other"),
		"POST /rectifications/{id}/escalate":                 bureauStep(conf, "own", "other"),
		"POST /institutions/{id}/sanctions":                  bureauStep(bad, "own", "other"),  // no kind
		"POST /classes/{id}/stop":                            bureauStep(conf, "own", "other"), // a stale version
		"GET /inspections":                                   {"-": {see, ok, ok, forb}},
		"GET /inspections/{id}":                              own(),
		"GET /inspections/{id}/files/{fid}":                  own(),
		"GET /rectifications/{id}":                           own(),
		"GET /rectifications/{id}/file":                      {"own": {see, ok, ok, forb}, "other": {see, nf, nf, forb}, "missing": {see, nf, nf, forb}}, // the academy's is not answered
		"GET /institutions/{id}/supervision":                 own(),
		"POST /inspections/{id}/files":                       bureauStep(bad, "own", "other"), // multipart without a file
		"GET /institutions/{id}/scorecard":                   own(),
		"GET /designated":                                    {"-": same(ok, ok)},
		"GET /evaluations":                                   {"-": bureauOnly(ok)},
		"POST /evaluations":                                  {"-": bureauOnly(bad)}, // no year
		"GET /evaluations/{year}":                            {"-": bureauOnly(nf)},  // 2025 has no settings
		"GET /evaluations/{year}/ranking.xlsx":               {"-": bureauOnly(nf)},
		"POST /evaluations/{year}/run":                       {"-": bureauOnly(nf)},
		"POST /evaluations/{year}/publish":                   {"-": bureauOnly(nf)},
		"POST /evaluations/{year}/institutions/{id}/outcome": {"own": bureauOnly(bad), "other": bureauOnly(bad), "missing": bureauOnly(bad)}, // no outcome chosen
		"POST /rectifications/{id}/answer":                   {"own": instOnly(conf), "other": instOnly(nf), "missing": instOnly(nf)},
	} {
		accessTable[k] = v
	}
}

// supervisionObjects are the walk's inspections and orders.
type supervisionObjects struct {
	inspection, finding, order, file int64
}

// supervision makes the school's ("own") or the academy's ("other")
// inspection with a finding and its order, once per env.
func (e *env) supervision(variant string) supervisionObjects {
	var o supervisionObjects
	ctx := context.Background()
	bureau := e.actorOf("bureau")
	name := map[string]string{"own": "杭州市临安区天目职业技能培训学校", "other": "临安锦城家政服务培训中心"}[variant]
	o.inspection = e.fixture("inspection "+variant, func() int64 {
		items, err := e.store.Checklist(ctx, bureau, true)
		e.must(err)
		in := training.InspectionInput{InstitutionID: e.institutionID(name), Mode: training.ModeOnSite,
			Date: e.store.Today().Format("2006-01-02"), Inspectors: "王科长、李科员",
			Results: map[int64]training.ItemResult{}, Notes: map[int64]string{}}
		for i, it := range items {
			in.Results[it.ID] = training.ItemOK
			if i == 0 {
				in.Results[it.ID], in.Notes[it.ID] = training.ItemFail, "访问测试发现的问题"
			}
		}
		id, err := e.store.CreateInspection(ctx, bureau, in)
		e.must(err)
		return id
	})
	o.finding = e.queryID(`SELECT min(id) FROM inspection_findings WHERE inspection_id = $1`, o.inspection)
	o.order = e.fixture("order "+variant, func() int64 {
		id, err := e.store.OrderRectification(ctx, bureau, o.finding, training.OrderInput{WorkingDays: "10", Requirement: "访问测试"})
		e.must(err)
		if variant == "own" {
			e.must(e.store.AnswerOrder(ctx, e.actorOf("school"), id, 1, "已整改", "answer.pdf", "application/pdf", []byte("%PDF-1.4 test")))
		}
		return id
	})
	{
		o.file = e.fixture("inspection file "+variant, func() int64 {
			id, err := e.store.AddInspectionFile(ctx, bureau, o.inspection, "photo.pdf", "application/pdf", []byte("%PDF-1.4 photo"))
			e.must(err)
			return id
		})
	}
	return o
}

// supervisionPath fills the ids of the supervision routes it owns.
func (e *env) supervisionPath(route, variant string) (string, bool) {
	const missing = "999999"
	var id, sub string
	switch {
	case strings.HasPrefix(route, "/checklist/{id}"):
		id = missing
		if variant == "own" {
			id = itoa(e.queryID(`SELECT max(id) FROM inspection_items WHERE active`))
		}
	case strings.HasPrefix(route, "/inspections/{id}"), strings.HasPrefix(route, "/findings/{id}"), strings.HasPrefix(route, "/rectifications/{id}"):
		id, sub = missing, missing
		if variant != "missing" {
			o := e.supervision(variant)
			switch {
			case strings.HasPrefix(route, "/inspections/"):
				id = itoa(o.inspection)
				if o.file != 0 {
					sub = itoa(o.file)
				}
			case strings.HasPrefix(route, "/findings/"):
				id = itoa(o.finding)
			default:
				id = itoa(o.order)
			}
		}
	case strings.Contains(route, "{year}"):
		return strings.NewReplacer("{year}", "2025", "{id}", itoa(e.institutionID(map[string]string{"own": "杭州市临安区天目职业技能培训学校",
			"other": "临安锦城家政服务培训中心", "missing": "杭州市临安区天目职业技能培训学校", "-": "杭州市临安区天目职业技能培训学校"}[variant]))).Replace(route), true
	default:
		return "", false
	}
	return strings.NewReplacer("{id}", id, "{fid}", sub).Replace(route), true
}
