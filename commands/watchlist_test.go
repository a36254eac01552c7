package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

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
