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
// menus and text inputs (what bots send in messages and forms), and layout
// cards (containers, sections, text displays… as Discord's Components V2),
// are decoded here into the same values (TestComponentsAreDiscordgos,
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
	// Layout cards (Components V2).
	Content     string                          `json:"content"`
	AccentColor *int                            `json:"accent_color"`
	Spoiler     bool                            `json:"spoiler"`
	Accessory   *wireComponent                  `json:"accessory"`
	Media       discordgo.UnfurledMediaItem     `json:"media"`
	Description *string                         `json:"description"`
	Items       []discordgo.MediaGalleryItem    `json:"items"`
	File        discordgo.UnfurledMediaItem     `json:"file"`
	Divider     *bool                           `json:"divider"`
	Spacing     *discordgo.SeparatorSpacingSize `json:"spacing"`
}

// decodeComponent decodes one top-level component as
// discordgo.MessageComponentFromJSON does.
func decodeComponent(raw json.RawMessage) (discordgo.MessageComponent, error) {
	var w wireComponent
	if json.Unmarshal(raw, &w) == nil {
		if c, ok := w.build(); ok {
			return c, nil
		}
	}
	return component.DecodeComponent(raw) // discordgo's, and the form components it lacks
}

// build is w as discordgo decodes it: a row, a layout card's component
// (container, section, text display, separator, thumbnail, media gallery,
// file) with its children, or a leaf. Anything else — a form component,
// an unknown type, a section without an accessory (or a null one, which
// discordgo refuses) — is not built here: the caller asks discordgo.
func (w *wireComponent) build() (discordgo.MessageComponent, bool) {
	children := func() ([]discordgo.MessageComponent, bool) {
		out := make([]discordgo.MessageComponent, len(w.Components))
		for k := range w.Components {
			c, ok := w.Components[k].build()
			if !ok {
				return nil, false
			}
			out[k] = c
		}
		return out, true
	}
	switch w.Type {
	case discordgo.ActionsRowComponent:
		cs, ok := children()
		return &discordgo.ActionsRow{ID: w.ID, Components: cs}, ok
	case discordgo.ContainerComponent:
		cs, ok := children()
		return &discordgo.Container{ID: w.ID, AccentColor: w.AccentColor, Spoiler: w.Spoiler, Components: cs}, ok
	case discordgo.SectionComponent:
		if w.Accessory == nil {
			return nil, false
		}
		acc, ok := w.Accessory.build()
		if !ok {
			return nil, false
		}
		cs, ok := children()
		return &discordgo.Section{ID: w.ID, Components: cs, Accessory: acc}, ok
	case discordgo.TextDisplayComponent:
		return &discordgo.TextDisplay{Content: w.Content}, true
	case discordgo.SeparatorComponent:
		return &discordgo.Separator{ID: w.ID, Divider: w.Divider, Spacing: w.Spacing}, true
	case discordgo.ThumbnailComponent:
		return &discordgo.Thumbnail{ID: w.ID, Media: w.Media, Description: w.Description, Spoiler: w.Spoiler}, true
	case discordgo.MediaGalleryComponent:
		return &discordgo.MediaGallery{ID: w.ID, Items: w.Items}, true
	case discordgo.FileComponentType:
		return &discordgo.FileComponent{ID: w.ID, File: w.File, Spoiler: w.Spoiler}, true
	}
	return w.leaf()
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
