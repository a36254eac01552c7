// Package pgtest gives each test its own PostgreSQL schema on the server
// named by FILMBOT_TEST_POSTGRES, dropped when the test ends. Without that
// setting the test is skipped, visibly, unless FILMBOT_REQUIRE_POSTGRES is
// set (as CI sets it), when it fails.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URL returns a database URL whose connections work in a new, empty
// schema of their own.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("FILMBOT_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("FILMBOT_REQUIRE_POSTGRES") != "" {
			t.Fatal("FILMBOT_TEST_POSTGRES is not set, and FILMBOT_REQUIRE_POSTGRES is (see .ci/run)")
		}
		t.Skip("PostgreSQL tests skipped: set FILMBOT_TEST_POSTGRES=postgres://user:pass@127.0.0.1/db?sslmode=disable to run them")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("FILMBOT_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, base); err == nil {
			c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
