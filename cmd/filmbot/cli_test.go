package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filmbot/filmbot/sandbox"
)

// Help is asked for in every usual way and answered on stdout with exit
// 0; a wrong flag gets the usage and exit 2, whatever the subcommand.
func TestHelpAndBadFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, out, errs := runMain(t, env(db), args...)
		if code != 0 || !strings.Contains(out, "filmbot try") || !strings.Contains(out, "filmbot backup") || errs != "" {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	for _, args := range [][]string{{"try", "-h"}, {"sandbox", "--help"}, {"bench", "-h"}, {"playground", "-h"}} {
		if code, out, _ := runMain(t, env(db), args...); code != 0 || !strings.Contains(strings.ToLower(out), "usage") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
	for _, args := range [][]string{{"--bogus"}, {"playground", "--bogus"}, {"try", "--bogus", "/film film:anora"}, {"sandbox", "--shards", "0"}} {
		code, out, errs := runMain(t, env(db), args...)
		if code != 2 || strings.Contains(errs, "Usage of") || out != "" {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	if _, _, errs := runMain(t, env(db), "--bogus"); !strings.Contains(errs, "filmbot try") {
		t.Errorf("a bad flag does not show the usage: %s", errs)
	}
}

// An unknown command in try is a usage error that lists the commands.
func TestTryUnknownCommand(t *testing.T) {
	code, _, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db")), "try", "/revue film:anora")
	if code != 2 || !strings.Contains(errs, "no command /revue") || !strings.Contains(errs, "/review") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// try --json prints one JSON document on stdout for every command, with
// notes (a post in a channel, an attached file) on stderr; --files makes
// its folder.
func TestTryJSONIsOneDocument(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	runMain(t, env(db), "try", "--guild", "5", "/rate film:anora score:8")
	out := filepath.Join(dir, "new", "charts")
	for _, args := range [][]string{
		{"try", "--json", "--guild", "5", "--files", out, "/ratings film:anora"},
		{"try", "--json", "--guild", "5", "--mod", "--submit", "modrev:add:1", "--field", "reviewer=Roger", "--field", "text=One.\\n\\nTwo."},
		{"try", "--json", "--autocomplete", "film", "/film film:xqzvw"},
		{"try", "--json", "/help"},
	} {
		code, stdout, errs := runMain(t, env(db), args...)
		var doc any
		dec := json.NewDecoder(strings.NewReader(stdout))
		if err := dec.Decode(&doc); code != 0 || err != nil || dec.More() {
			t.Errorf("%v: exit %d, not one JSON document (%v):\n%s\n%s", args, code, err, stdout, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "ratings.png")); err != nil {
		t.Errorf("--files did not make its folder: %v", err)
	}
	_, stdout, _ := runMain(t, env(db), "try", "--json", "--autocomplete", "film", "/film film:xqzvw")
	if strings.TrimSpace(stdout) != `{"type":8,"data":{"choices":[]}}` {
		t.Errorf("no suggestions: %s", stdout)
	}
}

// A token Discord rejects is said in one line, with what to do.
func TestRejectedToken(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	code, _, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db"), "DISCORD_TOKEN", "not-the-token", "DISCORD_API_URL", sb.URL), "run")
	if code != 1 || !strings.Contains(errs, "DISCORD_TOKEN was rejected") || !strings.Contains(errs, "Reset Token") || strings.Contains(errs, "HTTP 401") {
		t.Errorf("exit %d:\n%s", code, errs)
	}
}

// A bad FILMBOT_DB is named once, with its cause.
func TestBadDatabasePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "f.db")
	code, _, errs := runMain(t, env(path), "try", "/film film:anora")
	if code != 1 || strings.Count(errs, path) != 1 || !strings.Contains(errs, "FILMBOT_DB") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
