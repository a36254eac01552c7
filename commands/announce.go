package commands

import (
	"context"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
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

var (
	// The announcement, in the server's language.
	msgAnnounceAuthor   = locale.Text("announce.author", "New review by {{.Reviewer}}")
	msgAnnounceSpoilers = locale.Text("announce.spoilers", "*(Every paragraph is a spoiler: read it with /review.)*")
	msgAnnounceFooter   = locale.Plural("announce.footer", "{{.Count}} excerpt · /review film:{{.Title}} by:{{.Reviewer}}", "{{.Count}} excerpts · /review film:{{.Title}} by:{{.Reviewer}}")
	// What the moderator is told, in theirs.
	msgAnnounceNoPoster = locale.Text("announce.none", "Members can read it with `/review`.")
	msgAnnounceFailed   = locale.Text("announce.failed", "It is saved, but announcing it in <#{{.Channel}}> failed ({{.Error}}): members can still read it with `/review`.")
	msgAnnounceNoThread = locale.Text("announce.thread.failed", "Announced in <#{{.Channel}}>; starting the discussion thread failed ({{.Error}}).")
	msgAnnounceDone     = locale.Text("announce.done", "Announced in <#{{.Channel}}>, with a discussion thread: <#{{.Thread}}>.")
	msgAnnounceSlow     = locale.Text("announce.slow", "It is saved. Discord is slow to take the announcement in <#{{.Channel}}>: it is still being posted and should appear shortly. Do not post the review again.")
)

// announce posts the new review in the reviews channel (or where the
// moderator is) and starts a discussion thread on it, in the server's
// language (its /settings language, else Discord's guild_locale). It
// reports where, in the moderator's language.
func (s *Set) announce(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope, film storage.Film, rev storage.Review) string {
	t := tr(i)
	if s.poster == nil {
		return t.S(msgAnnounceNoPoster)
	}
	channel := i.ChannelID
	set, err := s.serverSettings.Settings(ctx, scope)
	if err == nil && set.ReviewsChannel != "" {
		channel = set.ReviewsChannel
	}
	guild := ""
	if i.GuildLocale != nil {
		guild = string(*i.GuildLocale)
	}
	st := locale.For(serverLocale(set, guild)) // set is zero when unread: the server's own

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
		desc += st.S(msgAnnounceSpoilers)
	}
	embed := &discordgo.MessageEmbed{
		Author:      &discordgo.MessageEmbedAuthor{Name: clip(st.F(msgAnnounceAuthor, "Reviewer", rev.Reviewer), limits.Author)},
		Title:       plain(label(film), limits.EmbedTitle),
		Description: desc,
		Footer:      &discordgo.MessageEmbedFooter{Text: clip(st.N(msgAnnounceFooter, len(rev.Excerpts), "Title", film.Title, "Reviewer", rev.Reviewer), 300)},
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
			done <- t.F(msgAnnounceFailed, "Channel", channel, "Error", clip(err.Error(), 200))
			return
		}
		thread, err := s.poster.StartThread(actx, channel, msgID, clip(label(film), 100))
		if err != nil {
			done <- t.F(msgAnnounceNoThread, "Channel", channel, "Error", clip(err.Error(), 200))
			return
		}
		done <- t.F(msgAnnounceDone, "Channel", channel, "Thread", thread)
	}()
	wait := announceWait
	if d, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(d)-answerMargin)
	}
	timer := time.NewTimer(max(wait, 0))
	defer timer.Stop()
	select {
	case where := <-done:
		return where
	case <-timer.C:
		return t.F(msgAnnounceSlow, "Channel", channel)
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
