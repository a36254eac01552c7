package commands

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

func TestTaste(t *testing.T) {
	same := taste([]shared{{1, 8, 8}, {2, 3, 3}, {3, 6, 6}})
	if same.N != 3 || same.MeanDiff != 0 || math.Abs(same.Corr-1) > 1e-9 {
		t.Errorf("identical: %+v", same)
	}
	opposite := taste([]shared{{1, 10, 1}, {2, 1, 10}, {3, 5, 6}})
	if opposite.Corr > -0.9 || opposite.MeanDiff != 19.0/3 {
		t.Errorf("opposite: %+v", opposite)
	}
	if two := taste([]shared{{1, 8, 6}, {2, 4, 4}}); !math.IsNaN(two.Corr) || two.MeanDiff != 1 {
		t.Errorf("two films: %+v", two)
	}
	if flat := taste([]shared{{1, 7, 2}, {2, 7, 5}, {3, 7, 9}}); !math.IsNaN(flat.Corr) {
		t.Errorf("one member gave every film a 7: %+v", flat)
	}
}

func compareCmd(user, other string) *discordgo.InteractionCreate {
	i := slash(guildA, "compare", opt("member", other))
	i.ApplicationCommandData().Options[0].Type = discordgo.ApplicationCommandOptionUser
	i.Member.User.ID = user
	return i
}

// /compare: the films both rated, how close, agree and disagree most;
// /top sort:divisive: the films rated furthest apart first.
func TestCompareAndDivisive(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var films []uint64
	for _, title := range []string{"B", "C", "D"} {
		f, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: title, Year: 2000})
		films = append(films, f.ID)
	}
	films = append(films, e.anora.ID)
	for k, pair := range [][2]int{{9, 9}, {2, 10}, {6, 5}, {8, 7}} { // B agree, C disagree
		e.db.Rate(ctx, 111, films[k], 1, pair[0])
		e.db.Rate(ctx, 111, films[k], 2, pair[1])
	}
	e.db.Rate(ctx, 111, films[0], 3, 9)
	r := e.run(compareCmd("1", "2"))
	m := embed(r)
	if !strings.Contains(m.Description, "both rated 4 films") || !strings.Contains(m.Description, "**2.5** points apart") || !strings.Contains(m.Description, "Correlation **") {
		t.Errorf("compare: %q", m.Description)
	}
	if f := fieldText(m); !strings.Contains(f, "Agree most (1 point apart or less)\n**B (2000)** — you 9, them 9") || !strings.Contains(f, "Disagree most (3 points apart or more)\n**C (2000)** — you 2, them 10\n") {
		t.Errorf("fields: %s", f)
	}
	if again := e.button(guildA, buttons(r)["Refresh"]); embed(again).Description != m.Description || again.Type != discordgo.InteractionResponseUpdateMessage {
		t.Errorf("refresh: %+v", again)
	}
	if msg := e.userError(e.cmds["compare"].Run, compareCmd("1", "1")); !strings.Contains(msg, "yourself") {
		t.Errorf("self: %q", msg)
	}
	if msg := e.userError(e.cmds["compare"].Run, compareCmd("1", "99")); !strings.Contains(msg, "not rated any film in common") {
		t.Errorf("nothing in common: %q", msg)
	}

	div := slash(guildA, "top", opt("sort", "divisive"), opt("min_ratings", 2))
	d := embed(e.run(div)).Description
	if !strings.HasPrefix(d, "1. **C (2000)** — spread ±4.0") || strings.Index(d, "B (2000)") < strings.Index(d, "D (2000)") {
		t.Errorf("divisive: %q", d)
	}
	if d := embed(e.run(slash(guildA, "top", opt("sort", "divisive")))).Description; !strings.HasPrefix(d, "1. **B (2000)** — spread ±0.0") || strings.Count(d, "\n") != 0 {
		t.Errorf("divisive, 3 ratings at least by default: %q", d)
	}
	if msg := e.userError(e.cmds["top"].Run, slash(guildA, "top", opt("sort", "worst"))); !strings.Contains(msg, "best or divisive") {
		t.Errorf("a sort autocomplete never offered: %q", msg)
	}
}

// A member or role option that is not an id, or is missing where it is
// needed, is the user's error in every command that reads one, and
// nothing is stored.
func TestMemberAndRoleOptionsRefuseBadValues(t *testing.T) {
	e := newEnv(t)
	userOpt := func(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionUser, Value: v}
	}
	settings := func(sub_, v string) *discordgo.InteractionCreate {
		i := slash(guildA, "settings", sub("", sub_, &discordgo.ApplicationCommandInteractionDataOption{Name: "role", Type: discordgo.ApplicationCommandOptionRole, Value: v}))
		i.Member.Permissions = discordgo.PermissionManageGuild
		return i
	}
	for what, c := range map[string]struct {
		h    Handler
		i    *discordgo.InteractionCreate
		want string
	}{
		"/compare, no member":            {e.cmds["compare"].Run, slash(guildA, "compare"), "Pick a member"},
		"/compare, not an id":            {e.cmds["compare"].Run, compareCmd("1", "someone"), "That is not a member."},
		"/myratings, not an id":          {e.cmds["myratings"].Run, slash(guildA, "myratings", userOpt("user", "x")), "That is not a member."},
		"/watchlist show, not an id":     {e.cmds["watchlist"].Run, watchCmd(guildA, "7", "show", userOpt("member", "-1")), "That is not a member."},
		"/settings mod-role, not an id":  {e.cmds["settings"].Run, settings("mod-role", "mods"), "That is not a role."},
		"/settings host-role, not an id": {e.cmds["settings"].Run, settings("host-role", "hosts"), "That is not a role."},
		"/settings mod-role, @everyone":  {e.cmds["settings"].Run, settings("mod-role", guildA), "@everyone cannot be the moderator role"},
	} {
		if got := e.userError(c.h, c.i); !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", what, got, c.want)
		}
	}
	if s, _ := e.db.Settings(context.Background(), 111); s.ModRole != "" || s.HostRole != "" {
		t.Errorf("a refused role was stored: %+v", s)
	}
}

// A null in a command's option list (which decodes as a nil option) is
// passed over, in commands, subcommands and autocomplete alike.
func TestNilOptionsArePassedOver(t *testing.T) {
	e := newEnv(t)
	withNil := func(i *discordgo.InteractionCreate) *discordgo.InteractionCreate {
		d := i.ApplicationCommandData()
		d.Options = append([]*discordgo.ApplicationCommandInteractionDataOption{nil}, d.Options...)
		i.Data = d
		return i
	}
	if resp := e.run(withNil(slash(guildA, "review", opt("film", "anora"), opt("excerpt", 2.0)))); !strings.Contains(embed(resp).Footer.Text, "Excerpt 2 of") {
		t.Errorf("/review with a nil option: %+v", embed(resp).Footer)
	}
	if resp, err := e.check(e.cmds["review"].Autocomplete, withNil(auto(guildA, "review", focus(opt("film", "anor"))))); err != nil || len(resp.Data.Choices) == 0 {
		t.Errorf("autocomplete with a nil option: %+v %v", resp, err)
	}
	if msg := e.userError(e.cmds["review"].Run, withNil(slash(guildA, "review"))); !strings.Contains(msg, "Name a film") {
		t.Errorf("/review with only a nil option: %q", msg)
	}
}

// A film is on one side at most: agreed on within 1 point, disagreed on
// from 3 points apart, neither in between; with few films in common a
// 7-point gap is never listed as agreement.
func TestCompareSides(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rate := func(title string, mine, theirs int) {
		f, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: title, Year: 2015})
		if err != nil {
			t.Fatal(err)
		}
		e.db.Rate(ctx, 111, f.ID, 1, mine)
		e.db.Rate(ctx, 111, f.ID, 2, theirs)
	}
	rate("Tangerine", 2, 9)
	f := fieldText(embed(e.run(compareCmd("1", "2"))))
	if want := "Agree most (1 point apart or less)\nNo film: your scores are never within 1 point.\nDisagree most (3 points apart or more)\n**Tangerine (2015)** — you 2, them 9\n"; f != want {
		t.Errorf("one film 7 apart:\n%s\nwant\n%s", f, want)
	}
	rate("Close", 6, 8) // 2 apart: neither
	rate("Same", 7, 7)
	f = fieldText(embed(e.run(compareCmd("1", "2"))))
	if strings.Contains(f, "Close") || strings.Count(f, "Tangerine") != 1 || strings.Count(f, "Same") != 1 || strings.Index(f, "Same") > strings.Index(f, "Disagree") {
		t.Errorf("three films:\n%s", f)
	}

	var many []shared
	for k := range 20 {
		many = append(many, shared{uint64(k), 5, 5 + k%5}) // 0 to 4 apart
	}
	agree, disagree := sides(many)
	if len(agree) != 5 || len(disagree) != 5 {
		t.Fatalf("%d agree, %d disagree; want 5 each", len(agree), len(disagree))
	}
	seen := map[uint64]bool{}
	for _, x := range append(agree, disagree...) {
		if seen[x.film] {
			t.Errorf("film %d on both sides", x.film)
		}
		seen[x.film] = true
	}
	if d := agree[len(agree)-1]; absInt(d.mine-d.theirs) > 1 {
		t.Errorf("agreed on %d points apart", absInt(d.mine-d.theirs))
	}
	if d := disagree[0]; absInt(d.mine-d.theirs) != 4 {
		t.Errorf("disagreed on most: %d apart, want 4", absInt(d.mine-d.theirs))
	}
}
