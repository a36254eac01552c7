package commands

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

// files serves attachments from memory, as the bot's fetcher would from
// Discord's CDN.
func (e *env) files(m map[string][]byte) {
	e.set.WithFetcher(func(_ context.Context, url string, max int64) ([]byte, error) {
		b := m[strings.TrimPrefix(url, "mem://")]
		return b[:min(int64(len(b)), max+1)], nil
	})
}

func importCmd(guild, user, name string, size int) *discordgo.InteractionCreate {
	i := slash(guild, "import", sub("", "letterboxd", attachOpt("a1")))
	if i.Member != nil {
		i.Member.User.ID = user
	}
	return withAttachment(i, &discordgo.MessageAttachment{ID: "a1", Filename: name, Size: size, URL: "mem://" + name})
}

func clickAs(guild, user, id string) *discordgo.InteractionCreate {
	i := click(guild, id)
	i.Member.User.ID = user
	return i
}

func attached(t *testing.T, r *discordgo.InteractionResponse, name string) string {
	t.Helper()
	for _, f := range r.Data.Files {
		if f.Name == name {
			b, _ := io.ReadAll(f.Reader)
			return string(b)
		}
	}
	return ""
}

const lbRatings = "\ufeffDate,Name,Year,Letterboxd URI,Rating\r\n" +
	"2024-11-02,Anora,2024,https://boxd.it/a,4.5\r\n" +
	"2023-01-15,Tangerine,2015,https://boxd.it/t,3\r\n" +
	"2023-01-16,Not Here,1999,https://boxd.it/n,2\r\n" +
	"2023-01-17,Broken,20x4,https://boxd.it/b,2\r\n"

// A member imports their Letterboxd ratings: a preview with the counts and
// the films not in the catalog attached, nothing written until they
// confirm; confirmed, the ratings are set; the same file again changes
// nothing; another member's ratings are never touched.
func TestImportLetterboxd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tang, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015}, strings.ToLower)
	if err != nil {
		t.Fatal(err)
	}
	e.db.Rate(ctx, 111, e.anora.ID, 42, 9) // already the same
	e.db.Rate(ctx, 111, tang.ID, 7, 2)     // another member
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	f, _ := zw.Create("ratings.csv")
	f.Write([]byte(lbRatings))
	zw.Close()
	e.files(map[string][]byte{"ratings.csv": []byte(lbRatings), "letterboxd-me.zip": zb.Bytes(), "notes.txt": []byte("x")})

	for _, name := range []string{"ratings.csv", "letterboxd-me.zip"} {
		r := e.run(importCmd(guildA, "42", name, 100))
		d := embed(r).Description
		if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(d, "1 new, 0 changed, 1 the same as here, 1 not in this server's catalog") {
			t.Fatalf("%s: preview %q", name, d)
		}
		if !strings.Contains(fieldText(embed(r)), "line 5") {
			t.Errorf("%s: the bad row is not reported: %+v", name, embed(r).Fields)
		}
		if csv := attached(t, r, "not-in-catalog.csv"); !strings.Contains(csv, "Not Here,1999,4,https://boxd.it/n") {
			t.Errorf("%s: not-in-catalog.csv = %q", name, csv)
		}
		if _, err := e.db.UserRating(ctx, 111, tang.ID, 42); err == nil {
			t.Fatalf("%s: the preview wrote a rating", name)
		}
		ok := buttons(r)["Import 1 rating"]
		if ok == "" {
			t.Fatalf("no confirm button: %v", buttons(r))
		}
		if name == "ratings.csv" { // cancelled
			no := buttons(r)["Cancel"]
			if c, _ := e.check(e.set.importButton, clickAs(guildA, "42", no)); !strings.Contains(c.Data.Content, "cancelled") {
				t.Errorf("cancel: %+v", c.Data)
			}
			if c, _ := e.check(e.set.importButton, clickAs(guildA, "42", ok)); !strings.Contains(c.Data.Content, "expired or was already used") {
				t.Errorf("confirm after cancel: %+v", c.Data)
			}
			continue
		}
		if c, _ := e.check(e.set.importButton, clickAs(guildA, "7", ok)); !strings.Contains(c.Data.Content, "expired or was already used") {
			t.Errorf("another member confirmed: %+v", c.Data)
		}
		c, err := e.check(e.set.importButton, clickAs(guildA, "42", ok))
		if err != nil || !strings.Contains(c.Data.Content, "Imported: 1 new, 0 changed, 1 already the same") {
			t.Fatalf("confirm: %v %+v", err, c)
		}
	}
	if r, _ := e.db.UserRating(ctx, 111, tang.ID, 42); r.Score != 6 || r.At.Format("2006-01-02") != "2023-01-15" {
		t.Errorf("imported rating %+v", r)
	}
	if r, _ := e.db.UserRating(ctx, 111, tang.ID, 7); r.Score != 2 {
		t.Errorf("another member's rating changed: %+v", r)
	}
	again := e.run(importCmd(guildA, "42", "ratings.csv", 100))
	if d := embed(again).Description; !strings.Contains(d, "0 new, 0 changed, 2 the same") || len(buttons(again)) != 0 {
		t.Errorf("the same file twice: %q %v", d, buttons(again))
	}

	for what, c := range map[string]struct {
		i    *discordgo.InteractionCreate
		want string
	}{
		"in a DM":   {importCmd("", "42", "ratings.csv", 100), "Imports belong to a server"},
		"not a CSV": {importCmd(guildA, "42", "notes.txt", 1), "not a .zip or .csv file"},
		"too big":   {importCmd(guildA, "42", "ratings.csv", 11<<20), "limit is 10 MB"},
		"not there": {importCmd(guildA, "42", "missing.csv", 10), "empty"},
		"no file":   {slash(guildA, "import", sub("", "letterboxd")), "did not arrive"},
	} {
		if msg := e.userError(e.cmds["import"].Run, c.i); !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q, want %q", what, msg, c.want)
		}
	}
}

func fieldText(m *discordgo.MessageEmbed) string {
	var b strings.Builder
	for _, f := range m.Fields {
		b.WriteString(f.Name + "\n" + f.Value + "\n")
	}
	return b.String()
}

// /export letterboxd → /import letterboxd in another server: the same
// ratings.
func TestExportImportRoundTrip(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var ids []uint64
	for _, g := range []storage.Scope{111, 222} {
		f, err := e.db.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015}, strings.ToLower)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	e.db.Rate(ctx, 111, e.anora.ID, 42, 9)
	e.db.Rate(ctx, 111, ids[0], 42, 3)
	linked, _ := e.db.AddFilms(ctx, 111, []storage.Film{{Title: "Red Rocket", Year: 2021, Letterboxd: "https://boxd.it/r"}}, strings.ToLower)
	e.db.Rate(ctx, 111, linked[0].ID, 42, 8)
	if msg := e.userError(e.cmds["export"].Run, slash(guildB, "export", sub("", "letterboxd"))); !strings.Contains(msg, "not rated any film") {
		t.Errorf("export with no ratings: %q", msg)
	}
	i := slash(guildA, "export", sub("", "letterboxd"))
	i.Member.User.ID = "42"
	r := e.run(i)
	csv := attached(t, r, "letterboxd-ratings.csv")
	if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.HasPrefix(csv, "Title,Year,Rating10,WatchedDate,LetterboxdURI\n") ||
		!strings.Contains(csv, "Tangerine,2015,3,2026-11-24,\n") || !strings.Contains(csv, "Red Rocket,2021,8,2026-11-24,https://boxd.it/r") {
		t.Fatalf("export: %q", csv)
	}
	e.files(map[string][]byte{"letterboxd-ratings.csv": []byte(csv)})
	p := e.run(importCmd(guildB, "42", "letterboxd-ratings.csv", len(csv)))
	if c, err := e.check(e.set.importButton, clickAs(guildB, "42", buttons(p)["Import 2 ratings"])); err != nil || !strings.Contains(c.Data.Content, "2 new") {
		t.Fatalf("import in another server: %v %+v %q", err, c, embed(p).Description)
	}
	for k, want := range map[uint64]int{e.anora.ID: 9, ids[1]: 3} {
		if r, _ := e.db.UserRating(ctx, 222, k, 42); r.Score != want {
			t.Errorf("film %d in the other server: %+v, want %d", k, r, want)
		}
	}
}

// A moderator imports a Letterboxd list: a preview (new, already here,
// rejected rows with their lines), then the new films added in one step,
// with their Letterboxd links on the card; members cannot.
func TestFilmListImport(t *testing.T) {
	e := newEnv(t)
	list := "Letterboxd list export v7\r\nDate,Name,Tags,URL,Description\r\n2024-12-01,Baker,,https://letterboxd.com/me/list/baker/,\r\n\r\n" +
		"Position,Name,Year,URL,Description\r\n1,Anora,2024,https://boxd.it/a,\r\n2,Tangerine,2015,https://letterboxd.com/film/tangerine/,\r\n" +
		"3,Starlet,twenty,https://boxd.it/s,\r\n4,Red Rocket,2021,https://boxd.it/r,\r\n5,tangerine,2015,,\r\n"
	e.files(map[string][]byte{"baker.csv": []byte(list)})
	cmd := func(user string) *discordgo.InteractionCreate {
		i := slash(guildA, "manage", sub("film", "import", attachOpt("a1")))
		i.Member.User.ID = user
		return withAttachment(i, &discordgo.MessageAttachment{ID: "a1", Filename: "baker.csv", Size: len(list), URL: "mem://baker.csv"})
	}
	if msg := e.userError(e.cmds["manage"].Run, cmd("42")); !strings.Contains(msg, "Only moderators") {
		t.Errorf("a member: %q", msg)
	}
	r := e.run(mod(cmd("42")))
	if d := embed(r).Description; !strings.Contains(d, "2 new to this server, 2 already here, 1 rejected") || !strings.Contains(fieldText(embed(r)), "line 8") {
		t.Fatalf("preview: %q %s", d, fieldText(embed(r)))
	}
	if fs, _ := e.db.Films(context.Background(), 111); len(fs) != 1 {
		t.Fatalf("the preview added films: %d", len(fs))
	}
	ok := buttons(r)["Add 2 films"]
	if _, err := e.check(e.set.filmImportButton, clickAs(guildA, "42", ok)); err == nil {
		t.Error("a member confirmed a moderator's import")
	}
	c, err := e.check(e.set.filmImportButton, mod(clickAs(guildA, "42", ok)))
	if err != nil || !strings.Contains(c.Data.Content, "Added 2 films") {
		t.Fatalf("confirm: %v %+v", err, c)
	}
	card := e.run(slash(guildA, "film", opt("film", "tangerine")))
	if embed(card).URL != "https://letterboxd.com/film/tangerine/" {
		t.Errorf("card: %+v", embed(card))
	}
	if again := e.run(mod(cmd("42"))); !strings.Contains(embed(again).Description, "0 new to this server, 4 already here") {
		t.Errorf("the same list again: %q", embed(again).Description)
	}
}
