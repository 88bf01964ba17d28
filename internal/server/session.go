package server

import (
	"bytes"
	"context"
	"net/http"
	"reflect"
	"time"

	"github.com/alexedwards/scs/pgxstore"

	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// sessionStore is the scs PostgreSQL store (pgxstore, for deleting and the
// expiry clean-up) with its own find and commit: the find reads the
// session's user in the same query, and the commit skips the write on
// every request. With an idle timeout, scs commits every session it loads, only to
// move its expiry forward: one UPDATE, WAL flush and commit per page view.
// This store skips that write when the data is what was loaded and the
// expiry moves by less than touchEvery, so a session's idle timeout is
// extended at most once a minute (it may end up to touchEvery early).
// Anything that changes the data (sign-in, flash, CSRF token) is written.
type sessionStore struct {
	*pgxstore.PostgresStore
	store      *repository.Store
	touchEvery time.Duration
}

type sessionSeenKey struct{}

// sessionSeen is what the store found for this request's token, with the
// session's user, which spares loadUser a second query.
type sessionSeen struct {
	token  string
	data   []byte
	expiry time.Time
	user   *training.User
}

// trackSession gives the request a place to remember the loaded session;
// it must run before LoadAndSave.
func trackSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionSeenKey{}, &sessionSeen{})))
	})
}

func (st *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	ses, found, err := st.store.SessionFind(ctx, token)
	if err != nil || !found {
		return nil, false, err
	}
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok {
		*seen = sessionSeen{token: token, data: ses.Data, expiry: ses.Expiry, user: ses.User}
	}
	return ses.Data, true, nil
}

func (st *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok && seen.token == token &&
		expiry.Sub(seen.expiry) < st.touchEvery && sameSession(b, seen.data) {
		return nil
	}
	var uid int64
	if _, values, err := (sessionCodec{}).Decode(b); err == nil {
		uid, _ = values["uid"].(int64)
	}
	return st.store.SessionCommit(ctx, token, b, expiry, uid)
}

func (st *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}

func (st *sessionStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}

// sessionUser is the user the session store loaded with the session, if it
// is user uid.
func sessionUser(ctx context.Context, uid int64) (training.User, bool) {
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok && seen.user != nil && seen.user.ID == uid {
		return *seen.user, true
	}
	return training.User{}, false
}

// sameSession compares two encoded sessions. sessionCodec is
// deterministic, so equal sessions are equal bytes; a session stored by the
// gob codec before it is decoded and compared (gob writes a map in random
// order).
func sameSession(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	if len(a) > 0 && len(b) > 0 && a[0] == sessionCodecMagic && b[0] == sessionCodecMagic {
		return false
	}
	da, va, err1 := (sessionCodec{}).Decode(a)
	db, vb, err2 := (sessionCodec{}).Decode(b)
	return err1 == nil && err2 == nil && da.Equal(db) && reflect.DeepEqual(va, vb)
}

func (st *sessionStore) DeleteCtx(_ context.Context, token string) error {
	return st.PostgresStore.Delete(token)
}
