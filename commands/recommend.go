package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/nights"
	"github.com/filmbot/filmbot/recommend"
	"github.com/filmbot/filmbot/storage"
)

// /recommend: films a member (or a group watching together) has not
// rated, ranked by the scores they are predicted to give, from this
// server's own ratings (package recommend). Each server's model is built
// once from its ratings and kept current from the store's ratings
// version (storage.Ratings.RatingsSince): every answer first reads the
// changes since the version the model holds — one cheap read, nothing
// when nothing changed — so a rating made a moment ago, here or through
// another replica sharing the database, is in the next answer.

var recommendDef = &discordgo.ApplicationCommand{
	Name:        "recommend",
	Description: "Films you would like, from how this server's members rate",
	Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionUser, Name: "for", Description: "Whose picks (yours if not given)"},
		{Type: discordgo.ApplicationCommandOptionString, Name: "group", Description: "Watching together: up to 10 @members, or voice for your voice channel", MaxLength: 1000},
		{Type: discordgo.ApplicationCommandOptionInteger, Name: "count", Description: "How many films (1–10, 5 if not given)", MinValue: ptr(1.0), MaxValue: maxRecommend},
	},
}

// What /recommend says, in the language of the member who asked (tr(i)):
// its answers are theirs alone.
var (
	msgRecTitle        = locale.Text("recommend.title", "Picks for you")
	msgRecTitleFor     = locale.Text("recommend.title.for", "Picks for a member")
	msgRecFor          = locale.Text("recommend.for", "For {{.Member}}, from how this server rates.")
	msgRecYou          = locale.Text("recommend.you", "From how this server rates: films you have not rated, the best predicted first.")
	msgRecFew          = locale.Text("recommend.few", "Rate a few more films (you have {{.Count}}; personal picks start at {{.Min}}) and these become yours: for now, the server's best-loved films.")
	msgRecFewFor       = locale.Text("recommend.few.for", "{{.Member}} has rated {{.Count}} films here (personal picks start at {{.Min}}): for now, the server's best-loved films.")
	msgRecPredicted    = locale.Text("recommend.predicted", "{{.Rank}}. {{.Film}} · predicted {{.Score}}")
	msgRecTMDBPick     = locale.Text("recommend.tmdb.pick", "{{.Rank}}. {{.Film}} · from TMDB")
	msgRecVoices1      = locale.Text("recommend.why.voices1", "{{.A}}, who rates like you, gave it {{.ScoreA}}")
	msgRecVoices2      = locale.Text("recommend.why.voices2", "{{.A}} and {{.B}}, who rate like you, gave it {{.ScoreA}} and {{.ScoreB}}")
	msgRecVoices3      = locale.Text("recommend.why.voices3", "{{.A}}, {{.B}} and {{.C}}, who rate like you, gave it {{.ScoreA}}, {{.ScoreB}} and {{.ScoreC}}")
	msgRecVoices1For   = locale.Text("recommend.why.voices1.for", "{{.A}}, who rates like them, gave it {{.ScoreA}}")
	msgRecVoices2For   = locale.Text("recommend.why.voices2.for", "{{.A}} and {{.B}}, who rate like them, gave it {{.ScoreA}} and {{.ScoreB}}")
	msgRecVoices3For   = locale.Text("recommend.why.voices3.for", "{{.A}}, {{.B}} and {{.C}}, who rate like them, gave it {{.ScoreA}}, {{.ScoreB}} and {{.ScoreC}}")
	msgRecLoved        = locale.Plural("recommend.why.loved", "loved here: {{.Average}} from {{.Count}} member", "loved here: {{.Average}} from {{.Count}} members")
	msgRecTMDBWhy      = locale.Text("recommend.why.tmdb", "TMDB recommends it to those who liked {{.Film}} (you gave it {{.Score}})")
	msgRecOnWatchlist  = locale.Text("recommend.watchlisted", "📌 Already on your watchlist")
	msgRecNone         = locale.Text("recommend.none", "Nothing left to recommend: every film rated here is one you rated, or marked not interested.")
	msgRecNoRatings    = locale.Text("recommend.noratings", "No one has rated a film in this server yet, so I have no taste to go on. Rate a few films with `/rate`, then ask again.")
	msgRecNotMember    = locale.Text("recommend.notmember", "{{.Member}} is not a member of this server.")
	msgRecBot          = locale.Text("recommend.bot", "{{.Member}} is a bot: bots do not watch films.")
	msgRecBoth         = locale.Text("recommend.both", "Use `for:` or `group:`, not both.")
	msgRecBadCount     = locale.Text("recommend.badcount", "count: must be from 1 to {{.Max}}.")
	msgRecWatchMenu    = locale.Text("recommend.menu.watchlist", "Add to my watchlist…")
	msgRecNoMenu       = locale.Text("recommend.menu.notinterested", "Not interested in…")
	msgRecRateMenu     = locale.Text("recommend.menu.rate", "Rate one…")
	msgRecAdded        = locale.Text("recommend.added", "{{.Film}} is on your watchlist now.")
	msgRecAlready      = locale.Text("recommend.already", "{{.Film}} was on your watchlist already.")
	msgRecRated        = locale.Text("recommend.rated", "You have rated {{.Film}} already: it has no place on your watchlist.")
	msgRecDismissed    = locale.Text("recommend.dismissed", "{{.Film}}: not interested, never offered to you again.")
	msgRecGone         = locale.Text("recommend.gone", "That film is no longer in this server's catalog.")
	msgRecGroupTitle   = locale.Text("recommend.group.title", "Picks for watching together")
	msgRecGroupWho     = locale.Text("recommend.group.who", "For {{.Members}}: films none of you rated.")
	msgRecGroupRule    = locale.Text("recommend.group.rule", "Ranked by least misery: first the film whose lowest predicted score among you is highest (ties by the group's average), so no one is stuck with a film they are predicted to dislike. Compared with averaging, it picks fewer films someone hates.")
	msgRecGroupPick    = locale.Text("recommend.group.pick", "{{.Rank}}. {{.Film}} · group {{.Score}}")
	msgRecGroupPer     = locale.Text("recommend.group.per", "{{.Member}} {{.Score}}")
	msgRecGroupNone    = locale.Text("recommend.group.none", "Nothing left to recommend to this group: every film rated here was rated by one of you, or marked not interested.")
	msgRecGroupOne     = locale.Text("recommend.group.one", "A group needs someone besides you: mention them in `group:` (like `group:@Vi @Mo`), or use `/recommend` alone for your own picks.")
	msgRecGroupBig     = locale.Text("recommend.group.big", "A group is at most {{.Max}} members, you included; that makes {{.Count}}.")
	msgRecGroupBigV    = locale.Text("recommend.group.big.voice", "Your voice channel has {{.Count}} members; a group is at most {{.Max}}. Mention up to {{.Max}} of them in `group:` instead.")
	msgRecGroupSyntax  = locale.Text("recommend.group.syntax", "`group:` takes members as @mentions (like `group:@Vi @Mo`, up to {{.Max}}), or `voice` for everyone in your voice channel.")
	msgRecGroupUnrated = locale.Text("recommend.group.unrated", "{{.Members}} has not rated any film in this server (or is not a member of it): a group pick needs everyone's taste. Leave them out, or ask them to rate a few films first.")
	msgRecVoiceNone    = locale.Text("recommend.voice.none", "You are not in a voice channel of this server. Join one with the others, or mention them in `group:`.")
	msgRecVoiceHTTP    = locale.Text("recommend.voice.http", "`group:voice` needs the gateway connection, which tells me who is in which voice channel, and this bot answers over HTTP only. Mention the members in `group:` instead.")
	msgRecVoiceAlone   = locale.Text("recommend.voice.alone", "You are alone in your voice channel: a group needs someone besides you. Use `/recommend` alone for your own picks.")
)

// maxRecommend is the most picks one answer lists; maxGroup the most
// members of a group, the caller included.
const (
	maxRecommend = 10
	maxGroup     = 10
	defaultCount = 5
)

// VoiceStates is who is in which voice channel, as the gateway tells it
// (bot.Voices): what group:voice reads.
type VoiceStates interface {
	// Channel is the voice channel member is in, in guild; "" for none.
	Channel(guild, member string) string
	// Members lists the members in voice channel channel of guild.
	Members(guild, channel string) []string
}

// WithVoices sets where group:voice learns who is in the caller's voice
// channel; without it (an HTTP-only deployment: no gateway) group:voice
// says it cannot know.
func (s *Set) WithVoices(v VoiceStates) *Set {
	s.voices = v
	return s
}

// recModels are the servers' models, each built once and kept current.
type recModels struct {
	rates storage.Ratings
	mu    sync.Mutex
	byID  map[storage.Scope]*recModel
}

// recModel is one server's model and the ratings version it holds.
type recModel struct {
	mu      sync.Mutex // one catch-up at a time
	model   *recommend.Model
	version uint64
}

func newRecModels(rates storage.Ratings) *recModels {
	return &recModels{rates: rates, byID: map[storage.Scope]*recModel{}}
}

// model returns scope's model, brought up to the store's ratings version
// first: built from every rating the first time (or when the changes
// since its version are no longer kept), else moved on by the changes.
func (r *recModels) model(ctx context.Context, scope storage.Scope) (*recommend.Model, error) {
	r.mu.Lock()
	m := r.byID[scope]
	if m == nil {
		m = &recModel{}
		r.byID[scope] = m
	}
	r.mu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := r.rates.RatingsSince(ctx, scope, m.version)
	if err != nil {
		return nil, err
	}
	if c.Full || m.model == nil { // since 0 (no model yet) is always Full
		rs := make([]recommend.Rating, 0, len(c.Ratings))
		for _, x := range c.Ratings {
			if x.Score > 0 {
				rs = append(rs, recommend.Rating{User: x.User, Film: x.Film, Score: x.Score})
			}
		}
		m.model = recommend.New(rs)
	} else {
		for _, x := range c.Ratings {
			if x.Score == 0 {
				m.model.Delete(x.User, x.Film)
			} else {
				m.model.Set(recommend.Rating{User: x.User, Film: x.Film, Score: x.Score})
			}
		}
	}
	m.version = c.Version
	return m.model, nil
}

// recommendCmd answers /recommend [for:] [group:] [count:].
func (s *Set) recommendCmd(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, me, err := member(i)
	if err != nil {
		return nil, err
	}
	t, opts := tr(i), options(i)
	count := defaultCount
	if n, given, err := integer(t, opts, "count"); err != nil {
		return nil, err
	} else if given {
		if n < 1 || n > maxRecommend {
			return nil, userText(t.F(msgRecBadCount, "Max", t.Int(maxRecommend)))
		}
		count = int(n)
	}
	target, forGiven, err := userOption(t, opts, "for")
	if err != nil {
		return nil, err
	}
	group := str(opts, "group")
	if forGiven && group != "" {
		return nil, userText(t.S(msgRecBoth))
	}
	var members []uint64
	if group != "" {
		if members, err = s.groupMembers(t, i, me, group); err != nil {
			return nil, err
		}
	}
	if forGiven {
		if err := notAMember(t, i, target); err != nil {
			return nil, err
		}
	} else {
		target = me
	}
	m, err := s.recs.model(ctx, scope)
	if err != nil {
		return nil, err
	}
	if m.Len() == 0 {
		return nil, userText(t.S(msgRecNoRatings))
	}
	if members != nil {
		return s.groupPicks(ctx, t, scope, m, members, count)
	}
	return s.memberPicks(ctx, t, scope, m, me, target, count)
}

// notAMember refuses a for: member whom Discord resolved as a user but
// not as a member of the server (they left it, or never joined), and
// bots.
func notAMember(t *locale.T, i *discordgo.InteractionCreate, id uint64) error {
	data := i.ApplicationCommandData()
	if data.Resolved == nil {
		return nil
	}
	key := strconv.FormatUint(id, 10)
	who := fmt.Sprintf("<@%d>", id)
	if u := data.Resolved.Users[key]; u != nil {
		if u.Bot {
			return userText(t.F(msgRecBot, "Member", who))
		}
		if data.Resolved.Members[key] == nil {
			return userText(t.F(msgRecNotMember, "Member", who))
		}
	}
	return nil
}

// memberMention is a member's mention in a group: option (<@id> or <@!id>).
var memberMention = regexp.MustCompile(`<@!?([0-9]{1,20})>`)

// groupMembers reads group: — mentions, or "voice" for the members in the
// caller's voice channel — as the group's members, the caller first.
func (s *Set) groupMembers(t *locale.T, i *discordgo.InteractionCreate, me uint64, group string) ([]uint64, error) {
	members := []uint64{me}
	add := func(id uint64) {
		if !slices.Contains(members, id) {
			members = append(members, id)
		}
	}
	if strings.EqualFold(strings.TrimSpace(group), "voice") {
		if s.voices == nil {
			return nil, userText(t.S(msgRecVoiceHTTP))
		}
		ch := s.voices.Channel(i.GuildID, userID(i))
		if ch == "" {
			return nil, userText(t.S(msgRecVoiceNone))
		}
		for _, id := range s.voices.Members(i.GuildID, ch) {
			if n, err := strconv.ParseUint(id, 10, 64); err == nil {
				add(n)
			}
		}
		if len(members) > maxGroup {
			return nil, userText(t.F(msgRecGroupBigV, "Count", t.Int(len(members)), "Max", t.Int(maxGroup)))
		}
		if len(members) == 1 {
			return nil, userText(t.S(msgRecVoiceAlone))
		}
		return members, nil
	}
	found := memberMention.FindAllStringSubmatch(group, -1)
	rest := strings.TrimSpace(memberMention.ReplaceAllString(group, ""))
	if len(found) == 0 || strings.Trim(rest, " ,;&") != "" && !onlyJoiners(rest) {
		return nil, userText(t.F(msgRecGroupSyntax, "Max", t.Int(maxGroup)))
	}
	for _, f := range found {
		n, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			return nil, userText(t.F(msgRecGroupSyntax, "Max", t.Int(maxGroup)))
		}
		add(n)
	}
	if len(members) > maxGroup {
		return nil, userText(t.F(msgRecGroupBig, "Count", t.Int(len(members)), "Max", t.Int(maxGroup)))
	}
	if len(members) == 1 {
		return nil, userText(t.S(msgRecGroupOne))
	}
	return members, nil
}

// onlyJoiners tells whether what is left of group: besides mentions is
// words that join names ("and", commas): "@Vi and @Mo" reads as a group.
func onlyJoiners(rest string) bool {
	for _, w := range strings.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '&' || r == '+' }) {
		if len([]rune(w)) > 4 { // "and", "und", "et", "и", "y", "e", "i", "ve", "と"…
			return false
		}
	}
	return true
}

// excluded is what a member is never offered: the films they marked not
// interested.
func (s *Set) notInterested(ctx context.Context, scope storage.Scope, users ...uint64) (map[uint64]bool, error) {
	out := map[uint64]bool{}
	for _, u := range users {
		ids, err := s.watchlists.NotInterestedFilms(ctx, scope, u)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out[id] = true
		}
	}
	return out, nil
}

// memberPicks is target's picks, as me sees them. A film on target's
// watchlist is a fine pick (they meant to see it; the line says it is
// there already): only the films they rated or marked not interested are
// left out.
func (s *Set) memberPicks(ctx context.Context, t *locale.T, scope storage.Scope, m *recommend.Model, me, target uint64, count int) (*discordgo.InteractionResponse, error) {
	skip, err := s.notInterested(ctx, scope, target)
	if err != nil {
		return nil, err
	}
	watch, err := s.watchlists.Watchlist(ctx, scope, target)
	if err != nil {
		return nil, err
	}
	onList := map[uint64]bool{}
	for _, w := range watch {
		onList[w.Film] = true
	}
	picks := m.ForMember(target, recommend.Options{Count: count, Exclude: func(f uint64) bool { return skip[f] }})
	own := m.Ratings(target)
	var tmdbPicks []tmdbPick
	if own < recommend.MinPersonal && s.source != nil {
		// Half the picks at most from TMDB: the server's own come first.
		taken := map[uint64]bool{}
		for _, p := range picks {
			taken[p.Film] = true
		}
		tmdbPicks = s.tmdbPicks(ctx, scope, target, (count+1)/2, skip, taken)
		picks = picks[:min(len(picks), count-len(tmdbPicks))]
	}
	if len(picks) == 0 && len(tmdbPicks) == 0 {
		return nil, userText(t.S(msgRecNone))
	}
	ids := filmIDs(picks, func(p recommend.Pick) uint64 { return p.Film })
	for _, p := range tmdbPicks {
		ids = append(ids, p.film.ID)
	}
	films, err := s.films.FilmHeaders(ctx, scope, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range tmdbPicks {
		films[p.film.ID] = p.film
	}
	who := fmt.Sprintf("<@%d>", target)
	embed := &discordgo.MessageEmbed{Title: t.S(msgRecTitle), Description: t.S(msgRecYou), Color: colour}
	if target != me {
		embed.Title, embed.Description = t.S(msgRecTitleFor), t.F(msgRecFor, "Member", who)
	}
	if own < recommend.MinPersonal {
		few := t.F(msgRecFew, "Count", t.Int(own), "Min", t.Int(recommend.MinPersonal))
		if target != me {
			few = t.F(msgRecFewFor, "Member", who, "Count", t.Int(own), "Min", t.Int(recommend.MinPersonal))
		}
		embed.Description += "\n" + few
	}
	var menu []storage.Film
	for _, p := range picks {
		f, ok := films[p.Film]
		if !ok {
			continue // removed since the model read it
		}
		why := s.why(t, p.Reason, target != me)
		if onList[p.Film] {
			why += "\n" + t.S(msgRecOnWatchlist)
		}
		embed.Fields = append(embed.Fields, &discordgo.MessageEmbedField{
			Name:  clip(t.F(msgRecPredicted, "Rank", t.Int(len(menu)+1), "Film", label(f), "Score", t.Num(p.Predicted, 1)), limits.FieldName),
			Value: clip(why, limits.FieldValue)})
		menu = append(menu, f)
	}
	for _, p := range tmdbPicks {
		embed.Fields = append(embed.Fields, &discordgo.MessageEmbedField{
			Name:  clip(t.F(msgRecTMDBPick, "Rank", t.Int(len(menu)+1), "Film", label(p.film)), limits.FieldName),
			Value: clip(t.F(msgRecTMDBWhy, "Film", labelMD(p.because), "Score", t.Int(p.score)), limits.FieldValue)})
		menu = append(menu, p.film)
	}
	return ephemeral(embed, recMenus(t, menu)...), nil
}

// why is a pick's one line: the neighbours who rated it, or how the
// server loves it.
func (s *Set) why(t *locale.T, r recommend.Reason, forOther bool) string {
	if r.Kind == recommend.Neighbours && len(r.Voices) > 0 {
		v := r.Voices
		name := func(k int) string { return fmt.Sprintf("<@%d>", v[k].User) }
		score := func(k int) string { return t.Int(v[k].Score) }
		one, two, three := msgRecVoices1, msgRecVoices2, msgRecVoices3
		if forOther {
			one, two, three = msgRecVoices1For, msgRecVoices2For, msgRecVoices3For
		}
		switch len(v) {
		case 1:
			return t.F(one, "A", name(0), "ScoreA", score(0))
		case 2:
			return t.F(two, "A", name(0), "B", name(1), "ScoreA", score(0), "ScoreB", score(1))
		default:
			return t.F(three, "A", name(0), "B", name(1), "C", name(2), "ScoreA", score(0), "ScoreB", score(1), "ScoreC", score(2))
		}
	}
	return t.N(msgRecLoved, r.Raters, "Average", t.Num(r.Average, 1))
}

// groupPicks is the films none of members rated, for them together,
// ranked by recommend.ForGroup's rule (said in the answer), each with
// every member's prediction. Someone with no ratings here is refused by
// name: their predictions would be the server's averages, not their
// taste.
func (s *Set) groupPicks(ctx context.Context, t *locale.T, scope storage.Scope, m *recommend.Model, members []uint64, count int) (*discordgo.InteractionResponse, error) {
	var unrated []string
	for _, u := range members {
		if m.Ratings(u) == 0 {
			unrated = append(unrated, fmt.Sprintf("<@%d>", u))
		}
	}
	if len(unrated) > 0 {
		return nil, userText(t.F(msgRecGroupUnrated, "Members", strings.Join(unrated, ", ")))
	}
	skip, err := s.notInterested(ctx, scope, members...)
	if err != nil {
		return nil, err
	}
	picks := m.ForGroup(members, recommend.Options{Count: count, Exclude: func(f uint64) bool { return skip[f] }})
	if len(picks) == 0 {
		return nil, userText(t.S(msgRecGroupNone))
	}
	films, err := s.films.FilmHeaders(ctx, scope, filmIDs(picks, func(p recommend.GroupPick) uint64 { return p.Film }))
	if err != nil {
		return nil, err
	}
	names := make([]string, len(members))
	for k, u := range members {
		names[k] = fmt.Sprintf("<@%d>", u)
	}
	embed := &discordgo.MessageEmbed{Title: t.S(msgRecGroupTitle), Color: colour,
		Description: clip(t.F(msgRecGroupWho, "Members", strings.Join(names, ", "))+"\n"+t.S(msgRecGroupRule), limits.EmbedDescription)}
	var menu []storage.Film
	for _, p := range picks {
		f, ok := films[p.Film]
		if !ok {
			continue
		}
		per := make([]string, len(p.Per))
		for k, x := range p.Per {
			per[k] = t.F(msgRecGroupPer, "Member", fmt.Sprintf("<@%d>", x.User), "Score", t.Num(x.Predicted, 1))
		}
		embed.Fields = append(embed.Fields, &discordgo.MessageEmbedField{
			Name:  clip(t.F(msgRecGroupPick, "Rank", t.Int(len(menu)+1), "Film", label(f), "Score", t.Num(p.Score, 1)), limits.FieldName),
			Value: clip(strings.Join(per, " · "), limits.FieldValue)})
		menu = append(menu, f)
	}
	return ephemeral(embed, recMenus(t, menu)...), nil
}

// recMenus are the picks' actions, one menu each, its options the picks
// in order: add to my watchlist, not interested, rate one (the rating
// form). A menu rather than buttons per pick: ten picks with three
// buttons each would not fit in a message's five rows.
func recMenus(t *locale.T, films []storage.Film) []discordgo.MessageComponent {
	if len(films) == 0 {
		return nil
	}
	opts := make([]discordgo.SelectMenuOption, len(films))
	for k, f := range films {
		opts[k] = discordgo.SelectMenuOption{Label: clip(label(f), 100), Value: strconv.FormatUint(f.ID, 10)}
	}
	menu := func(action string, placeholder locale.Key) discordgo.ActionsRow {
		return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{
			MenuType: discordgo.StringSelectMenu, CustomID: customID{kind: "rec", action: action}.String(),
			Placeholder: clip(t.S(placeholder), limits.Placeholder), Options: slices.Clone(opts), MinValues: ptr(1), MaxValues: 1}}}
	}
	return []discordgo.MessageComponent{menu("wl", msgRecWatchMenu), menu("no", msgRecNoMenu), menu("rate", msgRecRateMenu)}
}

// recommendMenu handles the picks' menus; each acts for the member who
// picks.
func (s *Set) recommendMenu(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, user, err := member(i)
	if err != nil {
		return nil, err
	}
	c, err := clicked(i, 0, "wl", "no", "rate")
	if err != nil {
		return nil, err
	}
	t := tr(i)
	values := i.MessageComponentData().Values
	if len(values) != 1 {
		return nil, staleButton(t)
	}
	film, err := strconv.ParseUint(values[0], 10, 64)
	if err != nil {
		return nil, staleButton(t)
	}
	f, err := s.films.FilmHeader(ctx, scope, film)
	if err != nil {
		return nil, notFound(err, t.S(msgRecGone))
	}
	switch c.action {
	case "wl":
		added, err := s.watchlists.WatchlistAdd(ctx, scope, user, film)
		if errors.Is(err, storage.ErrRated) {
			return nil, userText(t.F(msgRecRated, "Film", labelMD(f)))
		}
		if err != nil {
			return nil, notFound(err, t.S(msgRecGone))
		}
		if !added {
			return Reply(t.F(msgRecAlready, "Film", labelMD(f))), nil
		}
		return Reply(t.F(msgRecAdded, "Film", labelMD(f))), nil
	case "no":
		if _, err := s.watchlists.NotInterested(ctx, scope, user, film); err != nil {
			return nil, notFound(err, t.S(msgRecGone))
		}
		return dismissed(t, i.Message, f), nil
	default: // rate: the rating form, saved as /rate saves it
		current := 0
		if r, err := s.rates.UserRating(ctx, scope, film, user); err == nil {
			current = r.Score
		}
		return rateForm(t, f, current), nil
	}
}

// dismissed is the picks' message without film: its line and its
// option in the menus gone, the footer saying what the mark does; without
// the message (it was not sent with the click), that line alone.
func dismissed(t *locale.T, msg *discordgo.Message, f storage.Film) *discordgo.InteractionResponse {
	line := t.F(msgRecDismissed, "Film", label(f))
	if msg == nil || len(msg.Embeds) == 0 {
		return Reply(line)
	}
	var keep []storage.Film
	idx := -1
	for _, row := range msg.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok || len(r.Components) == 0 {
			continue
		}
		menu, ok := r.Components[0].(*discordgo.SelectMenu)
		if !ok || menu.CustomID != (customID{kind: "rec", action: "wl"}).String() {
			continue
		}
		for k, o := range menu.Options {
			id, _ := strconv.ParseUint(o.Value, 10, 64)
			if id == f.ID {
				idx = k
				continue
			}
			keep = append(keep, storage.Film{ID: id, Title: o.Label})
		}
	}
	embed := *msg.Embeds[0]
	// The fields are the menu's options, in order (recMenus).
	if idx < 0 || idx >= len(embed.Fields) {
		return Reply(line)
	}
	embed.Fields = slices.Delete(slices.Clone(embed.Fields), idx, idx+1)
	embed.Footer = &discordgo.MessageEmbedFooter{Text: clip(line, limits.Footer)}
	if len(embed.Fields) == 0 {
		embed.Description += "\n\n" + t.S(msgRecNone)
	}
	return update(&embed, recMenusOf(t, keep)...)
}

// recMenusOf is recMenus for films read back from a menu (their labels
// kept as they were).
func recMenusOf(t *locale.T, films []storage.Film) []discordgo.MessageComponent {
	rows := recMenus(t, films)
	for _, row := range rows {
		menu := row.(discordgo.ActionsRow).Components[0].(discordgo.SelectMenu)
		for k := range menu.Options {
			menu.Options[k].Label = films[k].Title
		}
	}
	return rows
}

// tmdbPick is a film TMDB recommends for one the member rated highly.
type tmdbPick struct {
	film, because storage.Film
	score         int // the member's score of because
}

// tmdbPicks is, for a member with few ratings, TMDB's recommendations for
// the films they rated highest (7 or more; the best three), at most want
// in all, none they rated, marked not interested or already among
// the picks (taken). TMDB failing leaves them out: the server's picks
// still answer.
func (s *Set) tmdbPicks(ctx context.Context, scope storage.Scope, target uint64, want int, skip, taken map[uint64]bool) []tmdbPick {
	rs, err := s.rates.UserRatings(ctx, scope, target)
	if err != nil || len(rs) == 0 || want <= 0 {
		return nil
	}
	rated := map[uint64]bool{}
	for _, r := range rs {
		rated[r.Film] = true
	}
	slices.SortStableFunc(rs, func(a, b storage.Rating) int { return b.Score - a.Score })
	var out []tmdbPick
	seen := map[uint64]bool{}
	for _, r := range rs[:min(len(rs), 3)] {
		if r.Score < 7 || len(out) >= want {
			break
		}
		because, err := s.films.FilmHeader(ctx, scope, r.Film)
		if err != nil || because.TMDB == 0 {
			continue
		}
		fs, err := s.source.Recommended(ctx, int(because.TMDB), want-len(out), func(id int) bool { return !seen[uint64(id)] })
		if err != nil {
			continue
		}
		for _, f := range fs {
			seen[f.TMDB] = true
			if rated[f.ID] || skip[f.ID] || taken[f.ID] {
				continue
			}
			taken[f.ID] = true
			out = append(out, tmdbPick{film: f, because: because, score: r.Score})
		}
	}
	return out
}

// Movie nights without candidates: the group recommendation for the
// members of the server's recent nights, then the watchlists.
const (
	// recentNights is how many of a server's latest nights (not
	// canceled) name the members a night's candidates are picked for.
	recentNights = 5
	// nightPicks is how many candidates at most the group recommendation
	// gives a poll; the watchlists' most wanted fill the rest.
	nightPicks = nights.MaxCandidates / 2
)

// nightGroup is the members of scope's recent nights who have rated films
// here, the planning host first, then each night's host and those who
// rated its film, newest night first, at most maxGroup; and the films
// those nights screened.
func (s *Set) nightGroup(ctx context.Context, scope storage.Scope, host uint64, m *recommend.Model) ([]uint64, map[uint64]bool, error) {
	history, err := s.nights.History(ctx, scope)
	if err != nil {
		return nil, nil, err
	}
	var members []uint64
	add := func(u uint64) {
		if len(members) < maxGroup && !slices.Contains(members, u) && m.Ratings(u) > 0 {
			members = append(members, u)
		}
	}
	add(host)
	screened := map[uint64]bool{}
	seen := 0
	for _, n := range history {
		if n.Step == storage.StepCanceled || seen == recentNights {
			continue
		}
		seen++
		add(n.Host)
		if n.Winner == 0 {
			continue
		}
		screened[n.Winner] = true
		rs, err := s.rates.FilmRatings(ctx, scope, n.Winner)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rs {
			add(r.User)
		}
	}
	return members, screened, nil
}

// nightCandidates is a poll's candidates when the host names none: the
// group recommendation for the recent nights' members (nightGroup; two at
// least, else none), at most nightPicks, then the most wanted on the
// watchlists not yet screened, at most nights.MaxCandidates in all. It
// says how many came from the recommendation, and for how many members.
func (s *Set) nightCandidates(ctx context.Context, scope storage.Scope, host uint64) (films []storage.Film, recommended, members int, err error) {
	m, err := s.recs.model(ctx, scope)
	if err != nil {
		return nil, 0, 0, err
	}
	group, screened, err := s.nightGroup(ctx, scope, host, m)
	if err != nil {
		return nil, 0, 0, err
	}
	seen := map[uint64]bool{}
	if len(group) >= 2 {
		skip, err := s.notInterested(ctx, scope, group...)
		if err != nil {
			return nil, 0, 0, err
		}
		picks := m.ForGroup(group, recommend.Options{Count: nightPicks, Exclude: func(f uint64) bool { return skip[f] || screened[f] }})
		heads, err := s.films.FilmHeaders(ctx, scope, filmIDs(picks, func(p recommend.GroupPick) uint64 { return p.Film }))
		if err != nil {
			return nil, 0, 0, err
		}
		for _, p := range picks {
			if f, ok := heads[p.Film]; ok {
				films = append(films, f)
				seen[f.ID] = true
			}
		}
	}
	recommended = len(films)
	if recommended > 0 {
		members = len(group)
	}
	wanted, err := s.nights.Wanted(ctx, scope)
	if err != nil {
		return nil, 0, 0, err
	}
	for _, f := range wanted {
		if len(films) < nights.MaxCandidates && !seen[f.ID] {
			films = append(films, f)
		}
	}
	return films, recommended, members, nil
}
