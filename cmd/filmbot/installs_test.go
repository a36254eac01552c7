package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/sandbox"
)

// Uma has filmbot installed to her own account and uses it in a server
// that has not added it: /film answers from the built-in catalog, with no
// server rating or Rate menu, ephemeral while the server does not let her
// external apps answer publicly and public once it does; a server-scoped
// command says in one sentence that the server needs to add filmbot, with
// the link that adds it. Over the gateway and over HTTP interactions.
func TestEndToEndUserInstall(t *testing.T) {
	t.Parallel()
	t.Run("gateway", func(t *testing.T) { t.Parallel(); endToEndUserInstall(t) })
	t.Run("http", func(t *testing.T) { t.Parallel(); endToEndUserInstall(t, "FILMBOT_HTTP_LISTEN", "127.0.0.1:0") })
}

func endToEndUserInstall(t *testing.T, extraEnv ...string) {
	l := startLive(t, sandbox.Options{}, extraEnv...)
	uma := sandbox.Member{GuildID: "100000000000000009", UserID: "500000000000000009", Name: "Uma", UserInstall: true}
	// The film club (which has added filmbot) has rated Anora: that is
	// the club's, not the shared catalog's.
	if a := l.do(sandbox.Viewer, "/rate film:anora score:9"); a.Message == nil {
		t.Fatal("no answer to /rate in the club")
	}
	for _, public := range []bool{false, true} {
		uma.ExternalPublic = public
		a := l.do(uma, "/film film:anora")
		if a.Message == nil || len(a.Message.Cards()) == 0 || a.Message.Cards()[0].Title != "Anora (2024)" {
			t.Fatalf("public %v: /film answered %+v", public, a.Message)
		}
		if got := a.Message.Flags&discordgo.MessageFlagsEphemeral != 0; got == public {
			t.Errorf("public replies allowed %v: ephemeral %v", public, got)
		}
		if rows := a.Message.Rows(); len(rows) != 0 {
			t.Errorf("public %v: buttons or menus %+v, want none (they need the server's install)", public, rows)
		}
		for _, f := range a.Message.Cards()[0].Fields {
			if strings.Contains(f.Name, "rating") {
				t.Errorf("public %v: the card shows %q through a user install", public, f.Name)
			}
		}
	}
	a := l.do(uma, "/top")
	if a.Message == nil || a.Message.Flags&discordgo.MessageFlagsEphemeral == 0 ||
		!strings.Contains(a.Message.Content, "has not added filmbot") || !strings.Contains(a.Message.Content, "client_id="+l.sb.AppID+"&") {
		t.Errorf("/top through a user install: %+v", a.Message)
	}
	// In a DM with another member (a private channel): the card, public.
	priv := sandbox.Member{UserID: uma.UserID, Name: "Uma", UserInstall: true, ChannelID: "600000000000000077"}
	if a := l.do(priv, "/film film:anora"); a.Message == nil || a.Message.Flags&discordgo.MessageFlagsEphemeral != 0 || len(a.Message.Cards()) == 0 {
		t.Errorf("/film in a private channel: %+v", a.Message)
	}
	l.noViolations()
}

// filmbot try --user-install plays a member's own install: in a server
// that has not added filmbot (--guild), /film is the built-in card for the
// member alone (public with --external-public) and /top the one sentence;
// without --guild, in a private channel, /film answers publicly.
func TestTryUserInstall(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	for _, c := range []struct {
		args        []string
		want        string
		private     bool
		notExpected string
	}{
		{[]string{"--guild", "5", "--user-install", "/film film:anora"}, "Anora (2024)", true, "This server's rating"},
		{[]string{"--guild", "5", "--user-install", "--external-public", "/film film:anora"}, "Anora (2024)", false, "This server's rating"},
		{[]string{"--user-install", "/film film:anora"}, "Anora (2024)", false, "This server's rating"},
		{[]string{"--guild", "5", "--user-install", "/top"}, "This server has not added filmbot", true, "No film"},
		{[]string{"--guild", "5", "/film film:anora"}, "This server's rating", false, "has not added"},
	} {
		code, out, errs := runMain(t, env(db), append([]string{"try"}, c.args...)...)
		if code != 0 || !strings.Contains(out, c.want) || strings.Contains(out, "only you can see this") != c.private || strings.Contains(out, c.notExpected) {
			t.Errorf("%v: exit %d, want %q, private %v, without %q:\n%s%s", c.args, code, c.want, c.private, c.notExpected, out, errs)
		}
	}
}
