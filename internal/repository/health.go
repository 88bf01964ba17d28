package repository

import (
	"context"
	"io/fs"
	"strconv"
	"strings"
	"sync"

	"tianmu/migrations"
)

// embeddedVersion is the newest migration in the binary.
var embeddedVersion = sync.OnceValue(func() int64 {
	var max int64
	entries, _ := fs.ReadDir(migrations.FS, ".")
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(num, 10, 64); ok && err == nil && v > max {
			max = v
		}
	}
	return max
})

// SchemaCurrent reports whether the database holds every migration this
// binary has (a newer schema is fine: during a rolling upgrade the nodes
// still on the old binary keep serving).
func (s *Store) SchemaCurrent(ctx context.Context) (bool, error) {
	var have int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&have)
	if err != nil {
		return false, translate(err, "schema version")
	}
	return have >= embeddedVersion(), nil
}

// InstanceName is the database's name and server version, for logs.
func (s *Store) InstanceName(ctx context.Context) string {
	var name string
	_ = s.pool.QueryRow(ctx, `SELECT current_database() || ' on PostgreSQL ' || current_setting('server_version')`).Scan(&name)
	return name
}
