package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func note(text string) *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{Content: text, Flags: discordgo.MessageFlagsEphemeral,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}}
}

// A handler's follow-ups go out after its answer, in order, and only
// when the answer went out: never after an error.
func TestFollowupsAfterTheAnswer(t *testing.T) {
	var queued []bool
	b, rec, _ := newBot(t, []Command{
		cmd("two", func(ctx context.Context, _ *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			queued = append(queued, Followup(ctx, note("first")), Followup(ctx, note("second")))
			return ok("answer"), nil
		}),
		cmd("fails", func(ctx context.Context, _ *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			Followup(ctx, note("never"))
			return nil, errors.New("boom")
		}),
		cmd("many", func(ctx context.Context, _ *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			for range maxFollowups + 2 {
				queued = append(queued, Followup(ctx, note("x")))
			}
			queued = append(queued, Followup(ctx, note(strings.Repeat("y", 2001)))) // over Discord's limit
			return ok("answer"), nil
		}),
	}, nil)
	b.Handle(slash("two"))
	if r := only(t, rec); r.Data.Content != "answer" {
		t.Fatalf("answer %+v", r.Data)
	}
	if len(rec.followups) != 2 || rec.followups[0].Content != "first" || rec.followups[1].Content != "second" {
		t.Fatalf("follow-ups %+v, queued %v", rec.followups, queued)
	}
	if rec.followups[0].Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatal("the follow-up lost its ephemeral flag")
	}
	rec.responses, rec.followups = nil, nil
	b.Handle(slash("fails"))
	if len(rec.followups) != 0 {
		t.Fatalf("a follow-up went out after a failed handler: %+v", rec.followups)
	}
	rec.responses, queued = nil, nil
	b.Handle(slash("many"))
	if len(rec.followups) != maxFollowups {
		t.Fatalf("%d follow-ups, want at most %d (queued %v)", len(rec.followups), maxFollowups, queued)
	}
	if queued[len(queued)-1] {
		t.Fatal("a follow-up over Discord's limits was queued")
	}
	if Followup(context.Background(), note("outside")) {
		t.Fatal("Followup outside a handler reported true")
	}
}
