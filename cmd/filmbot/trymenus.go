package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// menuInteraction is the interaction of a right-click command for
// filmbot try, shaped as Discord sends it: a message command on a message
// whose content is text (id target, "1" when not given), in
// data.resolved.messages; a user command on member target, in
// data.resolved.users (and members, in a server). name is the command's
// name, or its name in loc.
func menuInteraction(defs []*discordgo.ApplicationCommand, kind discordgo.ApplicationCommandType, name, target, text, guild, loc string) (*discordgo.Interaction, error) {
	var def *discordgo.ApplicationCommand
	var names []string
	for _, d := range defs {
		if d.Type != kind {
			continue
		}
		names = append(names, strconv.Quote(d.Name))
		if d.Name == name || (loc != "" && d.NameLocalizations != nil && (*d.NameLocalizations)[discordgo.Locale(loc)] == name) {
			def = d
		}
	}
	what := "--message-command"
	if kind == discordgo.UserApplicationCommand {
		what = "--user-command"
	}
	if def == nil {
		return nil, fmt.Errorf("%s: there is no such command %q. They are: %s", what, name, strings.Join(names, ", "))
	}
	data := discordgo.ApplicationCommandInteractionData{ID: "1", Name: def.Name, CommandType: kind, TargetID: target}
	if kind == discordgo.MessageApplicationCommand {
		if strings.TrimSpace(text) == "" {
			return nil, fmt.Errorf("--message-command: give the message's content with --text")
		}
		if data.TargetID == "" {
			data.TargetID = "1"
		}
		msg := &discordgo.Message{ID: data.TargetID, ChannelID: "1", GuildID: guild, Content: strings.ReplaceAll(text, `\n`, "\n"),
			Author: &discordgo.User{ID: "100000000000000002", Username: "someone"}}
		data.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Messages: map[string]*discordgo.Message{data.TargetID: msg}}
	} else {
		if _, err := strconv.ParseUint(target, 10, 64); err != nil {
			return nil, fmt.Errorf("--user-command: --target is the member's id (a number), not %q", target)
		}
		data.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Users: map[string]*discordgo.User{target: {ID: target, Username: "member"}}}
		if guild != "" {
			data.Resolved.Members = map[string]*discordgo.Member{target: {Roles: []string{}}}
		}
	}
	return &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Data: data}, nil
}
