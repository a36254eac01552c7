// Package limits knows Discord's hard limits on what a bot sends and checks
// a response against them, the way Discord would before answering 400. The
// handlers' tests, the bot's tests and the sandbox all judge with it.
package limits

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits, in characters.
const (
	Content          = 2000
	Embeds           = 10
	EmbedTitle       = 256
	EmbedDescription = 4096
	EmbedFields      = 25
	FieldName        = 256
	FieldValue       = 1024
	Footer           = 2048
	Author           = 256
	EmbedTotal       = 6000
	Rows             = 5
	ButtonsPerRow    = 5
	ButtonLabel      = 80
	CustomID         = 100
	SelectOptions    = 25
	Choices          = 25
	ChoiceName       = 100
	ChoiceValue      = 100
	ModalTitle       = 45
	ModalInputs      = 5
	InputLabel       = 45
	ParagraphInput   = 4000
)

func n(s string) int { return utf8.RuneCountInString(s) }

// judge collects every way a response breaks the rules.
type judge struct {
	errs []error
	// The custom_ids seen in one message: a valid one has at most 25,
	// kept in seen; any more go to ids.
	seen  [Rows * ButtonsPerRow]string
	nseen int
	ids   []string
}

func (j *judge) bad(format string, a ...any) { j.errs = append(j.errs, fmt.Errorf(format, a...)) }

func (j *judge) add(err error) {
	if err != nil {
		j.errs = append(j.errs, err)
	}
}

func (j *judge) err() error { return errors.Join(j.errs...) }

// id checks a custom_id: its length, and that the message has it once.
func (j *judge) id(s string) {
	if c := n(s); c < 1 || c > CustomID {
		j.bad("custom_id %q is %d characters, limit 1-%d", s, c, CustomID)
	}
	for _, seen := range append(j.seen[:j.nseen:j.nseen], j.ids...) {
		if seen == s {
			j.bad("custom_id %q used twice", s)
			return
		}
	}
	if j.nseen < len(j.seen) {
		j.seen[j.nseen] = s
		j.nseen++
	} else {
		j.ids = append(j.ids, s)
	}
}

// Check returns every way resp breaks Discord's rules, joined, or nil.
func Check(resp *discordgo.InteractionResponse) error {
	if resp == nil {
		return errors.New("no response")
	}
	var j judge
	d := resp.Data
	switch resp.Type {
	case discordgo.InteractionResponsePong, discordgo.InteractionResponseDeferredChannelMessageWithSource,
		discordgo.InteractionResponseDeferredMessageUpdate:
		// Deferrals may carry only flags.
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage:
		if d == nil {
			j.bad("type %d without data", resp.Type)
			break
		}
		if resp.Type == discordgo.InteractionResponseChannelMessageWithSource && d.Content == "" && len(d.Embeds) == 0 && len(d.Components) == 0 && d.Poll == nil && len(d.Files) == 0 {
			j.bad("empty message")
		}
		j.message(d.Content, d.Embeds, d.Components, d.AllowedMentions)
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if d == nil {
			j.bad("autocomplete without data")
			break
		}
		if len(d.Choices) > Choices {
			j.bad("%d autocomplete choices, limit %d", len(d.Choices), Choices)
		}
		for _, c := range d.Choices {
			if c == nil {
				j.bad("a null autocomplete choice")
				continue
			}
			if n(c.Name) < 1 || n(c.Name) > ChoiceName {
				j.bad("choice name %q is %d characters, limit 1-%d", c.Name, n(c.Name), ChoiceName)
			}
			if v := fmt.Sprint(c.Value); n(v) < 1 || n(v) > ChoiceValue {
				j.bad("choice value %q is %d characters, limit 1-%d", v, n(v), ChoiceValue)
			}
		}
	case discordgo.InteractionResponseModal:
		j.add(modal(d))
	default:
		j.bad("unknown response type %d", resp.Type)
	}
	return j.err()
}

// Message checks the parts of a message: content, embeds, components and
// allowed_mentions, which must be present with an empty parse list so that
// text such as "@everyone" in a review never pings.
func Message(content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent, am *discordgo.MessageAllowedMentions) error {
	var j judge
	j.message(content, embeds, comps, am)
	return j.err()
}

func (j *judge) message(content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent, am *discordgo.MessageAllowedMentions) {
	if n(content) > Content {
		j.bad("content is %d characters, limit %d", n(content), Content)
	}
	if am == nil || am.Parse == nil || len(am.Parse) != 0 {
		j.bad("allowed_mentions must be sent with an empty parse list")
	}
	if len(embeds) > Embeds {
		j.bad("%d embeds, limit %d", len(embeds), Embeds)
	}
	total := 0
	for i, e := range embeds {
		if e == nil {
			j.bad("embed %d is null", i)
			continue
		}
		check := func(what, s string, limit int) {
			c := n(s)
			total += c
			if c > limit {
				j.bad("embed %d %s is %d characters, limit %d", i, what, c, limit)
			}
		}
		check("title", e.Title, EmbedTitle)
		check("description", e.Description, EmbedDescription)
		if e.Author != nil {
			check("author", e.Author.Name, Author)
		}
		if e.Footer != nil {
			check("footer", e.Footer.Text, Footer)
		}
		if len(e.Fields) > EmbedFields {
			j.bad("embed %d has %d fields, limit %d", i, len(e.Fields), EmbedFields)
		}
		for _, f := range e.Fields {
			if f == nil {
				j.bad("embed %d has a null field", i)
				continue
			}
			if f.Name == "" || f.Value == "" {
				j.bad("embed %d has a field with an empty name or value", i)
			}
			check("field name", f.Name, FieldName)
			check("field value", f.Value, FieldValue)
		}
	}
	if total > EmbedTotal {
		j.bad("embeds hold %d characters, limit %d", total, EmbedTotal)
	}
	j.components(comps)
}

// Components checks action rows, buttons and selects.
func Components(comps []discordgo.MessageComponent) error {
	var j judge
	j.components(comps)
	return j.err()
}

func (j *judge) components(comps []discordgo.MessageComponent) {
	if len(comps) > Rows {
		j.bad("%d action rows, limit %d", len(comps), Rows)
	}
	j.nseen, j.ids = 0, nil
	for _, c := range comps {
		row, ok := rowOf(c)
		if !ok {
			j.bad("top-level component %T is not an action row", c)
			continue
		}
		if len(row.Components) == 0 || len(row.Components) > ButtonsPerRow {
			j.bad("action row with %d components, limit 1-%d", len(row.Components), ButtonsPerRow)
		}
		for _, rc := range row.Components {
			switch x := rc.(type) {
			case discordgo.Button:
				j.button(x)
			case *discordgo.Button:
				if x == nil {
					j.bad("a null button")
					continue
				}
				j.button(*x)
			case discordgo.SelectMenu:
				j.selectMenu(x, len(row.Components))
			case *discordgo.SelectMenu:
				if x == nil {
					j.bad("a null select menu")
					continue
				}
				j.selectMenu(*x, len(row.Components))
			default:
				j.bad("component %T cannot sit in a message action row", rc)
			}
		}
	}
}

func rowOf(c discordgo.MessageComponent) (discordgo.ActionsRow, bool) {
	switch r := c.(type) {
	case discordgo.ActionsRow:
		return r, true
	case *discordgo.ActionsRow:
		if r != nil {
			return *r, true
		}
	}
	return discordgo.ActionsRow{}, false
}

func (j *judge) button(b discordgo.Button) {
	if n(b.Label) > ButtonLabel {
		j.bad("button label %q over %d characters", b.Label, ButtonLabel)
	}
	if b.Label == "" && b.Emoji == nil {
		j.bad("button without label or emoji")
	}
	if b.Style == discordgo.LinkButton {
		if b.URL == "" || b.CustomID != "" {
			j.bad("link button needs a url and no custom_id")
		}
		return
	}
	j.id(b.CustomID)
}

func (j *judge) selectMenu(s discordgo.SelectMenu, inRow int) {
	j.id(s.CustomID)
	if inRow != 1 {
		j.bad("a select menu must be alone in its row")
	}
	if s.MenuType == discordgo.StringSelectMenu || s.MenuType == 0 {
		if len(s.Options) < 1 || len(s.Options) > SelectOptions {
			j.bad("select menu with %d options, limit 1-%d", len(s.Options), SelectOptions)
		}
	}
}

func modal(d *discordgo.InteractionResponseData) error {
	if d == nil {
		return errors.New("modal without data")
	}
	var j judge
	if n(d.Title) < 1 || n(d.Title) > ModalTitle {
		j.bad("modal title %q is %d characters, limit 1-%d", d.Title, n(d.Title), ModalTitle)
	}
	if n(d.CustomID) < 1 || n(d.CustomID) > CustomID {
		j.bad("modal custom_id %q is %d characters, limit 1-%d", d.CustomID, n(d.CustomID), CustomID)
	}
	if len(d.Components) < 1 || len(d.Components) > ModalInputs {
		j.bad("modal with %d rows, limit 1-%d", len(d.Components), ModalInputs)
	}
	for _, c := range d.Components {
		row, ok := rowOf(c)
		if !ok || len(row.Components) != 1 {
			j.bad("a modal row must hold exactly one text input")
			continue
		}
		var ti discordgo.TextInput
		switch x := row.Components[0].(type) {
		case discordgo.TextInput:
			ti = x
		case *discordgo.TextInput:
			if x == nil {
				j.bad("a null text input")
				continue
			}
			ti = *x
		default:
			j.bad("modal component %T is not a text input", x)
			continue
		}
		if n(ti.Label) < 1 || n(ti.Label) > InputLabel {
			j.bad("text input label %q is %d characters, limit 1-%d", ti.Label, n(ti.Label), InputLabel)
		}
		if ti.MaxLength > ParagraphInput || n(ti.Value) > ParagraphInput {
			j.bad("text input %q allows more than %d characters", ti.CustomID, ParagraphInput)
		}
		if n(ti.CustomID) < 1 || n(ti.CustomID) > CustomID {
			j.bad("text input custom_id %q is %d characters", ti.CustomID, n(ti.CustomID))
		}
	}
	return j.err()
}

// DecodeResponse reads an interaction callback body as Discord would.
// discordgo cannot unmarshal InteractionResponseData's components (an
// interface), so they are decoded one by one here.
func DecodeResponse(body []byte) (*discordgo.InteractionResponse, error) {
	var raw struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, err
	}
	resp := &discordgo.InteractionResponse{Type: raw.Type}
	if len(raw.Data) == 0 || string(raw.Data) == "null" {
		return resp, nil
	}
	var data struct {
		discordgo.InteractionResponseData
		Components []json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(raw.Data, &data); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	d := data.InteractionResponseData
	d.Components = nil
	for _, c := range data.Components {
		mc, err := discordgo.MessageComponentFromJSON(c)
		if err != nil {
			return nil, fmt.Errorf("component: %w", err)
		}
		d.Components = append(d.Components, mc)
	}
	resp.Data = &d
	return resp, nil
}
