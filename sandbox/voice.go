package sandbox

import (
	"errors"
	"fmt"
	"slices"

	"github.com/bwmarrin/discordgo"
)

// SetVoice puts user in voice channel channel of guild ("" takes them out
// of voice), as a member joining, moving or leaving: the bot hears a
// VOICE_STATE_UPDATE on the server's shard (and each GUILD_CREATE after
// carries the server's voice states). Only a voice channel of the server
// will do.
func (s *Server) SetVoice(guild, user, channel string) error {
	if user == "" {
		return errors.New("sandbox: which member? (user)")
	}
	s.mu.Lock()
	g := s.guildLocked(guild)
	if g == nil {
		s.mu.Unlock()
		return fmt.Errorf("sandbox: no server %s", guild)
	}
	if channel != "" && !slices.ContainsFunc(g.Channels, func(c Channel) bool {
		return c.ID == channel && (c.Type == discordgo.ChannelTypeGuildVoice || c.Type == discordgo.ChannelTypeGuildStageVoice)
	}) {
		s.mu.Unlock()
		return fmt.Errorf("sandbox: %s is not a voice channel of server %s", channel, guild)
	}
	if s.voice == nil {
		s.voice = map[string]map[string]string{}
	}
	if s.voice[guild] == nil {
		s.voice[guild] = map[string]string{}
	}
	if channel == "" {
		delete(s.voice[guild], user)
	} else {
		s.voice[guild][user] = channel
	}
	s.notify()
	s.mu.Unlock()
	var ch any
	if channel != "" {
		ch = channel
	}
	err := s.gw.dispatch("VOICE_STATE_UPDATE", map[string]any{"guild_id": guild, "channel_id": ch, "user_id": user,
		"session_id": "sandbox-voice-" + user, "deaf": false, "mute": false, "self_deaf": false, "self_mute": false,
		"self_video": false, "suppress": false, "request_to_speak_timestamp": nil}, guild, nil)
	if errors.Is(err, errNoBot) {
		return nil // the next GUILD_CREATE carries it
	}
	return err
}

// Voice is the voice channel user is in, in guild ("" for none).
func (s *Server) Voice(guild, user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.voice[guild][user]
}

// voiceJSON is who is in which voice channel, by server then member (GET
// /_sandbox/info).
func (s *Server) voiceJSON() map[string]map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string]string{}
	for g, states := range s.voice {
		out[g] = map[string]string{}
		for u, c := range states {
			out[g][u] = c
		}
	}
	return out
}

// voiceStates are guild's voice states as GUILD_CREATE carries them.
func (s *Server) voiceStates(guild string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for user, ch := range s.voice[guild] {
		out = append(out, map[string]any{"channel_id": ch, "user_id": user, "session_id": "sandbox-voice-" + user,
			"deaf": false, "mute": false, "self_deaf": false, "self_mute": false, "self_video": false, "suppress": false})
	}
	return out
}
