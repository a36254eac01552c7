package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/bwmarrin/discordgo"
)

// The state a sandbox keeps in Options.StateFile: what a member would
// find again in Discord after closing the client (messages with their
// polls and votes, threads, scheduled events, the files on messages), and
// the id sequence, so that new ids never repeat old ones. Interactions,
// tokens and violations are not kept: they do not outlive a session in
// Discord either. Ephemeral messages are not kept: Discord's client drops
// them when it restarts.
type savedState struct {
	Version  int               `json:"version"`
	NextID   uint64            `json:"next_id"`
	Messages []savedMessage    `json:"messages"`
	Threads  []Channel         `json:"threads"`
	Events   []savedEvent      `json:"events"`
	Files    map[string][]byte `json:"files"` // "id/name" → bytes, for the attachments of kept messages
	// GuildLocales are the servers' languages set by SetGuildLocale.
	GuildLocales map[string]string `json:"guild_locales,omitempty"`
}

const stateVersion = 1

// savedMessage is a Message with its components as their JSON.
type savedMessage struct {
	*Message
	Components []json.RawMessage `json:"Components"`
}

// savedEvent is an Event with the location its wire form keeps apart.
type savedEvent struct {
	*Event
	Location string `json:"location,omitempty"`
}

// snapshotLocked encodes the state to keep. Callers hold s.mu.
func (s *Server) snapshotLocked() ([]byte, error) {
	st := savedState{Version: stateVersion, NextID: s.idSeq.Load(), Files: map[string][]byte{}, GuildLocales: s.guildLocales}
	for _, m := range s.messages {
		if m.Ephemeral() {
			continue
		}
		sm := savedMessage{Message: m}
		for _, c := range m.Components {
			raw, err := json.Marshal(c)
			if err != nil {
				return nil, err
			}
			sm.Components = append(sm.Components, raw)
		}
		for _, a := range m.Attachments {
			key := a.ID + "/" + a.Filename
			if data, ok := s.files[key]; ok {
				st.Files[key] = data
			}
		}
		st.Messages = append(st.Messages, sm)
	}
	sortSaved(st.Messages)
	for _, c := range s.channels {
		if c.Type == discordgo.ChannelTypeGuildPublicThread {
			st.Threads = append(st.Threads, *c)
		}
	}
	for _, e := range s.events {
		st.Events = append(st.Events, savedEvent{Event: e, Location: e.Location})
	}
	return json.Marshal(st)
}

func sortSaved(ms []savedMessage) {
	plain := make([]*Message, len(ms))
	by := map[*Message]savedMessage{}
	for k, m := range ms {
		plain[k] = m.Message
		by[m.Message] = m
	}
	sortMessages(plain)
	for k, m := range plain {
		ms[k] = by[m]
	}
}

// load reads the state file, if there is one, into a sandbox that has not
// started serving.
func (s *Server) load(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var st savedState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("%s: %w (move it away to start afresh)", path, err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("%s: version %d, this sandbox reads %d (move it away to start afresh)", path, st.Version, stateVersion)
	}
	if st.NextID > s.idSeq.Load() {
		s.idSeq.Store(st.NextID)
	}
	for _, sm := range st.Messages {
		m := sm.Message
		if m == nil || m.ID == "" {
			continue
		}
		m.Components = nil
		for _, raw := range sm.Components {
			c, err := decodeComponent(raw)
			if err != nil {
				return fmt.Errorf("%s: message %s: %w", path, m.ID, err)
			}
			m.Components = append(m.Components, c)
		}
		if m.Poll != nil && m.Poll.Votes == nil {
			m.Poll.Votes = map[string][]int{}
		}
		m.Thinking = false                // the answer it waited for will not come now
		for _, a := range m.Attachments { // served where this sandbox listens now
			a.URL = s.URL + "/attachments/" + a.ID + "/" + a.Filename
			a.ProxyURL = a.URL
		}
		s.messages[m.ID] = m
	}
	for k := range st.Threads {
		c := st.Threads[k]
		s.channels[c.ID] = &c
	}
	for _, se := range st.Events {
		if se.Event == nil {
			continue
		}
		e := se.Event
		e.Location = se.Location
		s.events[e.ID] = e
	}
	for k, v := range st.Files {
		s.files[k] = v
	}
	for g, l := range st.GuildLocales {
		if CheckLocale(l) == nil {
			if s.guildLocales == nil {
				s.guildLocales = map[string]string{}
			}
			s.guildLocales[g] = l
		}
	}
	return nil
}

// save writes the state to path atomically: a temporary file beside it,
// synced, renamed over it. A reader (or a crash) sees the old state or
// the new, never half of one.
func save(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up after a failure
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// saver writes the state after changes until stop is closed, then the
// last change if one is pending (a sandbox that changed nothing leaves the
// file as it found it). Changes that come while it writes are written
// together next.
func (s *Server) saver(stop <-chan struct{}, done chan<- error) {
	var first error
	write := func() {
		s.mu.Lock()
		data, err := s.snapshotLocked()
		s.mu.Unlock()
		if err == nil {
			err = save(s.opts.StateFile, data)
		}
		if err != nil && first == nil {
			first = fmt.Errorf("sandbox: saving %s: %w", s.opts.StateFile, err)
		}
	}
	for {
		select {
		case <-s.dirty:
			write()
		case <-stop:
			select {
			case <-s.dirty: // a change not written yet; else the file is the state
				write()
			default:
			}
			done <- first
			return
		}
	}
}

// Flush writes the state file now (with Options.StateFile).
func (s *Server) Flush() error {
	if s.opts.StateFile == "" {
		return nil
	}
	s.mu.Lock()
	data, err := s.snapshotLocked()
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return save(s.opts.StateFile, data)
}
