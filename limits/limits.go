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

	"github.com/filmbot/filmbot/component"
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
	Placeholder      = 100
	// A form's Label: its text and the description under it.
	LabelText        = 45
	LabelDescription = 100
	// A file upload takes 0-10 files, filtered by at most 10 file types.
	Uploads         = 10
	UploadFileTypes = 10
	// A radio group offers 2-10 options; an option's value, label and
	// description are at most 100 characters.
	RadioMin   = 2
	RadioMax   = 10
	OptionText = 100
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
		// Deferrals may carry only flags, and not the layout card's: a
		// deferred answer becomes a card by the edit of the original
		// response, which carries the flag.
		if d != nil && IsV2(d.Flags) {
			j.bad("a deferral (type %d) cannot carry the flag IS_COMPONENTS_V2: set it on the edit of the original response", resp.Type)
		}
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage:
		if d == nil {
			j.bad("type %d without data", resp.Type)
			break
		}
		if resp.Type == discordgo.InteractionResponseChannelMessageWithSource && !IsV2(d.Flags) && d.Content == "" && len(d.Embeds) == 0 && len(d.Components) == 0 && d.Poll == nil && len(d.Files) == 0 {
			j.bad("empty message")
		}
		j.outgoing(Outgoing{Flags: d.Flags, Content: d.Content, Embeds: d.Embeds, Components: d.Components,
			AllowedMentions: d.AllowedMentions, Poll: d.Poll, Files: FileNames(d), FilesKnown: namesKnown(d)})
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

// FileNames are the names of the files d carries: those it uploads and
// the attachments it keeps.
func FileNames(d *discordgo.InteractionResponseData) []string {
	if d == nil {
		return nil
	}
	var out []string
	for _, f := range d.Files {
		if f != nil {
			out = append(out, f.Name)
		}
	}
	if d.Attachments != nil {
		for _, a := range *d.Attachments {
			if a != nil {
				out = append(out, a.Filename)
			}
		}
	}
	return out
}

// namesKnown reports whether every file d carries is known by name: an
// update keeps attachments by id, and their names are then the message's.
func namesKnown(d *discordgo.InteractionResponseData) bool {
	if d.Attachments != nil {
		for _, a := range *d.Attachments {
			if a == nil || a.Filename == "" {
				return false
			}
		}
	}
	return true
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
			if isLayout(c) {
				j.bad("component %T needs the message flag IS_COMPONENTS_V2", c)
				continue
			}
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
		j.bad("modal with %d components, limit 1-%d", len(d.Components), ModalInputs)
	}
	for _, c := range d.Components {
		switch x := c.(type) {
		case component.Label:
			j.label(x)
		case *component.Label:
			if x == nil {
				j.bad("a null label")
				continue
			}
			j.label(*x)
		case discordgo.TextDisplay:
			j.formText(x)
		case *discordgo.TextDisplay:
			if x == nil {
				j.bad("a null text display")
				continue
			}
			j.formText(*x)
		default:
			// The legacy form: a row holding one text input with its own label.
			row, ok := rowOf(c)
			if !ok || len(row.Components) != 1 {
				j.bad("a modal row must hold exactly one text input")
				continue
			}
			ti, ok := textInputOf(row.Components[0])
			if !ok {
				j.bad("modal component %T is not a text input", row.Components[0])
				continue
			}
			if n(ti.Label) < 1 || n(ti.Label) > InputLabel {
				j.bad("text input label %q is %d characters, limit 1-%d", ti.Label, n(ti.Label), InputLabel)
			}
			j.textInput(ti)
		}
	}
	return j.err()
}

func textInputOf(c discordgo.MessageComponent) (discordgo.TextInput, bool) {
	switch x := c.(type) {
	case discordgo.TextInput:
		return x, true
	case *discordgo.TextInput:
		if x != nil {
			return *x, true
		}
	}
	return discordgo.TextInput{}, false
}

// textInput checks a text input, in a row or a label.
func (j *judge) textInput(ti discordgo.TextInput) {
	j.id(ti.CustomID)
	if ti.Style != discordgo.TextInputShort && ti.Style != discordgo.TextInputParagraph {
		j.bad("text input %q has style %d, not 1 or 2", ti.CustomID, ti.Style)
	}
	if ti.MaxLength > ParagraphInput || n(ti.Value) > ParagraphInput {
		j.bad("text input %q allows more than %d characters", ti.CustomID, ParagraphInput)
	}
	if ti.MinLength < 0 || ti.MinLength > ParagraphInput || (ti.MaxLength > 0 && ti.MinLength > ti.MaxLength) {
		j.bad("text input %q has min_length %d (max_length %d)", ti.CustomID, ti.MinLength, ti.MaxLength)
	}
	if n(ti.Placeholder) > Placeholder {
		j.bad("text input %q placeholder is %d characters, limit %d", ti.CustomID, n(ti.Placeholder), Placeholder)
	}
}

// label checks a form's Label and the one component it wraps.
func (j *judge) label(l component.Label) {
	if n(l.Label) < 1 || n(l.Label) > LabelText {
		j.bad("label %q is %d characters, limit 1-%d", l.Label, n(l.Label), LabelText)
	}
	if n(l.Description) > LabelDescription {
		j.bad("label %q: description is %d characters, limit %d", l.Label, n(l.Description), LabelDescription)
	}
	if l.Component == nil {
		j.bad("label %q wraps no component", l.Label)
		return
	}
	if ti, ok := textInputOf(l.Component); ok {
		j.textInput(ti)
		return
	}
	switch x := l.Component.(type) {
	case discordgo.SelectMenu:
		j.selectMenu(x, 1)
	case *discordgo.SelectMenu:
		if x != nil {
			j.selectMenu(*x, 1)
			return
		}
		j.bad("label %q wraps a null select menu", l.Label)
	case component.FileUpload:
		j.fileUpload(x)
	case *component.FileUpload:
		if x != nil {
			j.fileUpload(*x)
			return
		}
		j.bad("label %q wraps a null file upload", l.Label)
	case component.RadioGroup:
		j.radioGroup(x)
	case *component.RadioGroup:
		if x != nil {
			j.radioGroup(*x)
			return
		}
		j.bad("label %q wraps a null radio group", l.Label)
	default:
		j.bad("label %q wraps %T, which a label cannot hold", l.Label, l.Component)
	}
}

func (j *judge) fileUpload(f component.FileUpload) {
	j.id(f.CustomID)
	lo := 1 // Discord's defaults: one file, 1-1
	if f.MinValues != nil {
		lo = *f.MinValues
	}
	hi := 1
	if f.MaxValues != 0 {
		hi = f.MaxValues
	}
	if lo < 0 || lo > Uploads || hi < 1 || hi > Uploads || lo > hi {
		j.bad("file upload %q takes %d-%d files, limit 0-%d with min ≤ max (max ≥ 1)", f.CustomID, lo, hi, Uploads)
	}
	if len(f.FileTypes) > UploadFileTypes {
		j.bad("file upload %q has %d file types, limit %d", f.CustomID, len(f.FileTypes), UploadFileTypes)
	}
	for _, t := range f.FileTypes {
		if t != "image" && t != "video" && t != "audio" && (len(t) < 2 || t[0] != '.') {
			j.bad("file upload %q: file type %q is not image, video, audio or a .extension", f.CustomID, t)
		}
	}
}

func (j *judge) radioGroup(r component.RadioGroup) {
	j.id(r.CustomID)
	if len(r.Options) < RadioMin || len(r.Options) > RadioMax {
		j.bad("radio group %q has %d options, limit %d-%d", r.CustomID, len(r.Options), RadioMin, RadioMax)
	}
	seen := map[string]bool{}
	defaults := 0
	for _, o := range r.Options {
		if n(o.Value) < 1 || n(o.Value) > OptionText || n(o.Label) < 1 || n(o.Label) > OptionText || n(o.Description) > OptionText {
			j.bad("radio group %q: option %q/%q outside 1-%d characters", r.CustomID, o.Label, o.Value, OptionText)
		}
		if seen[o.Value] {
			j.bad("radio group %q: value %q twice", r.CustomID, o.Value)
		}
		seen[o.Value] = true
		if o.Default {
			defaults++
		}
	}
	if defaults > 1 {
		j.bad("radio group %q has %d default options, at most 1", r.CustomID, defaults)
	}
}

func (j *judge) formText(t discordgo.TextDisplay) {
	if n(t.Content) < 1 || n(t.Content) > ParagraphInput {
		j.bad("text display of %d characters in a form, limit 1-%d", n(t.Content), ParagraphInput)
	}
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
		mc, err := component.DecodeComponent(c)
		if err != nil {
			return nil, fmt.Errorf("component: %w", err)
		}
		d.Components = append(d.Components, mc)
	}
	resp.Data = &d
	return resp, nil
}
