package repository_test

import (
	"testing"

	"tianmu/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
