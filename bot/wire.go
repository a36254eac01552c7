package bot

import (
	"encoding/json"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
)

// Wire is the JSON body of a callback for resp: what discordgo would send,
// with three changes. A layout card (limits.FlagV2) goes without the
// message fields Discord refuses beside the flag (layoutWire). An autocomplete result carries only its choices
// (always a list), as Discord takes it: discordgo's InteractionResponseData
// would add message fields. And action rows, buttons and select menus are
// plain structs: discordgo's own MarshalJSON methods encode each one apart and then have
// encoding/json check and compact the result again, which costs more than
// the rest of the answer. The JSON is the same (TestWireIsDiscordgosJSON),
// but for select menu options' empty defaults (optionWire).
func Wire(resp *discordgo.InteractionResponse) any {
	if resp.Type == discordgo.InteractionApplicationCommandAutocompleteResult {
		w := autocompleteWire{Type: resp.Type}
		w.Data.Choices = []*discordgo.ApplicationCommandOptionChoice{}
		if resp.Data != nil && resp.Data.Choices != nil {
			w.Data.Choices = resp.Data.Choices
		}
		return w
	}
	if layoutMessage(resp) {
		return layoutWire(resp)
	}
	if resp.Data == nil || resp.Data.Components == nil {
		return *resp
	}
	d := resp.Data
	return responseWire{Type: resp.Type, Data: &dataWire{
		TTS: d.TTS, Content: d.Content, Components: componentsWire(d.Components), Embeds: d.Embeds,
		AllowedMentions: d.AllowedMentions, Attachments: d.Attachments, Poll: d.Poll, Flags: d.Flags,
		Choices: d.Choices, CustomID: d.CustomID, Title: d.Title,
	}}
}

// autocompleteWire is an autocomplete result as Discord takes it.
type autocompleteWire struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	} `json:"data"`
}

// responseWire and dataWire are discordgo's InteractionResponse and
// InteractionResponseData, field for field, with components as plain
// values.
type responseWire struct {
	Type discordgo.InteractionResponseType `json:"type,omitempty"`
	Data *dataWire                         `json:"data,omitempty"`
}

type dataWire struct {
	TTS             bool                                        `json:"tts"`
	Content         string                                      `json:"content"`
	Components      []any                                       `json:"components"`
	Embeds          []*discordgo.MessageEmbed                   `json:"embeds"`
	AllowedMentions *discordgo.MessageAllowedMentions           `json:"allowed_mentions,omitempty"`
	Attachments     *[]*discordgo.MessageAttachment             `json:"attachments,omitempty"`
	Poll            *discordgo.Poll                             `json:"poll,omitempty"`
	Flags           discordgo.MessageFlags                      `json:"flags,omitempty"`
	Choices         []*discordgo.ApplicationCommandOptionChoice `json:"choices,omitempty"`
	CustomID        string                                      `json:"custom_id,omitempty"`
	Title           string                                      `json:"title,omitempty"`
}

// rowWire and buttonWire encode as discordgo's ActionsRow and Button do.
type rowWire struct {
	Components []any                   `json:"components"`
	ID         int                     `json:"id,omitempty"`
	Type       discordgo.ComponentType `json:"type"`
}

type buttonWire struct {
	Label    string                    `json:"label"`
	Style    discordgo.ButtonStyle     `json:"style"`
	Disabled bool                      `json:"disabled"`
	Emoji    *discordgo.ComponentEmoji `json:"emoji,omitempty"`
	URL      string                    `json:"url,omitempty"`
	CustomID string                    `json:"custom_id,omitempty"`
	SKUID    string                    `json:"sku_id,omitempty"`
	ID       int                       `json:"id,omitempty"`
	Type     discordgo.ComponentType   `json:"type"`
}

// selectWire encodes as discordgo's SelectMenu does (its own "type" field
// gives way to the component type).
type selectWire struct {
	CustomID      string                             `json:"custom_id,omitempty"`
	Placeholder   string                             `json:"placeholder"`
	MinValues     *int                               `json:"min_values,omitempty"`
	MaxValues     int                                `json:"max_values,omitempty"`
	DefaultValues []discordgo.SelectMenuDefaultValue `json:"default_values,omitempty"`
	Options       []optionWire                       `json:"options,omitempty"`
	Disabled      bool                               `json:"disabled"`
	ChannelTypes  []discordgo.ChannelType            `json:"channel_types,omitempty"`
	ID            int                                `json:"id,omitempty"`
	Type          discordgo.ComponentType            `json:"type"`
}

// optionWire is a select menu's option without the empty description and
// the false default that discordgo's SelectMenuOption always writes: both
// are optional in Discord's API, and /film's ten scores carried them ten
// times, a fifth of the card's bytes.
type optionWire struct {
	Label       string                    `json:"label,omitempty"`
	Value       string                    `json:"value"`
	Description string                    `json:"description,omitempty"`
	Emoji       *discordgo.ComponentEmoji `json:"emoji,omitempty"`
	Default     bool                      `json:"default,omitempty"`
}

func plainSelect(m discordgo.SelectMenu) selectWire {
	var opts []optionWire
	if m.Options != nil {
		opts = make([]optionWire, len(m.Options))
		for k, o := range m.Options {
			opts[k] = optionWire(o)
		}
	}
	return selectWire{CustomID: m.CustomID, Placeholder: m.Placeholder, MinValues: m.MinValues, MaxValues: m.MaxValues,
		DefaultValues: m.DefaultValues, Options: opts, Disabled: m.Disabled, ChannelTypes: m.ChannelTypes, ID: m.ID, Type: m.Type()}
}

// componentsWire replaces action rows, buttons, select menus and the
// layout components with their plain forms; any other component is left
// to its own MarshalJSON.
func componentsWire(cs []discordgo.MessageComponent) []any {
	if cs == nil {
		return nil
	}
	out := make([]any, len(cs))
	for i, c := range cs {
		switch x := byValue(c).(type) {
		case discordgo.ActionsRow:
			out[i] = rowWire{Components: componentsWire(x.Components), ID: x.ID, Type: discordgo.ActionsRowComponent}
		case discordgo.Button:
			out[i] = plainButton(x)
		case discordgo.SelectMenu:
			out[i] = plainSelect(x)
		default:
			if w, ok := plainLayout(x); ok {
				out[i] = w
				continue
			}
			out[i] = c
		}
	}
	return out
}

// byValue is a component given by a non-nil pointer as a value; anything
// else as it is (a nil pointer then encodes as discordgo would: null).
func byValue(c discordgo.MessageComponent) discordgo.MessageComponent {
	if v := limits.Value(c); v != nil {
		return v
	}
	return c
}

func plainButton(b discordgo.Button) buttonWire {
	if b.Style == 0 {
		b.Style = discordgo.PrimaryButton // as discordgo sends it
	}
	return buttonWire{Label: b.Label, Style: b.Style, Disabled: b.Disabled, Emoji: b.Emoji, URL: b.URL,
		CustomID: b.CustomID, SKUID: b.SKUID, ID: b.ID, Type: discordgo.ButtonComponent}
}

// replacing is resp as it is sent. An update (type 7) replaces the
// message its button is on, so what it does not hold goes: embeds and
// components are sent as [] where the handler left them nil (discordgo
// writes a nil slice as null, which Discord treats inconsistently: an
// import's preview stayed under its result), and the old attachments
// (an import preview's CSV) as [] when the update attaches no file of its
// own. resp itself is not changed.
func replacing(resp *discordgo.InteractionResponse) *discordgo.InteractionResponse {
	if resp == nil || resp.Type != discordgo.InteractionResponseUpdateMessage || resp.Data == nil {
		return resp
	}
	d := *resp.Data
	if d.Embeds == nil {
		d.Embeds = []*discordgo.MessageEmbed{}
	}
	if d.Components == nil {
		d.Components = []discordgo.MessageComponent{}
	}
	if d.Attachments == nil && len(d.Files) == 0 {
		d.Attachments = &[]*discordgo.MessageAttachment{}
	}
	r := *resp
	r.Data = &d
	return &r
}

// layoutMessage reports whether resp sends a layout card: a message
// (type 4) or an update (type 7) with the flag IS_COMPONENTS_V2.
func layoutMessage(resp *discordgo.InteractionResponse) bool {
	return resp.Data != nil && limits.IsV2(resp.Data.Flags) &&
		(resp.Type == discordgo.InteractionResponseChannelMessageWithSource || resp.Type == discordgo.InteractionResponseUpdateMessage)
}

// Discord's values that clear a message's content and embeds: an update
// or an edit that makes a message a layout card sends them (content null,
// embeds [] — discord-api-docs issue 7787: null embeds are refused), the
// message it replaces may have had both.
var (
	clearContent = json.RawMessage("null")
	clearEmbeds  = json.RawMessage("[]")
)

// layoutResponseWire and layoutDataWire are a layout card's callback: no
// content and no embeds (nor poll, choices, custom_id or title) for a new
// message, content null and embeds [] for an update, which replaces a
// message that may have had them.
type layoutResponseWire struct {
	Type discordgo.InteractionResponseType `json:"type,omitempty"`
	Data *layoutDataWire                   `json:"data"`
}

type layoutDataWire struct {
	TTS             bool                              `json:"tts"`
	Content         json.RawMessage                   `json:"content,omitempty"`
	Components      []any                             `json:"components"`
	Embeds          json.RawMessage                   `json:"embeds,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions,omitempty"`
	Attachments     *[]*discordgo.MessageAttachment   `json:"attachments,omitempty"`
	Flags           discordgo.MessageFlags            `json:"flags,omitempty"`
}

func layoutWire(resp *discordgo.InteractionResponse) layoutResponseWire {
	d := resp.Data
	w := &layoutDataWire{TTS: d.TTS, Components: componentsWire(d.Components), AllowedMentions: d.AllowedMentions,
		Attachments: d.Attachments, Flags: d.Flags}
	if resp.Type == discordgo.InteractionResponseUpdateMessage {
		w.Content, w.Embeds = clearContent, clearEmbeds
	}
	return layoutResponseWire{Type: resp.Type, Data: w}
}

// The layout components as plain structs, encoding as discordgo's do
// (TestLayoutWireIsDiscordgosJSON): a Thumbnail always writes spoiler (a
// typo in discordgo's tag, "omitemoty"), a TextDisplay has no id.
type containerWire struct {
	ID          int                     `json:"id,omitempty"`
	AccentColor *int                    `json:"accent_color,omitempty"`
	Spoiler     bool                    `json:"spoiler"`
	Components  []any                   `json:"components"`
	Type        discordgo.ComponentType `json:"type"`
}

type sectionWire struct {
	ID         int                     `json:"id,omitempty"`
	Components []any                   `json:"components"`
	Accessory  any                     `json:"accessory"`
	Type       discordgo.ComponentType `json:"type"`
}

type textWire struct {
	Content string                  `json:"content"`
	Type    discordgo.ComponentType `json:"type"`
}

type thumbnailWire struct {
	ID          int                         `json:"id,omitempty"`
	Media       discordgo.UnfurledMediaItem `json:"media"`
	Description *string                     `json:"description,omitempty"`
	Spoiler     bool                        `json:"spoiler"`
	Type        discordgo.ComponentType     `json:"type"`
}

type galleryWire struct {
	ID    int                          `json:"id,omitempty"`
	Items []discordgo.MediaGalleryItem `json:"items"`
	Type  discordgo.ComponentType      `json:"type"`
}

type fileWire struct {
	ID      int                         `json:"id,omitempty"`
	File    discordgo.UnfurledMediaItem `json:"file"`
	Spoiler bool                        `json:"spoiler"`
	Type    discordgo.ComponentType     `json:"type"`
}

type separatorWire struct {
	ID      int                             `json:"id,omitempty"`
	Divider *bool                           `json:"divider,omitempty"`
	Spacing *discordgo.SeparatorSpacingSize `json:"spacing,omitempty"`
	Type    discordgo.ComponentType         `json:"type"`
}

// plainLayout is a layout component's plain form; ok false for any other.
func plainLayout(c discordgo.MessageComponent) (any, bool) {
	switch x := c.(type) {
	case discordgo.Container:
		return containerWire{ID: x.ID, AccentColor: x.AccentColor, Spoiler: x.Spoiler, Components: componentsWire(x.Components), Type: discordgo.ContainerComponent}, true
	case discordgo.Section:
		var acc any = x.Accessory
		if x.Accessory != nil {
			acc = componentsWire([]discordgo.MessageComponent{x.Accessory})[0]
		}
		return sectionWire{ID: x.ID, Components: componentsWire(x.Components), Accessory: acc, Type: discordgo.SectionComponent}, true
	case discordgo.TextDisplay:
		return textWire{Content: x.Content, Type: discordgo.TextDisplayComponent}, true
	case discordgo.Thumbnail:
		return thumbnailWire{ID: x.ID, Media: x.Media, Description: x.Description, Spoiler: x.Spoiler, Type: discordgo.ThumbnailComponent}, true
	case discordgo.MediaGallery:
		return galleryWire{ID: x.ID, Items: x.Items, Type: discordgo.MediaGalleryComponent}, true
	case discordgo.FileComponent:
		return fileWire{ID: x.ID, File: x.File, Spoiler: x.Spoiler, Type: discordgo.FileComponentType}, true
	case discordgo.Separator:
		return separatorWire{ID: x.ID, Divider: x.Divider, Spacing: x.Spacing, Type: discordgo.SeparatorComponent}, true
	}
	return nil, false
}

// WebhookEdit is the body of an edit of the original response:
// discordgo's WebhookEdit with the message flags it lacks. With
// limits.FlagV2 the edit makes the message a layout card, which is how a
// deferred answer becomes one (a deferral cannot carry the flag): content
// null and embeds [] clear what the message had (Discord refuses both
// beside the flag, and refuses null embeds when a message becomes a
// card), the components in their plain forms.
type WebhookEdit struct {
	discordgo.WebhookEdit
	Flags discordgo.MessageFlags
}

type editWire struct {
	discordgo.WebhookEdit
	Flags discordgo.MessageFlags `json:"flags,omitempty"`
}

type layoutEditWire struct {
	Content         json.RawMessage                   `json:"content"`
	Components      []any                             `json:"components"`
	Embeds          json.RawMessage                   `json:"embeds"`
	Attachments     *[]*discordgo.MessageAttachment   `json:"attachments,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions,omitempty"`
	Flags           discordgo.MessageFlags            `json:"flags"`
}

// MarshalJSON writes the edit as Discord takes it.
func (e WebhookEdit) MarshalJSON() ([]byte, error) {
	if !limits.IsV2(e.Flags) {
		return json.Marshal(editWire(e))
	}
	w := layoutEditWire{Content: clearContent, Embeds: clearEmbeds, Attachments: e.Attachments, AllowedMentions: e.AllowedMentions, Flags: e.Flags}
	if e.Components != nil {
		w.Components = componentsWire(*e.Components)
	}
	return json.Marshal(w)
}
