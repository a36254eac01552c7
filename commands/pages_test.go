package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

// One helper pages every list: page p of the items, rows joined by line
// breaks and numbered across pages, and the Previous / Page / Next row
// whose custom_ids are kind:page:id:n (kind:noop:id:n for the page
// number): old messages in members' clients carry these ids.
func TestListPages(t *testing.T) {
	items := make([]int, 25)
	for k := range items {
		items[k] = k
	}
	l := list[int]{kind: "k", id: 7, per: 10,
		row: func(k, x int, _ func(uint64) string) string { return fmt.Sprintf("%d=%d", k+1, x) },
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Description: rows, Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("page %d of %d", p, pages)}}
		}}
	for p, want := range map[int]struct {
		first, last string
		buttons     []string
	}{
		1: {"1=0", "10=9", []string{"◀ Previous k:page:7:0 off", "Page 1 of 3 k:noop:7:1 off", "Next ▶ k:page:7:2 on"}},
		2: {"11=10", "20=19", []string{"◀ Previous k:page:7:1 on", "Page 2 of 3 k:noop:7:2 off", "Next ▶ k:page:7:3 on"}},
		3: {"21=20", "25=24", []string{"◀ Previous k:page:7:2 on", "Page 3 of 3 k:noop:7:3 off", "Next ▶ k:page:7:4 off"}},
	} {
		em, rows, err := listView(l, items, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(em.Description, "\n")
		if lines[0] != want.first || lines[len(lines)-1] != want.last || em.Footer.Text != fmt.Sprintf("page %d of 3", p) {
			t.Errorf("page %d: %q, %q", p, em.Description, em.Footer.Text)
		}
		var got []string
		for _, c := range rows[0].(discordgo.ActionsRow).Components {
			b := c.(discordgo.Button)
			got = append(got, fmt.Sprintf("%s %s %s", b.Label, b.CustomID, map[bool]string{true: "off", false: "on"}[b.Disabled]))
		}
		if strings.Join(got, "|") != strings.Join(want.buttons, "|") {
			t.Errorf("page %d: buttons %q, want %q", p, got, want.buttons)
		}
	}
	e := newEnv(t)
	own := false // the list's own "gone" message
	gone := func(l list[int], p int) string {
		return e.userError(func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			if own {
				l.gone = english().S(msgCastPageGone)
			}
			_, _, err := listView(l, items, p, nil)
			return nil, err
		}, nil)
	}
	for _, p := range []int{0, 4} {
		if msg := gone(l, p); msg != "That page no longer exists." {
			t.Errorf("page %d: %q", p, msg)
		}
	}
	own = true
	if msg := gone(l, 9); msg != "That page of the cast no longer exists." {
		t.Errorf("page 9: %q", msg)
	}
	if _, rows, err := listView(l, items[:10], 1, nil); err != nil || rows != nil {
		t.Errorf("one page: buttons %v, %v", rows, err)
	}
}

// The lists' pages through their buttons: most wanted's buttons carry
// the list's id 0, and a page gone from the cast or a whole review says
// which.
func TestListButtons(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for k := range 11 {
		f, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Film " + strconv.Itoa(k), Year: 2000 + k})
		if err != nil {
			t.Fatal(err)
		}
		e.db.WatchlistAdd(ctx, 111, 1, f.ID)
	}
	r := e.run(slash(guildA, "watchlist", &discordgo.ApplicationCommandInteractionDataOption{Name: "server", Type: discordgo.ApplicationCommandOptionSubCommand}))
	if got := buttons(r)["Next ▶"]; got != "wanted:page:0:2" {
		t.Fatalf("most wanted's Next: %q", got)
	}
	r = e.button(guildA, "wanted:page:0:2")
	if !strings.HasPrefix(embed(r).Description, "11. **") || buttons(r)["◀ Previous"] != "wanted:page:0:1" {
		t.Errorf("most wanted, page 2: %q, %v", embed(r).Description, buttons(r))
	}
	if msg := e.userError(e.set.Components()["wanted"], click(guildA, "wanted:page:0:3")); msg != "That page no longer exists." {
		t.Errorf("most wanted, page 3: %q", msg)
	}
	if msg := e.userError(e.set.Components()["cast"], click(guildA, fmt.Sprintf("cast:page:%d:9", e.anora.ID))); msg != "That page of the cast no longer exists." {
		t.Errorf("cast, page 9: %q", msg)
	}
	revs, err := e.db.Reviews(ctx, 111, e.anora.ID)
	if err != nil || len(revs) == 0 {
		t.Fatal(revs, err)
	}
	if msg := e.userError(e.set.Components()["rev"], click(guildA, fmt.Sprintf("rev:page:%d:99", revs[0].ID))); msg != "That page of the review no longer exists." {
		t.Errorf("review, page 99: %q", msg)
	}
}
