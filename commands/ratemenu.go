package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// rateMessageDef is "Rate this film", a message command (right-click on
// a message, Apps): on the bot's own film card or review excerpt, or on
// a message that names one film, it opens a form with a radio group of
// the scores and saves the rating as /rate does.
var rateMessageDef = &discordgo.ApplicationCommand{Type: discordgo.MessageApplicationCommand, Name: "Rate this film"}

var (
	msgRateMsgNoFilm = locale.Text("rate.message.nofilm", "This message names no film I know. Use it on a film's card or review, or on a message with just a film's title, or use `/rate`.")
	msgRateFormTitle = locale.Text("rate.form.title", "Rate {{.Title}}")
	msgRateFormLabel = locale.Text("rate.form.label", "Your score")
	msgRateFormDesc  = locale.Text("rate.form.desc", "10 is the best. Rating again replaces your score.")
)

// rateMessage answers "Rate this film" with the rating form of the film
// the message is about; the member's current score is picked already.
func (s *Set) rateMessage(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, user, err := member(i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
	film, err := s.filmOfMessage(ctx, t, i, scope)
	if err != nil {
		return nil, err
	}
	current := 0
	if r, err := s.rates.UserRating(ctx, scope, film.ID, user); err == nil {
		current = r.Score
	}
	return rateForm(t, film, current), nil
}

// rateForm is the rating form: a radio group of the scores, best first,
// wrapped in a label.
func rateForm(t *locale.T, film storage.Film, current int) *discordgo.InteractionResponse {
	opts := make([]component.RadioOption, 0, len(rateOptions))
	for _, o := range rateOptions {
		opts = append(opts, component.RadioOption{Value: o.Value, Label: o.Label, Default: o.Value == strconv.Itoa(current)})
	}
	return modal(customID{"ratemsg", "form", []uint64{film.ID}}.String(), t.F(msgRateFormTitle, "Title", clip(film.Title, 30)),
		component.Label{Label: clip(t.S(msgRateFormLabel), limits.LabelText), Description: clip(t.S(msgRateFormDesc), limits.LabelDescription),
			Component: component.RadioGroup{CustomID: "score", Options: opts}})
}

// filmOfMessage is the film a message is about: on the bot's own
// messages, the film its menus and buttons act on (a card's Rate menu,
// its cast pages, an excerpt's review); on any message, the film its
// text names, resolved as /rate resolves a typed title (one film, or the
// catalog's answer why not).
func (s *Set) filmOfMessage(ctx context.Context, t *locale.T, i *discordgo.InteractionCreate, scope storage.Scope) (storage.Film, error) {
	data := i.ApplicationCommandData()
	var msg *discordgo.Message
	if data.Resolved != nil {
		msg = data.Resolved.Messages[data.TargetID]
	}
	if msg == nil {
		return storage.Film{}, userText(t.S(msgRateMsgNoFilm))
	}
	if msg.Author != nil && i.AppID != "" && msg.Author.ID == i.AppID {
		for _, id := range customIDs(msg.Components) {
			var film uint64
			// kind:action:id…, the first id the film's (the review's for rev).
			parts := strings.Split(id, ":")
			if len(parts) < 3 {
				continue
			}
			n, err := strconv.ParseUint(parts[2], 10, 64)
			switch {
			case err != nil:
				continue
			case parts[0] == "rate" || parts[0] == "cast" || parts[0] == "ratings":
				film = n
			case parts[0] == "rev":
				rev, err := s.reviews.Review(ctx, scope, n)
				if err != nil {
					continue
				}
				film = rev.FilmID
			default:
				continue
			}
			f, err := s.films.FilmHeader(ctx, scope, film)
			if err != nil {
				return storage.Film{}, notFound(err, t.S(msgRateGone))
			}
			return f, nil
		}
	}
	text := strings.TrimSpace(msg.Content)
	if text == "" && len(msg.Embeds) > 0 && msg.Embeds[0] != nil {
		text = msg.Embeds[0].Title
	}
	if text == "" || len([]rune(text)) > maxFilmValue || strings.Contains(text, "\n") {
		return storage.Film{}, userText(t.S(msgRateMsgNoFilm))
	}
	return s.resolveIn(ctx, scope, text, string(i.Locale))
}

// keepRows is card with the rows of old (a card's container) that do not
// hold id added at the end of card's container: the buttons the card
// carried beside its Rate menu (Pick another, Add to watchlist).
func keepRows(old discordgo.MessageComponent, id string, card []discordgo.MessageComponent) []discordgo.MessageComponent {
	var inner []discordgo.MessageComponent
	switch x := old.(type) {
	case *discordgo.Container:
		inner = x.Components
	case discordgo.Container:
		inner = x.Components
	}
	var rows []discordgo.MessageComponent
	for _, c := range inner {
		switch c.(type) {
		case *discordgo.ActionsRow, discordgo.ActionsRow:
			if !slices.Contains(customIDs([]discordgo.MessageComponent{c}), id) {
				rows = append(rows, c)
			}
		}
	}
	if len(rows) == 0 || len(card) == 0 {
		return card
	}
	box, ok := card[0].(discordgo.Container)
	if !ok {
		return card
	}
	box.Components = append(slices.Clip(box.Components), rows...)
	return append([]discordgo.MessageComponent{box}, card[1:]...)
}

// customIDs are the custom_ids of a message's components, in order, at
// any depth (rows, and layout cards' containers and sections).
func customIDs(cs []discordgo.MessageComponent) []string {
	var out []string
	component.Walk(cs, func(c discordgo.MessageComponent) {
		switch x := c.(type) {
		case *discordgo.Button:
			out = append(out, x.CustomID)
		case discordgo.Button:
			out = append(out, x.CustomID)
		case *discordgo.SelectMenu:
			out = append(out, x.CustomID)
		case discordgo.SelectMenu:
			out = append(out, x.CustomID)
		}
	})
	return out
}

// inPlace is msg's components with the top-level one holding the
// component id (a card's Rate menu) replaced by card: the rest of the
// message — the line above a /random card, its Pick another button, the
// other cards of Films in this message — stays as it was. Without msg,
// when nothing holds id, or when the message would then break Discord's
// limits, it is card alone.
func inPlace(msg *discordgo.Message, id string, card []discordgo.MessageComponent) []discordgo.MessageComponent {
	if msg == nil {
		return card
	}
	for k, c := range msg.Components {
		if !slices.Contains(customIDs([]discordgo.MessageComponent{c}), id) {
			continue
		}
		out := make([]discordgo.MessageComponent, 0, len(msg.Components)-1+len(card))
		out = append(out, msg.Components[:k]...)
		out = append(out, keepRows(c, id, card)...)
		out = append(out, msg.Components[k+1:]...)
		if limits.Count(out) > limits.TotalComponents || limits.TextLength(out) > limits.TextTotal {
			return card // the other cards make no room for this one whole
		}
		return out
	}
	return card
}

// rateFormSubmit saves the score picked in the rating form, as /rate
// does, with /rate's answer.
func (s *Set) rateFormSubmit(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, user, err := member(i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
	if i.Type != discordgo.InteractionModalSubmit {
		return nil, staleButton(t)
	}
	c, err := parseCustomID(i.ModalSubmitData().CustomID, 1)
	if err != nil || c.action != "form" {
		return nil, staleButton(t)
	}
	score, err := strconv.Atoi(modalValues(i)["score"])
	if err != nil || score < storage.MinScore || score > storage.MaxScore {
		return nil, rateBadScore(t)
	}
	film, err := s.films.FilmHeader(ctx, scope, c.args[0])
	if err != nil {
		return nil, notFound(err, t.S(msgRateGone))
	}
	return s.saveRating(ctx, t, scope, film, user, score)
}
