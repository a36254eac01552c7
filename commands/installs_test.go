package commands

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// viaUserInstall is i as Discord sends it when the member reached filmbot
// through their own install, in a server that has not added it, with the
// app's permissions there; the member has Use External Apps where the app
// may send messages.
func viaUserInstall(i *discordgo.InteractionCreate, appPerms int64) *discordgo.InteractionCreate {
	i.AppID = "777"
	if i.Member != nil && appPerms&discordgo.PermissionSendMessages != 0 {
		i.Member.Permissions |= discordgo.PermissionUseExternalApps
	}
	i.Context = discordgo.InteractionContextGuild
	i.AuthorizingIntegrationOwners = map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationUserInstall: "42"}
	i.AppPermissions = appPerms
	return i
}

// Through a member's install in a server that has not added filmbot,
// /film answers from the built-in catalog with nothing that needs the
// server (no server rating, no Rate menu); ephemeral where the app may not
// send messages there, public where it may. The same server, once it has
// added filmbot, gets its own card with the Rate menu.
func TestFilmThroughAUserInstall(t *testing.T) {
	e := newEnv(t)
	const sendable = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks
	for _, tc := range []struct {
		perms     int64
		ephemeral bool
	}{{discordgo.PermissionViewChannel | discordgo.PermissionEmbedLinks, true}, {sendable, false}} {
		r := e.run(viaUserInstall(slash("7", "film", opt("film", "anora")), tc.perms))
		if got := r.Data.Flags&discordgo.MessageFlagsEphemeral != 0; got != tc.ephemeral {
			t.Errorf("app permissions %d: ephemeral %v, want %v", tc.perms, got, tc.ephemeral)
		}
		if len(rows(r)) != 0 {
			t.Errorf("app permissions %d: components %v, want none (they need the server's install)", tc.perms, r.Data.Components)
		}
		em := embed(r)
		if !strings.Contains(em.Title, "Anora") {
			t.Errorf("card %q: want the built-in catalog's Anora", em.Title)
		}
		if hasField(em, "This server's rating") {
			t.Errorf("the card shows the server's rating through a user install")
		}
	}
	// Without Use External Apps the answer is the member's alone, whatever
	// the app's own permissions.
	i := viaUserInstall(slash("7", "film", opt("film", "anora")), sendable)
	i.Member.Permissions = 0
	if r := e.run(i); r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Error("without Use External Apps: public")
	}
	// The server has added filmbot as well: its own card, Rate menu and all.
	i = viaUserInstall(slash("7", "film", opt("film", "anora")), 0)
	i.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationGuildInstall] = "7"
	r := e.run(i)
	if len(rows(r)) == 0 || r.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Errorf("with the server's install: components %v, flags %d; want the Rate menu, public", r.Data.Components, r.Data.Flags)
	}
	if !hasField(embed(r), "This server's rating") {
		t.Error("with the server's install: no server rating on the card")
	}
	// A private channel between users (no server): public, built-in.
	p := slash("", "film", opt("film", "anora"))
	p.Context = discordgo.InteractionContextPrivateChannel
	p.AuthorizingIntegrationOwners = map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationUserInstall: "42"}
	if r := e.run(p); r.Data.Flags&discordgo.MessageFlagsEphemeral != 0 || !strings.Contains(embed(r).Title, "Anora") {
		t.Errorf("in a private channel: flags %d, title %q", r.Data.Flags, embed(r).Title)
	}
}

// /cast and /review work through a user install too, from the built-in
// catalog.
func TestReadOnlyCommandsThroughAUserInstall(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"cast", "review"} {
		r := e.run(viaUserInstall(slash("7", name, opt("film", "anora")), 0))
		if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("/%s without Send Messages: flags %d, want ephemeral", name, r.Data.Flags)
		}
	}
}

// Every server-scoped command, its autocomplete and its buttons answer a
// user-install-only use with the one sentence that names the link adding
// filmbot to a server; in every language.
func TestServerCommandsThroughAUserInstall(t *testing.T) {
	e := newEnv(t)
	refused := 0
	for _, c := range e.set.Commands() {
		if worksWithoutServer(c) {
			continue
		}
		i := viaUserInstall(slash("7", c.Def.Name), discordgo.PermissionSendMessages)
		msg := e.userError(c.Run, i)
		if !strings.Contains(msg, "has not added filmbot") || !strings.Contains(msg, "client_id=777") || strings.Count(msg, ". ") > 0 {
			t.Errorf("/%s: %q, want the one sentence with the server install link", c.Def.Name, msg)
		}
		refused++
		if c.Autocomplete != nil {
			r, err := c.Autocomplete(t.Context(), viaUserInstall(auto("7", c.Def.Name, focus(opt("film", "an"))), 0))
			if err != nil || r.Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(r.Data.Choices) != 0 {
				t.Errorf("/%s autocomplete: %v, %+v; want no choices", c.Def.Name, err, r)
			}
		}
	}
	if refused < 10 {
		t.Errorf("%d server-scoped commands refused, want every one", refused)
	}
	// A server-scoped button (the Rate menu), clicked through the install.
	msg := e.userError(e.set.Components()["rate"], viaUserInstall(click("7", "rate:pick:1"), 0))
	if !strings.Contains(msg, "has not added filmbot") {
		t.Errorf("rate menu: %q", msg)
	}
	// In the member's language.
	i := viaUserInstall(slash("7", "top"), 0)
	i.Locale = discordgo.German
	if msg := e.userError(e.cmds["top"].Run, i); !strings.Contains(msg, "filmbot nicht hinzugefügt") {
		t.Errorf("German: %q", msg)
	}
}

func hasField(em *discordgo.MessageEmbed, name string) bool {
	for _, f := range em.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}
