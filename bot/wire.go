package bot

import "github.com/bwmarrin/discordgo"

// Wire is the JSON body of a callback for resp: what discordgo would send,
// with two changes. An autocomplete result carries only its choices
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

// componentsWire replaces action rows, buttons and select menus with their plain forms;
// any other component is left to its own MarshalJSON.
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
			out[i] = c
		}
	}
	return out
}

// byValue is a component given by a non-nil pointer as a value; anything
// else as it is (a nil pointer then encodes as discordgo would: null).
func byValue(c discordgo.MessageComponent) discordgo.MessageComponent {
	switch x := c.(type) {
	case *discordgo.ActionsRow:
		if x != nil {
			return *x
		}
	case *discordgo.Button:
		if x != nil {
			return *x
		}
	case *discordgo.SelectMenu:
		if x != nil {
			return *x
		}
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
