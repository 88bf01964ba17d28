package server_test

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/demo"
	"tianmu/internal/training"
)

// Access rows of subsidy claims and the public notice (issue 11, SUB-3).
//
// Claims: "own" is the school's draft demo claim, "other" a draft claim of
// the academy's that claimPath builds (published passes made in SQL); the
// walk's stale version makes a permitted step 409.
// Notices: "own" is the claim on notice (anyone may read it and object;
// the walk sends no text: 422), "other" the school's draft, which is not
// on notice (404 for everyone). {id} of /objections is the pending
// objection on the notice: the bureau decides it (the walk's decision
// text, not upheld: 303). {id} of /claim-lines is a line of the school's
// paid claim: the walk sends no amount (422).
func init() {
	claimGet := access{"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}}
	for k, v := range map[string]access{
		"GET /claims":                      {"-": roleStatus{see, ok, ok, forb}},
		"GET /claims/new":                  {"-": instOnly(ok)},
		"POST /claims":                     {"-": instOnly(bad)}, // no class chosen
		"GET /claims/{id}":                 claimGet,
		"POST /claims/{id}/rebuild":        classInstStep(conf),
		"POST /claims/{id}/submit":         classInstStep(conf),
		"POST /claims/{id}/withdraw":       classInstStep(conf),
		"POST /claims/{id}/review":         bureauStep(conf, "own", "other"),
		"POST /claims/{id}/return":         bureauStep(conf, "own", "other"),
		"POST /claims/{id}/approve":        bureauStep(conf, "own", "other"),
		"POST /claims/{id}/payment":        bureauStep(conf, "own", "other"),
		"POST /claims/{id}/paid":           bureauStep(conf, "own", "other"),
		"POST /claims/{id}/payment-failed": bureauStep(conf, "own", "other"),
		"POST /objections/{id}/decide":     bureauStep(see, "own"),
		"POST /claims/{id}/recovery":       bureauStep(conf, "own", "other"),
		"GET /notices":                     {"-": same(ok, ok)},
		"GET /notices/{id}":                {"own": same(ok, ok), "other": same(nf, nf), "missing": same(nf, nf)},
		"POST /notices/{id}/objections":    {"own": same(bad, bad), "other": same(nf, nf), "missing": same(nf, nf)},
		// Exports: the claim's workbook and printed form as its page; the
		// bureau's full list (the walk's reason: 200, audited); the
		// payment batch of the school's paid claim; the fund-use report.
		"GET /claims/{id}/export.xlsx":        claimGet,
		"GET /claims/{id}/form.pdf":           claimGet,
		"POST /claims/{id}/export-full":       bureauStep(ok, "own", "other"),
		"GET /claim-payments/{id}/batch.xlsx": {"own": {see, ok, ok, forb}, "missing": {see, nf, nf, forb}},
		// The bureau's batch with full ID numbers, from the claim page of
		// one of its payments: "own" the school's paid claim and its
		// payment (the walk's reason: 200, audited), "other" the same
		// payment under another claim (404).
		"POST /claims/{id}/payments/{pid}/batch-full": {"own": {see, ok, forb, forb}, "other": {see, nf, forb, forb}},
		"GET /fund-use.xlsx":                          {"-": bureauOnly(ok)},
	} {
		accessTable[k] = v
	}
}

// claimPath fills the ids of the claim routes; ok is false for others.
func (e *env) claimPath(route, variant string) (string, bool) {
	const missing = "999999"
	var id string
	switch {
	case strings.Contains(route, "{pid}"):
		paid := e.fixture("paid claim", func() int64 {
			return e.queryID(`SELECT min(claim_id) FROM subsidy_claim_payments p JOIN subsidy_claims c ON c.id = p.claim_id WHERE c.status = 'paid'`)
		})
		pid := e.fixture("paid claim payment", func() int64 { return e.queryID(`SELECT min(id) FROM subsidy_claim_payments WHERE claim_id = $1`, paid) })
		claim := paid
		if variant == "other" {
			claim = e.fixture("claim "+route+" own draft", func() int64 {
				return e.queryID(`SELECT id FROM subsidy_claims WHERE status = 'draft' ORDER BY id LIMIT 1`)
			})
		}
		return strings.NewReplacer("{id}", itoa(claim), "{pid}", itoa(pid)).Replace(route), true
	case strings.HasPrefix(route, "/claims/{id}"):
		if variant == "other" {
			return strings.Replace(route, "{id}", itoa(e.fixture("academy claim", e.academyClaim)), 1), true
		}
		id = map[string]string{"own": `SELECT id FROM subsidy_claims WHERE status = 'draft' AND institution_id = (SELECT institution_id FROM users WHERE username = 'school') ORDER BY id LIMIT 1`}[variant]
	case strings.HasPrefix(route, "/notices/{id}"):
		id = map[string]string{"own": `SELECT id FROM subsidy_claims WHERE status = 'notice'`,
			"other": `SELECT id FROM subsidy_claims WHERE status = 'draft' AND institution_id = (SELECT institution_id FROM users WHERE username = 'school') ORDER BY id LIMIT 1`}[variant]
	case strings.HasPrefix(route, "/objections/{id}"):
		id = map[string]string{"own": `SELECT o.id FROM subsidy_claim_objections o JOIN subsidy_claims c ON c.id = o.claim_id
			WHERE c.status = 'notice' AND o.status = 'pending'`}[variant]
	case strings.HasPrefix(route, "/claim-payments/{id}"):
		id = map[string]string{"own": `SELECT min(p.id) FROM subsidy_claim_payments p JOIN subsidy_claims c ON c.id = p.claim_id WHERE c.status = 'paid'`}[variant]
	default:
		return "", false
	}
	if id == "" {
		id = missing
	} else {
		q := id
		id = itoa(e.fixture("claim "+route+" "+variant, func() int64 { return e.queryID(q) }))
	}
	return strings.Replace(route, "{id}", id, 1), true
}

// academyClaim builds a draft claim of the academy's on published passes
// made in SQL.
func (e *env) academyClaim() int64 {
	e.t.Helper()
	ctx := context.Background()
	acad := e.actorOf("academy")
	var classes []int64
	err := pgx.BeginFunc(ctx, e.store.Pool(), func(tx pgx.Tx) error {
		p, err := demo.SeedPasses(ctx, tx, demo.PassSpec{InstitutionID: acad.InstitutionID, Occupation: "4-10-01-05", Level: training.Level4,
			Type: training.TypeSkillLevel, Classes: 1, PerClass: 2, Start: time.Date(2026, 1, 26, 0, 0, 0, 0, time.UTC),
			CertDate: time.Date(2026, 2, 9, 0, 0, 0, 0, time.UTC), Tag: "8801"})
		classes = p.ClassIDs
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	id, err := e.store.BuildClaim(ctx, acad, classes)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}
