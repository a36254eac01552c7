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

// Check returns every way resp breaks Discord's rules, joined, or nil.
func Check(resp *discordgo.InteractionResponse) error {
	if resp == nil {
		return errors.New("no response")
	}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	d := resp.Data
	switch resp.Type {
	case discordgo.InteractionResponsePong, discordgo.InteractionResponseDeferredChannelMessageWithSource,
		discordgo.InteractionResponseDeferredMessageUpdate:
		// Deferrals may carry only flags.
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage:
		if d == nil {
			bad("type %d without data", resp.Type)
			break
		}
		if resp.Type == discordgo.InteractionResponseChannelMessageWithSource && d.Content == "" && len(d.Embeds) == 0 && len(d.Components) == 0 && d.Poll == nil && len(d.Files) == 0 {
			bad("empty message")
		}
		errs = append(errs, Message(d.Content, d.Embeds, d.Components, d.AllowedMentions))
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if d == nil {
			bad("autocomplete without data")
			break
		}
		if len(d.Choices) > Choices {
			bad("%d autocomplete choices, limit %d", len(d.Choices), Choices)
		}
		for _, c := range d.Choices {
			if c == nil {
				bad("a null autocomplete choice")
				continue
			}
			if n(c.Name) < 1 || n(c.Name) > ChoiceName {
				bad("choice name %q is %d characters, limit 1-%d", c.Name, n(c.Name), ChoiceName)
			}
			if v := fmt.Sprint(c.Value); n(v) < 1 || n(v) > ChoiceValue {
				bad("choice value %q is %d characters, limit 1-%d", v, n(v), ChoiceValue)
			}
		}
	case discordgo.InteractionResponseModal:
		errs = append(errs, modal(d))
	default:
		bad("unknown response type %d", resp.Type)
	}
	return errors.Join(errs...)
}

// Message checks the parts of a message: content, embeds, components and
// allowed_mentions, which must be present with an empty parse list so that
// text such as "@everyone" in a review never pings.
func Message(content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent, am *discordgo.MessageAllowedMentions) error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if n(content) > Content {
		bad("content is %d characters, limit %d", n(content), Content)
	}
	if am == nil || am.Parse == nil || len(am.Parse) != 0 {
		bad("allowed_mentions must be sent with an empty parse list")
	}
	if len(embeds) > Embeds {
		bad("%d embeds, limit %d", len(embeds), Embeds)
	}
	total := 0
	for i, e := range embeds {
		if e == nil {
			bad("embed %d is null", i)
			continue
		}
		check := func(what, s string, limit int) {
			total += n(s)
			if n(s) > limit {
				bad("embed %d %s is %d characters, limit %d", i, what, n(s), limit)
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
			bad("embed %d has %d fields, limit %d", i, len(e.Fields), EmbedFields)
		}
		for _, f := range e.Fields {
			if f == nil {
				bad("embed %d has a null field", i)
				continue
			}
			if f.Name == "" || f.Value == "" {
				bad("embed %d has a field with an empty name or value", i)
			}
			check("field name", f.Name, FieldName)
			check("field value", f.Value, FieldValue)
		}
	}
	if total > EmbedTotal {
		bad("embeds hold %d characters, limit %d", total, EmbedTotal)
	}
	errs = append(errs, Components(comps))
	return errors.Join(errs...)
}

// Components checks action rows, buttons and selects.
func Components(comps []discordgo.MessageComponent) error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if len(comps) > Rows {
		bad("%d action rows, limit %d", len(comps), Rows)
	}
	ids := map[string]bool{}
	id := func(s string) {
		if n(s) < 1 || n(s) > CustomID {
			bad("custom_id %q is %d characters, limit 1-%d", s, n(s), CustomID)
		}
		if ids[s] {
			bad("custom_id %q used twice", s)
		}
		ids[s] = true
	}
	for _, c := range comps {
		row, ok := rowOf(c)
		if !ok {
			bad("top-level component %T is not an action row", c)
			continue
		}
		if len(row.Components) == 0 || len(row.Components) > ButtonsPerRow {
			bad("action row with %d components, limit 1-%d", len(row.Components), ButtonsPerRow)
		}
		for _, rc := range row.Components {
			switch x := rc.(type) {
			case discordgo.Button:
				button(x, id, bad)
			case *discordgo.Button:
				if x == nil {
					bad("a null button")
					continue
				}
				button(*x, id, bad)
			case discordgo.SelectMenu:
				selectMenu(x, len(row.Components), id, bad)
			case *discordgo.SelectMenu:
				if x == nil {
					bad("a null select menu")
					continue
				}
				selectMenu(*x, len(row.Components), id, bad)
			default:
				bad("component %T cannot sit in a message action row", rc)
			}
		}
	}
	return errors.Join(errs...)
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

func button(b discordgo.Button, id func(string), bad func(string, ...any)) {
	if n(b.Label) > ButtonLabel {
		bad("button label %q over %d characters", b.Label, ButtonLabel)
	}
	if b.Label == "" && b.Emoji == nil {
		bad("button without label or emoji")
	}
	if b.Style == discordgo.LinkButton {
		if b.URL == "" || b.CustomID != "" {
			bad("link button needs a url and no custom_id")
		}
		return
	}
	id(b.CustomID)
}

func selectMenu(s discordgo.SelectMenu, inRow int, id func(string), bad func(string, ...any)) {
	id(s.CustomID)
	if inRow != 1 {
		bad("a select menu must be alone in its row")
	}
	if s.MenuType == discordgo.StringSelectMenu || s.MenuType == 0 {
		if len(s.Options) < 1 || len(s.Options) > SelectOptions {
			bad("select menu with %d options, limit 1-%d", len(s.Options), SelectOptions)
		}
	}
}

func modal(d *discordgo.InteractionResponseData) error {
	if d == nil {
		return errors.New("modal without data")
	}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if n(d.Title) < 1 || n(d.Title) > ModalTitle {
		bad("modal title %q is %d characters, limit 1-%d", d.Title, n(d.Title), ModalTitle)
	}
	if n(d.CustomID) < 1 || n(d.CustomID) > CustomID {
		bad("modal custom_id %q is %d characters, limit 1-%d", d.CustomID, n(d.CustomID), CustomID)
	}
	if len(d.Components) < 1 || len(d.Components) > ModalInputs {
		bad("modal with %d rows, limit 1-%d", len(d.Components), ModalInputs)
	}
	for _, c := range d.Components {
		row, ok := rowOf(c)
		if !ok || len(row.Components) != 1 {
			bad("a modal row must hold exactly one text input")
			continue
		}
		var ti discordgo.TextInput
		switch x := row.Components[0].(type) {
		case discordgo.TextInput:
			ti = x
		case *discordgo.TextInput:
			if x == nil {
				bad("a null text input")
				continue
			}
			ti = *x
		default:
			bad("modal component %T is not a text input", x)
			continue
		}
		if n(ti.Label) < 1 || n(ti.Label) > InputLabel {
			bad("text input label %q is %d characters, limit 1-%d", ti.Label, n(ti.Label), InputLabel)
		}
		if ti.MaxLength > ParagraphInput || n(ti.Value) > ParagraphInput {
			bad("text input %q allows more than %d characters", ti.CustomID, ParagraphInput)
		}
		if n(ti.CustomID) < 1 || n(ti.CustomID) > CustomID {
			bad("text input custom_id %q is %d characters", ti.CustomID, n(ti.CustomID))
		}
	}
	return errors.Join(errs...)
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
