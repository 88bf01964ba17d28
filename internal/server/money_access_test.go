package server_test

import (
	"context"
	"strings"

	"tianmu/internal/training"
)

// Access rows of fees, subsidy standards, claims and fund use (issue 11).
//
// Fee routes: classes as in access_test.go ("own" the school's submitted
// 三级 filing, "other" the academy's); fee applications "own" (the
// school's, on that filing) and "other" (the academy's), both submitted,
// added once per env by moneyPath. The walk's stale version makes a
// permitted step 409. Standards: "own" a standard, "other" a rate.
func init() {
	for k, v := range map[string]access{
		"GET /fees":                               {"-": roleStatus{see, ok, ok, forb}},
		"GET /fees/template.xlsx":                 {"-": roleStatus{see, ok, ok, forb}},
		"GET /classes/{id}/fees":                  {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
		"POST /classes/{id}/fees":                 classInstStep(bad), // the walk sends no amount
		"POST /classes/{id}/fees/payments":        classInstStep(bad), // 第十二条: no approved application
		"POST /classes/{id}/fees/import":          classInstStep(bad), // not multipart: no file
		"POST /fees/{id}/approve":                 bureauStep(conf, "own", "other"),
		"POST /fees/{id}/return":                  bureauStep(conf, "own", "other"),
		"POST /fees/{id}/withdraw":                {"own": instOnly(conf), "other": instOnly(nf), "missing": instOnly(nf)},
		"GET /subsidy-standards":                  {"-": bureauOnly(ok)},
		"POST /subsidy-standards":                 {"-": bureauOnly(bad)},          // no kind chosen
		"POST /subsidy-standards/{kind}/{id}/end": bureauStep(bad, "own", "other"), // no date
	} {
		accessTable[k] = v
	}
}

// moneyPath fills the ids of the money routes it owns; ok is false for
// every other route.
func (e *env) moneyPath(route, variant string) (string, bool) {
	const missing = "999999"
	switch {
	case strings.HasPrefix(route, "/fees/{id}"):
		id := missing
		if variant != "missing" {
			id = itoa(e.feeApplication(variant))
		}
		return strings.Replace(route, "{id}", id, 1), true
	case strings.HasPrefix(route, "/fund-use/{id}"): // fund_access_test.go
		id := missing
		if variant != "missing" {
			id = itoa(e.fundUseEntry(variant))
		}
		return strings.Replace(route, "{id}", id, 1), true
	case strings.HasPrefix(route, "/subsidy-standards/{kind}/{id}"):
		kind, id := training.FigureStandard, missing
		switch variant {
		case "own":
			id = itoa(e.queryID(`SELECT min(id) FROM subsidy_standards`))
		case "other":
			kind, id = training.FigureRate, itoa(e.queryID(`SELECT min(id) FROM subsidy_rates`))
		}
		return strings.NewReplacer("{kind}", kind, "{id}", id).Replace(route), true
	}
	return "", false
}

// feeApplication is the school's ("own") or the academy's ("other") fee
// application on its submitted filing, made once per env.
func (e *env) feeApplication(variant string) int64 {
	return e.fixture("fee "+variant, func() int64 {
		e.t.Helper()
		who, content := "school", "宴席菜肴设计、地方风味菜（临安农家菜）、成本核算"
		if variant == "other" {
			who, content = "academy", "生活照料、基础护理、康复服务、心理支持、失智照护"
		}
		id, err := e.store.ApplyFee(context.Background(), e.actorOf(who), e.classID(content),
			training.FeeInput{Amount: "300", Covers: "实训耗材", Reason: "访问测试"})
		if err != nil {
			e.t.Fatal(err)
		}
		return id
	})
}
