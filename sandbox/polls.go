package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits on polls.
const (
	maxPollAnswers     = 10
	maxPollQuestion    = 300
	maxPollAnswerText  = 55
	maxPollDuration    = 768 // hours (32 days)
	defaultPollHours   = 24
	permSendPolls      = int64(1) << 49
	permCreateEvents   = int64(1) << 44
	permManageEvents   = int64(1) << 33
	eventScheduled     = 1
	eventActive        = 2
	eventCompleted     = 3
	eventCanceled      = 4
	maxEventName       = 100
	maxEventDescLength = 1000
)

// Poll is a poll on a message and its votes.
type Poll struct {
	Question  string
	Answers   []string // answer id n is Answers[n-1]
	Multi     bool
	Expiry    time.Time
	Finalized bool             // ended early, or read after its expiry
	Votes     map[string][]int // member → answer ids
	// Host is the member whose command the poll was posted for (the host
	// of a movie night), who may end it early: in Discord the poll's
	// author may, and here the author is the bot.
	Host string
}

func newPoll(p *discordgo.Poll, now time.Time) (*Poll, error) {
	q := p.Question.Text
	switch {
	case q == "" || utf8.RuneCountInString(q) > maxPollQuestion:
		return nil, fmt.Errorf("poll question is %d characters, limit 1-%d", utf8.RuneCountInString(q), maxPollQuestion)
	case len(p.Answers) < 1 || len(p.Answers) > maxPollAnswers:
		return nil, fmt.Errorf("poll has %d answers, limit 1-%d", len(p.Answers), maxPollAnswers)
	case p.Duration < 0 || p.Duration > maxPollDuration:
		return nil, fmt.Errorf("poll duration %d hours, limit 1-%d", p.Duration, maxPollDuration)
	case p.LayoutType != 0 && p.LayoutType != discordgo.PollLayoutTypeDefault:
		return nil, fmt.Errorf("poll layout_type %d", p.LayoutType)
	}
	out := &Poll{Question: q, Multi: p.AllowMultiselect, Votes: map[string][]int{}}
	for n, a := range p.Answers {
		if a.Media == nil || a.Media.Text == "" || utf8.RuneCountInString(a.Media.Text) > maxPollAnswerText {
			return nil, fmt.Errorf("poll answer %d: text of 1-%d characters", n+1, maxPollAnswerText)
		}
		out.Answers = append(out.Answers, a.Media.Text)
	}
	hours := p.Duration
	if hours == 0 {
		hours = defaultPollHours
	}
	out.Expiry = now.Add(time.Duration(hours) * time.Hour)
	return out, nil
}

// closed reports whether the poll takes no more votes.
func (p *Poll) closed(now time.Time) bool { return p.Finalized || !now.Before(p.Expiry) }

// Counts are the votes per answer id.
func (p *Poll) Counts() map[int]int {
	out := map[int]int{}
	for _, ids := range p.Votes {
		for _, id := range ids {
			out[id]++
		}
	}
	return out
}

func (p *Poll) wire(now time.Time) map[string]any {
	var answers []map[string]any
	var counts []map[string]any
	c := p.Counts()
	for n, a := range p.Answers {
		answers = append(answers, map[string]any{"answer_id": n + 1, "poll_media": map[string]any{"text": a}})
		counts = append(counts, map[string]any{"id": n + 1, "count": c[n+1], "me_voted": false})
	}
	return map[string]any{
		"question": map[string]any{"text": p.Question}, "answers": answers, "allow_multiselect": p.Multi,
		"layout_type": 1, "expiry": p.Expiry.UTC().Format(time.RFC3339Nano),
		"results": map[string]any{"is_finalized": p.closed(now), "answer_counts": counts},
	}
}

// Vote records m's vote on the poll of message msgID, replacing their
// earlier vote, as Discord's client does; a closed poll, an answer that
// is not there, several answers on a single-choice poll and a member of
// another server are refused.
func (s *Server) Vote(m Member, msgID string, answers ...int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg, ok := s.messages[msgID]
	switch {
	case !ok || msg.Poll == nil:
		return fmt.Errorf("sandbox: message %s has no poll", msgID)
	case msg.GuildID != m.GuildID:
		return errors.New("sandbox: the member cannot see that channel")
	case msg.Poll.closed(time.Now()):
		return errors.New("sandbox: the poll has ended")
	case len(answers) == 0:
		delete(msg.Poll.Votes, m.UserID) // a vote taken back
		s.notify()
		return nil
	case len(answers) > 1 && !msg.Poll.Multi:
		return errors.New("sandbox: one answer only on this poll")
	}
	for _, a := range answers {
		if a < 1 || a > len(msg.Poll.Answers) {
			return fmt.Errorf("sandbox: the poll has no answer %d", a)
		}
	}
	slices.Sort(answers)
	msg.Poll.Votes[m.UserID] = slices.Compact(answers)
	s.notify()
	return nil
}

// ExpirePoll ends a poll now, as its expiry passing does.
func (s *Server) ExpirePoll(msgID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg, ok := s.messages[msgID]
	if !ok || msg.Poll == nil {
		return fmt.Errorf("sandbox: message %s has no poll", msgID)
	}
	msg.Poll.Expiry = time.Now()
	s.notify()
	return nil
}

// EndPoll ends the poll of message msgID now, as its author may in
// Discord, for m, who must be its host.
func (s *Server) EndPoll(m Member, msgID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg, ok := s.messages[msgID]
	switch {
	case !ok || msg.Poll == nil:
		return fmt.Errorf("sandbox: message %s has no poll", msgID)
	case msg.Poll.closed(time.Now()):
		return errors.New("sandbox: the poll has ended")
	case msg.Poll.Host == "" || msg.Poll.Host != m.UserID:
		return errors.New("sandbox: only the poll's host can end it early")
	}
	msg.Poll.Finalized = true
	msg.Edits++
	s.notify()
	return nil
}

// hostLocked is who a poll posted now in guild is for: the member whose
// command there the bot is still answering (/movienight plan posts its
// poll before it answers). Callers hold s.mu.
func (s *Server) hostLocked(guild string) string {
	for k := len(s.order) - 1; k >= 0 && k >= len(s.order)-100; k-- {
		ix := s.order[k]
		if ix != nil && ix.Type == discordgo.InteractionApplicationCommand && ix.Member.GuildID == guild && !ix.answered {
			return ix.Member.UserID
		}
	}
	return ""
}

// expirePoll is POST /channels/{c}/polls/{m}/expire: the bot ends its own
// poll early.
func (s *Server) expirePoll(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.channelMessageLocked(w, r)
	if m == nil {
		return
	}
	if m.Poll == nil {
		apiError(w, 400, 520001, "This message has no poll")
		return
	}
	if m.Poll.closed(time.Now()) {
		apiError(w, 400, 520000, "Poll expired")
		return
	}
	m.Poll.Finalized = true
	s.notify()
	writeJSON(w, 200, m.wire(s))
}

// pollVoters is GET /channels/{c}/polls/{m}/answers/{a}.
func (s *Server) pollVoters(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.channelMessageLocked(w, r)
	if m == nil {
		return
	}
	a, err := strconv.Atoi(r.PathValue("answer"))
	if m.Poll == nil || err != nil || a < 1 || a > len(m.Poll.Answers) {
		apiError(w, 404, 10008, "Unknown answer")
		return
	}
	users := []map[string]any{}
	for u, ids := range m.Poll.Votes {
		if slices.Contains(ids, a) {
			users = append(users, map[string]any{"id": u, "username": u, "discriminator": "0"})
		}
	}
	writeJSON(w, 200, map[string]any{"users": users})
}
