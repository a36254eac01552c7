package sandbox

import (
	"encoding/json"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
)

// A bot's components decoded in one pass. discordgo.MessageComponentFromJSON
// decodes a row by handing each nested component's bytes to json.Unmarshal
// again, which checks them again: a row with a ten-option select menu was
// a fifth of the sandbox's CPU under `filmbot bench`, where the sandbox is
// the load side whose CPU limits what it measures. Rows of buttons, select
// menus and text inputs (what bots send in messages and forms) are decoded
// here into the same values (TestComponentsAreDiscordgos,
// FuzzComponents); anything else goes to discordgo as before.

type wireComponent struct {
	Type          discordgo.ComponentType            `json:"type"`
	ID            int                                `json:"id"`
	Components    []wireComponent                    `json:"components"`
	CustomID      string                             `json:"custom_id"`
	Label         string                             `json:"label"`
	Style         uint                               `json:"style"`
	Disabled      bool                               `json:"disabled"`
	Emoji         *discordgo.ComponentEmoji          `json:"emoji"`
	URL           string                             `json:"url"`
	SKUID         string                             `json:"sku_id"`
	Placeholder   string                             `json:"placeholder"`
	MinValues     *int                               `json:"min_values"`
	MaxValues     int                                `json:"max_values"`
	DefaultValues []discordgo.SelectMenuDefaultValue `json:"default_values"`
	Options       []discordgo.SelectMenuOption       `json:"options"`
	ChannelTypes  []discordgo.ChannelType            `json:"channel_types"`
	Value         string                             `json:"value"`
	Required      bool                               `json:"required"`
	MinLength     int                                `json:"min_length"`
	MaxLength     int                                `json:"max_length"`
}

// decodeComponent decodes one top-level component as
// discordgo.MessageComponentFromJSON does.
func decodeComponent(raw json.RawMessage) (discordgo.MessageComponent, error) {
	var w wireComponent
	if json.Unmarshal(raw, &w) == nil && w.Type == discordgo.ActionsRowComponent {
		row := &discordgo.ActionsRow{ID: w.ID, Components: make([]discordgo.MessageComponent, len(w.Components))}
		ok := true
		for k := range w.Components {
			if row.Components[k], ok = w.Components[k].leaf(); !ok {
				break
			}
		}
		if ok {
			return row, nil
		}
	}
	return component.DecodeComponent(raw) // discordgo's, and the form components it lacks
}

// leaf is w as discordgo decodes it, if it is a button, a select menu or
// a text input.
func (w *wireComponent) leaf() (discordgo.MessageComponent, bool) {
	switch w.Type {
	case discordgo.ButtonComponent:
		return &discordgo.Button{Label: w.Label, Style: discordgo.ButtonStyle(w.Style), Disabled: w.Disabled, Emoji: w.Emoji,
			URL: w.URL, CustomID: w.CustomID, SKUID: w.SKUID, ID: w.ID}, true
	case discordgo.SelectMenuComponent, discordgo.ChannelSelectMenuComponent, discordgo.UserSelectMenuComponent,
		discordgo.RoleSelectMenuComponent, discordgo.MentionableSelectMenuComponent:
		return &discordgo.SelectMenu{MenuType: discordgo.SelectMenuType(w.Type), CustomID: w.CustomID, Placeholder: w.Placeholder,
			MinValues: w.MinValues, MaxValues: w.MaxValues, DefaultValues: w.DefaultValues, Options: w.Options,
			Disabled: w.Disabled, ChannelTypes: w.ChannelTypes, ID: w.ID}, true
	case discordgo.TextInputComponent:
		return &discordgo.TextInput{CustomID: w.CustomID, Label: w.Label, Style: discordgo.TextInputStyle(w.Style),
			Placeholder: w.Placeholder, Value: w.Value, Required: w.Required, MinLength: w.MinLength, MaxLength: w.MaxLength, ID: w.ID}, true
	}
	return nil, false
}

// resolveMedia points a layout card's attachment://NAME media (thumbnails,
// media gallery items, files) at the message's attachment of that name,
// as Discord serves a card: its media items carry the file's URL.
func resolveMedia(cs []discordgo.MessageComponent, atts []*discordgo.MessageAttachment) {
	if len(atts) == 0 {
		return
	}
	resolve := func(m *discordgo.UnfurledMediaItem) {
		name, ok := strings.CutPrefix(m.URL, "attachment://")
		if !ok {
			return
		}
		for _, a := range atts {
			if a.Filename == name {
				m.URL = a.URL
				return
			}
		}
	}
	for k, c := range cs {
		switch x := c.(type) {
		case *discordgo.Container:
			if x != nil {
				resolveMedia(x.Components, atts)
			}
		case discordgo.Container:
			resolveMedia(x.Components, atts)
		case *discordgo.Section:
			if x != nil && x.Accessory != nil {
				acc := []discordgo.MessageComponent{x.Accessory}
				resolveMedia(acc, atts)
				x.Accessory = acc[0]
			}
		case discordgo.Section:
			if x.Accessory != nil {
				acc := []discordgo.MessageComponent{x.Accessory}
				resolveMedia(acc, atts)
				x.Accessory = acc[0]
				cs[k] = x
			}
		case *discordgo.Thumbnail:
			if x != nil {
				resolve(&x.Media)
			}
		case discordgo.Thumbnail:
			resolve(&x.Media)
			cs[k] = x
		case *discordgo.MediaGallery:
			if x != nil {
				for n := range x.Items {
					resolve(&x.Items[n].Media)
				}
			}
		case discordgo.MediaGallery:
			for n := range x.Items {
				resolve(&x.Items[n].Media)
			}
		case *discordgo.FileComponent:
			if x != nil {
				resolve(&x.File)
			}
		case discordgo.FileComponent:
			resolve(&x.File)
			cs[k] = x
		}
	}
}
