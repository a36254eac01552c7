package commands

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/recommend"
	"github.com/filmbot/filmbot/storage"
)

// What /compare says, in the language of the member who asked or
// clicked Refresh (tr(i)).
var (
	msgComparePick     = locale.Text("compare.pick", "Pick a member to compare with.")
	msgCompareSelf     = locale.Text("compare.self", "Comparing you with yourself: a perfect match. Pick another member.")
	msgCompareNone     = locale.Text("compare.none", "You and {{.Member}} have not rated any film in common in this server yet (you: {{.Mine}}, them: {{.Theirs}}).")
	msgCompareFilms    = locale.Plural("compare.films", "{{.Count}} film", "{{.Count}} films")
	msgCompareBoth     = locale.Plural("compare.both", "You and {{.Member}} both rated {{.Count}} film here.", "You and {{.Member}} both rated {{.Count}} films here.")
	msgCompareApart    = locale.Text("compare.apart", "On average your scores are **{{.Diff}}** points apart (0: the same every time).")
	msgCompareCorr     = locale.Text("compare.correlation", "Correlation **{{.Corr}}** (1: you rank films alike; 0: unrelated; −1: opposite).")
	msgCompareNoCorr   = locale.Text("compare.correlation.none", "Correlation needs 3 films or more with some variety in both your scores.")
	msgCompareLine     = locale.Text("compare.line", "**{{.Film}}** — you {{.Mine}}, them {{.Theirs}}")
	msgCompareTitle    = locale.Text("compare.title", "Taste compared")
	msgCompareAgree    = locale.Plural("compare.agree", "Agree most ({{.Count}} point apart or less)", "Agree most ({{.Count}} points apart or less)")
	msgCompareAgreeNo  = locale.Plural("compare.agree.none", "No film: your scores are never within {{.Count}} point.", "No film: your scores are never within {{.Count}} points.")
	msgCompareDiffer   = locale.Plural("compare.disagree", "Disagree most ({{.Count}} point apart or more)", "Disagree most ({{.Count}} points apart or more)")
	msgCompareDifferNo = locale.Plural("compare.disagree.none", "No film: your scores are never {{.Count}} or more point apart.", "No film: your scores are never {{.Count}} or more points apart.")
	msgCompareRefresh  = locale.Text("compare.button.refresh", "Refresh")
)

var compareDef = &discordgo.ApplicationCommand{
	Name:        "compare",
	Description: "How close your taste is to another member's, from the films you both rated here",
	Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionUser, Name: "member", Description: "Whom to compare with", Required: true},
	},
}

// shared is a film both members rated.
type shared struct {
	film         uint64
	mine, theirs int
}

// taste compares two lists of scores of the same films, as
// /recommend measures taste (recommend.Similarity).
func taste(s []shared) recommend.Taste {
	ps := make([]recommend.Pair, len(s))
	for k, x := range s {
		ps[k] = recommend.Pair{A: x.mine, B: x.theirs}
	}
	return recommend.Similarity(ps)
}

// compare answers /compare member:.
func (s *Set) compare(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, me, err := member(i)
	if err != nil {
		return nil, err
	}
	other, given, err := userOption(tr(i), options(i), "member")
	if err != nil {
		return nil, err
	}
	if !given {
		return nil, userText(tr(i).S(msgComparePick))
	}
	return s.compareWith(ctx, i, scope, me, other)
}

// compareWith compares me with other (/compare member:, and the
// right-click Compare taste).
func (s *Set) compareWith(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope, me, other uint64) (*discordgo.InteractionResponse, error) {
	if other == me {
		return nil, userText(tr(i).S(msgCompareSelf))
	}
	return s.comparePage(ctx, tr(i), scope, me, other)
}

// compareButton refreshes a comparison (its custom_id holds both members).
func (s *Set) compareButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, _, err := member(i)
	if err != nil {
		return nil, err
	}
	c, err := clicked(i, 2, "again")
	if err != nil {
		return nil, err
	}
	r, err := s.comparePage(ctx, tr(i), scope, c.args[0], c.args[1])
	if err != nil {
		return nil, err
	}
	r.Type = discordgo.InteractionResponseUpdateMessage
	return r, nil
}

func (s *Set) comparePage(ctx context.Context, tl *locale.T, scope storage.Scope, me, other uint64) (*discordgo.InteractionResponse, error) {
	mine, err := s.rates.UserRatings(ctx, scope, me)
	if err != nil {
		return nil, err
	}
	theirs, err := s.rates.UserRatings(ctx, scope, other)
	if err != nil {
		return nil, err
	}
	score := map[uint64]int{}
	for _, r := range theirs {
		score[r.Film] = r.Score
	}
	var both []shared
	for _, r := range mine {
		if t, ok := score[r.Film]; ok {
			both = append(both, shared{r.Film, r.Score, t})
		}
	}
	who := fmt.Sprintf("<@%d>", other)
	if len(both) == 0 {
		return nil, userText(tl.F(msgCompareNone, "Member", who, "Mine", tl.N(msgCompareFilms, len(mine)), "Theirs", tl.N(msgCompareFilms, len(theirs))))
	}
	t := taste(both)
	desc := tl.N(msgCompareBoth, t.N, "Member", who) + "\n" + tl.F(msgCompareApart, "Diff", tl.Num(t.MeanDiff, 1))
	if !math.IsNaN(t.Corr) {
		corr := tl.Num(t.Corr, 2)
		if !strings.HasPrefix(corr, "-") && !strings.HasPrefix(corr, "−") {
			corr = "+" + corr // as %+.2f: the sign always shown
		}
		desc += "\n" + tl.F(msgCompareCorr, "Corr", corr)
	} else {
		desc += "\n" + tl.S(msgCompareNoCorr)
	}
	agree, disagree := sides(both)
	name, err := s.pageFilms(ctx, tl, scope, filmIDs(append(slices.Clip(agree), disagree...), func(x shared) uint64 { return x.film }))
	if err != nil {
		return nil, err
	}
	line := func(x shared) string {
		return tl.F(msgCompareLine, "Film", name(x.film), "Mine", tl.Int(x.mine), "Theirs", tl.Int(x.theirs))
	}
	lines := func(xs []shared, none string) string {
		if len(xs) == 0 {
			return none
		}
		out := make([]string, len(xs))
		for k, x := range xs {
			out[k] = line(x)
		}
		return strings.Join(out, "\n")
	}
	embed := &discordgo.MessageEmbed{Title: tl.S(msgCompareTitle), Description: desc, Color: colour, Fields: []*discordgo.MessageEmbedField{
		{Name: tl.N(msgCompareAgree, agreeWithin), Value: lines(agree, tl.N(msgCompareAgreeNo, agreeWithin))},
		{Name: tl.N(msgCompareDiffer, disagreeFrom), Value: lines(disagree, tl.N(msgCompareDifferNo, disagreeFrom))},
	}}
	return message(embed, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		button(tl.S(msgCompareRefresh), customID{"compare", "again", []uint64{me, other}}.String(), false),
	}}), nil
}

// A film two members scored at most agreeWithin apart is one they agree
// on; disagreeFrom or more apart, one they disagree on; in between,
// neither. A film is on one side at most, and sidesMax a side at most.
const agreeWithin, disagreeFrom, sidesMax = 1, 3, 5

// sides picks the films agreed on most (the smallest difference, shared
// favourites first) and disagreed on most (the largest difference first).
func sides(both []shared) (agree, disagree []shared) {
	for _, x := range both {
		switch d := absInt(x.mine - x.theirs); {
		case d <= agreeWithin:
			agree = append(agree, x)
		case d >= disagreeFrom:
			disagree = append(disagree, x)
		}
	}
	slices.SortStableFunc(agree, func(a, b shared) int {
		if c := cmp.Compare(absInt(a.mine-a.theirs), absInt(b.mine-b.theirs)); c != 0 {
			return c
		}
		return cmp.Compare(b.mine+b.theirs, a.mine+a.theirs) // agreeing on a favourite first
	})
	slices.SortStableFunc(disagree, func(a, b shared) int {
		return cmp.Compare(absInt(b.mine-b.theirs), absInt(a.mine-a.theirs))
	})
	return agree[:min(sidesMax, len(agree))], disagree[:min(sidesMax, len(disagree))]
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
