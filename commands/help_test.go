package commands

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
)

// /help lists every command, each under who may use it, privately, in a
// server or a DM, within Discord's limits.
func TestHelpListsEveryCommand(t *testing.T) {
	e := newEnv(t)
	for _, guild := range []string{guildA, ""} {
		r := e.run(slash(guild, "help"))
		if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || len(r.Data.Embeds) != 1 {
			t.Fatalf("help in %q: %+v", guild, r.Data)
		}
		section := map[string]string{} // first word of each line → field name
		for _, f := range embed(r).Fields {
			for _, line := range strings.Split(f.Value, "\n") {
				cmd, _, _ := strings.Cut(strings.TrimPrefix(line, "`/"), " ")
				cmd = strings.TrimSuffix(cmd, "`")
				if section[cmd] == "" {
					section[cmd] = f.Name
				}
			}
		}
		for _, c := range e.set.Commands() {
			if c.Def.Type == discordgo.UserApplicationCommand || c.Def.Type == discordgo.MessageApplicationCommand {
				// Right-click commands: by name, under their own heading.
				listed := false
				for _, f := range embed(r).Fields {
					listed = listed || strings.HasPrefix(f.Name, "Right-click") && strings.Contains(f.Value, "**"+c.Def.Name+"**")
				}
				if !listed {
					t.Errorf("/help does not list the right-click %q", c.Def.Name)
				}
				continue
			}
			s, ok := section[c.Def.Name]
			switch {
			case !ok:
				t.Errorf("/help does not list /%s", c.Def.Name)
			case (c.Def.DefaultMemberPermissions == nil) != strings.HasPrefix(s, "For everyone"):
				t.Errorf("/%s listed under %q", c.Def.Name, s)
			}
		}
		if !strings.Contains(section["settings"], "Manage Server") || !strings.Contains(section["manage"], "moderator role") {
			t.Errorf("who may use what: %v", section)
		}
		desc := embed(r).Fields[0].Value
		if !strings.Contains(desc, "`/review film: [excerpt:] [about:] [by:]` — ") {
			t.Errorf("usage line for /review: %q", desc)
		}
	}
	var all []string
	for _, f := range e.run(slash(guildA, "help")).Data.Embeds[0].Fields {
		all = append(all, f.Value)
	}
	for _, sub := range []string{"/manage review add film:", "/manage film remove film:", "/settings mod-role [role:]"} {
		if !strings.Contains(strings.Join(all, "\n"), sub) {
			t.Errorf("no line for %s", sub)
		}
	}
}

// Lines that do not fit one field go on in another; none is lost or cut.
func TestHelpFieldsSplit(t *testing.T) {
	var lines []string
	for k := 0; k < 40; k++ {
		lines = append(lines, strings.Repeat("x", 60)+string(rune('a'+k%26)))
	}
	fs := fields(english(), "Everyone", lines)
	if len(fs) < 3 || fs[1].Name != "Everyone (more)" {
		t.Fatalf("%d fields: %+v", len(fs), fs[0].Name)
	}
	var got []string
	for _, f := range fs {
		if len(f.Value) > limits.FieldValue {
			t.Errorf("field of %d characters", len(f.Value))
		}
		got = append(got, strings.Split(f.Value, "\n")...)
	}
	if strings.Join(got, "\n") != strings.Join(lines, "\n") {
		t.Error("lines lost or reordered across fields")
	}
}

// /help through a member's install, in a server that has not added
// filmbot, lists only what works there (no /rate, no /manage, no
// server-scoped right-click) and says how the server adds filmbot; in
// the same server with the server install it lists everything again.
func TestHelpThroughAUserInstall(t *testing.T) {
	e := newEnv(t)
	text := func(r *discordgo.InteractionResponse) string {
		var b strings.Builder
		b.WriteString(r.Data.Embeds[0].Description)
		for _, f := range r.Data.Embeds[0].Fields {
			b.WriteString("\n" + f.Name + "\n" + f.Value)
		}
		return b.String()
	}
	r := e.run(viaUserInstall(slash("7", "help"), 0))
	if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("flags %d, want ephemeral", r.Data.Flags)
	}
	got := text(r)
	for _, c := range e.set.Commands() {
		name := "`/" + c.Def.Name
		if c.Def.Type == discordgo.UserApplicationCommand || c.Def.Type == discordgo.MessageApplicationCommand {
			name = "**" + c.Def.Name + "**"
		}
		if listed := strings.Contains(got, name); listed != worksWithoutServer(c) {
			t.Errorf("%s listed %v, works without the server install %v", c.Def.Name, listed, worksWithoutServer(c))
		}
	}
	if !strings.Contains(got, "once this server adds filmbot") || !strings.Contains(got, "client_id=777") {
		t.Errorf("no word on adding filmbot to the server: %q", got)
	}
	i := viaUserInstall(slash("7", "help"), discordgo.PermissionSendMessages)
	i.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationGuildInstall] = "7"
	if all := text(e.run(i)); !strings.Contains(all, "`/rate") || strings.Contains(all, "once this server adds filmbot") {
		t.Errorf("with the server install: %q", all)
	}
}
