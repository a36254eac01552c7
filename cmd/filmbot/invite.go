package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/commands"
)

// runInvite is `filmbot invite [APPLICATION_ID]`: the link that adds the
// bot to a server with every permission its commands need, and the link
// that installs it to a member's own account.
func runInvite(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	usageFor(fs, "invite [APPLICATION_ID]", "Prints the link that adds the bot to a server, with the scopes "+commands.InviteScopes+"\n"+
		"and every permission its commands need, and the link that installs it to a member's own account\n"+
		"(scope "+commands.UserInstallScopes+"). APPLICATION_ID is under https://discord.com/developers/applications\n"+
		"→ your application → General Information; without it, Discord is asked for the application of DISCORD_TOKEN.")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return 2
	}
	id := fs.Arg(0)
	if id == "" {
		if cfg.Token == "" {
			fmt.Fprintln(stderr, "filmbot invite: name the application id (developer portal → your application → General Information → Application ID),\nor set DISCORD_TOKEN and it is asked of Discord")
			return 2
		}
		var code int
		if id, code = applicationID(cfg, stderr); code != 0 {
			return code
		}
	}
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		fmt.Fprintf(stderr, "filmbot invite: %q is not an application id (a number, under General Information → Application ID)\n", id)
		return 2
	}
	fmt.Fprintf(stdout, "Open this link and pick the server to add filmbot to:\n\n  %s\n\nScopes: %s\nPermissions (%d):\n",
		commands.InviteURL(id), commands.InviteScopes, commands.PermissionBits())
	for _, p := range commands.Permissions {
		fmt.Fprintf(stdout, "  %-25s %s\n", p.Name, p.Why)
	}
	fmt.Fprintf(stdout, "\nOr open this link to install filmbot to your own account (/film, /cast, /review, /help and\n"+
		"Films in this message then work in your DMs, group DMs and servers that have not added it):\n\n  %s\n\n"+
		"This link works once User Install is enabled beside Guild Install: developer portal → your application\n"+
		"→ Installation → Installation Contexts.\n", commands.UserInstallURL(id))
	return 0
}

// applicationID asks Discord (or DISCORD_API_URL) whose application
// DISCORD_TOKEN is.
func applicationID(cfg Config, stderr io.Writer) (string, int) {
	log, _ := newLogger(cfg.LogLevel, stderr)
	s, err := bot.NewSession(bot.Config{Token: cfg.Token, APIURL: cfg.APIURL, Logger: log})
	if err != nil {
		fmt.Fprintln(stderr, "filmbot invite:", err)
		return "", 2
	}
	// GET /oauth2/applications/@me, bounded by the session's client timeout.
	app, err := s.Application("@me")
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized {
		fmt.Fprintln(stderr, "filmbot invite:", bot.ErrTokenRejected)
		return "", 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "filmbot invite: asking Discord for the application:", err)
		return "", 1
	}
	return app.ID, 0
}
