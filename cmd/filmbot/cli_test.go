package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/joho/godotenv"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/commands"
	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// Help is asked for in every usual way and answered on stdout with exit
// 0; a wrong flag gets the usage and exit 2, whatever the subcommand.
func TestHelpAndBadFlags(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, out, errs := runMain(t, env(db), args...)
		if code != 0 || !strings.Contains(out, "filmbot try") || !strings.Contains(out, "filmbot backup") || errs != "" {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	for _, args := range [][]string{{"try", "-h"}, {"sandbox", "--help"}, {"bench", "-h"}, {"playground", "-h"}} {
		if code, out, _ := runMain(t, env(db), args...); code != 0 || !strings.Contains(strings.ToLower(out), "usage") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
	for _, args := range [][]string{{"--bogus"}, {"playground", "--bogus"}, {"try", "--bogus", "/film film:anora"}, {"sandbox", "--shards", "0"}} {
		code, out, errs := runMain(t, env(db), args...)
		if code != 2 || strings.Contains(errs, "Usage of") || out != "" {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	if _, _, errs := runMain(t, env(db), "--bogus"); !strings.Contains(errs, "filmbot try") {
		t.Errorf("a bad flag does not show the usage: %s", errs)
	}
}

// An unknown command in try is a usage error that lists the commands.
func TestTryUnknownCommand(t *testing.T) {
	t.Parallel()
	code, _, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db")), "try", "/revue film:anora")
	if code != 2 || !strings.Contains(errs, "no command /revue") || !strings.Contains(errs, "/review") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// try --json prints one JSON document on stdout for every command, with
// notes (a post in a channel, an attached file) on stderr; --files makes
// its folder.
func TestTryJSONIsOneDocument(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	runMain(t, env(db), "try", "--guild", "5", "/rate film:anora score:8")
	out := filepath.Join(dir, "new", "charts")
	for _, args := range [][]string{
		{"try", "--json", "--guild", "5", "--files", out, "/ratings film:anora"},
		{"try", "--json", "--guild", "5", "--mod", "--submit", "modrev:add:1", "--field", "reviewer=Roger", "--field", "text=One.\\n\\nTwo."},
		{"try", "--json", "--autocomplete", "film", "/film film:xqzvw"},
		{"try", "--json", "/help"},
	} {
		code, stdout, errs := runMain(t, env(db), args...)
		var doc any
		dec := json.NewDecoder(strings.NewReader(stdout))
		if err := dec.Decode(&doc); code != 0 || err != nil || dec.More() {
			t.Errorf("%v: exit %d, not one JSON document (%v):\n%s\n%s", args, code, err, stdout, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "ratings.png")); err != nil {
		t.Errorf("--files did not make its folder: %v", err)
	}
	_, stdout, _ := runMain(t, env(db), "try", "--json", "--autocomplete", "film", "/film film:xqzvw")
	if strings.TrimSpace(stdout) != `{"type":8,"data":{"choices":[]}}` {
		t.Errorf("no suggestions: %s", stdout)
	}
}

// A token Discord rejects is said in one line, with what to do.
func TestRejectedToken(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	code, _, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db"), "DISCORD_TOKEN", "not-the-token", "DISCORD_API_URL", sb.URL), "run")
	if code != 1 || !strings.Contains(errs, "DISCORD_TOKEN was rejected") || !strings.Contains(errs, "Reset Token") || strings.Contains(errs, "HTTP 401") {
		t.Errorf("exit %d:\n%s", code, errs)
	}
}

// A bad FILMBOT_DB is named once, with its cause.
func TestBadDatabasePath(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "f.db")
	code, _, errs := runMain(t, env(path), "try", "/film film:anora")
	if code != 1 || strings.Count(errs, path) != 1 || !strings.Contains(errs, "FILMBOT_DB") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// Every subcommand answers -h and --help (and filmbot help SUBCOMMAND)
// with its own usage on stdout and exit 0, touching nothing: no token,
// database or argument is needed to ask. Every subcommand is in the usage
// and every one the usage names is known.
func TestEverySubcommandHelp(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "f.db")
	for _, sub := range subcommands {
		if !strings.Contains(usage, "  filmbot "+sub) {
			t.Errorf("filmbot help does not name %s", sub)
		}
		asks := [][]string{{sub, "-h"}, {sub, "--help"}, {sub, "-help"}}
		if sub != "help" {
			asks = append(asks, []string{"help", sub})
		}
		for _, args := range asks {
			code, out, errs := runMain(t, env(db), args...)
			want := "usage: filmbot " + sub
			if sub == "help" {
				want = "usage:\n  filmbot"
			}
			if code != 0 || errs != "" || !strings.Contains(strings.ToLower(out), want) {
				t.Errorf("%v: exit %d, stdout lacks %q:\n%s%s", args, code, want, out, errs)
			}
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^  filmbot ([a-z]+)`).FindAllStringSubmatch(usage, -1) {
		if !slices.Contains(subcommands, m[1]) {
			t.Errorf("the usage names filmbot %s, which Main does not know", m[1])
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("asking for help opened the database")
	}
	if entries, _ := os.ReadDir("."); len(entries) > 0 {
		t.Errorf("asking for help made files: %v", entries)
	}
	for _, args := range [][]string{{"run", "extra"}, {"run", "--bogus"}, {"copy", "--bogus", "a", "b"}, {"backup", "--bogus", "x.db"}, {"copy", "a"}, {"invite", "1", "2"}} {
		if code, out, _ := runMain(t, env(db), args...); code != 2 || out != "" {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, out)
		}
	}
}

// backup onto a file that exists says so once, plainly, and leaves the
// file as it was.
func TestBackupOntoAnExistingFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, out := filepath.Join(dir, "f.db"), filepath.Join(dir, "taken.db")
	runMain(t, env(db), "try", "--guild", "5", "/rate film:anora score:7")
	os.WriteFile(out, []byte("mine"), 0o600)
	code, stdout, errs := runMain(t, env(db), "backup", out)
	if code != 1 || stdout != "" || strings.Count(errs, "backup:") != 1 || !strings.Contains(errs, out+" already exists") {
		t.Errorf("exit %d: %s%s", code, stdout, errs)
	}
	if b, _ := os.ReadFile(out); string(b) != "mine" {
		t.Errorf("the existing file was changed: %q", b)
	}
}

// After README's setup step (cp .env.example .env), FILMBOT_DB names the
// bot's own database; the playground never opens it, only its own or
// one named by --db on its command line.
func TestPlaygroundNeverUsesTheBotsDatabase(t *testing.T) {
	example, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile(".env", example, 0o600); err != nil {
		t.Fatal(err)
	}
	dotenv, err := godotenv.Read(".env") // as main loads it
	if err != nil {
		t.Fatal(err)
	}
	botDB := dotenv["FILMBOT_DB"]
	if botDB == "" {
		t.Fatal(".env.example no longer sets FILMBOT_DB: this test needs another way to name the bot's database")
	}
	getenv := func(k string) string { return dotenv[k] }
	for _, c := range []struct {
		args []string
		db   string
	}{
		{[]string{"playground", "--listen", "127.0.0.1:0"}, "filmbot-playground.db"},
		{[]string{"--listen", "127.0.0.1:0"}, "filmbot-playground.db"}, // no token: the playground
		{[]string{"playground", "--listen", "127.0.0.1:0", "--db", "mine.db"}, "mine.db"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errs syncBuffer
		done := make(chan int)
		go func() { done <- Main(ctx, c.args, getenv, &out, &errs) }()
		if !eventually(10*time.Second, func() bool { return strings.Contains(out.String(), "open http://") }) {
			cancel()
			<-done
			t.Fatalf("%v: no invitation:\n%s\n%s", c.args, out.String(), errs.String())
		}
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, code, errs.String())
		}
		if _, err := os.Stat(botDB); err == nil {
			t.Fatalf("%v: the playground made the bot's %s:\n%s", c.args, botDB, errs.String())
		}
		if _, err := os.Stat(c.db); err != nil || !strings.Contains(out.String(), "saved in "+c.db) {
			t.Errorf("%v: not in %s (%v):\n%s", c.args, c.db, err, out.String())
		}
		if strings.Contains(out.String()+errs.String(), "db="+botDB) {
			t.Errorf("%v: logs the bot's database as its own:\n%s", c.args, errs.String())
		}
	}
}

// filmbot invite prints the link with every permission, for an id given
// or the application of DISCORD_TOKEN; a bad id or a refused token says
// so.
func TestInviteCommand(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	code, out, errs := runMain(t, env(db), "invite", "123456789012345678")
	if code != 0 || !strings.Contains(out, commands.InviteURL("123456789012345678")) || !strings.Contains(out, "Send Polls") || !strings.Contains(out, "Create Events") ||
		!strings.Contains(out, "https://discord.com/oauth2/authorize?client_id=123456789012345678&integration_type=1&scope=applications.commands") {
		t.Errorf("exit %d:\n%s%s", code, out, errs)
	}
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	code, out, errs = runMain(t, env(db, "DISCORD_TOKEN", sb.Token(), "DISCORD_API_URL", sb.URL), "invite")
	if code != 0 || !strings.Contains(out, "client_id="+sb.AppID+"&") {
		t.Errorf("from the token: exit %d:\n%s%s", code, out, errs)
	}
	for _, c := range []struct {
		env  func(string) string
		args []string
		code int
		want string
	}{
		{env(db), []string{"invite"}, 2, "Application ID"},
		{env(db), []string{"invite", "my-bot"}, 2, "not an application id"},
		{env(db, "DISCORD_TOKEN", "wrong", "DISCORD_API_URL", sb.URL), []string{"invite"}, 1, "DISCORD_TOKEN was rejected"},
	} {
		if code, out, errs := runMain(t, c.env, c.args...); code != c.code || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want %d and %q:\n%s%s", c.args, code, c.code, c.want, out, errs)
		}
	}
}

// README's invite links and permission list are the ones the code makes:
// wherever README puts them, every invite link in it is
// commands.InviteURL("APPLICATION_ID") or, for a member's own install,
// commands.UserInstallURL("APPLICATION_ID"), and it names the permissions
// as commands.PermissionList() does.
func TestREADMEInvite(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	want := commands.InviteURL("APPLICATION_ID")
	links := regexp.MustCompile(`https://discord(?:app)?\.com/(?:api/)?oauth2/authorize\?[^\s)\]>"'`+"`"+`]+`).FindAllString(string(b), -1)
	if len(links) == 0 {
		t.Errorf("README has no invite link; it should have %s", want)
	}
	for _, l := range links {
		if l != want && l != commands.UserInstallURL("APPLICATION_ID") {
			t.Errorf("README's invite link\n  %s\nis not the one the code makes:\n  %s", l, want)
		}
	}
	if !strings.Contains(readme, commands.PermissionList()) {
		t.Errorf("README does not list the bot's permissions as the code does: %s", commands.PermissionList())
	}
}

// try shows a handler's follow-up after its answer: the card's Rate menu
// updates the card and tells the rater alone what the rating did.
func TestTryRateMenuFollowUp(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	if code, out, errs := runMain(t, env(db), "try", "--guild", "5", "/watchlist add film:anora"); code != 0 || !strings.Contains(out, "Added") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	code, out, errs := runMain(t, env(db), "try", "--guild", "5", "--click", "rate:select:1", "--value", "8")
	card, note, ok := strings.Cut(out, "(only you can see this)")
	if code != 0 || !ok || !strings.Contains(card, "(the message is updated to:)") || !strings.Contains(card, "**8.0**/10") ||
		!strings.Contains(note, "You rated **★★★★** (8/10)") || !strings.Contains(note, "It is off your watchlist now.") {
		t.Errorf("exit %d:\n%s%s", code, out, errs)
	}
}

// A bot invited with the invite's permissions, and no other, can do all
// its commands do: in a sandbox server that denies the bot every other
// permission, /movienight posts its poll (Send Polls) and, when the poll
// closes, creates the screening's event (Create Events).
func TestInvitePermissionsAreEnough(t *testing.T) {
	t.Parallel()
	pg := pgtest.URL(t)
	guilds := sandbox.DefaultGuilds()
	guilds[0].BotDenied = ^commands.PermissionBits()
	l := startLive(t, sandbox.Options{Guilds: guilds}, "FILMBOT_DB", pg)
	ctx := context.Background()
	db, err := postgres.Open(ctx, pg, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	scope, _ := storage.ParseScope(guilds[0].ID)
	if _, err := db.CreateFilm(ctx, scope, storage.Film{Title: "Tangerine", Year: 2015, Runtime: 88}); err != nil {
		t.Fatal(err)
	}
	if plan := l.do(sandbox.Moderator, `/movienight plan starts:"in 2 days" closes:"in 3 hours" candidates:"anora, tangerine"`); !strings.Contains(plan.Message.Content, "Planned") {
		t.Fatalf("plan: %+v", plan.Message)
	}
	polls := 0
	for _, m := range l.sb.ChannelMessages(guilds[0].Channels[0].ID) {
		if m.Poll != nil {
			polls++
		}
	}
	if polls != 1 {
		t.Fatalf("%d polls posted, want 1", polls)
	}
	s, err := bot.NewSession(bot.Config{Token: l.sb.Token(), APIURL: l.sb.URL})
	if err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(4 * time.Hour)
	steps := commands.New(db).WithScreener(bot.SessionPoster{S: s}, "other").WithClock(func() time.Time { return later })
	if n, err := steps.Nights().RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("closing the poll: %d steps, %v", n, err)
	}
	if evs := l.sb.Events(guilds[0].ID); len(evs) != 1 {
		t.Errorf("%d events, want 1", len(evs))
	}
	l.noViolations()
}
