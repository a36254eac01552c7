package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is a guild scheduled event the bot created.
type Event struct {
	ID          string     `json:"id"`
	GuildID     string     `json:"guild_id"`
	ChannelID   string     `json:"channel_id,omitempty"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Start       time.Time  `json:"scheduled_start_time"`
	End         *time.Time `json:"scheduled_end_time,omitempty"`
	Privacy     int        `json:"privacy_level"`
	Status      int        `json:"status"`
	EntityType  int        `json:"entity_type"`
	Location    string     `json:"-"`
}

func (e *Event) wire() map[string]any {
	out := map[string]any{"id": e.ID, "guild_id": e.GuildID, "name": e.Name, "description": e.Description,
		"scheduled_start_time": e.Start.UTC().Format(time.RFC3339), "privacy_level": e.Privacy, "status": e.Status,
		"entity_type": e.EntityType, "channel_id": nil, "entity_metadata": nil, "scheduled_end_time": nil}
	if e.ChannelID != "" {
		out["channel_id"] = e.ChannelID
	}
	if e.End != nil {
		out["scheduled_end_time"] = e.End.UTC().Format(time.RFC3339)
	}
	if e.Location != "" {
		out["entity_metadata"] = map[string]any{"location": e.Location}
	}
	return out
}

// Events lists the scheduled events of a server.
func (s *Server) Events(guild string) []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Event
	for _, e := range s.events {
		if e.GuildID == guild {
			out = append(out, *e)
		}
	}
	slices.SortFunc(out, func(a, b Event) int { return a.Start.Compare(b.Start) })
	return out
}

// eventsJSON lists every server's events as Discord shows them.
func (s *Server) eventsJSON() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, e := range s.events {
		out = append(out, e.wire())
	}
	slices.SortFunc(out, func(a, b map[string]any) int {
		return strings.Compare(a["scheduled_start_time"].(string), b["scheduled_start_time"].(string))
	})
	return out
}

// DeleteEvent removes an event as a member with Manage Events would by
// hand in Discord.
func (s *Server) DeleteEvent(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.events, id)
	s.notify()
}

// guildLocked is a server the bot is in, or nil.
func (s *Server) guildLocked(id string) *Guild {
	if k, ok := s.guildAt[id]; ok {
		return &s.opts.Guilds[k]
	}
	return nil
}

type eventBody struct {
	ChannelID      *string `json:"channel_id"`
	Name           *string `json:"name"`
	Description    *string `json:"description"`
	Start          *string `json:"scheduled_start_time"`
	End            *string `json:"scheduled_end_time"`
	Privacy        *int    `json:"privacy_level"`
	EntityType     *int    `json:"entity_type"`
	Status         *int    `json:"status"`
	EntityMetadata *struct {
		Location string `json:"location"`
	} `json:"entity_metadata"`
}

// apply checks the fields sent and writes them on e; it returns why
// Discord would refuse them.
func (b *eventBody) apply(s *Server, e *Event, now time.Time) error {
	if b.Name != nil {
		if n := utf8.RuneCountInString(*b.Name); n < 1 || n > maxEventName {
			return fmt.Errorf("event name is %d characters, limit 1-%d", n, maxEventName)
		}
		e.Name = *b.Name
	}
	if b.Description != nil {
		if utf8.RuneCountInString(*b.Description) > maxEventDescLength {
			return fmt.Errorf("event description over %d characters", maxEventDescLength)
		}
		e.Description = *b.Description
	}
	if b.Privacy != nil {
		e.Privacy = *b.Privacy
	}
	if b.EntityType != nil {
		e.EntityType = *b.EntityType
	}
	if b.ChannelID != nil {
		e.ChannelID = *b.ChannelID
	}
	if b.EntityMetadata != nil {
		e.Location = b.EntityMetadata.Location
	}
	if b.Start != nil {
		t, err := time.Parse(time.RFC3339, *b.Start)
		if err != nil {
			return fmt.Errorf("scheduled_start_time %q is not ISO 8601", *b.Start)
		}
		if e.Status == eventScheduled && !t.After(now) {
			return fmt.Errorf("scheduled_start_time %s is in the past", *b.Start)
		}
		e.Start = t
	}
	if b.End != nil {
		t, err := time.Parse(time.RFC3339, *b.End)
		if err != nil {
			return fmt.Errorf("scheduled_end_time %q is not ISO 8601", *b.End)
		}
		e.End = &t
	}
	if e.Privacy != 2 {
		return fmt.Errorf("privacy_level %d: only 2 (guild only)", e.Privacy)
	}
	switch e.EntityType {
	case 1, 2: // stage, voice
		c, ok := s.channels[e.ChannelID]
		if !ok || c.GuildID != e.GuildID {
			return fmt.Errorf("entity_type %d needs a channel_id of this server", e.EntityType)
		}
	case 3: // external
		if e.Location == "" || e.End == nil {
			return fmt.Errorf("an external event needs entity_metadata.location and scheduled_end_time")
		}
	default:
		return fmt.Errorf("entity_type %d", e.EntityType)
	}
	if e.End != nil && !e.End.After(e.Start) {
		return fmt.Errorf("scheduled_end_time is not after scheduled_start_time")
	}
	return nil
}

func readEvent(w http.ResponseWriter, r *http.Request) (*eventBody, bool) {
	var b eventBody
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(data, &b) != nil {
		apiError(w, 400, 50109, "The request body contains invalid JSON.")
		return nil, false
	}
	return &b, true
}

// eventGuildLocked checks that the bot may manage events in the path's
// server.
func (s *Server) eventGuildLocked(w http.ResponseWriter, r *http.Request) *Guild {
	g := s.guildLocked(r.PathValue("guild"))
	if g == nil {
		apiError(w, 404, 10004, "Unknown Guild")
		return nil
	}
	if g.BotDenied&(permCreateEvents|permManageEvents) == permCreateEvents|permManageEvents {
		apiError(w, 403, 50013, "Missing Permissions")
		return nil
	}
	return g
}

func (s *Server) createEvent(w http.ResponseWriter, r *http.Request) {
	b, ok := readEvent(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.eventGuildLocked(w, r)
	if g == nil {
		return
	}
	if b.Name == nil || b.Start == nil || b.EntityType == nil || b.Privacy == nil {
		s.refuseLocked(w, "", "scheduled event refused: ", fmt.Errorf("name, scheduled_start_time, entity_type and privacy_level are required"))
		return
	}
	e := &Event{ID: s.newID(), GuildID: g.ID, Status: eventScheduled}
	if err := b.apply(s, e, time.Now()); err != nil {
		s.refuseLocked(w, "", "scheduled event refused: ", err)
		return
	}
	s.events[e.ID] = e
	s.notify()
	writeJSON(w, 200, e.wire())
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eventGuildLocked(w, r) == nil {
		return
	}
	out := []map[string]any{}
	for _, e := range s.events {
		if e.GuildID == r.PathValue("guild") {
			out = append(out, e.wire())
		}
	}
	writeJSON(w, 200, out)
}

func (s *Server) eventLocked(w http.ResponseWriter, r *http.Request) *Event {
	if s.eventGuildLocked(w, r) == nil {
		return nil
	}
	e, ok := s.events[r.PathValue("event")]
	if !ok || e.GuildID != r.PathValue("guild") {
		apiError(w, 404, 10070, "Unknown Guild Scheduled Event")
		return nil
	}
	return e
}

func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.eventLocked(w, r); e != nil {
		writeJSON(w, 200, e.wire())
	}
}

// modifyEvent changes an event; its status moves only as Discord allows:
// scheduled → active or canceled, active → completed.
func (s *Server) modifyEvent(w http.ResponseWriter, r *http.Request) {
	b, ok := readEvent(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.eventLocked(w, r)
	if e == nil {
		return
	}
	c := *e
	if b.Status != nil && *b.Status != c.Status {
		allowed := map[int][]int{eventScheduled: {eventActive, eventCanceled}, eventActive: {eventCompleted}}
		if !slices.Contains(allowed[c.Status], *b.Status) {
			s.refuseLocked(w, "", "scheduled event refused: ", fmt.Errorf("status %d cannot become %d", c.Status, *b.Status))
			return
		}
		c.Status = *b.Status
	}
	if err := b.apply(s, &c, time.Now()); err != nil {
		s.refuseLocked(w, "", "scheduled event refused: ", err)
		return
	}
	*e = c
	s.notify()
	writeJSON(w, 200, e.wire())
}

func (s *Server) deleteEvent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.eventLocked(w, r); e != nil {
		delete(s.events, e.ID)
		s.notify()
		w.WriteHeader(http.StatusNoContent)
	}
}
