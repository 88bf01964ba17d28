package repository

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// SessionChannel is where migration 00037's triggers announce changes to
// sessions, users and institution names.
const SessionChannel = "tianmu_sessions"

// SessionWatch receives the announcements of SessionChannel.
type SessionWatch struct {
	// Listening is called when the connection listens (again): nothing
	// committed from now on can be missed.
	Listening func()
	// Changed is called for each announcement: kind 's' (a session, key
	// its token), 'u' (a user id), 'i' (an institution id), 'r' (a table
	// emptied), 'h' (a heartbeat).
	Changed func(kind byte, key string)
	// Lost is called when the connection fails: announcements may have
	// been missed, and will be until Listening is called again.
	Lost func()
}

// WatchSessions listens on SessionChannel on a connection of its own (not
// one of the pool's) until ctx ends, reconnecting after a failure.
func (s *Store) WatchSessions(ctx context.Context, w SessionWatch) {
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
		if err == nil {
			if _, err = conn.Exec(ctx, `LISTEN `+SessionChannel); err == nil {
				wait = 100 * time.Millisecond
				w.Listening()
				for {
					n, err := conn.WaitForNotification(ctx)
					if err != nil {
						break
					}
					if n.Payload != "" {
						w.Changed(n.Payload[0], n.Payload[1:])
					}
				}
			}
			_ = conn.Close(context.Background())
		}
		w.Lost()
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// SessionHeartbeat announces 'h' on SessionChannel: every process that
// receives it knows its connection delivered everything committed before.
func (s *Store) SessionHeartbeat(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `SELECT pg_notify($1, 'h')`, SessionChannel)
	return translate(err, "session heartbeat")
}
