package sandbox

import (
	"context"
	"sort"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/internal/cardread"
)

// Message is a message in the sandbox: what the bot posted or answered.
type Message struct {
	ID, ChannelID, GuildID string
	AuthorID               string
	Content                string
	Embeds                 []*discordgo.MessageEmbed
	Components             []discordgo.MessageComponent
	Flags                  discordgo.MessageFlags
	Attachments            []*discordgo.MessageAttachment
	InteractionID          string
	// EphemeralFor is the user who alone sees an ephemeral message.
	EphemeralFor string
	// Invocation says who did what to get this answer ("Vi used /review").
	Invocation string
	// Thinking is true while a deferred answer is still to come.
	Thinking bool
	ThreadID string
	Created  time.Time
	Edits    int
	// Poll is the message's poll, with its votes, if it has one.
	Poll *Poll
	// AuthorName is a member's name when a member wrote the message.
	AuthorName string
}

// Ephemeral reports whether only one member sees the message.
func (m *Message) Ephemeral() bool { return m.Flags&discordgo.MessageFlagsEphemeral != 0 }

func sortMessages(ms []*Message) {
	sort.Slice(ms, func(i, j int) bool {
		if !ms[i].Created.Equal(ms[j].Created) {
			return ms[i].Created.Before(ms[j].Created)
		}
		return len(ms[i].ID) < len(ms[j].ID) || (len(ms[i].ID) == len(ms[j].ID) && ms[i].ID < ms[j].ID)
	})
}

// wire is the message as Discord's REST API returns it.
func (m *Message) wire(s *Server) map[string]any {
	out := map[string]any{
		"id": m.ID, "channel_id": m.ChannelID, "content": m.Content, "embeds": orEmpty(m.Embeds),
		"components": orEmpty(m.Components), "flags": m.Flags, "attachments": orEmpty(m.Attachments),
		"timestamp": m.Created.Format(time.RFC3339Nano), "type": 0, "tts": false, "pinned": false,
		"mentions": []any{}, "mention_roles": []any{}, "mention_everyone": false,
		"author": map[string]any{"id": s.BotID, "username": s.BotName, "discriminator": "0", "bot": true},
	}
	if m.AuthorID != s.BotID {
		out["author"] = Member{UserID: m.AuthorID, Name: m.AuthorName}.wireUser()
	}
	if m.Poll != nil {
		out["poll"] = m.Poll.wire(time.Now())
	}
	if m.GuildID != "" {
		out["guild_id"] = m.GuildID
	}
	return out
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Interaction is one interaction the sandbox dispatched, and what the bot
// did with it.
type Interaction struct {
	ID, Token string
	Type      discordgo.InteractionType
	Name      string // command name or custom_id
	Member    Member
	ChannelID string
	Created   time.Time
	// Locale and GuildLocale are what the interaction carried: the
	// member's language and, in a server, the server's ("" in a DM).
	Locale, GuildLocale string

	s    *Server
	sent time.Time // when INTERACTION_CREATE went to the bot's socket
	// delivered is closed once the HTTP response of the Interactions
	// Endpoint has been read and applied (nil over the gateway).
	delivered chan struct{}
	responded bool
	respType  discordgo.InteractionResponseType
	latency   time.Duration
	answered  bool
	deferred  bool
	sourceID  string // the message a component sat on
	messageID string // the message the answer created or updated
	followups []string
	choices   []*discordgo.ApplicationCommandOptionChoice
	modal     *discordgo.InteractionResponseData
	menu      bool // a right-click command (a context menu)
}

// Answer is what the bot answered to an interaction, as a member sees it.
type Answer struct {
	// Type is the first callback's type (5 or 6 when deferred).
	Type     discordgo.InteractionResponseType
	Deferred bool
	// Latency from the INTERACTION_CREATE going to the bot's socket to the
	// first callback reaching the sandbox, before the sandbox reads it.
	Latency time.Duration
	// Message is the message the answer created or updated, with edits.
	Message   *Message
	Followups []*Message
	Choices   []*discordgo.ApplicationCommandOptionChoice
	Modal     *discordgo.InteractionResponseData
}

// Wait blocks until the bot has answered ix (after a deferral, until the
// deferred answer arrives) or ctx ends.
func (ix *Interaction) Wait(ctx context.Context) (*Answer, error) {
	s := ix.s
	if err := s.waitFor(ctx, func() bool { return ix.answered }); err != nil {
		return nil, err
	}
	return ix.Answer(), nil
}

// Answer is what has been answered so far.
func (ix *Interaction) Answer() *Answer {
	s := ix.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &Answer{Type: ix.respType, Deferred: ix.deferred, Latency: ix.latency, Choices: ix.choices, Modal: ix.modal}
	if m, ok := s.messages[ix.messageID]; ok {
		c := *m
		a.Message = &c
	}
	for _, id := range ix.followups {
		if m, ok := s.messages[id]; ok {
			c := *m
			a.Followups = append(a.Followups, &c)
		}
	}
	return a
}

// invocation describes the interaction as Discord shows it above an answer.
func (ix *Interaction) invocation() string {
	switch ix.Type {
	case discordgo.InteractionApplicationCommand:
		if ix.menu {
			return ix.Member.Name + " used " + ix.Name
		}
		return ix.Member.Name + " used /" + ix.Name
	case discordgo.InteractionModalSubmit:
		return ix.Member.Name + " submitted a form"
	}
	return ix.Member.Name + " clicked"
}

// Cards are the message's cards as a member reads them: its embeds, or
// its layout cards (Components V2) read back into the embeds they
// replaced (package cardread), for tests and tools that ask for a
// card's title, text, fields or footer whichever shape it has.
func (m *Message) Cards() []*discordgo.MessageEmbed {
	return cardread.Embeds(m.Embeds, m.Components)
}

// Text is what the message says outside its cards: its content, or the
// top-level text displays of a layout message.
func (m *Message) Text() string {
	return cardread.Content(m.Content, m.Flags, m.Components)
}

// Rows are the message's action rows, those inside its layout cards too,
// in order.
func (m *Message) Rows() []discordgo.ActionsRow { return cardread.Rows(m.Components) }
