package server_test

import (
	"context"
	"strings"

	"tianmu/internal/demo"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// Access rows of the ledgers (SUP-1, issue 12).
//
// Ledger routes: "own" is the school's demo finished class, "other" the
// academy's filing, approved and finished by ledgerPath (once per env).
// An export: "own" one the bureau started for the school's year, still
// queued in the walk (no runner), so its download answers 409.
func init() {
	ledger := access{"own": {see, ok, ok, forb}, "other": {see, ok, nf, forb}, "missing": {see, nf, nf, forb}}
	for k, v := range map[string]access{
		"GET /classes/{id}/ledger":          ledger,
		"GET /classes/{id}/ledger.xlsx":     ledger,
		"GET /ledgers":                      {"-": roleStatus{see, ok, ok, forb}},
		"POST /ledgers/export":              {"-": bureauOnly(bad)}, // no institution chosen
		"GET /ledger-exports/{id}":          {"own": bureauOnly(ok), "missing": bureauOnly(nf)},
		"GET /ledger-exports/{id}/download": {"own": bureauOnly(conf), "missing": bureauOnly(nf)},
	} {
		accessTable[k] = v
	}
}

// ledgerPath fills the ids of the ledger routes; ok is false for others.
func (e *env) ledgerPath(route, variant string) (string, bool) {
	const missing = "999999"
	switch {
	case strings.HasPrefix(route, "/classes/{id}/ledger"):
		id := missing
		switch variant {
		case "own":
			id = itoa(e.classID(demo.FinishedClassContent))
		case "other":
			id = itoa(e.fixture("academy finished", e.academyFinished))
		}
		return strings.Replace(route, "{id}", id, 1), true
	case strings.HasPrefix(route, "/ledger-exports/{id}"):
		id := missing
		if variant == "own" {
			id = itoa(e.fixture("ledger export", e.ledgerExport))
		}
		return strings.Replace(route, "{id}", id, 1), true
	}
	return "", false
}

// academyFinished approves the academy's submitted filing and finishes it.
func (e *env) academyFinished() int64 {
	ctx := context.Background()
	id := e.classID("生活照料、基础护理、康复服务、心理支持、失智照护")
	c, err := e.store.ClassByID(ctx, e.actorOf("bureau"), id)
	e.must(err)
	e.must(e.store.StepClass(ctx, e.actorOf("bureau"), id, repository.ClassStep{Action: training.ActClassApprove, Version: c.Version}))
	e.finishClassForTest(id)
	return id
}

// ledgerExport is an export of the school's ledgers of the finished
// class's year, started by the bureau.
func (e *env) ledgerExport() int64 {
	ctx := context.Background()
	cls := e.classID(demo.FinishedClassContent)
	c, err := e.store.ClassByID(ctx, e.actorOf("bureau"), cls)
	e.must(err)
	id, err := e.store.StartLedgerExport(ctx, e.actorOf("bureau"), c.InstitutionID, c.Plan.EndDate.Year())
	e.must(err)
	return id
}
