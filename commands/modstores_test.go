package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
)

// Linking a server's film to TMDB and an import that looks films up on
// TMDB and fills a watchlist work alike on both stores: the link lives
// on the server's film (the shared catalog's one film per TMDB id is
// untouched), and the films found are the shared catalog's.
func TestLinkAndTMDBImportOnBothStores(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }
	for _, name := range storeNames {
		t.Run(name, func(t *testing.T) {
			store := openStore(t, name, now)
			// withModTMDB needs an env; this one holds only what it uses.
			e := &env{t: t, set: New(store)}
			withModTMDBOver(e, store)
			e.files(map[string][]byte{"export.zip": zipFiles(t, map[string]string{"ratings.csv": tmdbRatings, "watchlist.csv": tmdbWatchlist})})
			cmds := map[string]Command{}
			for _, c := range e.set.Commands() {
				cmds[c.Def.Name] = c
			}
			run := func(h Handler, i *discordgo.InteractionCreate) string {
				t.Helper()
				r, err := h(ctx, i)
				if err != nil {
					return "ERR " + storage.Message(err) + " " + err.Error()
				}
				if err := limits.Check(r); err != nil {
					t.Fatal(err)
				}
				if r.Data.Content != "" {
					return r.Data.Content
				}
				return embed(r).Description
			}
			manage := cmds["manage"].Run
			own, err := store.CreateFilm(ctx, 111, storage.Film{Title: "Gisaengchung", Year: 2019})
			if err != nil {
				t.Fatal(err)
			}
			if got := run(manage, mod(slash(guildA, "manage", sub("film", "link", opt("film", "Gisaengchung"), opt("tmdb", "tt6751668"))))); !strings.HasPrefix(got, "Linked **Gisaengchung (2019)**") {
				t.Fatalf("link: %q", got)
			}
			linked, _ := store.Film(ctx, 111, own.ID)
			shared, err := store.FilmByTMDB(ctx, 496243)
			if linked.TMDB != 496243 || linked.IMDb != "tt6751668" || err != nil || shared.Scope != storage.BuiltIn || shared.ID == own.ID {
				t.Fatalf("linked %+v, shared %+v (%v)", linked, shared, err)
			}
			if got := run(manage, mod(slash(guildB, "manage", sub("film", "add", opt("tmdb", "496243"))))); !strings.Contains(got, "is already in the catalog, from TMDB") {
				t.Errorf("add in another server: %q", got)
			}
			// The import: Parasite is this server's linked film here.
			r, err := cmds["import"].Run(ctx, importCmd(guildA, "42", "export.zip", 100))
			if err != nil {
				t.Fatal(err)
			}
			if d := embed(r).Description; !strings.Contains(d, "Watchlist: 5 films, 3 to add") || lookedUp.FindStringSubmatch(d) == nil {
				t.Fatalf("preview: %q", d)
			}
			c, err := e.set.importButton(ctx, clickAs(guildA, "42", buttons(r)["Import 3 ratings and 3 watchlist films"]))
			if err != nil || !strings.HasSuffix(c.Data.Content, "3 films added to your watchlist: see `/watchlist`.") {
				t.Fatalf("confirm: %v %+v", err, c)
			}
			if rt, err := store.UserRating(ctx, 111, own.ID, 42); err != nil || rt.Score != 9 {
				t.Errorf("Parasite's rating went to %+v (%v), not the linked film", rt, err)
			}
			if ws, _ := store.Watchlist(ctx, 111, 42); len(ws) != 3 {
				t.Errorf("watchlist: %+v", ws)
			}
		})
	}
}
