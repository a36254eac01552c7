package commands

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

func watchCmd(guild, user, action string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.InteractionCreate {
	i := slash(guild, "watchlist", sub("", action, opts...))
	if i.Member != nil {
		i.Member.User.ID = user
	}
	return i
}

// Members keep watchlists per server; the server sees what it wants most;
// rating a film takes it off the rater's list, and the answer says so.
func TestWatchlist(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tang, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	text := func(r *discordgo.InteractionResponse) string { return r.Data.Content }
	if r := e.run(watchCmd(guildA, "42", "add", opt("film", "anora"))); !strings.Contains(text(r), "Added **Anora (2024)** to your watchlist") {
		t.Errorf("add: %q", text(r))
	}
	if r := e.run(watchCmd(guildA, "42", "add", opt("film", "anora"))); !strings.Contains(text(r), "already on your watchlist") {
		t.Errorf("add twice: %q", text(r))
	}
	e.run(watchCmd(guildA, "42", "add", opt("film", "tangerine")))
	e.run(watchCmd(guildA, "7", "add", opt("film", "tangerine")))
	show := e.run(watchCmd(guildA, "7", "show", &discordgo.ApplicationCommandInteractionDataOption{Name: "member", Type: discordgo.ApplicationCommandOptionUser, Value: "42"}))
	if d := embed(show).Description; !strings.Contains(d, "<@42> wants to see") || strings.Index(d, "Tangerine") > strings.Index(d, "Anora") {
		t.Errorf("show, newest first: %q", d)
	}
	if d := embed(e.run(watchCmd(guildA, "7", "server"))).Description; !strings.HasPrefix(d, "1. **Tangerine (2015)** — 2 members\n2. **Anora (2024)** — 1 member") {
		t.Errorf("server: %q", d)
	}
	// Rating it takes it off the list.
	r := e.run(func() *discordgo.InteractionCreate {
		i := slash(guildA, "rate", opt("film", "tangerine"), opt("score", 8))
		i.Member.User.ID = "42"
		return i
	}())
	if !strings.Contains(embed(r).Description, "off your watchlist") {
		t.Errorf("rate: %q", embed(r).Description)
	}
	if on, _ := e.db.OnWatchlist(ctx, 111, 42, tang.ID); on {
		t.Error("a rated film stayed on the watchlist")
	}
	if r := e.run(func() *discordgo.InteractionCreate {
		i := slash(guildA, "rate", opt("film", "tangerine"), opt("score", 9))
		i.Member.User.ID = "42"
		return i
	}()); strings.Contains(embed(r).Description, "watchlist") {
		t.Errorf("a re-rate mentions the watchlist: %q", embed(r).Description)
	}
	if r := e.run(watchCmd(guildA, "42", "add", opt("film", "tangerine"))); !strings.Contains(text(r), "already rated") {
		t.Errorf("add a rated film: %q", text(r))
	}
	if r := e.run(watchCmd(guildA, "42", "remove", opt("film", "anora"))); !strings.Contains(text(r), "Took **Anora (2024)** off") {
		t.Errorf("remove: %q", text(r))
	}
	if r := e.run(watchCmd(guildA, "42", "remove", opt("film", "anora"))); !strings.Contains(text(r), "was not on your watchlist") {
		t.Errorf("remove twice: %q", text(r))
	}
	if msg := e.userError(e.cmds["watchlist"].Run, watchCmd(guildA, "42", "show")); !strings.Contains(msg, "empty") {
		t.Errorf("an empty list: %q", msg)
	}
	if msg := e.userError(e.cmds["watchlist"].Run, watchCmd("", "42", "add", opt("film", "anora"))); !strings.Contains(msg, "belong to a server") {
		t.Errorf("in a DM: %q", msg)
	}
	if msg := e.userError(e.cmds["watchlist"].Run, watchCmd(guildA, "42", "add", opt("film", "nosuch"))); !strings.Contains(msg, "No film called") {
		t.Errorf("unknown film: %q", msg)
	}
}

// countingCatalog counts the film reads of a page, fails the batched one
// while fail is set, as a database that went away would, and does not
// find film drop, as if it was removed after the list was read.
type countingCatalog struct {
	storage.Catalog
	header, headers int
	fail            bool
	drop            uint64
}

func (c *countingCatalog) FilmHeader(ctx context.Context, scope storage.Scope, id uint64) (storage.Film, error) {
	c.header++
	return c.Catalog.FilmHeader(ctx, scope, id)
}

func (c *countingCatalog) FilmHeaders(ctx context.Context, scope storage.Scope, ids []uint64) (map[uint64]storage.Film, error) {
	c.headers++
	if c.fail {
		return nil, errAway
	}
	fs, err := c.Catalog.FilmHeaders(ctx, scope, ids)
	delete(fs, c.drop)
	return fs, err
}

// Every paged list of films reads the films of its page in one read; a
// film removed since the list was read shows as such, but a failed read is the bot's
// error (the envelope's "something went wrong"), not a page of removed
// films.
func TestListsReadTheirFilmsInOneRead(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	red, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Red Rocket", Year: 2021})
	gone, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Starlet", Year: 2012})
	for _, f := range []uint64{e.anora.ID, red.ID, gone.ID} {
		for _, user := range []uint64{1, 2} {
			e.db.WatchlistAdd(ctx, 111, user, f)
		}
	}
	for _, r := range []struct {
		user, film uint64
		score      int
	}{{1, e.anora.ID, 9}, {1, red.ID, 2}, {1, gone.ID, 5}, {2, e.anora.ID, 8}, {2, red.ID, 9}, {2, gone.ID, 5}} {
		if _, err := e.db.Rate(ctx, 111, r.film, r.user, r.score); err != nil {
			t.Fatal(err)
		}
		// Members 3 and 4 want what 1 and 2 rated (a rated film stays off
		// its rater's list), for the lists below.
		if _, err := e.db.WatchlistAdd(ctx, 111, r.user+2, r.film); err != nil {
			t.Fatal(err)
		}
	}
	c := &countingCatalog{Catalog: e.db, drop: gone.ID}
	e.set.films = c
	en := locale.For(locale.English)
	for name, page := range map[string]func() (*discordgo.InteractionResponse, error){
		"watchlist":   func() (*discordgo.InteractionResponse, error) { return e.set.watchlistPage(ctx, en, 111, 3, 1, false) },
		"most wanted": func() (*discordgo.InteractionResponse, error) { return e.set.wantedPage(ctx, en, 111, 1, false) },
		"myratings":   func() (*discordgo.InteractionResponse, error) { return e.set.myRatingsPage(ctx, en, 111, 1, 1, false) },
		"top":         func() (*discordgo.InteractionResponse, error) { return e.set.topPage(ctx, en, 111, 1, 1, false) },
		"divisive":    func() (*discordgo.InteractionResponse, error) { return e.set.divisivePage(ctx, en, 111, 1, 1, false) },
		"compare":     func() (*discordgo.InteractionResponse, error) { return e.set.comparePage(ctx, en, 111, 1, 2) },
	} {
		c.header, c.headers, c.fail = 0, 0, false
		r, err := page()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text := embed(r).Description + fieldText(embed(r))
		if !strings.Contains(text, "Anora") || !strings.Contains(text, "Red Rocket") {
			t.Errorf("%s: %q does not name the films", name, text)
		}
		if !strings.Contains(text, "(a removed film)") || strings.Contains(text, "Starlet") {
			t.Errorf("%s: %q does not show the film removed since as removed", name, text)
		}
		if c.headers != 1 || c.header != 0 {
			t.Errorf("%s: %d batched reads and %d single ones, want one batched", name, c.headers, c.header)
		}
		c.fail = true
		if r, err := page(); !errors.Is(err, errAway) {
			t.Errorf("%s: a failed read answered %v, %v; want the bot's error", name, r, err)
		}
	}
}
