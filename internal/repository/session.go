package repository

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

// Session is a stored session as the session store reads it: its data,
// expiry and, when it belongs to a signed-in user, that user as of now.
type Session struct {
	Data   []byte
	Expiry time.Time
	User   *training.User
}

// SessionFind returns an unexpired session with its user, in one query: the
// session middleware needs both on every request.
func (s *Store) SessionFind(ctx context.Context, token string) (Session, bool, error) {
	var ses Session
	var uid *int64
	var u training.User
	var role, uname, name *string
	var instID *int64
	var instName *string
	var mustChange, disabled *bool
	var sv *int
	var lastLogin, created *time.Time
	var unread int
	err := s.pool.QueryRow(ctx, `
		SELECT s.data, s.expiry, u.id, u.username, u.name, u.role, u.institution_id, i.name,
			u.must_change_password, u.disabled_at IS NOT NULL, u.session_version, u.last_login_at, u.created_at,
			(SELECT count(*) FROM inbox m WHERE m.user_id = u.id AND m.read_at IS NULL)
		FROM sessions s
		LEFT JOIN users u ON u.id = s.user_id
		LEFT JOIN institutions i ON i.id = u.institution_id
		WHERE s.token = $1 AND current_timestamp < s.expiry`, token).
		Scan(&ses.Data, &ses.Expiry, &uid, &uname, &name, &role, &instID, &instName, &mustChange, &disabled, &sv, &lastLogin, &created, &unread)
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, false, nil
	}
	if err != nil {
		return Session{}, false, translate(err, "find session")
	}
	if uid != nil {
		u = training.User{ID: *uid, Username: *uname, Name: *name, Role: training.Role(*role),
			MustChangePassword: *mustChange, Disabled: *disabled, SessionVersion: *sv, LastLoginAt: lastLogin, CreatedAt: *created, InboxUnread: unread}
		if instID != nil {
			u.InstitutionID = *instID
		}
		if instName != nil {
			u.InstitutionName = *instName
		}
		ses.User = &u
	}
	return ses, true, nil
}

// SessionCommit stores a session; userID (0 for none) lets SessionFind
// return the session's user with it.
func (s *Store) SessionCommit(ctx context.Context, token string, data []byte, expiry time.Time, userID int64) error {
	var uid *int64
	if userID != 0 {
		uid = &userID
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO sessions (token, data, expiry, user_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry, user_id = EXCLUDED.user_id`,
		token, data, expiry, uid)
	return translate(err, "commit session")
}

// Secret returns the named server secret (made by migration 00016; read
// only, so a request that needs one writes nothing).
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT secret FROM server_secrets WHERE name = $1`, name).Scan(&b)
	return b, translate(err, "server secret %s", name)
}
