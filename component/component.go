// Package component holds the wire shapes of Discord's form components that
// discordgo v0.29.0 lacks — Label (18), File Upload (19) and Radio Group
// (21) — and decodes a modal submit that contains them, which discordgo
// refuses whole ("unknown component type: 18"). Everything else stays on
// discordgo's types: each shape here is a discordgo.MessageComponent, so
// a modal holds them beside discordgo's own.
//
// It is a leaf package (discordgo only) because everything that speaks
// Discord needs these shapes: commands builds forms, bot decodes submits,
// limits and the sandbox judge and decode what the bot sends.
package component

import (
	"encoding/json"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// Component types discordgo v0.29.0 does not know.
const (
	LabelType      discordgo.ComponentType = 18
	FileUploadType discordgo.ComponentType = 19
	RadioGroupType discordgo.ComponentType = 21
)

// Label wraps one form component with a label (≤ 45 characters) and a
// description (≤ 100) shown under it. It is a top-level component of a
// modal; its child is a text input, a select menu, a file upload or a
// radio group. In a submit, Component holds what the member entered.
type Label struct {
	ID          int
	Label       string
	Description string
	Component   discordgo.MessageComponent
}

// Type is LabelType.
func (Label) Type() discordgo.ComponentType { return LabelType }

// MarshalJSON writes the label as Discord takes it. A text input inside a
// label carries no label of its own (Discord's docs: the label field of a
// text input is replaced by the Label's).
func (l Label) MarshalJSON() ([]byte, error) {
	var child any = l.Component
	switch x := l.Component.(type) {
	case discordgo.TextInput:
		child = labelledInput(x)
	case *discordgo.TextInput:
		if x != nil {
			child = labelledInput(*x)
		}
	}
	return json.Marshal(struct {
		Type        discordgo.ComponentType `json:"type"`
		ID          int                     `json:"id,omitempty"`
		Label       string                  `json:"label"`
		Description string                  `json:"description,omitempty"`
		Component   any                     `json:"component"`
	}{LabelType, l.ID, l.Label, l.Description, child})
}

// inputWire is a text input inside a label: discordgo's TextInput without
// its label (which discordgo always writes, empty or not).
type inputWire struct {
	Type        discordgo.ComponentType  `json:"type"`
	ID          int                      `json:"id,omitempty"`
	CustomID    string                   `json:"custom_id"`
	Style       discordgo.TextInputStyle `json:"style,omitempty"`
	Placeholder string                   `json:"placeholder,omitempty"`
	Value       string                   `json:"value,omitempty"`
	Required    bool                     `json:"required"`
	MinLength   int                      `json:"min_length,omitempty"`
	MaxLength   int                      `json:"max_length,omitempty"`
}

func labelledInput(t discordgo.TextInput) inputWire {
	return inputWire{Type: discordgo.TextInputComponent, ID: t.ID, CustomID: t.CustomID, Style: t.Style, Placeholder: t.Placeholder,
		Value: t.Value, Required: t.Required, MinLength: t.MinLength, MaxLength: t.MaxLength}
}

// FileUpload lets a member attach 0–10 files to a form. Required is
// Discord's default (true) when nil. FileTypes restricts the picker:
// "image", "video", "audio" or extensions such as ".zip" (at most 10).
// In a submit, Values are the attachments' ids and Attachments the
// attachments themselves, from data.resolved.attachments.
type FileUpload struct {
	ID          int
	CustomID    string
	MinValues   *int
	MaxValues   int
	Required    *bool
	FileTypes   []string
	Values      []string
	Attachments []*discordgo.MessageAttachment
}

// Type is FileUploadType.
func (FileUpload) Type() discordgo.ComponentType { return FileUploadType }

type fileUploadWire struct {
	Type      discordgo.ComponentType `json:"type"`
	ID        int                     `json:"id,omitempty"`
	CustomID  string                  `json:"custom_id"`
	MinValues *int                    `json:"min_values,omitempty"`
	MaxValues int                     `json:"max_values,omitempty"`
	Required  *bool                   `json:"required,omitempty"`
	FileTypes []string                `json:"file_types,omitempty"`
	Values    []string                `json:"values,omitempty"`
}

// MarshalJSON writes the upload as Discord takes it (and, with Values, as
// a submit carries it).
func (f FileUpload) MarshalJSON() ([]byte, error) {
	return json.Marshal(fileUploadWire{FileUploadType, f.ID, f.CustomID, f.MinValues, f.MaxValues, f.Required, f.FileTypes, f.Values})
}

// RadioGroup is a choice of exactly one of 2–10 options. Required is
// Discord's default (true) when nil. In a submit, Value is the chosen
// option's value ("" when none was chosen: Discord sends null).
type RadioGroup struct {
	ID       int
	CustomID string
	Options  []RadioOption
	Required *bool
	Value    string
}

// RadioOption is one choice of a radio group: value and label 1–100
// characters, an optional description ≤ 100.
type RadioOption struct {
	Value       string `json:"value"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Default     bool   `json:"default,omitempty"`
}

// Type is RadioGroupType.
func (RadioGroup) Type() discordgo.ComponentType { return RadioGroupType }

type radioGroupWire struct {
	Type     discordgo.ComponentType `json:"type"`
	ID       int                     `json:"id,omitempty"`
	CustomID string                  `json:"custom_id"`
	Options  []RadioOption           `json:"options,omitempty"`
	Required *bool                   `json:"required,omitempty"`
	Value    *string                 `json:"value,omitempty"`
}

// MarshalJSON writes the group as Discord takes it (and, with a Value, as
// a submit carries it).
func (r RadioGroup) MarshalJSON() ([]byte, error) {
	w := radioGroupWire{Type: RadioGroupType, ID: r.ID, CustomID: r.CustomID, Options: r.Options, Required: r.Required}
	if r.Value != "" {
		w.Value = &r.Value
	}
	return json.Marshal(w)
}

// IsRequired is a component's required flag with Discord's default (true).
func IsRequired(b *bool) bool { return b == nil || *b }

// DecodeComponent decodes one component: the shapes of this package, and
// any other through discordgo.MessageComponentFromJSON.
func DecodeComponent(raw []byte) (discordgo.MessageComponent, error) {
	var head struct {
		Type discordgo.ComponentType `json:"type"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, err
	}
	switch head.Type {
	case LabelType:
		var w struct {
			ID          int             `json:"id"`
			Label       string          `json:"label"`
			Description string          `json:"description"`
			Component   json.RawMessage `json:"component"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, err
		}
		l := &Label{ID: w.ID, Label: w.Label, Description: w.Description}
		if len(w.Component) > 0 && string(w.Component) != "null" {
			c, err := DecodeComponent(w.Component)
			if err != nil {
				return nil, fmt.Errorf("label %q: %w", w.Label, err)
			}
			if _, nested := c.(*Label); nested {
				return nil, fmt.Errorf("label %q: a label inside a label", w.Label)
			}
			l.Component = c
		}
		return l, nil
	case FileUploadType:
		var w fileUploadWire
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, err
		}
		return &FileUpload{ID: w.ID, CustomID: w.CustomID, MinValues: w.MinValues, MaxValues: w.MaxValues, Required: w.Required,
			FileTypes: w.FileTypes, Values: w.Values}, nil
	case RadioGroupType:
		var w radioGroupWire
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, err
		}
		r := &RadioGroup{ID: w.ID, CustomID: w.CustomID, Options: w.Options, Required: w.Required}
		if w.Value != nil {
			r.Value = *w.Value
		}
		return r, nil
	}
	return discordgo.MessageComponentFromJSON(raw)
}

// DecodeModalSubmit decodes a modal submit's data: its components (rows
// or labels, each holding what was entered) and the uploaded files, which
// Discord sends apart in resolved.attachments and which are set here on
// each FileUpload by id. An upload naming an attachment that is not
// resolved is an error: its file would be lost.
func DecodeModalSubmit(data []byte) (discordgo.ModalSubmitInteractionData, error) {
	var w struct {
		CustomID   string            `json:"custom_id"`
		Components []json.RawMessage `json:"components"`
		Resolved   struct {
			Attachments map[string]*discordgo.MessageAttachment `json:"attachments"`
		} `json:"resolved"`
	}
	var d discordgo.ModalSubmitInteractionData
	if err := json.Unmarshal(data, &w); err != nil {
		return d, err
	}
	d.CustomID = w.CustomID
	d.Components = make([]discordgo.MessageComponent, len(w.Components))
	for k, raw := range w.Components {
		c, err := DecodeComponent(raw)
		if err != nil {
			return d, err
		}
		d.Components[k] = c
	}
	for _, f := range Uploads(d.Components) {
		f.Attachments = make([]*discordgo.MessageAttachment, len(f.Values))
		for k, id := range f.Values {
			a := w.Resolved.Attachments[id]
			if a == nil {
				return d, fmt.Errorf("file upload %q: attachment %s not in resolved.attachments", f.CustomID, id)
			}
			f.Attachments[k] = a
		}
	}
	return d, nil
}

// DecodeInteraction completes an interaction that discordgo decoded up to
// its data and then refused: a modal submit holding labels, uploads or
// radio groups. body is the interaction's JSON; i is what discordgo's
// Interaction.UnmarshalJSON left (everything but Data). It returns
// discordgo's error unchanged for anything else.
func DecodeInteraction(i *discordgo.Interaction, body []byte, err error) error {
	if err == nil || i == nil || i.Type != discordgo.InteractionModalSubmit {
		return err
	}
	var raw struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &raw) != nil || len(raw.Data) == 0 {
		return err
	}
	d, derr := DecodeModalSubmit(raw.Data)
	if derr != nil {
		return fmt.Errorf("modal submit: %w", derr)
	}
	i.Data = d
	return nil
}

// Walk calls f for every component of a form or a message: each
// top-level one, the children of each row, label and container, and a
// section's text displays and then its accessory.
func Walk(cs []discordgo.MessageComponent, f func(discordgo.MessageComponent)) {
	for _, c := range cs {
		f(c)
		switch x := c.(type) {
		case *discordgo.ActionsRow:
			if x != nil {
				Walk(x.Components, f)
			}
		case discordgo.ActionsRow:
			Walk(x.Components, f)
		case *discordgo.Container:
			if x != nil {
				Walk(x.Components, f)
			}
		case discordgo.Container:
			Walk(x.Components, f)
		case *discordgo.Section:
			if x != nil {
				walkSection(*x, f)
			}
		case discordgo.Section:
			walkSection(x, f)
		case *Label:
			if x != nil && x.Component != nil {
				Walk([]discordgo.MessageComponent{x.Component}, f)
			}
		case Label:
			if x.Component != nil {
				Walk([]discordgo.MessageComponent{x.Component}, f)
			}
		}
	}
}

func walkSection(s discordgo.Section, f func(discordgo.MessageComponent)) {
	Walk(s.Components, f)
	if s.Accessory != nil {
		Walk([]discordgo.MessageComponent{s.Accessory}, f)
	}
}

// Values is what a submitted form holds by custom_id: each text input's
// text and each radio group's chosen value (uploads: see Uploads).
func Values(cs []discordgo.MessageComponent) map[string]string {
	out := map[string]string{}
	Walk(cs, func(c discordgo.MessageComponent) {
		switch x := c.(type) {
		case *discordgo.TextInput:
			if x != nil {
				out[x.CustomID] = x.Value
			}
		case discordgo.TextInput:
			out[x.CustomID] = x.Value
		case *RadioGroup:
			if x != nil {
				out[x.CustomID] = x.Value
			}
		case RadioGroup:
			out[x.CustomID] = x.Value
		}
	})
	return out
}

// Uploads is every file upload of a form, as pointers (a value is copied
// into a new pointer), in order.
func Uploads(cs []discordgo.MessageComponent) []*FileUpload {
	var out []*FileUpload
	Walk(cs, func(c discordgo.MessageComponent) {
		switch x := c.(type) {
		case *FileUpload:
			if x != nil {
				out = append(out, x)
			}
		case FileUpload:
			out = append(out, &x)
		}
	})
	return out
}
