package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
)

// Poster posts in channels: the bot implements it with its session. It
// is how a new review is announced and its discussion thread started.
type Poster interface {
	// PostMessage posts in a channel of the server guildID, and refuses a
	// channel of any other server.
	PostMessage(ctx context.Context, guildID, channelID string, embed *discordgo.MessageEmbed) (messageID string, err error)
	StartThread(ctx context.Context, channelID, messageID, name string) (threadID string, err error)
}

// announce posts the new review in the reviews channel (or where the
// moderator is) and starts a discussion thread on it. It reports where.
func (s *Set) announce(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope, film storage.Film, rev storage.Review) string {
	if s.poster == nil {
		return "Members can read it with `/review`."
	}
	channel := i.ChannelID
	if set, err := s.serverSettings.Settings(ctx, scope); err == nil && set.ReviewsChannel != "" {
		channel = set.ReviewsChannel
	}
	first := ""
	for _, e := range rev.Excerpts {
		if !e.Spoiler {
			first = e.Text
			break
		}
	}
	desc := ""
	if rev.PullQuote != "" {
		desc = "> " + markup(nil, storage.Excerpt{Text: strings.Join(strings.Fields(rev.PullQuote), " ")}, maxPullQuote*2) + "\n\n"
	}
	if first != "" {
		desc += markup(nil, storage.Excerpt{Text: first}, 1500)
	} else {
		desc += "*(Every paragraph is a spoiler: read it with /review.)*"
	}
	embed := &discordgo.MessageEmbed{
		Author:      &discordgo.MessageEmbedAuthor{Name: clip("New review by "+rev.Reviewer, limits.Author)},
		Title:       plain(label(film), limits.EmbedTitle),
		Description: desc,
		Footer:      &discordgo.MessageEmbedFooter{Text: clip(fmt.Sprintf("%s · /review film:%s by:%s", plural(len(rev.Excerpts), "excerpt"), film.Title, rev.Reviewer), 300)},
		Color:       colour,
	}
	// The announcement runs on its own clock: a slow Discord must not turn
	// a saved review into "try again" (and a duplicate). It may finish
	// after the answer; then the answer says it is on its way.
	done := make(chan string, 1)
	go func() {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), announceTimeout)
		defer cancel()
		msgID, err := s.poster.PostMessage(actx, i.GuildID, channel, embed)
		if err != nil {
			done <- fmt.Sprintf("It is saved, but announcing it in <#%s> failed (%s): members can still read it with `/review`.", channel, clip(err.Error(), 200))
			return
		}
		thread, err := s.poster.StartThread(actx, channel, msgID, clip(label(film), 100))
		if err != nil {
			done <- fmt.Sprintf("Announced in <#%s>; starting the discussion thread failed (%s).", channel, clip(err.Error(), 200))
			return
		}
		done <- fmt.Sprintf("Announced in <#%s>, with a discussion thread: <#%s>.", channel, thread)
	}()
	wait := announceWait
	if d, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(d)-answerMargin)
	}
	t := time.NewTimer(max(wait, 0))
	defer t.Stop()
	select {
	case where := <-done:
		return where
	case <-t.C:
		return fmt.Sprintf("It is saved. Discord is slow to take the announcement in <#%s>: it is still being posted and should appear shortly. Do not post the review again.", channel)
	}
}

// How long an announcement may take: announceWait before the moderator
// is answered without it (never past the handler's deadline, less
// answerMargin to send the answer), announceTimeout before it is dropped.
var (
	announceWait    = 10 * time.Second
	announceTimeout = time.Minute
	answerMargin    = 2 * time.Second
)
