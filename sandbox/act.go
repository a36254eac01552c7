package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
	"github.com/filmbot/filmbot/locale"
)

// ModeratorRole is the role of Film Club's moderators. As in Discord, a
// role makes no one a moderator of filmbot until the server names it with
// /settings mod-role; the playground does that for its made-up server.
const ModeratorRole = "300000000000000001"

// Default members of the default guilds, for tests and the playground: a
// moderator (by role), a server admin (Manage Server), a member, a member
// of the other server, and a member in a DM. Names are names, as in
// Discord; Role says what each is for the playground's picker.
var (
	Moderator   = Member{GuildID: "100000000000000001", UserID: "500000000000000001", Name: "Mo", Role: "moderator", Permissions: discordgo.PermissionManageMessages, Roles: []string{ModeratorRole}}
	Admin       = Member{GuildID: "100000000000000001", UserID: "500000000000000004", Name: "Ada", Role: "server admin", Permissions: discordgo.PermissionManageGuild | discordgo.PermissionManageMessages}
	Viewer      = Member{GuildID: "100000000000000001", UserID: "500000000000000002", Name: "Vi", Role: "member"}
	OtherMember = Member{GuildID: "100000000000000002", UserID: "500000000000000003", Name: "Oz", Role: "member of the other server"}
	DMUser      = Member{UserID: "500000000000000002", Name: "Vi", Role: "in a DM"}
)

// members are the people of the default guilds, whom user options can
// name (as Discord's client offers a server's members).
var members = []Member{Moderator, Admin, Viewer, OtherMember}

// memberOf finds user id among guild's members; m, who acts, is one too.
func memberOf(guild, id string, m Member) (Member, bool) {
	for _, x := range append([]Member{m}, members...) {
		if x.UserID == id && (guild == "" || x.GuildID == guild) {
			return x, true
		}
	}
	return Member{}, false
}

// channelOf is the channel a member acts in: the guild's first channel,
// or a DM channel.
func (s *Server) channelOf(m Member) string {
	if m.ChannelID != "" {
		return m.ChannelID
	}
	if k, ok := s.guildAt[m.GuildID]; ok && len(s.opts.Guilds[k].Channels) > 0 {
		return s.opts.Guilds[k].Channels[0].ID
	}
	return "600" + m.UserID[3:]
}

// defs are the commands a member in m's guild can use.
func (s *Server) defs(m Member) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]*discordgo.ApplicationCommand(nil), s.commands[""]...)
	if m.GuildID != "" {
		out = append(out, s.commands[m.GuildID]...)
	}
	return out
}

// Command runs a slash command line such as '/review film:anora' as m,
// typed by the registered definitions, and returns the interaction.
func (s *Server) Command(m Member, line string) (*Interaction, error) {
	return s.command(m, line, "")
}

// Autocomplete asks for suggestions of option in a partly typed line.
func (s *Server) Autocomplete(m Member, line, option string) (*Interaction, error) {
	return s.command(m, line, option)
}

func (s *Server) command(m Member, line, focus string) (*Interaction, error) {
	defs := s.defs(m)
	data, err := ParseCommandLineIn(line, defs, focus, m.Locale)
	if err != nil {
		return nil, err
	}
	registered := false
	for _, d := range defs {
		registered = registered || (d.Name == data.Name && d.Type <= discordgo.ChatApplicationCommand)
	}
	if !registered {
		return nil, fmt.Errorf("sandbox: /%s is not registered (Discord would not offer it)", data.Name)
	}
	t := discordgo.InteractionApplicationCommand
	if focus != "" {
		t = discordgo.InteractionApplicationCommandAutocomplete
	}
	payload := map[string]any{"id": data.ID, "name": data.Name, "type": 1, "options": orEmpty(data.Options)}
	res, err := s.resolveOptions(m, data.Options)
	if err != nil {
		return nil, err
	}
	if len(res) > 0 {
		payload["resolved"] = res
	}
	return s.dispatch(m, t, data.Name, payload, nil)
}

// resolveOptions fills data.resolved for the options used, as Discord
// does: attachments that were uploaded, channels of the member's own
// server (a resolved channel has only id, name, type and permissions),
// users with their member in a server (a resolved member has no user),
// and the server's roles. The value of such an option is an id, as
// Discord's client sends it; anything else Discord would not have let the
// member send. Only the kinds used are present, as in Discord's payloads.
func (s *Server) resolveOptions(m Member, opts []*discordgo.ApplicationCommandInteractionDataOption) (map[string]any, error) {
	kinds := map[string]map[string]any{}
	put := func(kind, id string, v any) {
		if kinds[kind] == nil {
			kinds[kind] = map[string]any{}
		}
		kinds[kind][id] = v
	}
	var walk func([]*discordgo.ApplicationCommandInteractionDataOption) error
	walk = func(opts []*discordgo.ApplicationCommandInteractionDataOption) error {
		for _, o := range opts {
			id, _ := o.Value.(string)
			s.mu.Lock()
			a, uploaded := s.uploads[id]
			c, known := s.channels[id]
			role, isRole := s.roleLocked(m.GuildID, id)
			s.mu.Unlock()
			user, isUser := memberOf(m.GuildID, id, m)
			switch o.Type {
			case discordgo.ApplicationCommandOptionAttachment:
				if !uploaded {
					return fmt.Errorf("sandbox: no uploaded attachment %q (use Upload)", id)
				}
				put("attachments", id, a)
			case discordgo.ApplicationCommandOptionChannel:
				if !known || c.GuildID != m.GuildID || m.GuildID == "" {
					return fmt.Errorf("sandbox: channel %q is not in this server (Discord would not offer it)", id)
				}
				put("channels", id, map[string]any{"id": c.ID, "name": c.Name, "type": c.Type, "permissions": "0"})
			case discordgo.ApplicationCommandOptionUser, discordgo.ApplicationCommandOptionMentionable:
				switch {
				case isUser:
					put("users", id, user.wireUser())
					if m.GuildID != "" {
						put("members", id, user.wireMember())
					}
				case isRole && o.Type == discordgo.ApplicationCommandOptionMentionable:
					put("roles", id, role)
				default:
					return fmt.Errorf("sandbox: %q is not a member of this server (Discord would not offer it; pick a member's id)", id)
				}
			case discordgo.ApplicationCommandOptionRole:
				if !isRole {
					return fmt.Errorf("sandbox: %q is not a role of this server (Discord would not offer it; pick a role's id)", id)
				}
				put("roles", id, role)
			}
			if err := walk(o.Options); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(opts); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for k, v := range kinds {
		out[k] = v
	}
	return out, nil
}

// roleLocked is a role of guild as Discord resolves it; the server's own
// id is @everyone. Callers hold s.mu.
func (s *Server) roleLocked(guild, id string) (map[string]any, bool) {
	g := s.guildLocked(guild)
	if g == nil || id == "" {
		return nil, false
	}
	name, pos := "", 0
	if id == g.ID {
		name = "@everyone"
	}
	for k, r := range g.Roles {
		if r.ID == id {
			name, pos = r.Name, len(g.Roles)-k
		}
	}
	if name == "" {
		return nil, false
	}
	return map[string]any{"id": id, "name": name, "color": 0, "colors": map[string]any{"primary_color": 0, "secondary_color": nil, "tertiary_color": nil},
		"hoist": false, "icon": nil, "unicode_emoji": nil, "position": pos, "permissions": "0", "managed": false, "mentionable": false, "flags": 0}, true
}

func (m Member) wireUser() *wireUser {
	return &wireUser{ID: m.UserID, Username: m.Name, GlobalName: m.Name, Discriminator: "0"}
}

// wireMember is m as a member in a server; in resolved, without its user.
func (m Member) wireMember() *wireMember {
	roles := m.Roles
	if roles == nil {
		roles = []string{}
	}
	return &wireMember{Roles: roles, Permissions: strconv.FormatInt(m.Permissions, 10), JoinedAt: "2024-05-21T10:00:00.000000+00:00"}
}

// Say posts a message as member m in channel (a channel or thread of
// m's server, or m's DM with the bot), as when a member writes in Discord.
// The bot asks for no message events (filmbot's gateway intents are
// Guilds only), so none is sent to it.
func (s *Server) Say(m Member, channel, content string) (*Message, error) {
	n := utf8.RuneCountInString(content)
	if strings.TrimSpace(content) == "" || n > 2000 {
		return nil, fmt.Errorf("sandbox: a message is 1 to 2,000 characters (this one %d)", n)
	}
	if channel == "" {
		channel = s.channelOf(m)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, known := s.channels[channel]
	switch {
	case known && (m.GuildID == "" || c.GuildID != m.GuildID):
		return nil, errors.New("sandbox: the member cannot see that channel")
	case !known && (m.GuildID != "" || channel != s.channelOf(Member{UserID: m.UserID})):
		return nil, fmt.Errorf("sandbox: no channel %s", channel)
	}
	msg := s.newMessage(channel, m.GuildID)
	msg.AuthorID, msg.AuthorName, msg.Content = m.UserID, m.Name, content
	s.notify()
	c2 := *msg
	return &c2, nil
}

// Upload stores a file as a member's upload and returns the attachment
// to name in a command line (file:<id>). Its download answers after delay.
func (s *Server) Upload(filename, contentType string, data []byte, delay time.Duration) *discordgo.MessageAttachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID()
	a := &discordgo.MessageAttachment{ID: id, Filename: filename, ContentType: contentType, Size: len(data),
		URL: s.URL + "/attachments/" + id + "/" + filename, ProxyURL: s.URL + "/attachments/" + id + "/" + filename}
	s.files[id+"/"+filename] = data
	s.uploads[id] = a
	if delay > 0 {
		s.slow[id] = delay
	}
	return a
}

// Click clicks the button with customID on message msg as m. Like
// Discord, it refuses buttons that are not on the message or are disabled.
func (s *Server) Click(m Member, msgID, customID string) (*Interaction, error) {
	if err := s.findComponent(msgID, customID, discordgo.ButtonComponent); err != nil {
		return nil, err
	}
	return s.dispatch(m, discordgo.InteractionMessageComponent, customID,
		map[string]any{"custom_id": customID, "component_type": discordgo.ButtonComponent}, &msgID)
}

// Select picks values in the select menu customID on message msg as m.
func (s *Server) Select(m Member, msgID, customID string, values ...string) (*Interaction, error) {
	if err := s.findComponent(msgID, customID, discordgo.SelectMenuComponent); err != nil {
		return nil, err
	}
	return s.dispatch(m, discordgo.InteractionMessageComponent, customID,
		map[string]any{"custom_id": customID, "component_type": discordgo.SelectMenuComponent, "values": values}, &msgID)
}

// SubmitModal submits the modal the bot opened in answer to ix, with
// values by custom_id, as Discord's client would let a member fill it: a
// text input's text; a radio group's chosen value (one of its options);
// a file upload's files, the ids of uploads (Upload) separated by commas,
// within its count and file types. The submit carries what each field
// holds in its row or label, and the uploaded files in
// resolved.attachments, as Discord sends it.
func (s *Server) SubmitModal(m Member, ix *Interaction, values map[string]string) (*Interaction, error) {
	s.mu.Lock()
	modal := ix.modal
	source := ix.sourceID
	s.mu.Unlock()
	if modal == nil {
		return nil, fmt.Errorf("sandbox: interaction %s opened no modal", ix.ID)
	}
	var comps []map[string]any
	attachments := map[string]any{}
	for _, c := range modal.Components {
		switch x := c.(type) {
		case *component.Label:
			field, err := s.fill(x.Label, x.Component, values, attachments)
			if err != nil {
				return nil, err
			}
			comps = append(comps, map[string]any{"type": component.LabelType, "id": x.ID, "component": field})
		case *discordgo.TextDisplay:
			comps = append(comps, map[string]any{"type": discordgo.TextDisplayComponent})
		case *discordgo.ActionsRow:
			for _, in := range x.Components {
				ti, ok := in.(*discordgo.TextInput)
				if !ok {
					continue
				}
				field, err := s.fill(ti.Label, ti, values, attachments)
				if err != nil {
					return nil, err
				}
				comps = append(comps, map[string]any{"type": discordgo.ActionsRowComponent, "components": []any{field}})
			}
		}
	}
	data := map[string]any{"custom_id": modal.CustomID, "components": comps}
	if len(attachments) > 0 {
		data["resolved"] = map[string]any{"attachments": attachments}
	}
	var src *string
	if source != "" {
		src = &source
	}
	return s.dispatch(m, discordgo.InteractionModalSubmit, modal.CustomID, data, src)
}

// fill is one field of a submitted form, checked as Discord's client
// checks it before it lets a member submit; uploads go to attachments.
func (s *Server) fill(label string, c discordgo.MessageComponent, values map[string]string, attachments map[string]any) (map[string]any, error) {
	switch x := c.(type) {
	case *discordgo.TextInput:
		v := values[x.CustomID]
		if x.Required && v == "" {
			return nil, fmt.Errorf("sandbox: %q is required", label)
		}
		if x.MaxLength > 0 && len([]rune(v)) > x.MaxLength {
			return nil, fmt.Errorf("sandbox: %q takes at most %d characters", label, x.MaxLength)
		}
		if x.MinLength > 0 && v != "" && len([]rune(v)) < x.MinLength {
			return nil, fmt.Errorf("sandbox: %q takes at least %d characters", label, x.MinLength)
		}
		return map[string]any{"type": discordgo.TextInputComponent, "id": x.ID, "custom_id": x.CustomID, "value": v}, nil
	case *component.RadioGroup:
		v, picked := values[x.CustomID]
		if !picked || v == "" {
			for _, o := range x.Options {
				if o.Default {
					v = o.Value // what the client shows chosen
				}
			}
		}
		if v == "" && component.IsRequired(x.Required) {
			return nil, fmt.Errorf("sandbox: %q is required: pick one", label)
		}
		known := v == ""
		for _, o := range x.Options {
			known = known || o.Value == v
		}
		if !known {
			return nil, fmt.Errorf("sandbox: %q has no option %q", label, v)
		}
		var value any // null when nothing was picked, as Discord sends it
		if v != "" {
			value = v
		}
		return map[string]any{"type": component.RadioGroupType, "id": x.ID, "custom_id": x.CustomID, "value": value}, nil
	case *component.FileUpload:
		ids := []string{}
		for _, id := range strings.Split(values[x.CustomID], ",") {
			if id = strings.TrimSpace(id); id == "" {
				continue
			}
			s.mu.Lock()
			a, ok := s.uploads[id]
			s.mu.Unlock()
			if !ok {
				return nil, fmt.Errorf("sandbox: no uploaded attachment %q (use Upload)", id)
			}
			if !fileTypeOK(a.Filename, x.FileTypes) {
				return nil, fmt.Errorf("sandbox: %q takes only %s, not %s", label, strings.Join(x.FileTypes, ", "), a.Filename)
			}
			ids = append(ids, id)
			attachments[id] = a
		}
		lo, hi := 1, 1
		if x.MinValues != nil {
			lo = *x.MinValues
		}
		if x.MaxValues > 0 {
			hi = x.MaxValues
		}
		if !component.IsRequired(x.Required) && len(ids) == 0 {
			lo = 0
		}
		if len(ids) < lo || len(ids) > hi {
			return nil, fmt.Errorf("sandbox: %q takes %d to %d files, not %d", label, lo, hi, len(ids))
		}
		return map[string]any{"type": component.FileUploadType, "id": x.ID, "custom_id": x.CustomID, "values": ids}, nil
	case nil:
		return nil, fmt.Errorf("sandbox: label %q holds nothing", label)
	}
	return nil, fmt.Errorf("sandbox: %q is a %T, which this sandbox cannot fill", label, c)
}

// fileTypeOK is whether a file's name passes an upload's file types, as
// Discord's picker filters: by extension, or image/video/audio by kind.
func fileTypeOK(name string, types []string) bool {
	if len(types) == 0 {
		return true
	}
	ext := strings.ToLower(path.Ext(name))
	kinds := map[string][]string{"image": {".png", ".jpg", ".jpeg", ".gif", ".webp"}, "video": {".mp4", ".mov", ".webm"}, "audio": {".mp3", ".ogg", ".wav", ".m4a"}}
	for _, t := range types {
		if strings.ToLower(t) == ext || slices.Contains(kinds[t], ext) {
			return true
		}
	}
	return false
}

func (s *Server) findComponent(msgID, customID string, kind discordgo.ComponentType) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg, ok := s.messages[msgID]
	if !ok {
		return fmt.Errorf("sandbox: no message %s", msgID)
	}
	// Buttons and menus anywhere in the message: in rows, and in a
	// layout card's containers and sections (a button as an accessory).
	found, disabled := false, false
	component.Walk(msg.Components, func(c discordgo.MessageComponent) {
		if found {
			return
		}
		switch b := c.(type) {
		case *discordgo.Button:
			if b != nil && kind == discordgo.ButtonComponent && b.CustomID == customID {
				found, disabled = true, b.Disabled
			}
		case discordgo.Button:
			if kind == discordgo.ButtonComponent && b.CustomID == customID {
				found, disabled = true, b.Disabled
			}
		case *discordgo.SelectMenu:
			if b != nil && kind == discordgo.SelectMenuComponent && b.CustomID == customID {
				found = true
			}
		case discordgo.SelectMenu:
			if kind == discordgo.SelectMenuComponent && b.CustomID == customID {
				found = true
			}
		}
	})
	switch {
	case found && disabled:
		return fmt.Errorf("sandbox: button %q is disabled", customID)
	case found:
		return nil
	}
	return fmt.Errorf("sandbox: message %s has no %v %q", msgID, kind, customID)
}

// orEnglish is a locale as Discord sends it: en-US when none is set.
func orEnglish(l string) string {
	if l == "" {
		return "en-US"
	}
	return l
}

// CheckLocale says whether l is a locale Discord's client can be set to
// (locale.Discord), as a member's or a server's language must be.
func CheckLocale(l string) error {
	if l == "" || slices.Contains(locale.Discord, l) {
		return nil
	}
	return fmt.Errorf("sandbox: %q is not one of Discord's locales (%s)", l, strings.Join(locale.Discord, ", "))
}

// GuildLocale is the server's language as Discord sends it (guild_locale).
func (s *Server) GuildLocale(guild string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return orEnglish(s.guildLocaleLocked(guild))
}

// guildLocaleLocked is the server's language as set, "" for none.
// Callers hold s.mu.
func (s *Server) guildLocaleLocked(guild string) string {
	if l, ok := s.guildLocales[guild]; ok {
		return l
	}
	if g := s.guildLocked(guild); g != nil {
		return g.Locale
	}
	return ""
}

// SetGuildLocale sets a server's language (its community setting in
// Discord), sent from now on as guild_locale; "" is en-US.
func (s *Server) SetGuildLocale(guild, l string) error {
	if err := CheckLocale(l); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.guildLocked(guild) == nil {
		return fmt.Errorf("sandbox: no server %s", guild)
	}
	if s.guildLocales == nil {
		s.guildLocales = map[string]string{}
	}
	s.guildLocales[guild] = l
	s.notify()
	return nil
}

// externalAppPermissions are the app's permissions in a channel of a
// server that has not added it, reached through a member's own install:
// it can read and embed, and send (answer publicly) only where the
// server lets the member's external apps do so (the member then also has
// Use External Apps).
func externalAppPermissions(public bool) int64 {
	p := int64(discordgo.PermissionViewChannel | discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles | discordgo.PermissionReadMessageHistory)
	if public {
		p |= discordgo.PermissionSendMessages
	}
	return p
}

// dispatch sends an INTERACTION_CREATE shaped as Discord sends it.
func (s *Server) dispatch(m Member, t discordgo.InteractionType, name string, data map[string]any, msgID *string) (*Interaction, error) {
	if err := CheckLocale(m.Locale); err != nil {
		return nil, err
	}
	tok := make([]byte, 32)
	rand.Read(tok)
	ix := &Interaction{ID: s.newID(), Token: "aW50ZXJhY3Rpb24" + hex.EncodeToString(tok), Type: t, Name: name,
		Member: m, ChannelID: s.channelOf(m), Created: s.now(), s: s}
	_, ix.menu = data["target_id"] // a right-click command (sandbox/menus.go)
	user := m.wireUser()
	payload := &wireInteraction{
		ID: ix.ID, ApplicationID: s.AppID, Type: t, Data: data, ChannelID: ix.ChannelID,
		Token: ix.Token, Version: 1, Locale: orEnglish(m.Locale), AppPermissions: "2251799813685247",
		Channel: wireChannel{ID: ix.ChannelID}, Entitlements: []any{}, AttachmentSizeLimit: 10 << 20,
	}
	ix.Locale = payload.Locale
	if m.GuildID != "" {
		gl := s.GuildLocale(m.GuildID)
		payload.GuildID, payload.GuildLocale = m.GuildID, gl
		ix.GuildLocale = gl
		payload.Guild = &wireGuild{ID: m.GuildID, Locale: gl, Features: []any{}}
		payload.AuthorizingIntegrationOwners = map[string]string{"0": m.GuildID}
		if m.UserInstall {
			payload.AuthorizingIntegrationOwners = map[string]string{"1": m.UserID}
			payload.AppPermissions = strconv.FormatInt(externalAppPermissions(m.ExternalPublic), 10)
		}
		payload.Member = m.wireMember()
		if m.UserInstall && m.ExternalPublic {
			payload.Member.Permissions = strconv.FormatInt(m.Permissions|discordgo.PermissionUseExternalApps, 10)
		}
		payload.Member.User = user
	} else {
		payload.User = user
		payload.Channel.Type = 1
		payload.Context = 1
		payload.AuthorizingIntegrationOwners = map[string]string{"0": "0"}
		if m.UserInstall { // a DM between users, through the member's own install
			payload.Context = 2
			payload.AuthorizingIntegrationOwners = map[string]string{"1": m.UserID}
		}
	}
	s.mu.Lock()
	if msgID != nil {
		msg := s.messages[*msgID]
		if msg == nil {
			s.mu.Unlock()
			return nil, fmt.Errorf("sandbox: no message %s", *msgID)
		}
		ix.sourceID = *msgID
		payload.Message = msg.wire(s)
	}
	s.inter[ix.ID] = ix
	s.byToken[ix.Token] = ix
	s.order = append(s.order, ix)
	if s.opts.Retain > 0 {
		s.pruneLocked(s.now().Add(-s.opts.Retain))
	}
	endpoint, check := s.endpoint, s.endpoint != "" && !s.checked
	s.checked = true
	if endpoint != "" {
		ix.delivered = make(chan struct{})
	}
	s.mu.Unlock()
	if endpoint != "" {
		if check { // set at start: checked as the portal would have
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := s.CheckEndpoint(ctx, endpoint)
			cancel()
			if err != nil {
				s.mu.Lock()
				s.violateLocked(ix.ID, "%v", err)
				s.mu.Unlock()
			}
		}
		go s.deliver(ix, endpoint, mustJSON(payload), s.deliveries.Add(1)-1)
	} else if err := s.gw.dispatch("INTERACTION_CREATE", payload, m.GuildID, &ix.sent); err != nil {
		return nil, err
	}
	// Discord's window: if nothing arrives in time, the member sees
	// "The application did not respond".
	time.AfterFunc(s.opts.ResponseWindow, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !ix.responded {
			s.violateLocked(ix.ID, "no answer within %v (%s)", s.opts.ResponseWindow, name)
		}
	})
	return ix, nil
}

// An interaction as Discord sends it, over the gateway or to an
// Interactions Endpoint: every field Discord documents for one in a
// server (member, guild) or a DM (user).
type wireInteraction struct {
	ID                           string                    `json:"id"`
	ApplicationID                string                    `json:"application_id"`
	Type                         discordgo.InteractionType `json:"type"`
	Data                         map[string]any            `json:"data"`
	GuildID                      string                    `json:"guild_id,omitempty"`
	GuildLocale                  string                    `json:"guild_locale,omitempty"`
	Guild                        *wireGuild                `json:"guild,omitempty"`
	ChannelID                    string                    `json:"channel_id"`
	Channel                      wireChannel               `json:"channel"`
	Member                       *wireMember               `json:"member,omitempty"`
	User                         *wireUser                 `json:"user,omitempty"`
	Token                        string                    `json:"token"`
	Version                      int                       `json:"version"`
	Message                      map[string]any            `json:"message,omitempty"`
	Locale                       string                    `json:"locale"`
	AppPermissions               string                    `json:"app_permissions"`
	Entitlements                 []any                     `json:"entitlements"`
	AuthorizingIntegrationOwners map[string]string         `json:"authorizing_integration_owners"`
	Context                      int                       `json:"context"`
	AttachmentSizeLimit          int                       `json:"attachment_size_limit"`
}

type wireGuild struct {
	ID       string `json:"id"`
	Locale   string `json:"locale"`
	Features []any  `json:"features"`
}

type wireChannel struct {
	ID   string `json:"id"`
	Type int    `json:"type"`
}

type wireMember struct {
	User        *wireUser `json:"user,omitempty"`
	Roles       []string  `json:"roles"`
	Permissions string    `json:"permissions"`
	JoinedAt    string    `json:"joined_at"`
	Deaf        bool      `json:"deaf"`
	Mute        bool      `json:"mute"`
	Nick        *string   `json:"nick"`
}

type wireUser struct {
	ID            string  `json:"id"`
	Username      string  `json:"username"`
	GlobalName    string  `json:"global_name"`
	Discriminator string  `json:"discriminator"`
	Avatar        *string `json:"avatar"`
}

// Interaction is the interaction of that id, while the sandbox keeps it.
func (s *Server) Interaction(id string) (*Interaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ix, ok := s.inter[id]
	return ix, ok
}

// Do runs a command line as m and waits for the answer.
func (s *Server) Do(ctx context.Context, m Member, line string) (*Answer, *Interaction, error) {
	ix, err := s.Command(m, line)
	if err != nil {
		return nil, nil, err
	}
	a, err := ix.Wait(ctx)
	return a, ix, err
}

// pruneLocked forgets interactions dispatched before cutoff and the
// messages they made, oldest first, so each call does only the work that
// is due. Callers hold s.mu.
func (s *Server) pruneLocked(cutoff time.Time) {
	n := 0
	for _, ix := range s.order {
		if ix.Created.After(cutoff) {
			break
		}
		s.order[n] = nil // the array outlives the slice until append moves it
		n++
		if m, ok := s.messages[ix.messageID]; ok && m.InteractionID == ix.ID {
			delete(s.messages, ix.messageID)
		}
		for _, f := range ix.followups {
			delete(s.messages, f)
		}
		delete(s.inter, ix.ID)
		delete(s.byToken, ix.Token)
	}
	s.order = s.order[n:]
}
