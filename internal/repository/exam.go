package repository

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Assessment applications (鉴定申报, EXAM-1, EXAM-6) and evaluation
// organisations. Sessions, scores and certificates are in exam_session.go,
// exam_score.go and certificate.go.

// EvalOrgs lists the evaluation organisations, the district centre first.
func (s *Store) EvalOrgs(ctx context.Context) ([]training.EvalOrg, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, kind, approved, approval_no, withdrawn_reason, withdrawn_by, withdrawn_at, version
		FROM eval_orgs ORDER BY kind = 'social', name, id`)
	if err != nil {
		return nil, translate(err, "eval orgs")
	}
	list, err := pgx.CollectRows(rows, scanEvalOrg)
	return list, translate(err, "eval orgs")
}

func scanEvalOrg(row pgx.CollectableRow) (training.EvalOrg, error) {
	var o training.EvalOrg
	var kind string
	err := row.Scan(&o.ID, &o.Name, &kind, &o.Approved, &o.ApprovalNo, &o.WithdrawnReason, &o.WithdrawnBy, &o.WithdrawnAt, &o.Version)
	o.Kind = training.EvalOrgKind(kind)
	return o, err
}

// CreateEvalOrg records an approved social evaluation organisation (the
// bureau keeps the list).
func (s *Store) CreateEvalOrg(ctx context.Context, a training.Actor, in training.EvalOrgInput) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	in.Name, in.ApprovalNo = strings.TrimSpace(in.Name), strings.TrimSpace(in.ApprovalNo)
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO eval_orgs (name, kind, approved, approval_no, created_at) VALUES ($1, 'social', true, $2, $3) RETURNING id`,
			in.Name, in.ApprovalNo, s.now()).Scan(&id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "eval_org.create", Entity: "eval_org", EntityID: id,
			After: map[string]any{"name": in.Name, "approval_no": in.ApprovalNo}})
	})
	return id, translate(err, "create eval org")
}

// centreOrgSQL is the evaluation organisation of the centre user $n: their
// own, or the district centre.
const centreOrgSQL = `coalesce((SELECT eval_org_id FROM users WHERE id = ?), (SELECT id FROM eval_orgs WHERE kind = 'centre'))`

// applicationScope: the bureau sees every application, an institution its
// own, a centre user those addressed to their organisation.
func applicationScope(a training.Actor, w *where) bool {
	switch {
	case a.IsBureau():
		return true
	case a.IsInstitution():
		w.add("ap.institution_id = ?", a.InstitutionID)
		return true
	case a.IsCentre():
		w.add("ap.eval_org_id = "+centreOrgSQL, a.UserID)
		return true
	}
	return false
}

const applicationColumns = `ap.id, ap.class_id, c.class_no, c.status, c.type, c.level, coalesce(o.code, ''), coalesce(o.name, ''),
	c.start_date, c.end_date, ap.institution_id, i.name, ap.eval_org_id, eo.name, ap.cert_kind, ap.status, ap.return_reason,
	ap.submitted_by, ap.submitted_at, ap.decided_by, ap.decided_at, ap.version,
	(SELECT count(*) FROM exam_candidates ec WHERE ec.application_id = ap.id)`

const applicationFrom = ` FROM exam_applications ap JOIN classes c ON c.id = ap.class_id JOIN institutions i ON i.id = ap.institution_id
	JOIN eval_orgs eo ON eo.id = ap.eval_org_id LEFT JOIN occupations o ON o.id = c.occupation_id`

func scanApplication(row pgx.Row) (training.Application, error) {
	var ap training.Application
	var cs, ct, kind, st string
	var level int16
	err := row.Scan(&ap.ID, &ap.ClassID, &ap.ClassNo, &cs, &ct, &level, &ap.OccupationCode, &ap.OccupationName,
		&ap.ClassStart, &ap.ClassEnd, &ap.InstitutionID, &ap.InstitutionName, &ap.EvalOrgID, &ap.EvalOrgName, &kind, &st,
		&ap.ReturnReason, &ap.SubmittedBy, &ap.SubmittedAt, &ap.DecidedBy, &ap.DecidedAt, &ap.Version, &ap.CandidateCount)
	ap.ClassStatus, ap.ClassType, ap.Level = training.ClassStatus(cs), training.ClassType(ct), training.Level(level)
	ap.CertKind, ap.Status = training.CertKind(kind), training.ApplicationStatus(st)
	return ap, err
}

// ApplicationFilter narrows the application list.
type ApplicationFilter struct {
	Status training.ApplicationStatus
}

// Applications lists the applications the actor may see: the centre's
// queue (waiting ones first, then the rest, each oldest first), or an
// institution's own. The page is picked on narrow index columns in that
// order and the totals come from exam_application_counts (an
// institution's few are counted by index): two round trips, whatever the
// number of applications.
func (s *Store) Applications(ctx context.Context, a training.Actor, f ApplicationFilter, p Page) ([]training.Application, int, error) {
	var scope, counts string
	var arg any
	switch {
	case a.IsBureau():
		scope, counts = `$1::bigint IS NOT NULL`, `SELECT status, n FROM exam_application_counts WHERE $1::bigint IS NOT NULL`
		arg = int64(0)
	case a.IsInstitution():
		scope, counts = `ap.institution_id = $1`, `SELECT status, count(*) FROM exam_applications WHERE institution_id = $1 GROUP BY 1`
		arg = a.InstitutionID
	case a.IsCentre():
		org := strings.ReplaceAll(centreOrgSQL, "?", "$1")
		scope, counts = `ap.eval_org_id = `+org, `SELECT status, n FROM exam_application_counts WHERE eval_org_id = `+org
		arg = a.UserID
	default:
		return nil, 0, training.ErrNotFound
	}
	var waiting, total int
	rows, _ := s.pool.Query(ctx, counts, arg)
	var st string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&st, &n}, func() error {
		if training.ApplicationStatus(st) == training.AppSubmitted {
			waiting += n
		}
		if f.Status == "" || training.ApplicationStatus(st) == f.Status {
			total += n
		}
		return nil
	}); err != nil {
		return nil, 0, translate(err, "applications")
	}
	limit, offset := p.limit(), p.offset()
	// The waiting part of the page, then the rest, as the delivery report.
	top, first, rest, restOffset := limit+offset, limit, 0, 0
	switch {
	case f.Status != "" && f.Status != training.AppSubmitted:
		top, first, rest, restOffset = 0, 0, limit, offset
	case offset >= waiting:
		top, first = 0, 0
	}
	if f.Status != training.AppSubmitted && offset+limit > waiting {
		rest, restOffset = min(limit, offset+limit-waiting), max(0, offset-waiting)
		if f.Status != "" {
			rest, restOffset = limit, offset
		}
	}
	q := `WITH pg AS (
			(SELECT id, submitted_at, 0 AS grp FROM (SELECT ap.id, ap.submitted_at FROM exam_applications ap
				WHERE ` + scope + ` AND ap.status = 'submitted' ORDER BY ap.submitted_at, ap.id LIMIT $2) w
				ORDER BY submitted_at, id LIMIT $3 OFFSET $4)
			UNION ALL
			(SELECT ap.id, ap.submitted_at, 1 FROM exam_applications ap
				WHERE ` + scope + ` AND ap.status <> 'submitted' AND ($7 = '' OR ap.status = $7)
				ORDER BY ap.submitted_at, ap.id LIMIT $5 OFFSET $6))
		SELECT ` + applicationColumns + ` FROM pg JOIN exam_applications ap ON ap.id = pg.id JOIN classes c ON c.id = ap.class_id
			JOIN institutions i ON i.id = ap.institution_id JOIN eval_orgs eo ON eo.id = ap.eval_org_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
		ORDER BY pg.grp, pg.submitted_at, pg.id`
	rows, _ = s.pool.Query(ctx, q, arg, top, first, offset, rest, restOffset, string(f.Status))
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Application, error) { return scanApplication(row) })
	return list, total, translate(err, "applications")
}

// ApplicationsEach hands each every application of the list, in the
// page's order (waiting ones first, then the rest, each oldest first),
// one at a time: the list's .xlsx export, with the same scope.
func (s *Store) ApplicationsEach(ctx context.Context, a training.Actor, f ApplicationFilter, each func(training.Application) error) error {
	var scope string
	var arg any
	switch {
	case a.IsBureau():
		scope, arg = `$1::bigint IS NOT NULL`, int64(0)
	case a.IsInstitution():
		scope, arg = `ap.institution_id = $1`, a.InstitutionID
	case a.IsCentre():
		scope, arg = `ap.eval_org_id = `+strings.ReplaceAll(centreOrgSQL, "?", "$1"), a.UserID
	default:
		return training.ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `SELECT `+applicationColumns+` FROM exam_applications ap JOIN classes c ON c.id = ap.class_id
			JOIN institutions i ON i.id = ap.institution_id JOIN eval_orgs eo ON eo.id = ap.eval_org_id
			LEFT JOIN occupations o ON o.id = c.occupation_id
		WHERE `+scope+` AND ($2 = '' OR ap.status = $2)
		ORDER BY ap.status <> 'submitted', ap.submitted_at, ap.id`, arg, string(f.Status))
	if err != nil {
		return translate(err, "applications")
	}
	return translate(forEach(rows, func(row pgx.CollectableRow) (training.Application, error) { return scanApplication(row) }, each), "applications")
}

// ApplicationByID returns an application with its candidates. Another
// institution's, or another organisation's, is ErrNotFound.
func (s *Store) ApplicationByID(ctx context.Context, a training.Actor, id int64) (training.Application, error) {
	ap, err := s.applicationFor(ctx, s.pool, a, id, false)
	if err != nil {
		return ap, translate(err, "application %d", id)
	}
	ap.Candidates, err = s.applicationCandidates(ctx, s.pool, id)
	return ap, translate(err, "application %d candidates", id)
}

func (s *Store) applicationFor(ctx context.Context, q queryBatcher, a training.Actor, id int64, lock bool) (training.Application, error) {
	var w where
	if !applicationScope(a, &w) {
		return training.Application{}, training.ErrNotFound
	}
	w.add("ap.id = ?", id)
	sql := `SELECT ` + applicationColumns + applicationFrom + w.sql()
	if lock {
		sql += ` FOR UPDATE OF ap`
	}
	return scanApplication(q.QueryRow(ctx, sql, w.args...))
}

// applicationCandidatesSQL lists application $1's candidates.
const applicationCandidatesSQL = `SELECT e.id, t.name, t.id_number, ec.attendance_rate::float8, ec.flags, ec.override_reason
	FROM exam_candidates ec JOIN enrolments e ON e.id = ec.enrolment_id JOIN trainees t ON t.id = e.trainee_id
	WHERE ec.application_id = $1 ORDER BY e.id`

func (s *Store) applicationCandidates(ctx context.Context, q querier, id int64) ([]training.Candidate, error) {
	rows, err := q.Query(ctx, applicationCandidatesSQL, id)
	if err != nil {
		return nil, err
	}
	return collectCandidates(rows)
}

// collectCandidates scans applicationCandidatesSQL's rows.
func collectCandidates(rows pgx.Rows) ([]training.Candidate, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Candidate, error) {
		c := training.Candidate{Chosen: true}
		var flags string
		err := row.Scan(&c.EnrolmentID, &c.Name, &c.IDNumber, &c.AttendanceRate, &flags, &c.Reason)
		if flags != "" {
			c.Flags = strings.Split(flags, "\n")
		}
		return c, err
	})
}

// ApplicationDraft is what the application form needs: the class, its
// trainees with attendance rates (chosen ones marked when re-applying
// after a return), and the evaluation organisations.
type ApplicationDraft struct {
	Class       training.Class
	Application *training.Application // the returned application, when re-applying
	Candidates  []training.Candidate
	Orgs        []training.EvalOrg
}

// ApplicationDraftFor loads the application form for the institution's own
// finished class.
func (s *Store) ApplicationDraftFor(ctx context.Context, a training.Actor, classID int64) (ApplicationDraft, error) {
	var d ApplicationDraft
	if !a.IsInstitution() {
		return d, training.ErrForbidden
	}
	c, err := s.ClassByID(ctx, a, classID)
	if err != nil {
		return d, err
	}
	d.Class = c
	var appID int64
	err = s.pool.QueryRow(ctx, `SELECT id FROM exam_applications WHERE class_id = $1`, classID).Scan(&appID)
	switch {
	case err == pgx.ErrNoRows:
	case err != nil:
		return d, translate(err, "application of class %d", classID)
	default:
		ap, err := s.ApplicationByID(ctx, a, appID)
		if err != nil {
			return d, err
		}
		d.Application = &ap
	}
	facts, err := candidateFacts(ctx, s.pool, classID)
	if err != nil {
		return d, translate(err, "candidates of class %d", classID)
	}
	ids := make([]int64, len(facts))
	for i, f := range facts {
		ids[i] = f.EnrolmentID
	}
	idNumbers := map[int64]string{}
	rows, err := s.pool.Query(ctx, `SELECT e.id, t.id_number FROM enrolments e JOIN trainees t ON t.id = e.trainee_id WHERE e.id = ANY($1)`, ids)
	if err != nil {
		return d, translate(err, "candidates of class %d", classID)
	}
	var eid int64
	var idn string
	if _, err := pgx.ForEachRow(rows, []any{&eid, &idn}, func() error { idNumbers[eid] = idn; return nil }); err != nil {
		return d, translate(err, "candidates of class %d", classID)
	}
	prev := map[int64]training.Candidate{}
	if d.Application != nil {
		for _, c := range d.Application.Candidates {
			prev[c.EnrolmentID] = c
		}
	}
	for _, f := range facts {
		c := training.Candidate{EnrolmentID: f.EnrolmentID, Name: f.Name, IDNumber: idNumbers[f.EnrolmentID], AttendanceRate: f.Rate(),
			Flags: training.CandidateFlags(f)}
		// A flagged candidate is not pre-selected (DELIV-1, DELIV-3);
		// after a return, the earlier choice and reason stand.
		if p, ok := prev[f.EnrolmentID]; ok {
			c.Chosen, c.Reason = true, p.Reason
		} else {
			c.Chosen = d.Application == nil && len(c.Flags) == 0
		}
		d.Candidates = append(d.Candidates, c)
	}
	orgs, err := s.EvalOrgs(ctx)
	for _, o := range orgs {
		if training.OrgOpen(o) { // a withdrawn organisation is not offered
			d.Orgs = append(d.Orgs, o)
		}
	}
	return d, err
}

// Apply is EXAM-1: the institution applies for its finished class, with the
// candidates and the certificate kind (EXAM-6). After a return the same
// application is submitted again. The class moves to assessment applied.
func (s *Store) Apply(ctx context.Context, a training.Actor, classID int64, in training.ApplicationInput) (int64, error) {
	if !a.IsInstitution() {
		return 0, training.ErrForbidden
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := s.classForRead(ctx, tx, a, classID, true)
		if err != nil {
			return err
		}
		var prev training.ApplicationStatus
		var version int
		err = tx.QueryRow(ctx, `SELECT id, status, version FROM exam_applications WHERE class_id = $1 FOR UPDATE`, classID).Scan(&id, &prev, &version)
		if err != nil && err != pgx.ErrNoRows {
			return err
		}
		if _, msg := training.NextApplicationStatus(prev, training.ActAppSubmit); msg != "" {
			return training.InvalidGeneral(msg)
		}
		if !training.CanApplyAssessment(c.Status) {
			return training.InvalidGeneral(training.MsgApplyFinished + "（培训班当前状态：" + c.Status.Label() + "）")
		}
		var p training.Problems
		var org training.EvalOrg
		err = tx.QueryRow(ctx, `SELECT id, name, kind, approved, approval_no FROM eval_orgs WHERE id = $1`, in.EvalOrgID).
			Scan(&org.ID, &org.Name, &org.Kind, &org.Approved, &org.ApprovalNo)
		switch {
		case err == pgx.ErrNoRows:
			p.Add("eval_org_id", "请选择考核机构")
		case err != nil:
			return err
		case !in.CertKind.Valid():
			p.Add("cert_kind", "请选择证书类别")
		default:
			if msg := training.CheckIssuer(in.CertKind, org, c.Plan.Level); msg != "" {
				p.Add("eval_org_id", msg)
			}
		}
		ids := uniqueIDs(in.EnrolmentIDs)
		if len(ids) == 0 {
			p.Add("candidates", training.MsgApplyCandidates)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM enrolments WHERE class_id = $1 AND status = 'enrolled' AND id = ANY($2)`,
			classID, ids).Scan(&n); err != nil {
			return err
		}
		if n != len(ids) {
			p.Add("candidates", "所选学员不在本班名册中或已退学")
		}
		facts, err := candidateFacts(ctx, tx, classID)
		if err != nil {
			return err
		}
		chosen := make(map[int64]bool, len(ids))
		for _, id := range ids {
			chosen[id] = true
		}
		rs := training.DecideCandidates(chosen, in.Reasons, facts)
		for _, r := range rs {
			p.Add(r.Field, r.Message)
			p.Add("candidates", r.Message)
		}
		if err := p.Err(); err != nil {
			return err
		}
		byID := make(map[int64]training.CandidateFacts, len(facts))
		for _, f := range facts {
			byID[f.EnrolmentID] = f
		}
		now := s.now()
		if prev == "" {
			err = tx.QueryRow(ctx, `INSERT INTO exam_applications (class_id, institution_id, eval_org_id, cert_kind, status, submitted_by, submitted_at)
				VALUES ($1, $2, $3, $4, 'submitted', $5, $6) RETURNING id`,
				classID, c.InstitutionID, org.ID, string(in.CertKind), actorLabel(a), now).Scan(&id)
		} else {
			_, err = tx.Exec(ctx, `UPDATE exam_applications SET eval_org_id = $2, cert_kind = $3, status = 'submitted', return_reason = '',
				submitted_by = $4, submitted_at = $5, decided_by = '', decided_at = NULL, version = version + 1 WHERE id = $1`,
				id, org.ID, string(in.CertKind), actorLabel(a), now)
			if err == nil {
				_, err = tx.Exec(ctx, `DELETE FROM exam_candidates WHERE application_id = $1`, id)
			}
		}
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		flagged := 0
		for _, eid := range ids {
			f := byID[eid]
			flags := training.CandidateFlags(f)
			reason := ""
			if len(flags) > 0 {
				flagged++
				reason = strings.TrimSpace(in.Reasons[eid])
			}
			b.Queue(`INSERT INTO exam_candidates (application_id, enrolment_id, attendance_rate, flags, override_reason) VALUES ($1, $2, $3, $4, $5)`,
				id, eid, f.Rate(), strings.Join(flags, "\n"), reason)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		if err := s.setClassStatus(ctx, tx, classID, training.ClassFinished, training.ClassAssessmentApplied); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.apply", Entity: "class", EntityID: classID, InstitutionID: c.InstitutionID,
			After: map[string]any{"application": id, "cert_kind": in.CertKind.Label(), "eval_org": org.Name, "candidates": len(ids), "flagged": flagged}})
	})
	return id, translate(err, "apply for assessment of class %d", classID)
}

// setClassStatus moves a class along the assessment statuses; a class not
// in from is a conflict.
func (s *Store) setClassStatus(ctx context.Context, tx pgx.Tx, classID int64, from, to training.ClassStatus) error {
	tag, err := tx.Exec(ctx, `UPDATE classes SET status = $3, version = version + 1, updated_at = $4 WHERE id = $1 AND status = $2`,
		classID, string(from), string(to), s.now())
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return training.ErrConflict
	}
	return nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// DecideApplication is the centre accepting or returning an application
// (with a reason). A returned class goes back to finished so the
// institution can apply again.
func (s *Store) DecideApplication(ctx context.Context, a training.Actor, id int64, version int, accept bool, reason string) error {
	if !a.IsCentre() {
		return training.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	act := training.ActAppAccept
	if !accept {
		act = training.ActAppReturn
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		ap, err := s.applicationFor(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if ap.Version != version {
			return training.ErrConflict
		}
		to, msg := training.NextApplicationStatus(ap.Status, act)
		if msg != "" {
			return training.InvalidGeneral(msg) // the state rule, with its article
		}
		if !accept && reason == "" {
			return training.Invalid("reason", "请填写退回原因")
		}
		if _, err := tx.Exec(ctx, `UPDATE exam_applications SET status = $2, return_reason = $3, decided_by = $4, decided_at = $5,
			version = version + 1 WHERE id = $1`, id, string(to), reason, actorLabel(a), s.now()); err != nil {
			return err
		}
		if !accept {
			if err := s.setClassStatus(ctx, tx, ap.ClassID, training.ClassAssessmentApplied, training.ClassFinished); err != nil {
				return err
			}
		}
		n := InboxNotice{Kind: "exam." + string(act), Title: "鉴定申报已受理：" + ap.ClassNo + " " + ap.OccupationName,
			Href: "/assessments/" + strconv.FormatInt(id, 10)}
		if !accept {
			n.Title, n.Body, n.Href = "鉴定申报被退回："+ap.ClassNo+" "+ap.OccupationName, reason, "/classes/"+strconv.FormatInt(ap.ClassID, 10)+"/assessment"
		}
		if err := s.NotifyInstitution(ctx, tx, ap.InstitutionID, n); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam." + string(act), Entity: "class", EntityID: ap.ClassID,
			InstitutionID: ap.InstitutionID, Before: map[string]any{"status": ap.Status.Label()},
			After: map[string]any{"status": to.Label(), "reason": reason}})
	}), "decide application %d", id)
}

// ArchiveApplication closes an assessment once every session's results are
// published: the application and the class are archived.
func (s *Store) ArchiveApplication(ctx context.Context, a training.Actor, id int64, version int) error {
	if !a.IsCentre() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		ap, err := s.applicationFor(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if ap.Version != version {
			return training.ErrConflict
		}
		to, msg := training.NextApplicationStatus(ap.Status, training.ActAppArchive)
		if msg != "" {
			return training.InvalidGeneral(msg) // the state rule, with its article
		}
		var open, published int
		var pending bool
		if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status NOT IN ('published', 'cancelled')), count(*) FILTER (WHERE status = 'published'),
				EXISTS (SELECT 1 FROM exam_amendments am JOIN exam_entries x ON x.id = am.entry_id JOIN exam_sessions s ON s.id = x.session_id
					WHERE s.application_id = $1 AND am.status = 'pending')
			FROM exam_sessions WHERE application_id = $1`, id).Scan(&open, &published, &pending); err != nil {
			return err
		}
		if err := training.DecideArchiveApplication(training.ArchiveFacts{OpenSessions: open, PublishedSessions: published,
			PendingAmendment: pending}).Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE exam_applications SET status = $2, version = version + 1 WHERE id = $1`, id, string(to)); err != nil {
			return err
		}
		if err := s.setClassStatus(ctx, tx, ap.ClassID, training.ClassAssessed, training.ClassArchived); err != nil {
			return err
		}
		// SUP-1: the ledger is frozen with the archive (ledger.go); the
		// audit row keeps its checksum.
		sum, err := s.freezeLedger(ctx, tx, a, ap.ClassID)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "exam.archive", Entity: "class", EntityID: ap.ClassID,
			InstitutionID: ap.InstitutionID, After: map[string]any{"status": to.Label(), "ledger_sha256": sum}})
	}), "archive application %d", id)
}
