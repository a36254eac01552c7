package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// A message command and a user command reach the bot as Discord sends
// them, and discordgo reads them: data.type 3 with target_id and the
// message (its embeds too) in resolved.messages; data.type 2 with the
// user in resolved.users and, in a server, the member (without its user)
// in resolved.members. The answer shows "Vi used <name>". Discord's
// client offers neither on what it cannot: an unregistered name, a
// member of another server, another server's message; the control API
// runs both.
func TestRightClickCommands(t *testing.T) {
	sb := httpSandbox(t)
	sb.mu.Lock()
	sb.commands[""] = append(sb.commands[""],
		&discordgo.ApplicationCommand{ID: "2", Type: discordgo.MessageApplicationCommand, Name: "Films in this message",
			NameLocalizations: &map[discordgo.Locale]string{"ru": "Фильмы в сообщении"}},
		&discordgo.ApplicationCommand{ID: "3", Type: discordgo.UserApplicationCommand, Name: "Watchlist"})
	sb.mu.Unlock()
	ep := endpoint(t, sb, true, func(w http.ResponseWriter, i *discordgo.InteractionCreate) {
		d := i.ApplicationCommandData()
		say := "?"
		switch {
		case d.Name == "ping":
			say = "pong"
		case d.CommandType == discordgo.MessageApplicationCommand && d.Resolved != nil && d.Resolved.Messages[d.TargetID] != nil:
			m := d.Resolved.Messages[d.TargetID]
			say = "message: " + m.Content
			if len(m.Embeds) > 0 {
				say += " | " + m.Embeds[0].Title
			}
		case d.CommandType == discordgo.UserApplicationCommand && d.Resolved != nil && d.Resolved.Users[d.TargetID] != nil:
			mem := d.Resolved.Members[d.TargetID]
			say = "user: " + d.Resolved.Users[d.TargetID].Username
			if mem != nil && mem.User == nil {
				say += " (member)"
			}
		}
		writeAnswer(w, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: say, AllowedMentions: none(),
			Embeds: []*discordgo.MessageEmbed{{Title: "Anora (2024)"}}}})
	})
	if err := sb.SetInteractionsURL(ctx(t), ep.URL); err != nil {
		t.Fatal(err)
	}
	said, err := sb.Say(Viewer, "", "Have you seen Anora?")
	if err != nil {
		t.Fatal(err)
	}
	wait := func(ix *Interaction, err error) *Answer {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		a, err := ix.Wait(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if a := wait(sb.MessageCommand(Moderator, "Films in this message", said.ID)); a.Message.Content != "message: Have you seen Anora?" || a.Message.Invocation != "Mo used Films in this message" {
		t.Errorf("message command: %q, %q", a.Message.Content, a.Message.Invocation)
	}
	// On the bot's own answer, in Russian by its Russian name.
	ping := wait(sb.Command(Viewer, "/ping"))
	ru := Viewer
	ru.Locale = "ru"
	if a := wait(sb.MessageCommand(ru, "Фильмы в сообщении", ping.Message.ID)); a.Message.Content != "message: pong | Anora (2024)" {
		t.Errorf("on the bot's message: %q", a.Message.Content)
	}
	if a := wait(sb.UserCommand(Viewer, "Watchlist", Moderator.UserID)); a.Message.Content != "user: Mo (member)" || a.Message.Invocation != "Vi used Watchlist" {
		t.Errorf("user command: %q, %q", a.Message.Content, a.Message.Invocation)
	}
	for what, err := range map[string]error{
		"unregistered":            func() error { _, err := sb.MessageCommand(Viewer, "Nope", said.ID); return err }(),
		"a user command":          func() error { _, err := sb.MessageCommand(Viewer, "Watchlist", said.ID); return err }(),
		"another server's member": func() error { _, err := sb.UserCommand(Viewer, "Watchlist", OtherMember.UserID); return err }(),
		"another server's message": func() error {
			_, err := sb.MessageCommand(OtherMember, "Films in this message", said.ID)
			return err
		}(),
		"typed as a slash command": func() error { _, err := sb.Command(Viewer, "/Watchlist"); return err }(),
	} {
		if err == nil {
			t.Errorf("%s: run", what)
		}
	}
	// The control API.
	for path, body := range map[string]map[string]any{
		"message-command": {"member": Viewer, "name": "Films in this message", "message_id": said.ID},
		"user-command":    {"member": Viewer, "name": "Watchlist", "target_id": Moderator.UserID},
	} {
		b, _ := json.Marshal(body)
		resp, err := http.Post(sb.URL+"/_sandbox/"+path, "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]string
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		ix, ok := sb.Interaction(out["id"])
		if resp.StatusCode != 200 || !ok {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, out)
		}
		if a := wait(ix, nil); !strings.HasPrefix(a.Message.Content, strings.Split(path, "-")[0]+": ") {
			t.Errorf("%s: %q", path, a.Message.Content)
		}
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}
