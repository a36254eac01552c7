package limits

import (
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Layout cards (Discord's Components V2): a message sent with the flag
// IS_COMPONENTS_V2 (1 << 15) is made of components only. Discord's
// component reference: no content, embeds, poll or stickers with the flag;
// attachments show only through components (attachment://NAME); at most
// 40 components in all, nested ones counted; the text of all its text
// displays at most 4,000 characters; once sent, the flag stays.
const (
	FlagV2 = discordgo.MessageFlagsIsComponentsV2
	// TotalComponents is the most components a layout card holds,
	// counted through the whole tree (Count).
	TotalComponents = 40
	// TextTotal is the most characters of all a card's text displays.
	TextTotal = 4000
	// SectionTexts is the most text displays beside a section's accessory.
	SectionTexts = 3
	// MediaItems is the most items of a media gallery.
	MediaItems = 10
	// MediaDescription is the most characters of a thumbnail's or a
	// media item's alt text.
	MediaDescription = 1024
	// AccentColor is the largest container accent colour (RGB).
	AccentColor = 0xFFFFFF
)

// IsV2 reports whether flags make a message a layout card.
func IsV2(flags discordgo.MessageFlags) bool { return flags&FlagV2 != 0 }

// Outgoing is a message as it reaches Discord, by any route: an
// interaction callback (types 4 and 7), a follow-up, an edit of the
// original response or of a message.
type Outgoing struct {
	// Flags are the flags the message has once sent: for an edit that
	// leaves them out, the message's own (a layout card stays one).
	Flags           discordgo.MessageFlags
	Content         string
	Embeds          []*discordgo.MessageEmbed
	Components      []discordgo.MessageComponent
	AllowedMentions *discordgo.MessageAllowedMentions
	Poll            *discordgo.Poll
	// Files are the names of the files the message carries (uploaded
	// with it, or kept from before); FilesKnown says whether they are
	// known. When they are, every attachment://NAME must name one.
	Files      []string
	FilesKnown bool
}

// CheckMessage returns every way m breaks Discord's rules, joined, or nil:
// a layout card's rules when its flags hold FlagV2, else those of a
// message of content, embeds and action rows (Message), which refuse the
// layout components (Discord answers 400 to them without the flag).
func CheckMessage(m Outgoing) error {
	var j judge
	j.outgoing(m)
	return j.err()
}

func (j *judge) outgoing(m Outgoing) {
	if !IsV2(m.Flags) {
		j.message(m.Content, m.Embeds, m.Components, m.AllowedMentions)
		return
	}
	if m.Content != "" {
		j.bad("a layout card (flag IS_COMPONENTS_V2) cannot have content")
	}
	if len(m.Embeds) > 0 {
		j.bad("a layout card (flag IS_COMPONENTS_V2) cannot have embeds")
	}
	if m.Poll != nil {
		j.bad("a layout card (flag IS_COMPONENTS_V2) cannot have a poll")
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
		j.bad("allowed_mentions must be sent with an empty parse list")
	}
	if len(m.Components) == 0 {
		j.bad("a layout card without components")
	}
	var files []string
	if m.FilesKnown {
		files = m.Files
		if files == nil {
			files = []string{}
		}
	}
	j.layout(m.Components, files)
}

// Layout checks the components of a layout card: where each kind may sit,
// a section's 1-3 text displays and its accessory, media URLs, a gallery's
// 1-10 items, separators' spacing, containers' accent colour, action rows
// as in any message (1-5 buttons or one select), custom_ids and ids unique
// through the whole tree, at most TotalComponents components and TextTotal
// characters of text. files are the names of the files sent with the
// message (attachment://NAME must name one), nil when not known.
func Layout(comps []discordgo.MessageComponent, files []string) error {
	var j judge
	j.layout(comps, files)
	return j.err()
}

// Count is how many components Discord counts in comps: every component
// of the tree, rows and their children, sections with their text
// displays and accessory, containers with theirs.
func Count(comps []discordgo.MessageComponent) int {
	k := 0
	walk(comps, func(discordgo.MessageComponent) { k++ })
	return k
}

// TextLength is how many characters the text displays of comps hold, in
// all (a layout card holds at most TextTotal).
func TextLength(comps []discordgo.MessageComponent) int {
	k := 0
	walk(comps, func(c discordgo.MessageComponent) {
		if t, ok := c.(discordgo.TextDisplay); ok {
			k += n(t.Content)
		}
	})
	return k
}

// walk calls f with every non-null component of the tree, by value.
func walk(comps []discordgo.MessageComponent, f func(discordgo.MessageComponent)) {
	for _, c := range comps {
		c = Value(c)
		if c == nil {
			continue
		}
		f(c)
		switch x := c.(type) {
		case discordgo.ActionsRow:
			walk(x.Components, f)
		case discordgo.Container:
			walk(x.Components, f)
		case discordgo.Section:
			walk(x.Components, f)
			if x.Accessory != nil {
				walk([]discordgo.MessageComponent{x.Accessory}, f)
			}
		}
	}
}

// isLayout reports whether c is one of the layout card's own components,
// which a message without the flag cannot hold.
func isLayout(c discordgo.MessageComponent) bool {
	switch Value(c).(type) {
	case discordgo.Section, discordgo.TextDisplay, discordgo.Thumbnail, discordgo.MediaGallery,
		discordgo.FileComponent, discordgo.Separator, discordgo.Container:
		return true
	}
	return false
}

// Value is c by value (a pointer, as discordgo decodes JSON,
// dereferenced), nil for a null pointer.
func Value(c discordgo.MessageComponent) discordgo.MessageComponent {
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
	case *discordgo.TextInput:
		if x != nil {
			return *x
		}
	case *discordgo.Section:
		if x != nil {
			return *x
		}
	case *discordgo.TextDisplay:
		if x != nil {
			return *x
		}
	case *discordgo.Thumbnail:
		if x != nil {
			return *x
		}
	case *discordgo.MediaGallery:
		if x != nil {
			return *x
		}
	case *discordgo.FileComponent:
		if x != nil {
			return *x
		}
	case *discordgo.Separator:
		if x != nil {
			return *x
		}
	case *discordgo.Container:
		if x != nil {
			return *x
		}
	default:
		return c
	}
	return nil
}

// layout is the judge's walk over a layout card.
func (j *judge) layout(comps []discordgo.MessageComponent, files []string) {
	j.nseen, j.ids = 0, nil
	l := &layoutJudge{judge: j, files: files}
	for _, c := range comps {
		l.component(c, "top level", false)
	}
	if l.count > TotalComponents {
		j.bad("a layout card holds %d components, limit %d (nested ones count)", l.count, TotalComponents)
	}
	if l.text > TextTotal {
		j.bad("a layout card's text displays hold %d characters, limit %d", l.text, TextTotal)
	}
}

type layoutJudge struct {
	*judge
	files       []string
	count, text int
	compIDs     []int
}

// component checks one component of a card's top level or of a container.
func (l *layoutJudge) component(c discordgo.MessageComponent, where string, inContainer bool) {
	v := Value(c)
	if v == nil {
		l.bad("a null component at %s", where)
		return
	}
	l.count++
	switch x := v.(type) {
	case discordgo.ActionsRow:
		l.cid(x.ID)
		l.row(x)
	case discordgo.TextDisplay:
		l.textDisplay(x)
	case discordgo.Section:
		l.section(x)
	case discordgo.MediaGallery:
		l.cid(x.ID)
		if len(x.Items) < 1 || len(x.Items) > MediaItems {
			l.bad("media gallery with %d items, limit 1-%d", len(x.Items), MediaItems)
		}
		for _, it := range x.Items {
			l.media("media gallery item", it.Media.URL, false)
			l.description("media gallery item", it.Description)
		}
	case discordgo.Separator:
		l.cid(x.ID)
		if x.Spacing != nil && *x.Spacing != discordgo.SeparatorSpacingSizeSmall && *x.Spacing != discordgo.SeparatorSpacingSizeLarge {
			l.bad("separator spacing %d, must be 1 or 2", *x.Spacing)
		}
	case discordgo.FileComponent:
		l.cid(x.ID)
		l.media("file", x.File.URL, true)
	case discordgo.Container:
		l.cid(x.ID)
		if inContainer {
			l.bad("a container inside a container")
		}
		if x.AccentColor != nil && (*x.AccentColor < 0 || *x.AccentColor > AccentColor) {
			l.bad("container accent_color %d outside 0-%d", *x.AccentColor, AccentColor)
		}
		if len(x.Components) == 0 {
			l.bad("a container without components")
		}
		for _, cc := range x.Components {
			l.component(cc, "a container", true)
		}
	default:
		l.bad("component %T cannot sit at %s of a layout card", c, where)
	}
}

// cid records a component's id: 0 is "none" (Discord numbers it), any
// other must be unique within the message.
func (l *layoutJudge) cid(id int) {
	if id == 0 {
		return
	}
	if id < 0 || id > 1<<31-1 {
		l.bad("component id %d is not a positive 32-bit integer", id)
	}
	for _, s := range l.compIDs {
		if s == id {
			l.bad("component id %d used twice", id)
			return
		}
	}
	l.compIDs = append(l.compIDs, id)
}

func (l *layoutJudge) row(r discordgo.ActionsRow) {
	if len(r.Components) == 0 || len(r.Components) > ButtonsPerRow {
		l.bad("action row with %d components, limit 1-%d", len(r.Components), ButtonsPerRow)
	}
	for _, rc := range r.Components {
		v := Value(rc)
		l.count++
		switch x := v.(type) {
		case discordgo.Button:
			l.cid(x.ID)
			l.button(x)
		case discordgo.SelectMenu:
			l.cid(x.ID)
			l.selectMenu(x, len(r.Components))
		case nil:
			l.bad("a null component in an action row")
		default:
			l.bad("component %T cannot sit in a message action row", rc)
		}
	}
}

func (l *layoutJudge) textDisplay(t discordgo.TextDisplay) {
	c := n(t.Content)
	if c < 1 {
		l.bad("an empty text display")
	}
	l.text += c
}

func (l *layoutJudge) section(s discordgo.Section) {
	l.cid(s.ID)
	if len(s.Components) < 1 || len(s.Components) > SectionTexts {
		l.bad("section with %d text displays, limit 1-%d", len(s.Components), SectionTexts)
	}
	for _, c := range s.Components {
		v := Value(c)
		l.count++
		t, ok := v.(discordgo.TextDisplay)
		if !ok {
			l.bad("a section holds text displays, not %T", c)
			continue
		}
		l.textDisplay(t)
	}
	acc := Value(s.Accessory)
	if acc == nil {
		l.bad("a section without an accessory (a thumbnail or a button)")
		return
	}
	l.count++
	switch x := acc.(type) {
	case discordgo.Thumbnail:
		l.cid(x.ID)
		l.media("thumbnail", x.Media.URL, false)
		l.description("thumbnail", x.Description)
	case discordgo.Button:
		l.cid(x.ID)
		l.button(x)
	default:
		l.bad("a section's accessory is a thumbnail or a button, not %T", s.Accessory)
	}
}

func (l *layoutJudge) description(what string, d *string) {
	if d != nil && n(*d) > MediaDescription {
		l.bad("%s description is %d characters, limit %d", what, n(*d), MediaDescription)
	}
}

// media checks an unfurled media item's URL: http(s):// or
// attachment://NAME (a file component takes only the latter), NAME one
// of the message's files where they are known.
func (l *layoutJudge) media(what, url string, attachmentOnly bool) {
	name, isAttachment := strings.CutPrefix(url, "attachment://")
	switch {
	case isAttachment:
		if name == "" {
			l.bad("%s url %q names no file", what, url)
			return
		}
		if l.files == nil {
			return
		}
		for _, f := range l.files {
			if f == name {
				return
			}
		}
		l.bad("%s url %q names a file the message does not carry", what, url)
	case attachmentOnly:
		l.bad("%s url %q: a file component takes only attachment://NAME", what, url)
	case strings.HasPrefix(url, "https://") && len(url) > len("https://"),
		strings.HasPrefix(url, "http://") && len(url) > len("http://"):
	default:
		l.bad("%s url %q is not http(s):// or attachment://NAME", what, url)
	}
}
