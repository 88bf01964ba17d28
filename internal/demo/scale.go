package demo

import (
	"context"
	"errors"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Scale sizes the benchmark data set.
type Scale struct {
	Institutions int
	Users        int
}

// DefaultScale is the district-to-province-sized data set of `make bench`.
var DefaultScale = Scale{Institutions: 2000, Users: 20000}

// LoadScale loads the benchmark data set with COPY.
func LoadScale(ctx context.Context, pool *pgxpool.Pool, sc Scale, progress io.Writer) error {
	return errors.New("demo: scale data set not implemented yet")
}
