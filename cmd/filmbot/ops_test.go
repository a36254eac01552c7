package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/filmbot/filmbot/bot"
)

// /readyz says the database is unreachable, not where it is or as whom
// (pgx's error names the host and user); the log has the detail.
func TestReadyzHidesTheDatabase(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	down := errors.New("database: failed to connect to `user=filmbot database=filmbot`: 10.0.0.7:5432 (db.internal): dial error")
	ep := &bot.HTTPEndpoint{Log: slog.New(slog.NewTextHandler(&logs, nil)), Ready: storeReadiness(func(context.Context) error { return down })}
	w := httptest.NewRecorder()
	ep.OpsHandler().ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != 503 || w.Body.String() != "not ready: database unreachable\n" {
		t.Errorf("/readyz with the database down: %d %q", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "db.internal") {
		t.Errorf("the detail is not logged: %s", logs.String())
	}
}
