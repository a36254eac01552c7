package commands

import (
	"context"
	"fmt"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

// call runs h, turning a panic into an error the test reports.
func call(h Handler, i *discordgo.InteractionCreate) (resp *discordgo.InteractionResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(context.Background(), i)
}

// Clicks with custom_ids our buttons never carry, interactions of the
// wrong type, and options of the wrong type get an answer or a user error:
// never a panic, never an internal error.
func TestOddInputNeverPanics(t *testing.T) {
	e := newEnv(t)
	ids := []string{"", ":", "rev", "rev:", "rev:show", "rev:show:1", "rev:show:x:y", "rev:show:1:99999999999999999999",
		"rev:all:1:0", "rev:random:1:-1", "cast:page:1:-5", "cast:page:99:1", "rate:select:1", "rate:remove", "rate:remove:abc",
		"ratings:page:1:1", "top:page:0:0", "mine:page:1:1:1", "modrev:add:1", "modrev:edit:1:2", "modrev:remove:1",
		"modfilm:add", "modfilm:edit:1", "modfilm:remove:1", "modfilm:keep:1", "rev:show:1:2:3:4:5"}
	check := func(what string, h Handler, i *discordgo.InteractionCreate) {
		t.Helper()
		_, err := call(h, i)
		if err != nil && storage.Message(err) == "" {
			t.Errorf("%s: %v", what, err)
		}
	}
	for kind, h := range e.set.Components() {
		for _, id := range ids {
			for _, guild := range []string{guildA, ""} {
				click := interaction(guild, discordgo.InteractionMessageComponent,
					discordgo.MessageComponentInteractionData{CustomID: id, ComponentType: discordgo.SelectMenuComponent})
				submit := interaction(guild, discordgo.InteractionModalSubmit, discordgo.ModalSubmitInteractionData{CustomID: id})
				for _, i := range []*discordgo.InteractionCreate{click, submit} {
					if guild != "" {
						i.Member.Permissions = permManageServer
					}
					check(fmt.Sprintf("%s handler, %v %q in %q", kind, i.Type, id, guild), h, i)
				}
			}
		}
	}
	odd := []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "film", Type: discordgo.ApplicationCommandOptionInteger, Value: float64(3)},
		{Name: "score", Type: discordgo.ApplicationCommandOptionString, Value: "x"},
		{Name: "excerpt", Type: discordgo.ApplicationCommandOptionString, Value: "2"},
		{Name: "user", Type: discordgo.ApplicationCommandOptionString, Value: "abc"},
		{Name: "min_ratings", Type: discordgo.ApplicationCommandOptionInteger, Value: float64(-1e18)},
		{Name: "channel", Type: discordgo.ApplicationCommandOptionString, Value: nil},
	}
	for _, c := range e.set.Commands() {
		for _, guild := range []string{guildA, ""} {
			for _, o := range odd {
				for _, h := range []Handler{c.Run, c.Autocomplete} {
					if h == nil {
						continue
					}
					i := slash(guild, c.Def.Name, o)
					if guild != "" {
						i.Member.Permissions = permManageServer
					}
					check(fmt.Sprintf("/%s %s:%v in %q", c.Def.Name, o.Name, o.Value, guild), h, i)
				}
			}
		}
	}
}
