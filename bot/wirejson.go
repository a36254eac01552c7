package bot

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// MarshalWire is json.Marshal(Wire(resp)), byte for byte
// (FuzzMarshalWire), written without reflection for the answers this bot
// gives: messages of embeds, action rows, buttons and select menus, layout
// cards (containers, sections, text displays, thumbnails, media galleries,
// files, separators), and autocomplete choices. Anything else in resp (a poll, attachments, a
// modal's text inputs, an embed's video) goes to json.Marshal. /film's card
// was a twentieth of the bot's CPU per interaction over HTTP, most of it
// encoding/json walking discordgo's types.
func MarshalWire(resp *discordgo.InteractionResponse) ([]byte, error) {
	if b, ok := appendWire(make([]byte, 0, sizeHint(resp)), resp); ok {
		return b, nil
	}
	return json.Marshal(Wire(resp))
}

// sizeHint is about what resp's JSON takes: its texts, and room for the
// rest (a component or a field costs some 100 bytes beside its texts).
func sizeHint(resp *discordgo.InteractionResponse) int {
	n := 128
	if d := resp.Data; d != nil {
		n += len(d.Content) + 100*len(d.Choices)
		for _, e := range d.Embeds {
			if e != nil {
				n += 160 + len(e.Title) + len(e.Description)
				for _, f := range e.Fields {
					if f != nil {
						n += 32 + len(f.Name) + len(f.Value)
					}
				}
			}
		}
		n += componentsHint(d.Components)
	}
	return n + n/4 // escapes, and to spare a regrowth at the end
}

// componentsHint is about what components take, nested ones included.
func componentsHint(cs []discordgo.MessageComponent) int {
	n := 0
	for _, c := range cs {
		n += componentHint(c)
	}
	return n
}

func componentHint(c discordgo.MessageComponent) int {
	n := 0
	{
		switch x := byValue(c).(type) {
		case discordgo.ActionsRow:
			n += 32 + 100*len(x.Components)
			for _, c := range x.Components {
				if m, ok := byValue(c).(discordgo.SelectMenu); ok {
					n += 40 * len(m.Options)
				}
			}
		case discordgo.Container:
			n += 64 + componentsHint(x.Components)
		case discordgo.Section:
			n += 64 + componentsHint(x.Components)
			if x.Accessory != nil {
				n += componentHint(x.Accessory)
			}
		case discordgo.TextDisplay:
			n += 32 + len(x.Content)
		case discordgo.Thumbnail:
			n += 64 + len(x.Media.URL)
		case discordgo.MediaGallery:
			for _, it := range x.Items {
				n += 64 + len(it.Media.URL)
			}
		default:
			n += 64
		}
	}
	return n
}

// appendWire appends resp's wire JSON to b; false (and b unusable) when
// resp holds something it leaves to json.Marshal.
func appendWire(b []byte, resp *discordgo.InteractionResponse) ([]byte, bool) {
	if resp.Type == discordgo.InteractionApplicationCommandAutocompleteResult {
		b = append(b, `{"type":`...)
		b = strconv.AppendInt(b, int64(resp.Type), 10)
		b = append(b, `,"data":{"choices":[`...)
		if resp.Data != nil {
			for k, c := range resp.Data.Choices {
				if k > 0 {
					b = append(b, ',')
				}
				if c == nil {
					b = append(b, "null"...)
					continue
				}
				if len(c.NameLocalizations) > 0 {
					return b, false
				}
				b = append(b, `{"name":`...)
				b = appendJSONString(b, c.Name)
				b = append(b, `,"value":`...)
				switch v := c.Value.(type) {
				case string:
					b = appendJSONString(b, v)
				case int:
					b = strconv.AppendInt(b, int64(v), 10)
				case int64:
					b = strconv.AppendInt(b, v, 10)
				default: // floats, nil, anything else: encoding/json's rules
					return b, false
				}
				b = append(b, '}')
			}
		}
		return append(b, "]}}"...), true
	}
	b = append(b, '{')
	if resp.Type != 0 {
		b = append(b, `"type":`...)
		b = strconv.AppendInt(b, int64(resp.Type), 10)
	}
	d := resp.Data
	if d == nil {
		return append(b, '}'), true
	}
	if layoutMessage(resp) {
		return appendLayout(b, resp)
	}
	if d.Attachments != nil || d.Poll != nil || len(d.Choices) > 0 {
		return b, false
	}
	if resp.Type != 0 {
		b = append(b, ',')
	}
	b = append(b, `"data":{"tts":`...)
	b = strconv.AppendBool(b, d.TTS)
	b = append(b, `,"content":`...)
	b = appendJSONString(b, d.Content)
	b = append(b, `,"components":`...)
	b, ok := appendComponents(b, d.Components)
	if !ok {
		return b, false
	}
	b = append(b, `,"embeds":`...)
	if b, ok = appendEmbeds(b, d.Embeds); !ok {
		return b, false
	}
	b = appendMentions(b, d.AllowedMentions)
	if d.Flags != 0 {
		b = append(b, `,"flags":`...)
		b = strconv.AppendInt(b, int64(d.Flags), 10)
	}
	b = appendOmitEmpty(b, `,"custom_id":`, d.CustomID)
	b = appendOmitEmpty(b, `,"title":`, d.Title)
	return append(b, "}}"...), true
}

// appendLayout writes a layout card's data as layoutWire encodes it, after
// the response's type.
func appendLayout(b []byte, resp *discordgo.InteractionResponse) ([]byte, bool) {
	d := resp.Data
	if d.Attachments != nil && len(*d.Attachments) > 0 {
		return b, false
	}
	update := resp.Type == discordgo.InteractionResponseUpdateMessage
	b = append(b, `,"data":{"tts":`...)
	b = strconv.AppendBool(b, d.TTS)
	if update {
		b = append(b, `,"content":null`...)
	}
	b = append(b, `,"components":`...)
	b, ok := appendComponents(b, d.Components)
	if !ok {
		return b, false
	}
	if update {
		b = append(b, `,"embeds":[]`...)
	}
	b = appendMentions(b, d.AllowedMentions)
	if d.Attachments != nil {
		b = append(b, `,"attachments":[]`...)
	}
	if d.Flags != 0 {
		b = append(b, `,"flags":`...)
		b = strconv.AppendInt(b, int64(d.Flags), 10)
	}
	return append(b, "}}"...), true
}

// appendMentions writes allowed_mentions, omitted when nil.
func appendMentions(b []byte, m *discordgo.MessageAllowedMentions) []byte {
	if m != nil {
		b = append(b, `,"allowed_mentions":{"parse":`...)
		if m.Parse == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for k, p := range m.Parse {
				if k > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, string(p))
			}
			b = append(b, ']')
		}
		b = appendStrings(b, `,"roles":`, m.Roles)
		b = appendStrings(b, `,"users":`, m.Users)
		b = append(b, `,"replied_user":`...)
		b = strconv.AppendBool(b, m.RepliedUser)
		b = append(b, '}')
	}
	return b
}

// appendComponents writes action rows of buttons and select menus as
// componentsWire encodes them.
func appendComponents(b []byte, cs []discordgo.MessageComponent) ([]byte, bool) {
	if cs == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for k, c := range cs {
		if k > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = appendComponent(b, c); !ok {
			return b, false
		}
	}
	return append(b, ']'), true
}

// appendComponent writes one component as componentsWire encodes it.
func appendComponent(b []byte, c discordgo.MessageComponent) ([]byte, bool) {
	{
		var ok bool
		switch x := byValue(c).(type) {
		case discordgo.ActionsRow:
			b = append(b, `{"components":`...)
			if b, ok = appendComponents(b, x.Components); !ok {
				return b, false
			}
			b = appendNonZero(b, `,"id":`, x.ID)
			b = append(b, `,"type":1}`...)
		case discordgo.Button:
			w := plainButton(x)
			if w.Emoji != nil {
				return b, false
			}
			b = append(b, `{"label":`...)
			b = appendJSONString(b, w.Label)
			b = append(b, `,"style":`...)
			b = strconv.AppendInt(b, int64(w.Style), 10)
			b = append(b, `,"disabled":`...)
			b = strconv.AppendBool(b, w.Disabled)
			b = appendOmitEmpty(b, `,"url":`, w.URL)
			b = appendOmitEmpty(b, `,"custom_id":`, w.CustomID)
			b = appendOmitEmpty(b, `,"sku_id":`, w.SKUID)
			b = appendNonZero(b, `,"id":`, w.ID)
			b = append(b, `,"type":2}`...)
		case discordgo.SelectMenu:
			if b, ok = appendSelect(b, x); !ok {
				return b, false
			}
		case discordgo.Container:
			b = append(b, '{')
			mark := len(b)
			b = appendNonZero(b, `,"id":`, x.ID)
			if x.AccentColor != nil {
				b = append(b, `,"accent_color":`...)
				b = strconv.AppendInt(b, int64(*x.AccentColor), 10)
			}
			b = append(b, `,"spoiler":`...)
			b = strconv.AppendBool(b, x.Spoiler)
			b = append(b, `,"components":`...)
			if b, ok = appendComponents(b, x.Components); !ok {
				return b, false
			}
			b = dropComma(append(b, `,"type":17}`...), mark)
		case discordgo.Section:
			b = append(b, '{')
			mark := len(b)
			b = appendNonZero(b, `,"id":`, x.ID)
			b = append(b, `,"components":`...)
			if b, ok = appendComponents(b, x.Components); !ok {
				return b, false
			}
			b = append(b, `,"accessory":`...)
			if x.Accessory == nil {
				b = append(b, "null"...)
			} else if b, ok = appendComponent(b, x.Accessory); !ok {
				return b, false
			}
			b = dropComma(append(b, `,"type":9}`...), mark)
		case discordgo.TextDisplay:
			b = append(b, `{"content":`...)
			b = appendJSONString(b, x.Content)
			b = append(b, `,"type":10}`...)
		case discordgo.Thumbnail:
			b = append(b, '{')
			mark := len(b)
			b = appendNonZero(b, `,"id":`, x.ID)
			b = appendMedia(b, `,"media":`, x.Media)
			if x.Description != nil {
				b = append(b, `,"description":`...)
				b = appendJSONString(b, *x.Description)
			}
			b = append(b, `,"spoiler":`...)
			b = strconv.AppendBool(b, x.Spoiler)
			b = dropComma(append(b, `,"type":11}`...), mark)
		case discordgo.MediaGallery:
			b = append(b, '{')
			mark := len(b)
			b = appendNonZero(b, `,"id":`, x.ID)
			b = append(b, `,"items":`...)
			if x.Items == nil {
				b = append(b, "null"...)
			} else {
				b = append(b, '[')
				for n, it := range x.Items {
					if n > 0 {
						b = append(b, ',')
					}
					b = appendMedia(append(b, '{'), `"media":`, it.Media)
					if it.Description != nil {
						b = append(b, `,"description":`...)
						b = appendJSONString(b, *it.Description)
					}
					b = append(b, `,"spoiler":`...)
					b = strconv.AppendBool(b, it.Spoiler)
					b = append(b, '}')
				}
				b = append(b, ']')
			}
			b = dropComma(append(b, `,"type":12}`...), mark)
		case discordgo.FileComponent:
			b = append(b, '{')
			mark := len(b)
			b = appendNonZero(b, `,"id":`, x.ID)
			b = appendMedia(b, `,"file":`, x.File)
			b = append(b, `,"spoiler":`...)
			b = strconv.AppendBool(b, x.Spoiler)
			b = dropComma(append(b, `,"type":13}`...), mark)
		case discordgo.Separator:
			b = append(b, '{')
			mark := len(b)
			b = appendNonZero(b, `,"id":`, x.ID)
			if x.Divider != nil {
				b = append(b, `,"divider":`...)
				b = strconv.AppendBool(b, *x.Divider)
			}
			if x.Spacing != nil {
				b = append(b, `,"spacing":`...)
				b = strconv.AppendUint(b, uint64(*x.Spacing), 10)
			}
			b = dropComma(append(b, `,"type":14}`...), mark)
		default:
			return b, false
		}
	}
	return b, true
}

// appendMedia writes an unfurled media item: its url.
func appendMedia(b []byte, key string, m discordgo.UnfurledMediaItem) []byte {
	b = append(b, key...)
	b = append(b, `{"url":`...)
	b = appendJSONString(b, m.URL)
	return append(b, '}')
}

// appendSelect writes a select menu as selectWire encodes it.
func appendSelect(b []byte, m discordgo.SelectMenu) ([]byte, bool) {
	if len(m.DefaultValues) > 0 || len(m.ChannelTypes) > 0 {
		return b, false
	}
	b = append(b, '{')
	mark := len(b)
	b = appendOmitEmpty(b, `,"custom_id":`, m.CustomID)
	b = append(b, `,"placeholder":`...)
	b = appendJSONString(b, m.Placeholder)
	if m.MinValues != nil {
		b = append(b, `,"min_values":`...)
		b = strconv.AppendInt(b, int64(*m.MinValues), 10)
	}
	b = appendNonZero(b, `,"max_values":`, m.MaxValues)
	if len(m.Options) > 0 {
		b = append(b, `,"options":[`...)
		for n, o := range m.Options {
			if o.Emoji != nil {
				return b, false
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			at := len(b)
			b = appendOmitEmpty(b, `,"label":`, o.Label)
			b = append(b, `,"value":`...)
			b = appendJSONString(b, o.Value)
			b = appendOmitEmpty(b, `,"description":`, o.Description)
			if o.Default {
				b = append(b, `,"default":true`...)
			}
			b = append(dropComma(b, at), '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"disabled":`...)
	b = strconv.AppendBool(b, m.Disabled)
	b = appendNonZero(b, `,"id":`, m.ID)
	b = append(b, `,"type":`...)
	b = strconv.AppendInt(b, int64(m.Type()), 10)
	return append(dropComma(b, mark), '}'), true
}

func appendEmbeds(b []byte, es []*discordgo.MessageEmbed) ([]byte, bool) {
	if es == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for k, e := range es {
		if k > 0 {
			b = append(b, ',')
		}
		if e == nil {
			b = append(b, "null"...)
			continue
		}
		if e.Video != nil || e.Provider != nil {
			return b, false
		}
		// Fields in MessageEmbed's order; the comma before the first one
		// written is dropped below.
		mark := len(b)
		b = append(b, '{')
		b = appendOmitEmpty(b, `,"url":`, e.URL)
		b = appendOmitEmpty(b, `,"type":`, string(e.Type))
		b = appendOmitEmpty(b, `,"title":`, e.Title)
		b = appendOmitEmpty(b, `,"description":`, e.Description)
		b = appendOmitEmpty(b, `,"timestamp":`, e.Timestamp)
		b = appendNonZero(b, `,"color":`, e.Color)
		if f := e.Footer; f != nil {
			b = append(b, `,"footer":{`...)
			m := len(b)
			b = appendOmitEmpty(b, `,"text":`, f.Text)
			b = appendOmitEmpty(b, `,"icon_url":`, f.IconURL)
			b = appendOmitEmpty(b, `,"proxy_icon_url":`, f.ProxyIconURL)
			b = append(dropComma(b, m), '}')
		}
		if im := e.Image; im != nil {
			b = appendImage(b, `,"image":`, im.URL, im.ProxyURL, im.Width, im.Height)
		}
		if th := e.Thumbnail; th != nil {
			b = appendImage(b, `,"thumbnail":`, th.URL, th.ProxyURL, th.Width, th.Height)
		}
		if a := e.Author; a != nil {
			b = append(b, `,"author":{`...)
			m := len(b)
			b = appendOmitEmpty(b, `,"url":`, a.URL)
			b = append(b, `,"name":`...)
			b = appendJSONString(b, a.Name)
			b = appendOmitEmpty(b, `,"icon_url":`, a.IconURL)
			b = appendOmitEmpty(b, `,"proxy_icon_url":`, a.ProxyIconURL)
			b = append(dropComma(b, m), '}')
		}
		if len(e.Fields) > 0 {
			b = append(b, `,"fields":[`...)
			for n, f := range e.Fields {
				if n > 0 {
					b = append(b, ',')
				}
				if f == nil {
					b = append(b, "null"...)
					continue
				}
				b = append(b, `{"name":`...)
				b = appendJSONString(b, f.Name)
				b = append(b, `,"value":`...)
				b = appendJSONString(b, f.Value)
				if f.Inline {
					b = append(b, `,"inline":true`...)
				}
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(dropComma(b, mark+1), '}')
	}
	return append(b, ']'), true
}

// appendImage writes an embed's image or thumbnail (the same fields).
func appendImage(b []byte, key, url, proxy string, w, h int) []byte {
	b = append(b, key...)
	b = append(b, `{"url":`...)
	b = appendJSONString(b, url)
	b = appendOmitEmpty(b, `,"proxy_url":`, proxy)
	b = appendNonZero(b, `,"width":`, w)
	b = appendNonZero(b, `,"height":`, h)
	return append(b, '}')
}

// dropComma removes the comma at b[at], if there is one: the first of a
// run of omitempty fields that each begin with one.
func dropComma(b []byte, at int) []byte {
	if at < len(b) && b[at] == ',' {
		return append(b[:at], b[at+1:]...)
	}
	return b
}

func appendOmitEmpty(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

func appendNonZero(b []byte, key string, n int) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendInt(append(b, key...), int64(n), 10)
}

// appendStrings writes a list of strings with omitempty: nothing when empty.
func appendStrings(b []byte, key string, ss []string) []byte {
	if len(ss) == 0 {
		return b
	}
	b = append(append(b, key...), '[')
	for k, s := range ss {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as encoding/json does (FuzzAppendJSONString):
// <, > and & escaped for HTML, invalid UTF-8 as U+FFFD, U+2028 and U+2029
// escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}
