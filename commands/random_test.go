package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

func randomCmd(guild, user string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.InteractionCreate {
	i := slash(guild, "random", opts...)
	if i.Member != nil {
		i.Member.User.ID = user
	}
	return i
}

// /random picks a film from the member's watchlist, the server's
// watchlists or the catalog, shows its card with the Rate menu, and "Pick
// another" picks a different one from the same list.
func TestRandom(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tang, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	if err != nil {
		t.Fatal(err)
	}
	// Empty lists say how to fill them; nothing else is shown.
	if r := e.run(randomCmd(guildA, "42")); !strings.Contains(content(r), "<@42>'s watchlist here is empty") || len(embeds(r)) != 0 {
		t.Errorf("empty watchlist: %+v", r.Data)
	}
	if r := e.run(randomCmd(guildA, "42", opt("from", "wanted"))); !strings.Contains(content(r), "No one here has a film on their watchlist") {
		t.Errorf("empty server watchlists: %q", content(r))
	}
	for _, f := range []uint64{e.anora.ID, tang.ID} {
		if _, err := e.db.WatchlistAdd(ctx, 111, 42, f); err != nil {
			t.Fatal(err)
		}
	}
	e.set.rand = func(n int) int { return n - 1 } // the last of the list
	r := e.run(randomCmd(guildA, "42"))
	first := embed(r).Title
	if !strings.Contains(content(r), "from <@42>'s watchlist (2 films)") || r.Type != discordgo.InteractionResponseChannelMessageWithSource {
		t.Fatalf("pick: %q", content(r))
	}
	again := buttons(r)["🎲 Pick another"]
	if again == "" || len(rows(r)) != 2 {
		t.Fatalf("no Rate menu and Pick another: %+v", r.Data.Components)
	}
	// Another member clicks: the same list (42's), never the film shown.
	for range 3 {
		c, err := e.check(e.set.Components()["random"], clickAs(guildA, "7", again))
		if err != nil {
			t.Fatal(err)
		}
		if c.Type != discordgo.InteractionResponseUpdateMessage || embed(c).Title == first || !strings.Contains(content(c), "<@42>'s watchlist") {
			t.Fatalf("pick another: %v %q %q", c.Type, embed(c).Title, content(c))
		}
		first, again = embed(c).Title, buttons(c)["🎲 Pick another"]
	}
	// One film: it is picked, and the button is off.
	if _, err := e.db.WatchlistRemove(ctx, 111, 42, tang.ID); err != nil {
		t.Fatal(err)
	}
	r = e.run(randomCmd(guildA, "42", opt("from", "wanted")))
	if !strings.Contains(embed(r).Title, "Anora") || buttons(r)["🎲 Pick another"] != "" || !strings.Contains(content(r), "this server's watchlists (1 film)") {
		t.Errorf("one film: %q %v", content(r), buttons(r))
	}
	// The server's films: its own, and the shared catalog's rated here
	// (not every film some server looked up).
	if r := e.run(randomCmd(guildA, "42", opt("from", "catalog"))); !strings.Contains(content(r), "this server's films (1 film)") || !strings.Contains(embed(r).Title, "Tangerine") {
		t.Errorf("catalog: %q", content(r))
	}
	if _, err := e.db.Rate(ctx, 111, e.anora.ID, 7, 8); err != nil {
		t.Fatal(err)
	}
	if r := e.run(randomCmd(guildA, "42", opt("from", "catalog"))); !strings.Contains(content(r), "this server's films (2 films)") {
		t.Errorf("catalog with a rated shared film: %q", content(r))
	}
	if r := e.run(randomCmd(guildB, "42", opt("from", "catalog"))); !strings.Contains(content(r), "no films of its own and none rated yet") {
		t.Errorf("another server: %q", content(r))
	}
	// Bad input: a value the choices never offered, a DM, a forged button.
	if msg := e.userError(e.cmds["random"].Run, randomCmd(guildA, "42", opt("from", "elsewhere"))); !strings.Contains(msg, "Pick where from") {
		t.Errorf("bad from: %q", msg)
	}
	if msg := e.userError(e.cmds["random"].Run, randomCmd("", "42")); !strings.Contains(msg, "in a server") {
		t.Errorf("DM: %q", msg)
	}
	for _, id := range []string{"random:again:9:42:1", "random:again:1:42", "random:other:1:42:1"} {
		if msg := e.userError(e.set.Components()["random"], clickAs(guildA, "42", id)); msg != "That button is out of date." {
			t.Errorf("%s: %q", id, msg)
		}
	}
}
