package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// A member imports a Letterboxd export through Discord and confirms it,
// then exports: over the gateway, over HTTP interactions, and on
// PostgreSQL.
func TestEndToEndLetterboxd(t *testing.T) {
	t.Parallel()
	t.Run("gateway", func(t *testing.T) { endToEndLetterboxd(t) })
	t.Run("http", func(t *testing.T) { endToEndLetterboxd(t, "FILMBOT_HTTP_LISTEN", "127.0.0.1:0") })
	t.Run("postgres", func(t *testing.T) { endToEndLetterboxd(t, "FILMBOT_DB", pgtest.URL(t)) })
}

func endToEndLetterboxd(t *testing.T, extraEnv ...string) {
	l := startLive(t, sandbox.Options{}, extraEnv...)
	csv := "\ufeffDate,Name,Year,Letterboxd URI,Rating\r\n2024-11-02,Anora,2024,https://boxd.it/a,4.5\r\n2023-01-15,Nowhere,1999,https://boxd.it/n,2\r\n"
	up := l.sb.Upload("ratings.csv", "text/csv", []byte(csv), 0)
	a := l.do(sandbox.Viewer, "/import letterboxd file:"+up.ID)
	if !a.Message.Ephemeral() || len(a.Message.Cards()) == 0 || !strings.Contains(a.Message.Cards()[0].Description, "1 new, 0 changed, 0 the same as here, 1 not in this server's catalog") {
		t.Fatalf("preview: %+v", a.Message)
	}
	if len(a.Message.Attachments) != 1 || a.Message.Attachments[0].Filename != "not-in-catalog.csv" {
		t.Errorf("attachments: %+v", a.Message.Attachments)
	}
	done := l.click(sandbox.Viewer, a.Message, buttonIDs(a.Message)["Import 1 rating"])
	if !strings.Contains(done.Message.Content, "Imported: 1 new") {
		t.Fatalf("confirm: %+v", done.Message)
	}
	if len(done.Message.Cards()) != 0 || len(done.Message.Attachments) != 0 || len(done.Message.Components) != 0 {
		t.Errorf("the preview stayed under the result: %d embeds, %d attachments, %d rows", len(done.Message.Cards()), len(done.Message.Attachments), len(done.Message.Components))
	}
	if r := l.do(sandbox.Viewer, "/rate film:anora"); !strings.Contains(r.Message.Cards()[0].Description, "9/10") {
		t.Errorf("after the import: %+v", r.Message.Cards()[0])
	}
	x := l.do(sandbox.Viewer, "/export letterboxd")
	if len(x.Message.Attachments) != 1 {
		t.Fatalf("export: %+v", x.Message)
	}
	resp, err := http.Get(x.Message.Attachments[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Anora,2024,9,2024-11-02") {
		t.Errorf("exported %q", body)
	}
	// A moderator adds a list's films; then two members compare.
	list := "Position,Name,Year,URL,Description\n1,Tangerine,2015,https://boxd.it/t,\n2,Anora,2024,https://boxd.it/a,\n"
	lp := l.do(sandbox.Moderator, "/manage film import file:"+l.sb.Upload("baker.csv", "text/csv", []byte(list), 0).ID)
	if len(lp.Message.Cards()) == 0 || !strings.Contains(lp.Message.Cards()[0].Description, "1 new to this server, 1 already here") {
		t.Fatalf("list preview: %+v", lp.Message)
	}
	if added := l.click(sandbox.Moderator, lp.Message, buttonIDs(lp.Message)["Add 1 film"]); !strings.Contains(added.Message.Content, "Added 1 film") {
		t.Fatalf("list import: %+v", added.Message)
	}
	if card := l.do(sandbox.Viewer, "/film film:tangerine"); card.Message.Cards()[0].URL != "https://boxd.it/t" {
		t.Errorf("card: %+v", card.Message.Cards()[0])
	}
	l.do(sandbox.Moderator, "/rate film:anora score:3")
	if c := l.do(sandbox.Viewer, "/compare member:"+sandbox.Moderator.UserID); !strings.Contains(c.Message.Cards()[0].Description, "both rated 1 film") {
		t.Errorf("compare: %+v", c.Message.Cards()[0])
	}
	// Watchlists: the server's most wanted; rating takes a film off.
	l.do(sandbox.Moderator, "/watchlist add film:tangerine")
	if w := l.do(sandbox.Viewer, "/watchlist server"); len(w.Message.Cards()) == 0 || !strings.Contains(w.Message.Cards()[0].Description, "Tangerine (2015)** — 1 member") {
		t.Errorf("most wanted: %+v", w.Message)
	}
	if r := l.do(sandbox.Moderator, "/rate film:tangerine score:7"); !strings.Contains(r.Message.Cards()[0].Description, "off your watchlist") {
		t.Errorf("rate from the watchlist: %+v", r.Message.Cards()[0])
	}
	if dm := l.do(sandbox.DMUser, "/import letterboxd file:"+l.sb.Upload("r.csv", "text/csv", []byte(csv), 0).ID); !strings.Contains(dm.Message.Content, "belong to a server") {
		t.Errorf("in a DM: %+v", dm.Message)
	}
	l.noViolations()
}
