package repository

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"tianmu/internal/training"
)

const userColumns = `u.id, u.username, u.name, u.role, coalesce(u.institution_id, 0), coalesce(i.name, ''),
	u.must_change_password, u.disabled_at IS NOT NULL, u.session_version, u.last_login_at, u.created_at`

const userFrom = ` FROM users u LEFT JOIN institutions i ON i.id = u.institution_id`

func scanUser(row pgx.CollectableRow) (training.User, error) {
	var u training.User
	var role string
	err := row.Scan(&u.ID, &u.Username, &u.Name, &role, &u.InstitutionID, &u.InstitutionName,
		&u.MustChangePassword, &u.Disabled, &u.SessionVersion, &u.LastLoginAt, &u.CreatedAt)
	u.Role = training.Role(role)
	return u, err
}

// UserByID loads a user for the session middleware. It is not scoped: the
// caller is the signed-in user themself.
func (s *Store) UserByID(ctx context.Context, id int64) (training.User, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1`, id)
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	return u, translate(err, "user %d", id)
}

// UserForLogin returns the user and their password hash by username.
func (s *Store) UserForLogin(ctx context.Context, username string) (training.User, string, error) {
	var hash string
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+`, u.password_hash`+userFrom+` WHERE u.username = $1`, username)
	u, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (training.User, error) {
		var u training.User
		var role string
		err := row.Scan(&u.ID, &u.Username, &u.Name, &role, &u.InstitutionID, &u.InstitutionName,
			&u.MustChangePassword, &u.Disabled, &u.SessionVersion, &u.LastLoginAt, &u.CreatedAt, &hash)
		u.Role = training.Role(role)
		return u, err
	})
	return u, hash, translate(err, "user %q for login", username)
}

// RecordLogin stamps a successful sign-in and writes it to the audit log.
func (s *Store) RecordLogin(ctx context.Context, u training.User) error {
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET last_login_at = $2 WHERE id = $1`, u.ID, s.now()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, u.Actor(), auditRecord{Action: "user.login", Entity: "user", EntityID: u.ID, InstitutionID: u.InstitutionID})
	}), "record login %d", u.ID)
}

// LoginLimits are the sign-in throttles (SECURITY.md: 5 per account per 15
// minutes; a per-address limit that does not trust forwarded headers).
type LoginLimits struct {
	Window     time.Duration
	PerAccount int
	PerAddress int
}

// DefaultLoginLimits are the production limits.
var DefaultLoginLimits = LoginLimits{Window: 15 * time.Minute, PerAccount: 5, PerAddress: 50}

// ReserveLoginAttempt counts one attempt against the account and the address
// before the password is checked, in one atomic statement, and reports
// whether the attempt may go ahead. Counting first means parallel guesses
// cannot slip past the limit. A successful sign-in clears the account count.
func (s *Store) ReserveLoginAttempt(ctx context.Context, username, addr string, l LoginLimits) (bool, error) {
	now := s.now()
	rows, err := s.pool.Query(ctx, `
		INSERT INTO login_throttle AS t (key, window_start, failures)
		VALUES ($1, $3, 1), ($2, $3, 1)
		ON CONFLICT (key) DO UPDATE SET
			window_start = CASE WHEN t.window_start <= $3 - $4::interval THEN $3 ELSE t.window_start END,
			failures     = CASE WHEN t.window_start <= $3 - $4::interval THEN 1 ELSE t.failures + 1 END
		RETURNING key, failures`,
		"user:"+username, "addr:"+addr, now, l.Window.String())
	if err != nil {
		return false, translate(err, "reserve login attempt")
	}
	allowed := true
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			rows.Close()
			return false, translate(err, "reserve login attempt")
		}
		if key[0] == 'u' && n > l.PerAccount || key[0] == 'a' && n > l.PerAddress {
			allowed = false
		}
	}
	return allowed, translate(rows.Err(), "reserve login attempt")
}

// ClearLoginFailures forgets the account's counted attempts after a
// successful sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, username string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM login_throttle WHERE key = $1`, "user:"+username)
	return translate(err, "clear login failures")
}

// UserFilter narrows the bureau's user list.
type UserFilter struct {
	Role          training.Role
	InstitutionID int64
	Query         string // part of username or name
}

var userSorts = map[string]string{
	"username": "u.username, u.id",
	"name":     "u.name, u.id",
	"role":     "u.role, u.username, u.id",
	"created":  "u.created_at, u.id",
	"login":    "u.last_login_at NULLS FIRST, u.id",
}

// Users lists accounts for the bureau.
func (s *Store) Users(ctx context.Context, a training.Actor, f UserFilter, p Page) ([]training.User, int, error) {
	var list []training.User
	var total int
	err := s.userRows(ctx, a, f, p, &total, func(u training.User) error {
		list = append(list, u)
		return nil
	})
	return list, total, err
}

// UsersEach hands each every account of the list in the page's order,
// one at a time (the list's .xlsx export).
func (s *Store) UsersEach(ctx context.Context, a training.Actor, f UserFilter, p Page, each func(training.User) error) error {
	p.all = true
	var total int
	return s.userRows(ctx, a, f, p, &total, each)
}

func (s *Store) userRows(ctx context.Context, a training.Actor, f UserFilter, p Page, total *int, each func(training.User) error) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	var w where
	if f.Role != "" {
		w.add("u.role = ?", string(f.Role))
	}
	if f.InstitutionID != 0 {
		w.add("u.institution_id = ?", f.InstitutionID)
	}
	if f.Query != "" {
		w.add("(u.username LIKE ? OR u.name LIKE ?)", "%"+likeEscape(f.Query)+"%", "%"+likeEscape(f.Query)+"%")
	}
	// The page is picked on the sort's index, however deep; only its rows
	// are then read in full. Without a search or an institution the total
	// is kept in user_counts (migration 00003); otherwise the matches are
	// counted (one institution's few, or a search that reads every row).
	totalSQL := `count(*) OVER ()`
	if f.InstitutionID == 0 && f.Query == "" {
		totalSQL = `(SELECT coalesce(sum(total), 0) FROM user_counts)`
		if f.Role != "" {
			totalSQL = `(SELECT coalesce(sum(total), 0) FROM user_counts WHERE role = $1)`
		}
	}
	if p.all {
		totalSQL = `0`
	}
	order := orderBy(p, userSorts, "username")
	q := `SELECT ` + userColumns + `, pg.total
		FROM (SELECT u.id, ` + totalSQL + ` AS total FROM users u` + w.sql() + order +
		` LIMIT ` + w.arg(p.limitArg()) + ` OFFSET ` + w.arg(p.offsetArg()) + `) pg
		JOIN users u ON u.id = pg.id LEFT JOIN institutions i ON i.id = u.institution_id` + order
	rows, err := s.pool.Query(ctx, q, w.args...)
	if err != nil {
		return translate(err, "users")
	}
	err = forEach(rows, func(row pgx.CollectableRow) (training.User, error) {
		var u training.User
		var role string
		err := row.Scan(&u.ID, &u.Username, &u.Name, &role, &u.InstitutionID, &u.InstitutionName,
			&u.MustChangePassword, &u.Disabled, &u.SessionVersion, &u.LastLoginAt, &u.CreatedAt, total)
		u.Role = training.Role(role)
		return u, err
	}, each)
	return translate(err, "users")
}

// CreateUser creates an account with an already hashed password. Only the
// bureau (or the shell, as training.System) creates accounts.
func (s *Store) CreateUser(ctx context.Context, a training.Actor, in training.UserInput, passwordHash string, mustChange bool) (int64, error) {
	if !a.IsBureau() {
		return 0, training.ErrForbidden
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var instID *int64
		if in.Role == training.RoleInstitution {
			var status string
			err := tx.QueryRow(ctx, `SELECT status FROM institutions WHERE id = $1`, in.InstitutionID).Scan(&status)
			if err != nil {
				return training.Invalid("institution_id", "所选机构不存在")
			}
			if err := training.DecideCreateInstitutionUser(training.InstitutionStatus(status)).Err(); err != nil {
				return err
			}
			instID = &in.InstitutionID
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO users (username, name, role, institution_id, password_hash, must_change_password, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			in.Username, in.Name, string(in.Role), instID, passwordHash, mustChange, s.now()).Scan(&id)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{
			Action: "user.create", Entity: "user", EntityID: id, InstitutionID: in.InstitutionID,
			After: map[string]any{"username": in.Username, "name": in.Name, "role": in.Role},
		})
	})
	return id, translate(err, "create user %q", in.Username)
}

// SetUserDisabled disables or enables an account. Disabling bumps the
// session version so every session of the user ends at its next request.
func (s *Store) SetUserDisabled(ctx context.Context, a training.Actor, id int64, disabled bool) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	if disabled && id == a.UserID {
		return training.DecideDisableUser(a, id, "", 0).Err()
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var others int
		if disabled {
			// The bureau's enabled accounts, locked in id order: two bureau
			// users disabling each other at once cannot leave none.
			rows, err := tx.Query(ctx, `SELECT id FROM users WHERE role = 'bureau' AND disabled_at IS NULL ORDER BY id FOR UPDATE`)
			if err != nil {
				return err
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			for _, x := range ids {
				if x != id {
					others++
				}
			}
		}
		var instID int64
		var was bool
		var role string
		err := tx.QueryRow(ctx, `SELECT coalesce(institution_id, 0), disabled_at IS NOT NULL, role FROM users WHERE id = $1 FOR UPDATE`, id).Scan(&instID, &was, &role)
		if err != nil {
			return err
		}
		if was == disabled {
			return training.ErrConflict
		}
		if disabled {
			if rs := training.DecideDisableUser(a, id, training.Role(role), others); !rs.OK() {
				return rs.Err()
			}
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
			_, err = tx.Exec(ctx, `UPDATE users SET disabled_at = $2, session_version = session_version + 1 WHERE id = $1`, id, s.now())
		} else {
			_, err = tx.Exec(ctx, `UPDATE users SET disabled_at = NULL WHERE id = $1`, id)
		}
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: action, Entity: "user", EntityID: id, InstitutionID: instID,
			Before: map[string]any{"disabled": was}, After: map[string]any{"disabled": disabled}})
	}), "set user %d disabled=%v", id, disabled)
}

// ResetPassword gives a user a one-time password (already hashed) that must
// be changed at the next sign-in, and ends their sessions.
func (s *Store) ResetPassword(ctx context.Context, a training.Actor, id int64, passwordHash string) error {
	if !a.IsBureau() {
		return training.ErrForbidden
	}
	return translate(s.inTx(ctx, func(tx pgx.Tx) error {
		var instID int64
		err := tx.QueryRow(ctx, `
			UPDATE users SET password_hash = $2, must_change_password = true, session_version = session_version + 1
			WHERE id = $1 RETURNING coalesce(institution_id, 0)`, id, passwordHash).Scan(&instID)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "user.reset_password", Entity: "user", EntityID: id, InstitutionID: instID})
	}), "reset password %d", id)
}

// PasswordHash returns the actor's own stored hash, to check the current
// password before a change.
func (s *Store) PasswordHash(ctx context.Context, a training.Actor) (string, error) {
	var h string
	err := s.pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1 AND disabled_at IS NULL`, a.UserID).Scan(&h)
	return h, translate(err, "password hash %d", a.UserID)
}

// ChangeOwnPassword sets the actor's new password, clears the must-change
// flag and ends the user's other sessions. It returns the new session
// version for the current session.
func (s *Store) ChangeOwnPassword(ctx context.Context, a training.Actor, passwordHash string) (int, error) {
	var v int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			UPDATE users SET password_hash = $2, must_change_password = false, session_version = session_version + 1
			WHERE id = $1 AND disabled_at IS NULL RETURNING session_version`, a.UserID, passwordHash).Scan(&v)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, auditRecord{Action: "user.change_password", Entity: "user", EntityID: a.UserID, InstitutionID: a.InstitutionID})
	})
	return v, translate(err, "change password %d", a.UserID)
}

// UserCounts is the number of active accounts per role, for home pages,
// from the counters the user_counts triggers keep (migration 00003).
func (s *Store) UserCounts(ctx context.Context) (map[training.Role]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT role, active FROM user_counts WHERE active > 0`)
	if err != nil {
		return nil, translate(err, "user counts")
	}
	out := map[training.Role]int{}
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			rows.Close()
			return nil, translate(err, "user counts")
		}
		out[training.Role(r)] = n
	}
	return out, translate(rows.Err(), "user counts")
}

func likeEscape(s string) string {
	r := make([]rune, 0, len(s))
	for _, c := range s {
		if c == '\\' || c == '%' || c == '_' {
			r = append(r, '\\')
		}
		r = append(r, c)
	}
	return string(r)
}

// UserForBureau is one account as the bureau's account page shows it.
func (s *Store) UserForBureau(ctx context.Context, a training.Actor, id int64) (training.User, error) {
	if !a.IsBureau() {
		return training.User{}, training.ErrForbidden
	}
	return s.UserByID(ctx, id)
}
