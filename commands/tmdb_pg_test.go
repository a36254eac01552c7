package commands

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/source"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
	"github.com/filmbot/filmbot/tmdb"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// Films from TMDB on PostgreSQL: autocomplete, /film of a new film (one
// row in the shared catalog), a typed title, /rate then /top.
func TestTMDBFilmsOnPostgres(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }
	db, err := postgres.Open(ctx, pgtest.URL(t), postgres.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fake := tmdbfake.New(tmdbfake.Options{Token: "tok"})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	client, err := tmdb.New(tmdb.Options{BaseURL: srv.URL, Token: "tok", PerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	r := source.New(db, client, tmdb.NewSearcher(client, time.Minute, 0, 0), now)
	t.Cleanup(r.Wait)
	s := New(db).WithSource(r)
	cmds := map[string]Command{}
	for _, c := range s.Commands() {
		cmds[c.Def.Name] = c
	}
	run := func(i *discordgo.InteractionCreate, h Handler) *discordgo.InteractionResponse {
		t.Helper()
		resp, err := h(ctx, i)
		if err != nil {
			t.Fatalf("%v", err)
		}
		if err := limits.Check(resp); err != nil {
			t.Fatal(err)
		}
		return resp
	}
	got := map[string]any{}
	for _, c := range run(auto(guildA, "film", focus(opt("film", "dune"))), cmds["film"].Autocomplete).Data.Choices {
		got[c.Name] = c.Value
	}
	if got["Dune (2021)"] != "tmdb:438631" {
		t.Errorf("autocomplete: %v", got)
	}
	for range 2 {
		if em := embed(run(slash(guildA, "film", opt("film", "tmdb:438631")), cmds["film"].Run)); em.Title != "Dune (2021)" ||
			!strings.Contains(em.Footer.Text, tmdb.Attribution) {
			t.Errorf("card: %q %q", em.Title, em.Footer.Text)
		}
	}
	if n := fake.Requests("movie"); n != 1 {
		t.Errorf("%d fetches", n)
	}
	if em := embed(run(slash(guildB, "film", opt("film", "Stalker")), cmds["film"].Run)); em.Title != "Stalker (1979)" {
		t.Errorf("typed: %q", em.Title)
	}
	run(slash(guildA, "rate", opt("film", "tmdb:438631"), opt("score", 8.0)), cmds["rate"].Run)
	if top := embed(run(slash(guildA, "top"), cmds["top"].Run)); !strings.Contains(top.Description, "Dune (2021)") {
		t.Errorf("/top: %q", top.Description)
	}
	if f, err := db.FilmByTMDB(ctx, 438631); err != nil || f.Scope != storage.BuiltIn {
		t.Errorf("stored: %v %v", f.Scope, err)
	}
}
