package repository

import (
	"os"
	"testing"
)

func TestZZPrintNavSQL(t *testing.T) {
	for role, q := range navCountSQL() {
		os.WriteFile("/tmp/navsql_"+string(role)+".sql", []byte(q), 0o644)
	}
}
