package commands

import (
	"context"
	"github.com/filmbot/filmbot/storage/postgres"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

const guildA, guildB = "111", "222"

// env is a command set over a real temp-dir store, seeded with Anora.
type env struct {
	t     testing.TB
	db    *bolt.DB
	set   *Set
	cmds  map[string]Command
	anora storage.Film
}

func newEnv(t testing.TB) *env {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "t.db"), bolt.Options{Now: func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Error(err)
		}
		db.Close()
	})
	e := &env{t: t, db: db, set: New(db), cmds: map[string]Command{}}
	e.set.rand = func(n int) int { return 0 }
	for _, c := range e.set.Commands() {
		e.cmds[c.Def.Name] = c
	}
	films, _ := db.Films(context.Background(), storage.BuiltIn)
	e.anora = films[0]
	return e
}

func opt(name string, v any) *discordgo.ApplicationCommandInteractionDataOption {
	o := &discordgo.ApplicationCommandInteractionDataOption{Name: name, Value: v}
	switch v.(type) {
	case string:
		o.Type = discordgo.ApplicationCommandOptionString
	case float64:
		o.Type = discordgo.ApplicationCommandOptionInteger
	}
	return o
}

func focus(o *discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	o.Focused = true
	return o
}

func interaction(guild string, typ discordgo.InteractionType, data discordgo.InteractionData) *discordgo.InteractionCreate {
	i := &discordgo.Interaction{ID: "900", Type: typ, GuildID: guild, ChannelID: "5", Token: "tok", Data: data}
	u := &discordgo.User{ID: "42", Username: "member"}
	if guild != "" {
		i.Member = &discordgo.Member{User: u, Permissions: 0}
	} else {
		i.User = u
	}
	return &discordgo.InteractionCreate{Interaction: i}
}

func slash(guild, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.InteractionCreate {
	return interaction(guild, discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{Name: name, Options: opts})
}

func auto(guild, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.InteractionCreate {
	return interaction(guild, discordgo.InteractionApplicationCommandAutocomplete, discordgo.ApplicationCommandInteractionData{Name: name, Options: opts})
}

func click(guild, customID string) *discordgo.InteractionCreate {
	return interaction(guild, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent})
}

// check runs h and checks what it returned against Discord's limits.
func (e *env) check(h Handler, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	e.t.Helper()
	if lc := e.localeCheck(); lc != nil { // FILMBOT_LOCALE_CHECK=1: localecheck_test.go
		return e.checkLocales(lc, h, i)
	}
	resp, err := h(context.Background(), i)
	if err != nil {
		return nil, err
	}
	if lerr := limits.Check(resp); lerr != nil {
		e.t.Fatalf("response breaks Discord's limits: %v", lerr)
	}
	return resp, nil
}

func (e *env) run(i *discordgo.InteractionCreate) *discordgo.InteractionResponse {
	e.t.Helper()
	resp, err := e.check(e.cmds[i.ApplicationCommandData().Name].Run, i)
	if err != nil {
		e.t.Fatalf("/%s: %v", i.ApplicationCommandData().Name, err)
	}
	return resp
}

// userError runs i and returns the user error it must produce.
func (e *env) userError(h Handler, i *discordgo.InteractionCreate) string {
	e.t.Helper()
	_, err := e.check(h, i)
	msg := storage.Message(err)
	if msg == "" {
		e.t.Fatalf("want a user error, got %v", err)
	}
	return msg
}

func (e *env) button(guild, id string) *discordgo.InteractionResponse {
	e.t.Helper()
	kind, _, _ := strings.Cut(id, ":")
	resp, err := e.check(e.set.Components()[kind], click(guild, id))
	if err != nil {
		e.t.Fatalf("button %s: %v", id, err)
	}
	return resp
}

// buttons lists the custom ids of a response's enabled buttons by label.
func buttons(r *discordgo.InteractionResponse) map[string]string {
	out := map[string]string{}
	for _, row := range rows(r) {
		for _, c := range row.Components {
			if b, ok := c.(discordgo.Button); ok && !b.Disabled {
				out[b.Label] = b.CustomID
			}
		}
	}
	return out
}

// embed is r's first card: its embed, or its layout card read back
// (embeds).
func embed(r *discordgo.InteractionResponse) *discordgo.MessageEmbed {
	return embeds(r)[0]
}

// storeNames are the stores the both-store tests run on.
var storeNames = []string{"bolt", "postgres"}

// openStore opens a new store of kind name ("bolt": a file checked at
// the end; "postgres": a schema of its own) on clock now.
func openStore(t *testing.T, name string, now func() time.Time) storage.Store {
	t.Helper()
	if name == "bolt" {
		db, err := bolt.Open(filepath.Join(t.TempDir(), "t.db"), bolt.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := db.Check(); err != nil {
				t.Error(err)
			}
			db.Close()
		})
		return db
	}
	db, err := postgres.Open(context.Background(), pgtest.URL(t), postgres.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
