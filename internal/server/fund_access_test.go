package server_test

import (
	"context"

	"tianmu/internal/training"
)

// Access rows of fund use (SUB-4): institutions as in access_test.go
// ("own" the school, "other" the academy); entries "own" (the school's)
// and "other" (the academy's), added once per env by moneyPath. The walk
// posts no fields (422) and a stale version (409).
func init() {
	for k, v := range map[string]access{
		"GET /fund-use":                        {"-": roleStatus{see, ok, ok, forb}},
		"GET /institutions/{id}/fund-use":      {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
		"POST /fund-use":                       {"-": instOnly(bad)},
		"POST /fund-use/{id}/void":             {"own": instOnly(conf), "other": instOnly(nf), "missing": instOnly(nf)},
		"GET /institutions/{id}/fund-use.xlsx": {"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}},
		"GET /subsidy-overview":                {"-": bureauOnly(ok)},
		"GET /subsidy-overview.xlsx":           {"-": bureauOnly(ok)},
	} {
		accessTable[k] = v
	}
}

// fundUseEntry is the school's ("own") or the academy's ("other") spending
// entry for the year, made once per env.
func (e *env) fundUseEntry(variant string) int64 {
	return e.fixture("fund use "+variant, func() int64 {
		e.t.Helper()
		who := map[string]string{"own": "school", "other": "academy"}[variant]
		id, err := e.store.RecordFundUse(context.Background(), e.actorOf(who), training.FundUseInput{Category: "venue", Amount: "800",
			SpentOn: e.store.Today().Format("2006-01-02"), Description: "访问测试场地费", VoucherNo: "FW-1"})
		if err != nil {
			e.t.Fatal(err)
		}
		return id
	})
}
