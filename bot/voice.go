package bot

import (
	"slices"
	"sync"

	"github.com/bwmarrin/discordgo"
)

// Voices is who is in which voice channel, per server, as the gateway
// tells it (intent GUILD_VOICE_STATES): each server's voice states come
// whole in its GUILD_CREATE, then one VOICE_STATE_UPDATE per join, move
// or leave. It lives in memory: a process learns it again from the
// GUILD_CREATE of each connection. Bots are left out (a music bot is no
// one to recommend to). It is safe for concurrent use.
type Voices struct {
	mu     sync.RWMutex
	guilds map[string]map[string]string // server → member → voice channel
}

// NewVoices returns an empty Voices; Run feeds it when Config.Voices is set.
func NewVoices() *Voices { return &Voices{guilds: map[string]map[string]string{}} }

// Channel is the voice channel member is in, in guild; "" for none.
func (v *Voices) Channel(guild, member string) string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.guilds[guild][member]
}

// Members lists the members in voice channel channel of guild, by id.
func (v *Voices) Members(guild, channel string) []string {
	v.mu.RLock()
	var out []string
	for m, c := range v.guilds[guild] {
		if c == channel {
			out = append(out, m)
		}
	}
	v.mu.RUnlock()
	slices.Sort(out)
	return out
}

// GuildCreate replaces what is known of g's voice channels with its
// voice states.
func (v *Voices) GuildCreate(g *discordgo.Guild) {
	if g == nil || g.ID == "" {
		return
	}
	states := map[string]string{}
	for _, s := range g.VoiceStates {
		if s != nil && s.UserID != "" && s.ChannelID != "" && !isBot(s) {
			states[s.UserID] = s.ChannelID
		}
	}
	v.mu.Lock()
	if len(states) == 0 {
		// Most servers have nobody in voice: kept, an empty map per
		// server is memory for every server the process serves.
		delete(v.guilds, g.ID)
	} else {
		v.guilds[g.ID] = states
	}
	v.mu.Unlock()
}

// GuildDelete forgets g (the bot left it, or it is unavailable: what
// its voice channels hold is unknown until its next GUILD_CREATE).
func (v *Voices) GuildDelete(g *discordgo.Guild) {
	if g == nil {
		return
	}
	v.mu.Lock()
	delete(v.guilds, g.ID)
	v.mu.Unlock()
}

// Update applies one VOICE_STATE_UPDATE: a member joined, moved or left
// (no channel).
func (v *Voices) Update(s *discordgo.VoiceState) {
	if s == nil || s.GuildID == "" || s.UserID == "" || isBot(s) {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	states := v.guilds[s.GuildID]
	if states == nil {
		states = map[string]string{}
		v.guilds[s.GuildID] = states
	}
	if s.ChannelID == "" {
		delete(states, s.UserID)
		if len(states) == 0 {
			delete(v.guilds, s.GuildID)
		}
		return
	}
	states[s.UserID] = s.ChannelID
}

func isBot(s *discordgo.VoiceState) bool {
	return s.Member != nil && s.Member.User != nil && s.Member.User.Bot
}

// attach feeds v from sh's gateway events.
func (v *Voices) attach(sh *discordgo.Session) {
	sh.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { v.GuildCreate(g.Guild) })
	sh.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildDelete) { v.GuildDelete(g.Guild) })
	sh.AddHandler(func(_ *discordgo.Session, u *discordgo.VoiceStateUpdate) { v.Update(u.VoiceState) })
}
