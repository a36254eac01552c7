package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// fieldsText is every field of a message's embeds, for a search.
func fieldsText(m *sandbox.Message) string {
	var b strings.Builder
	for _, e := range m.Cards() {
		for _, f := range e.Fields {
			b.WriteString(f.Name + ": " + f.Value + "\n")
		}
	}
	return b.String()
}

// Right-click commands end to end, over the gateway and over HTTP (and
// on PostgreSQL): a
// member runs "Films in this message" on a member's message (the films it
// names, the catalog's and TMDB's, only to them), adds one to the
// watchlist from the answer, runs it on the bot's own card and in
// Russian; "Watchlist" and "Compare taste" on a member answer as
// /watchlist show and /compare do; Discord's rules hold throughout.
func TestEndToEndRightClick(t *testing.T) {
	t.Parallel()
	t.Run("gateway", func(t *testing.T) { endToEndRightClick(t) })
	t.Run("http", func(t *testing.T) { endToEndRightClick(t, "FILMBOT_HTTP_LISTEN", "127.0.0.1:0") })
	t.Run("postgres", func(t *testing.T) { endToEndRightClick(t, "FILMBOT_DB", pgtest.URL(t)) })
}

func endToEndRightClick(t *testing.T, extraEnv ...string) {
	l := startLive(t, sandbox.Options{TMDB: true}, extraEnv...)
	// answer waits for the answer to a right-click command sent as
	// send (a message's or a member's).
	answer := func(name string, send func() (*sandbox.Interaction, error)) *sandbox.Answer {
		t.Helper()
		ix, err := send()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a, err := ix.Wait(l.ctx())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return a
	}
	menu := func(m sandbox.Member, name, msgID string) *sandbox.Answer {
		t.Helper()
		return answer(name, func() (*sandbox.Interaction, error) { return l.sb.MessageCommand(m, name, msgID) })
	}
	onMember := func(m sandbox.Member, name, target string) *sandbox.Answer {
		t.Helper()
		return answer(name, func() (*sandbox.Interaction, error) { return l.sb.UserCommand(m, name, target) })
	}
	titles := func(a *sandbox.Answer) []string {
		var out []string
		for _, e := range a.Message.Cards() {
			out = append(out, e.Title)
		}
		return out
	}
	said, err := l.sb.Say(sandbox.Viewer, "", "Tonight: Parasite (2019), then Anora. Or was it called Ani?")
	if err != nil {
		t.Fatal(err)
	}
	a := menu(sandbox.Moderator, "Films in this message", said.ID)
	if !a.Message.Ephemeral() || a.Message.EphemeralFor != sandbox.Moderator.UserID || a.Message.Invocation != "Mo used Films in this message" {
		t.Errorf("answer: ephemeral %v for %q, %q", a.Message.Ephemeral(), a.Message.EphemeralFor, a.Message.Invocation)
	}
	if got, want := titles(a), []string{"Parasite (2019)", "Anora (2024)"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cards %q, want %q", got, want)
	}
	add := l.click(sandbox.Moderator, a.Message, buttonIDs(a.Message)["Add to watchlist: Anora (2024)"])
	if !strings.Contains(add.Message.Content, "Added **Anora (2024)** to your watchlist") {
		t.Errorf("add: %q", add.Message.Content)
	}
	// Its Rate menu rates, as the card's does: the answer becomes the
	// rated film's card.
	var rate string
	for _, row := range a.Message.Rows() {
		if m, ok := row.Components[0].(discordgo.SelectMenu); ok && m.Placeholder == "Rate Parasite (2019)" {
			rate = m.CustomID
		}
	}
	ix, err := l.sb.Select(sandbox.Moderator, a.Message.ID, rate, "8")
	if err != nil {
		t.Fatalf("rate %q: %v", rate, err)
	}
	if r, err := ix.Wait(l.ctx()); err != nil || r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(fieldsText(r.Message), "**8.0**/10") {
		t.Errorf("rated from the answer: %v %q", err, fieldsText(r.Message))
	}
	// In a DM: the built-in catalog's card, nothing to rate or list.
	dm, err := l.sb.Say(sandbox.DMUser, "", "Ani?")
	if err != nil {
		t.Fatal(err)
	}
	if a := menu(sandbox.DMUser, "Films in this message", dm.ID); !reflect.DeepEqual(titles(a), []string{"Anora (2024)"}) || len(a.Message.Rows()) != 0 {
		t.Errorf("in a DM: %q, %d rows", titles(a), len(a.Message.Rows()))
	}
	// Watchlist on the member: /watchlist show member:.
	wl := onMember(sandbox.Viewer, "Watchlist", sandbox.Moderator.UserID)
	if wl.Message.Ephemeral() || len(wl.Message.Cards()) != 1 || !strings.Contains(wl.Message.Cards()[0].Description, "Anora (2024)") || wl.Message.Invocation != "Vi used Watchlist" {
		t.Errorf("Watchlist: %+v", wl.Message)
	}
	// The bot's own card names its film in its title.
	card := l.do(sandbox.Viewer, "/film film:parasite")
	if got := titles(menu(sandbox.Viewer, "Films in this message", card.Message.ID)); !reflect.DeepEqual(got, []string{"Parasite (2019)"}) {
		t.Errorf("on the card: %q", got)
	}
	// Compare taste: /compare member:.
	l.do(sandbox.Viewer, "/rate film:anora score:7")
	l.do(sandbox.Moderator, "/rate film:anora score:9")
	l.do(sandbox.Viewer, "/rate film:parasite score:6")
	l.do(sandbox.Moderator, "/rate film:parasite score:8")
	want := l.do(sandbox.Viewer, "/compare member:"+sandbox.Moderator.UserID)
	got := onMember(sandbox.Viewer, "Compare taste", sandbox.Moderator.UserID)
	if !reflect.DeepEqual(got.Message.Cards(), want.Message.Cards()) || len(got.Message.Cards()) == 0 {
		t.Errorf("Compare taste %+v, want /compare's %+v", got.Message.Cards(), want.Message.Cards())
	}
	// In Russian: by its Russian name, answered in Russian.
	ru := sandbox.Viewer
	ru.Locale = "ru"
	none, err := l.sb.Say(sandbox.Viewer, "", "ничего не смотрел")
	if err != nil {
		t.Fatal(err)
	}
	if a := menu(ru, "Фильмы в сообщении", none.ID); !strings.HasPrefix(a.Message.Content, "В этом сообщении не нашлось") || !a.Message.Ephemeral() {
		t.Errorf("in Russian: %q", a.Message.Content)
	}
	// What Discord's client would not offer.
	if _, err := l.sb.UserCommand(sandbox.Viewer, "Watchlist", sandbox.OtherMember.UserID); err == nil {
		t.Error("a member of another server was right-clicked")
	}
	if _, err := l.sb.MessageCommand(sandbox.Viewer, "Compare taste", said.ID); err == nil {
		t.Error("a user command ran on a message")
	}
	if _, err := l.sb.Command(sandbox.Viewer, "/Watchlist"); err == nil {
		t.Error("a user command was typed as a slash command")
	}
	l.noViolations()
}
