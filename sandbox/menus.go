package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// Right-click commands (context menus), as Discord's client runs them:
// a message command on a message (Discord sends data.target_id and the
// message in data.resolved.messages), a user command on a member
// (data.resolved.users, and in a server data.resolved.members without
// their user). Neither has options; the name is the command's own (or
// its name in the member's language).

// MessageCommand runs the message command called name on message msgID
// as m. Like Discord's client, it offers only registered message
// commands that work where m is, on a message m can see.
func (s *Server) MessageCommand(m Member, name, msgID string) (*Interaction, error) {
	def, err := s.menuDef(m, name, discordgo.MessageApplicationCommand)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	msg, ok := s.messages[msgID]
	var wire map[string]any
	switch {
	case !ok:
		err = fmt.Errorf("sandbox: no message %s", msgID)
	case msg.GuildID != m.GuildID || (m.GuildID == "" && msg.ChannelID != s.channelOf(m)):
		err = fmt.Errorf("sandbox: the member cannot see message %s", msgID)
	case msg.Ephemeral():
		err = fmt.Errorf("sandbox: message %s is ephemeral: Discord offers no Apps menu on it", msgID)
	default:
		wire = msg.wire(s)
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	data := map[string]any{"id": def.ID, "name": def.Name, "type": discordgo.MessageApplicationCommand, "target_id": msgID,
		"resolved": map[string]any{"messages": map[string]any{msgID: wire}}}
	return s.dispatch(m, discordgo.InteractionApplicationCommand, def.Name, data, nil)
}

// UserCommand runs the user command called name on member target as m:
// a member of m's server (or, in a DM, m or the bot), or the bot.
func (s *Server) UserCommand(m Member, name, target string) (*Interaction, error) {
	def, err := s.menuDef(m, name, discordgo.UserApplicationCommand)
	if err != nil {
		return nil, err
	}
	var user *wireUser
	var member *wireMember
	if target == s.BotID {
		user = &wireUser{ID: s.BotID, Username: s.BotName, GlobalName: s.BotName, Discriminator: "0"}
		member = &wireMember{Roles: []string{}, Permissions: "0", JoinedAt: "2024-05-21T10:00:00.000000+00:00"}
	} else if x, ok := memberOf(m.GuildID, target, m); ok && (m.GuildID != "" || x.UserID == m.UserID) {
		user, member = x.wireUser(), x.wireMember()
	} else {
		return nil, fmt.Errorf("sandbox: %q is not a member here (Discord offers the Apps menu on the members it shows)", target)
	}
	resolved := map[string]any{"users": map[string]any{target: user}}
	if m.GuildID != "" {
		resolved["members"] = map[string]any{target: member}
	}
	data := map[string]any{"id": def.ID, "name": def.Name, "type": discordgo.UserApplicationCommand, "target_id": target, "resolved": resolved}
	return s.dispatch(m, discordgo.InteractionApplicationCommand, def.Name, data, nil)
}

// menuDef is the registered command of kind called name (or so named in
// m's language) that Discord's client would offer m.
func (s *Server) menuDef(m Member, name string, kind discordgo.ApplicationCommandType) (*discordgo.ApplicationCommand, error) {
	for _, c := range s.listed(m) {
		if c.Type != kind {
			continue
		}
		if c.Name == name || (m.Locale != "" && c.NameLocalizations != nil && (*c.NameLocalizations)[discordgo.Locale(m.Locale)] == name) {
			return c, nil
		}
	}
	what := "message"
	if kind == discordgo.UserApplicationCommand {
		what = "user"
	}
	return nil, fmt.Errorf("sandbox: no %s command %q is registered here (Discord would not offer it)", what, name)
}

// menuRoutes serve the control API's right-click commands:
// POST /_sandbox/message-command {"member", "name", "message_id"} and
// POST /_sandbox/user-command {"member", "name", "target_id"}; each
// answers {"id"} of the interaction, or 400 {"error"}.
func (s *Server) menuRoutes(mux *http.ServeMux) {
	type req struct {
		Member    Member `json:"member"`
		Name      string `json:"name"`
		MessageID string `json:"message_id"`
		TargetID  string `json:"target_id"`
	}
	route := func(path string, run func(q req) (*Interaction, error)) {
		mux.HandleFunc("POST /_sandbox/"+path, func(w http.ResponseWriter, r *http.Request) {
			var q req
			if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&q); err != nil {
				writeJSON(w, 400, map[string]any{"error": err.Error()})
				return
			}
			ix, err := run(q)
			if err != nil {
				writeJSON(w, 400, map[string]any{"error": err.Error()})
				return
			}
			writeJSON(w, 200, map[string]any{"id": ix.ID})
		})
	}
	route("message-command", func(q req) (*Interaction, error) { return s.MessageCommand(q.Member, q.Name, q.MessageID) })
	route("user-command", func(q req) (*Interaction, error) { return s.UserCommand(q.Member, q.Name, q.TargetID) })
}
