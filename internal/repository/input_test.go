package repository_test

import (
	"context"
	"testing"

	"tianmu/internal/dbtest"
	"tianmu/internal/repository"
	"tianmu/internal/training"
)

// Text PostgreSQL refuses (a NUL byte, invalid UTF-8) reaches translate as
// the database's own error code, and leaves it as a Chinese message (422),
// not an internal error: the second line behind the form edge.
func TestTranslateBadText(t *testing.T) {
	pool := dbtest.Pool(t)
	for _, s := range []string{"a\x00b", "\xff\xfe", "培训\xe5"} {
		var out string
		err := pool.QueryRow(context.Background(), `SELECT $1::text`, s).Scan(&out)
		if err == nil {
			t.Fatalf("%q: the database took it", s)
		}
		v, ok := training.AsValidation(repository.Translate(err, "test"))
		if !ok || len(v.General) != 1 || v.General[0] != training.MsgBadTextGeneral {
			t.Fatalf("%q: %v", s, repository.Translate(err, "test"))
		}
	}
	_, err := pool.Exec(context.Background(), `CREATE TEMP TABLE t (v varchar(3)); INSERT INTO t VALUES ('四个汉字')`)
	if err == nil {
		t.Fatal("varchar(3) took four characters")
	}
	if v, ok := training.AsValidation(repository.Translate(err, "test")); !ok || v.General[0] != training.MsgTooLongGeneral {
		t.Fatalf("too long: %v", repository.Translate(err, "test"))
	}
}
