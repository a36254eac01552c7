package commands

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/search"
	"github.com/filmbot/filmbot/storage"
)

// Right-click commands (Discord's context menus, under "Apps"): on a
// message, the films it names; on a member, /compare and /watchlist show
// with that member. They have a name and no description or options;
// their names are translated by the ids name.<Name> (locale.Command).
var (
	filmsInMessageDef = &discordgo.ApplicationCommand{Type: discordgo.MessageApplicationCommand, Name: "Films in this message"}
	compareTasteDef   = &discordgo.ApplicationCommand{Type: discordgo.UserApplicationCommand, Name: "Compare taste"}
	watchlistUserDef  = &discordgo.ApplicationCommand{Type: discordgo.UserApplicationCommand, Name: "Watchlist"}
)

// What the right-click commands say, in the asking member's language.
var (
	msgMenuNoFilms  = locale.Text("menus.films.none", "I found no film of this catalog named in that message. A film is found by its title or alias, with or without the year: Anora, Anora (2024).")
	msgMenuGone     = locale.Text("menus.films.gone", "That message cannot be read any more.")
	msgMenuMore     = locale.Plural("menus.films.more", "{{.Count}} more film is named there: `/film` shows it.", "{{.Count}} more films are named there: `/film` shows them.")
	msgMenuRate     = locale.Text("menus.films.rate", "Rate {{.Film}}")
	msgMenuWatch    = locale.Text("menus.films.watch", "Add to watchlist: {{.Film}}")
	msgMenuNoTarget = locale.Text("menus.user.none", "Right-click a member of this server.")
	// /help's lines for them.
	msgHelpApps      = locale.Text("help.apps", "Right-click a message or a member, then Apps")
	msgHelpOnMessage = locale.Text("help.apps.message", "**{{.Name}}** — on a message")
	msgHelpOnMember  = locale.Text("help.apps.member", "**{{.Name}}** — on a member")
)

// appLine is /help's line for a right-click command, its name as
// Discord's client shows it in loc.
func appLine(t *locale.T, loc discordgo.Locale, def *discordgo.ApplicationCommand) string {
	var names map[discordgo.Locale]string
	if def.NameLocalizations != nil {
		names = *def.NameLocalizations
	}
	name := localOr(names, loc, def.Name)
	if def.Type == discordgo.MessageApplicationCommand {
		return t.F(msgHelpOnMessage, "Name", name)
	}
	return t.F(msgHelpOnMember, "Name", name)
}

// menuCards is how many films' cards one answer shows; menuFind how many
// films are looked for (the rest are counted); menuTMDB how many
// "Title (Year)" mentions the catalog lacks are looked up on TMDB.
const (
	menuCards = 3
	menuFind  = 10
	menuTMDB  = 3
	// menuSpan is the most words a title is looked for in.
	menuSpan = 12
)

// menuCommands are the right-click commands, for Commands.
func (s *Set) menuCommands() []Command {
	return []Command{
		{Def: where(filmsInMessageDef, inServersAndDMs), Run: s.filmsInMessage, Private: true,
			Components: map[string]Handler{"wladd": s.watchlistAddButton}},
		{Def: where(compareTasteDef, inServers), Run: s.compareTaste},
		{Def: where(watchlistUserDef, inServers), Run: s.watchlistOf},
	}
}

// targetUser is the member a user command was run on.
func targetUser(i *discordgo.InteractionCreate) (uint64, error) {
	if i.Type != discordgo.InteractionApplicationCommand {
		return 0, userText(tr(i).S(msgMenuNoTarget))
	}
	id, err := strconv.ParseUint(i.ApplicationCommandData().TargetID, 10, 64)
	if err != nil {
		return 0, userText(tr(i).S(msgMenuNoTarget))
	}
	return id, nil
}

// compareTaste is /compare member: with the member right-clicked.
func (s *Set) compareTaste(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, me, err := member(i)
	if err != nil {
		return nil, err
	}
	other, err := targetUser(i)
	if err != nil {
		return nil, err
	}
	return s.compareWith(ctx, i, scope, me, other)
}

// watchlistOf is /watchlist show member: with the member right-clicked.
func (s *Set) watchlistOf(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	t := tr(i)
	scope, _, err := member(i)
	if err != nil {
		return nil, userText(t.S(msgWatchServerOnly))
	}
	who, err := targetUser(i)
	if err != nil {
		return nil, err
	}
	return s.watchlistPage(ctx, t, scope, who, 1, false)
}

// filmsInMessage answers "Films in this message", only to who asked: a
// card for each of the first films the message names (its text, its
// embeds' and its layout's), each with the Rate menu and a button to put
// it on the watchlist (in a server).
func (s *Set) filmsInMessage(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	t := tr(i)
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	var msg *discordgo.Message
	if i.Type == discordgo.InteractionApplicationCommand {
		if d := i.ApplicationCommandData(); d.Resolved != nil {
			msg = d.Resolved.Messages[d.TargetID]
		}
	}
	if msg == nil {
		return nil, userText(t.S(msgMenuGone))
	}
	ids, err := s.filmsNamed(ctx, scope, messageTexts(msg), string(i.Locale))
	if err != nil {
		return nil, err
	}
	loc := string(i.Locale)
	// One card a film, its Rate menu and watchlist button inside it, as
	// many as Discord's 40 components and 4,000 characters hold (room is
	// kept for the line counting the films left out): compact cards (no
	// separators), each fitted to the room the cards before it leave.
	var cards []discordgo.MessageComponent
	total, comps, shown := utf8.RuneCountInString(t.N(msgMenuMore, len(ids))), 1, 0
	for _, id := range ids {
		if shown == menuCards {
			break
		}
		page, err := s.films.FilmPage(ctx, scope, id)
		if errors.Is(err, storage.ErrNotFound) {
			continue // removed since the index was read
		}
		if err != nil {
			return nil, err
		}
		var a *storage.Aggregate
		if scope != storage.BuiltIn {
			a = &page.Ratings
		}
		var rows []discordgo.MessageComponent
		if scope != storage.BuiltIn { // ratings and watchlists are a server's
			menu := rateMenuIn(t, id)
			if sm, ok := menu.Components[0].(discordgo.SelectMenu); ok {
				sm.Placeholder = clip(t.F(msgMenuRate, "Film", label(page.Film)), 150)
				menu.Components[0] = sm
			}
			rows = []discordgo.MessageComponent{menu, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Style: discordgo.SecondaryButton, Emoji: &discordgo.ComponentEmoji{Name: "📌"},
					Label: clip(t.F(msgMenuWatch, "Film", label(page.Film)), limits.ButtonLabel), CustomID: customID{"wladd", "add", []uint64{id}}.String()},
			}}}
		}
		c := filmCardIn(locale.For(loc), page.Film, page.Reviews, a, loc, s.source.PosterURL(posterSize, page.Film.Poster), maxCardText-total, rows...)
		c.compact = true
		laid := c.components()
		n, k := c.textChars(), limits.Count(laid) // fitted, yet maybe over: its title and overview stay whole
		if total+n > maxCardText || comps+k > maxCardComponents {
			continue
		}
		total, comps = total+n, comps+k
		shown++
		cards = append(cards, laid...)
	}
	if len(cards) == 0 {
		return Reply(t.S(msgMenuNoFilms)), nil
	}
	if more := len(ids) - shown; more > 0 {
		cards = append(cards, discordgo.TextDisplay{Content: t.N(msgMenuMore, more)})
	}
	return layoutEphemeral(cards), nil
}

// watchlistAddButton puts a film from "Films in this message" on the
// clicking member's watchlist, as /watchlist add does.
func (s *Set) watchlistAddButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	t := tr(i)
	scope, user, err := member(i)
	if err != nil {
		return nil, userText(t.S(msgWatchServerOnly))
	}
	c, err := clicked(i, 1, "add")
	if err != nil {
		return nil, err
	}
	film, err := s.films.FilmHeader(ctx, scope, c.args[0])
	if err != nil {
		return nil, notFound(err, t.S(msgWatchJustGone))
	}
	return s.addToWatchlist(ctx, t, scope, user, film)
}

// messageTexts is the text of a message in reading order, one text per
// part: its content, then each embed (its title alone when the title
// names a film: the bot's own card), then its layout's text displays.
func messageTexts(m *discordgo.Message) []menuText {
	var out []menuText
	if m.Content != "" {
		out = append(out, menuText{text: m.Content})
	}
	for _, e := range m.Embeds {
		if e == nil {
			continue
		}
		var rest []string
		if e.Author != nil {
			rest = append(rest, e.Author.Name)
		}
		rest = append(rest, e.Description)
		for _, f := range e.Fields {
			if f != nil {
				rest = append(rest, f.Name+"\n"+f.Value)
			}
		}
		out = append(out, menuText{text: e.Title, title: true, rest: strings.Join(rest, "\n")})
	}
	var walk func([]discordgo.MessageComponent)
	walk = func(cs []discordgo.MessageComponent) {
		for _, c := range cs {
			switch c := c.(type) {
			case *discordgo.TextDisplay:
				out = append(out, menuText{text: c.Content})
			case discordgo.TextDisplay:
				out = append(out, menuText{text: c.Content})
			case *discordgo.Section:
				walk(c.Components)
			case discordgo.Section:
				walk(c.Components)
			case *discordgo.Container:
				walk(c.Components)
			case discordgo.Container:
				walk(c.Components)
			}
		}
	}
	walk(m.Components)
	return out
}

// menuText is one part of a message to look for films in. An embed's
// title is a part of its own, its other text (rest) read only when the
// title names no film.
type menuText struct {
	text  string
	title bool
	rest  string
}

// filmsNamed is the films texts name, in order, each once, at most
// menuFind: titles and aliases of the catalog scope sees, with or
// without the year; then, with TMDB on, "Title (Year)" mentions the
// catalog lacks.
func (s *Set) filmsNamed(ctx context.Context, scope storage.Scope, texts []menuText, loc string) ([]uint64, error) {
	ix, err := s.catalog.index(ctx, scope)
	if err != nil {
		return nil, err
	}
	var named []mention
	var unmatched []yearMention
	part := 0
	scan := func(text string, whole bool) bool {
		found, rest := matchFilms(ix, text, menuWords(text), whole)
		for k := range found {
			found[k].at += part << 32
		}
		for k := range rest {
			rest[k].at += part << 32
		}
		part++
		named = append(named, found...)
		unmatched = append(unmatched, rest...)
		return len(found) > 0
	}
	for _, t := range texts {
		if !scan(t.text, t.title) && t.title && t.rest != "" {
			scan(t.rest, false)
		}
	}
	if s.source != nil {
		for k, m := range unmatched {
			if k == menuTMDB {
				break
			}
			f, err := s.source.Lookup(ctx, m.title, m.year, loc)
			if err != nil {
				if errors.Is(err, storage.ErrNotFound) || storage.Message(err) != "" {
					continue // not on TMDB, or TMDB down: the catalog's films
				}
				return nil, err
			}
			id := f.ID
			if own, ok := ix.linked(f.TMDB); ok {
				id = own
			}
			named = append(named, mention{id: id, at: m.at})
		}
	}
	// In the order the message names them, each once.
	slices.SortStableFunc(named, func(a, b mention) int { return a.at - b.at })
	var out []uint64
	for _, m := range named {
		if !slices.Contains(out, m.id) && len(out) < menuFind {
			out = append(out, m.id)
		}
	}
	return out, nil
}

// mention is a film named at a place in a message (its part, then its
// byte, as one number that sorts in reading order).
type mention struct {
	id uint64
	at int
}

// menuWord is a word of a message: folded (search.Fold), with what
// surrounds it in the text.
type menuWord struct {
	fold       string
	start, end int  // bytes in the text
	upper      bool // does not start with a lower-case letter
	sentence   bool // first of its sentence or line
	clause     bool // first of its clause (after , : ; or a dash too)
	emphasis   bool // after markup or a quote (**Title**, "Title", «Title»)
	line       bool // first on its line
	paren      bool // inside parentheses: "(2024)"
}

// menuWords splits text into words as search.Fold does: runs of letters
// and digits, apostrophes inside a word kept in it.
func menuWords(text string) []menuWord {
	var ws []menuWord
	prevEnd := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			apos := r == '\'' || r == '’' || r == 'ʼ'
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && !apos {
				break
			}
			i += size
		}
		gap := text[prevEnd:start]
		first, _ := utf8.DecodeRuneInString(text[start:])
		w := menuWord{fold: search.Fold(text[start:i]), start: start, end: i,
			upper:    !unicode.IsLower(first),
			sentence: len(ws) == 0 || strings.ContainsAny(gap, ".!?\n"),
			clause:   len(ws) == 0 || strings.ContainsAny(gap, ".!?\n,:;–—"),
			emphasis: strings.ContainsAny(gap, "*_\"“”«»„`|"),
			line:     len(ws) == 0 || strings.Contains(gap, "\n"),
			paren:    strings.HasSuffix(strings.TrimSpace(gap), "("),
		}
		if w.fold != "" {
			ws = append(ws, w)
		}
		prevEnd = i
	}
	return ws
}

// isYear says whether a word is a film's year.
func isYear(fold string) bool {
	y, err := strconv.Atoi(fold)
	return err == nil && len(fold) == 4 && y >= 1870 && y <= 2099
}

// yearMention is a "Title (Year)" mention.
type yearMention struct {
	title string
	year  int
	at    int
}

// matchFilms finds the catalog's films among words, longest name first
// at each word, left to right, each name used once. A name counts when
// it reads as a title: it ends with its year, or starts with a capital
// (or a digit, or a letter of a script without case) — and, for a single
// word, is not merely the first of a sentence, unless it is marked up,
// quoted or alone (whole: the text is a title, as an embed's). It also
// returns the "Title (Year)" mentions it found no film for.
func matchFilms(ix filmView, text string, ws []menuWord, whole bool) ([]mention, []yearMention) {
	var found []mention
	var rest []yearMention
	used := make([]bool, len(ws))
	var b strings.Builder
	for p := 0; p < len(ws); p++ {
		for n := min(menuSpan, len(ws)-p); n >= 1; n-- {
			span := ws[p : p+n]
			withYear := n > 1 && isYear(span[n-1].fold)
			first := span[0]
			switch {
			case withYear:
			case !first.upper && !first.emphasis:
				continue
			case n == 1 && first.sentence && !first.emphasis && !whole && !(first.line && (p+1 == len(ws) || ws[p+1].line)):
				continue
			}
			b.Reset()
			for k, w := range span {
				if k > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(w.fold)
			}
			hits := ix.preferOwn(ix.Exact(b.String(), 25))
			if len(hits) == 0 {
				continue
			}
			if len(hits) == 1 {
				found = append(found, mention{id: hits[0].ID, at: first.start})
			}
			for k := p; k < p+n; k++ {
				used[k] = true
			}
			p += n - 1
			break
		}
	}
	// "Title (Year)" with no film: the capitalised words before the
	// year (and the small words between them), back to the clause's
	// start.
	for k, w := range ws {
		if used[k] || !w.paren || !isYear(w.fold) || k == 0 {
			continue
		}
		start := -1
		for j := k - 1; j >= 0 && !used[j] && k-j <= menuSpan; j-- {
			if ws[j].upper {
				start = j
			} else if utf8.RuneCountInString(ws[j].fold) > 3 {
				break
			}
			if ws[j].clause {
				break
			}
		}
		if start < 0 {
			continue
		}
		y, _ := strconv.Atoi(w.fold)
		rest = append(rest, yearMention{title: text[ws[start].start:ws[k-1].end], year: y, at: ws[start].start})
	}
	return found, rest
}
