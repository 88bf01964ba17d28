// Package jobs runs Tianmu's background work as durable jobs in
// PostgreSQL (River, github.com/riverqueue/river): roster validations that
// any node can take, and the scheduled jobs, each run once across all
// nodes by the elected leader.
//
// # The registry
//
// Kinds lists every kind of job: its name in the queue, its Chinese label
// for the bureau's queue page (/jobs), and for a periodic job its Schedule.
// register adds the workers.
//
// # Adding a kind (notice periods, rectification deadlines, the annual
// evaluation run, ledger exports)
//
//  1. Arguments: a struct with a Kind method and ids only (never personal
//     data: the queue page and the logs show arguments). A job that a state
//     change causes is enqueued by the repository in that change's
//     transaction: define its arguments in repository/queue.go and call
//     s.enqueue(ctx, tx, args, at) there, with at the due time for a
//     deadline (a notice period's end, a rectification deadline) or zero
//     for now. A periodic job's arguments carry its Slot (see below).
//  2. Worker: river.AddWorker in register, calling one repository method
//     that does the work in its own transactions with its audit rows. It
//     must be idempotent (a job may run again after its node died) and
//     return errors through failure, whose message is Chinese: the queue
//     page shows it; the cause goes to the log.
//  3. Registry: a line in Kinds with the label and, for a periodic job,
//     DailyAt(h, m) (Asia/Shanghai) or Every(d). Periodic jobs are unique
//     by slot, so a new leader starting up does not repeat a run; they can
//     be rescheduled by TIANMU_JOB_SCHEDULE.
//  4. Time: a job's timeout (Config.JobTimeout unless its worker says
//     otherwise) must stay below Config.RescueAfter, or a job still running
//     would be taken for dead and run twice. Long work (a ledger export)
//     writes its result to a table in steps and a page shows the progress,
//     like the roster import page.
//
// # River's schema
//
// Goose owns it: migrations 00030 and 00031 are River's own migration
// files at the version in go.mod. When upgrading River, add a goose
// migration with the SQL of its new versions and their river_migration
// rows; TestRiverSchemaMatchesRivermigrate fails until the schemas agree.
package jobs
