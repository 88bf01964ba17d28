package repository

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// InboxNotice is one inbox message: what happened to someone's work, and
// where to see it.
type InboxNotice struct {
	Kind  string // e.g. "class.approve": the action that caused it
	Title string // 中文, at most 200 characters
	Body  string // a reason or a detail; at most 1000
	Href  string // the page of the work ("/classes/12"); "" for none
}

var inboxConstraints = map[string][2]string{
	"inbox_pkey":         {"", "消息重复"},
	"inbox_user_id_fkey": {"", "收件人账号不存在"},
	"inbox_kind_check":   {"", "消息类型无效"},
	"inbox_title_check":  {"", "消息标题过长（最多200字）"},
	"inbox_body_check":   {"", "消息内容过长（最多1000字）"},
	"inbox_href_check":   {"", "消息链接无效"},
}

func init() {
	for k, v := range inboxConstraints {
		constraintErrors[k] = v
	}
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// insertNotice writes n to every user the recipients query selects
// ($1 is its argument). Call it inside the state change's transaction.
func (s *Store) insertNotice(ctx context.Context, tx pgx.Tx, recipients string, arg int64, n InboxNotice) error {
	_, err := tx.Exec(ctx, `INSERT INTO inbox (user_id, at, kind, title, body, href)
		SELECT u.id, $2, $3, $4, $5, $6 FROM users u WHERE u.disabled_at IS NULL AND u.id IN (`+recipients+`)`,
		arg, s.now(), n.Kind, clip(n.Title, 200), clip(n.Body, 1000), n.Href)
	return err
}

// NotifyInstitution tells every active user of an institution, inside tx
// (the transaction of the state change that causes the notice).
func (s *Store) NotifyInstitution(ctx context.Context, tx pgx.Tx, institutionID int64, n InboxNotice) error {
	return s.insertNotice(ctx, tx, `SELECT id FROM users WHERE institution_id = $1`, institutionID, n)
}

// NotifyUser tells one user, inside tx.
func (s *Store) NotifyUser(ctx context.Context, tx pgx.Tx, userID int64, n InboxNotice) error {
	if userID == 0 {
		return nil
	}
	return s.insertNotice(ctx, tx, `SELECT $1::bigint`, userID, n)
}

// NotifyBureau tells every active bureau user, inside tx.
func (s *Store) NotifyBureau(ctx context.Context, tx pgx.Tx, n InboxNotice) error {
	return s.insertNotice(ctx, tx, `SELECT id FROM users WHERE role = 'bureau' AND $1::bigint = 0`, 0, n)
}

// NotifyEvalOrg tells the centre users of an evaluation organisation
// (the district centre's users have none of their own), inside tx.
func (s *Store) NotifyEvalOrg(ctx context.Context, tx pgx.Tx, orgID int64, n InboxNotice) error {
	return s.insertNotice(ctx, tx, `SELECT id FROM users WHERE role = 'centre' AND coalesce(eval_org_id,
		(SELECT id FROM eval_orgs WHERE kind = 'centre')) = $1`, orgID, n)
}

// Inbox is the actor's messages, newest first, with the number of unread.
func (s *Store) Inbox(ctx context.Context, a training.Actor, p Page) ([]training.InboxMessage, int, error) {
	if a.UserID == 0 {
		return nil, 0, training.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, `SELECT id, at, kind, title, body, href, read_at, count(*) OVER ()
		FROM inbox WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`, a.UserID, p.limit(), p.offset())
	if err != nil {
		return nil, 0, translate(err, "inbox")
	}
	var total int
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.InboxMessage, error) {
		var m training.InboxMessage
		err := row.Scan(&m.ID, &m.At, &m.Kind, &m.Title, &m.Body, &m.Href, &m.ReadAt, &total)
		return m, err
	})
	return list, total, translate(err, "inbox")
}

// OpenMessage marks one of the actor's messages read and returns it (to
// go to its page). Another user's message is not found.
func (s *Store) OpenMessage(ctx context.Context, a training.Actor, id int64) (training.InboxMessage, error) {
	var m training.InboxMessage
	err := s.pool.QueryRow(ctx, `UPDATE inbox SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2
		RETURNING id, at, kind, title, body, href, read_at`, id, a.UserID, s.now()).
		Scan(&m.ID, &m.At, &m.Kind, &m.Title, &m.Body, &m.Href, &m.ReadAt)
	return m, translate(err, "open message %d", id)
}

// ReadAll marks every message of the actor read.
func (s *Store) ReadAll(ctx context.Context, a training.Actor) error {
	_, err := s.pool.Exec(ctx, `UPDATE inbox SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`, a.UserID, s.now())
	return translate(err, "read all")
}

// classStepNotice is what the institution is told of a bureau's step on
// its filing (approved, returned); other steps tell nobody.
func classStepNotice(classNo string, id int64, st ClassStep) (InboxNotice, bool) {
	href := "/classes/" + strconv.FormatInt(id, 10)
	switch st.Action {
	case training.ActClassApprove:
		return InboxNotice{Kind: "class.approve", Title: "办班备案已同意：" + classNo, Href: href}, true
	case training.ActClassReturn:
		return InboxNotice{Kind: "class.return", Title: "办班备案被退回：" + classNo, Body: st.Reason, Href: href}, true
	}
	return InboxNotice{}, false
}
