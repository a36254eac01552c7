package commands

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
	"github.com/filmbot/filmbot/limits"
)

const testApp = "300"

// asPosted is resp's message as Discord would show it to a message
// command: its JSON decoded back, written by author.
func asPosted(t *testing.T, resp *discordgo.InteractionResponse, author string) *discordgo.Message {
	t.Helper()
	body, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	back, err := limits.DecodeResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	return &discordgo.Message{ID: "77", ChannelID: "5", Author: &discordgo.User{ID: author}, Content: back.Data.Content,
		Embeds: back.Data.Embeds, Components: back.Data.Components}
}

// onMessage is a right-click command on msg.
func onMessage(guild, name string, msg *discordgo.Message) *discordgo.InteractionCreate {
	i := interaction(guild, discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{
		Name: name, CommandType: discordgo.MessageApplicationCommand, TargetID: msg.ID,
		Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Messages: map[string]*discordgo.Message{msg.ID: msg}}})
	i.AppID = testApp
	return i
}

// scoreSubmit is the rating form submitted with score picked, as Discord
// sends it (a label holding the radio group).
func scoreSubmit(guild, customID, score string) *discordgo.InteractionCreate {
	return interaction(guild, discordgo.InteractionModalSubmit, discordgo.ModalSubmitInteractionData{CustomID: customID,
		Components: []discordgo.MessageComponent{&component.Label{ID: 1, Component: &component.RadioGroup{ID: 2, CustomID: "score", Value: score}}}})
}

// radio is the rating form's radio group.
func radio(t *testing.T, r *discordgo.InteractionResponse) component.RadioGroup {
	t.Helper()
	if r.Type != discordgo.InteractionResponseModal || len(r.Data.Components) != 1 {
		t.Fatalf("not the rating form: %+v", r.Data)
	}
	l, ok := r.Data.Components[0].(component.Label)
	if !ok || l.Label != "Your score" || l.Description == "" {
		t.Fatalf("label %+v", r.Data.Components[0])
	}
	return l.Component.(component.RadioGroup)
}

// "Rate this film" on the bot's film card opens a radio group of 1-10
// and saves the rating as /rate does, with /rate's answer.
func TestRateThisFilmOnACard(t *testing.T) {
	e := newEnv(t)
	card := asPosted(t, e.run(slash(guildA, "film", opt("film", "anora"))), testApp)
	form := e.run(onMessage(guildA, "Rate this film", card))
	g := radio(t, form)
	if len(g.Options) != 10 || g.Options[0].Value != "10" || g.Options[9].Value != "1" || !strings.HasPrefix(form.Data.Title, "Rate Anora") {
		t.Fatalf("form %q, options %+v", form.Data.Title, g.Options)
	}
	for _, o := range g.Options {
		if o.Default {
			t.Fatalf("a default before any rating: %+v", o)
		}
	}
	got, err := e.check(e.set.Components()["ratemsg"], scoreSubmit(guildA, form.Data.CustomID, "8"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.db.UserRating(context.Background(), 111, e.anora.ID, 42)
	if err != nil || r.Score != 8 {
		t.Fatalf("stored %+v, %v", r, err)
	}
	want := e.run(slash(guildA, "rate", opt("film", "anora"), opt("score", 8.0)))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("form's answer\n%+v\n/rate's\n%+v", got.Data, want.Data)
	}
	// Opened again, the form shows the member's score.
	for _, o := range radio(t, e.run(onMessage(guildA, "Rate this film", card))).Options {
		if o.Default != (o.Value == "8") {
			t.Fatalf("option %+v", o)
		}
	}
	// Scores Discord would not send, and a film removed since.
	for _, bad := range []string{"", "11", "0", "x"} {
		if msg := e.userError(e.set.Components()["ratemsg"], scoreSubmit(guildA, form.Data.CustomID, bad)); !strings.Contains(msg, "whole number from 1 to 10") {
			t.Errorf("score %q: %q", bad, msg)
		}
	}
	if msg := e.userError(e.set.Components()["ratemsg"], scoreSubmit(guildA, "ratemsg:form:999999", "5")); !strings.Contains(msg, "removed") {
		t.Errorf("gone film: %q", msg)
	}
}

// On the bot's review excerpt, on a member's message that is a film's
// title, and not on a message that names no film.
func TestRateThisFilmOnOtherMessages(t *testing.T) {
	e := newEnv(t)
	excerpt := asPosted(t, e.run(slash(guildA, "review", opt("film", "anora"))), testApp)
	if !strings.HasPrefix(e.run(onMessage(guildA, "Rate this film", excerpt)).Data.Title, "Rate Anora") {
		t.Fatal("no form on the excerpt")
	}
	said := &discordgo.Message{ID: "78", Author: &discordgo.User{ID: "42"}, Content: "anora"}
	if !strings.HasPrefix(e.run(onMessage(guildA, "Rate this film", said)).Data.Title, "Rate Anora") {
		t.Fatal("no form on a title")
	}
	h := e.cmds["Rate this film"].Run
	for _, text := range []string{"", "what a night\nof films", strings.Repeat("long ", 40)} {
		m := &discordgo.Message{ID: "79", Author: &discordgo.User{ID: "42"}, Content: text}
		if msg := e.userError(h, onMessage(guildA, "Rate this film", m)); !strings.Contains(msg, "names no film") {
			t.Errorf("%q: %q", text, msg)
		}
	}
	// A card posted by someone else is read by its text, not its buttons.
	fake := asPosted(t, e.run(slash(guildA, "film", opt("film", "anora"))), "42")
	fake.Embeds = nil
	if msg := e.userError(h, onMessage(guildA, "Rate this film", fake)); !strings.Contains(msg, "names no film") {
		t.Errorf("someone else's card: %q", msg)
	}
	// Ratings live in servers.
	if msg := e.userError(h, onMessage("", "Rate this film", said)); !strings.Contains(msg, "servers") {
		t.Errorf("in a DM: %q", msg)
	}
	if rateMessageDef.Description != "" || rateMessageDef.Type != discordgo.MessageApplicationCommand {
		t.Errorf("definition %+v", rateMessageDef)
	}
}
