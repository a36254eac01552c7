package commands

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/letterboxd"
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
	tang, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	if err != nil {
		t.Fatal(err)
	}
	e.db.Rate(ctx, 111, e.anora.ID, 42, 9) // already the same
	e.db.Rate(ctx, 111, tang.ID, 7, 2)     // another member
	for _, w := range [][2]uint64{{42, tang.ID}, {7, e.anora.ID}} {
		if _, err := e.db.WatchlistAdd(ctx, 111, w[0], w[1]); err != nil { // rated by the import: off the importer's list
			t.Fatal(err)
		}
	}
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
		if err != nil || !strings.Contains(c.Data.Content, "Imported: 1 new, 0 changed, 1 already the same") || !strings.Contains(c.Data.Content, "1 film left your watchlist.") {
			t.Fatalf("confirm: %v %+v", err, c)
		}
	}
	if r, _ := e.db.UserRating(ctx, 111, tang.ID, 42); r.Score != 6 || r.At.Format("2006-01-02") != "2023-01-15" {
		t.Errorf("imported rating %+v", r)
	}
	if r, _ := e.db.UserRating(ctx, 111, tang.ID, 7); r.Score != 2 {
		t.Errorf("another member's rating changed: %+v", r)
	}
	if ws, _ := e.db.Watchlist(ctx, 111, 42); len(ws) != 0 {
		t.Errorf("the importer's watchlist keeps %+v", ws)
	}
	if on, _ := e.db.OnWatchlist(ctx, 111, 7, e.anora.ID); !on {
		t.Error("the import took a film off another member's watchlist")
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
		f, err := e.db.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	e.db.Rate(ctx, 111, e.anora.ID, 42, 9)
	e.db.Rate(ctx, 111, ids[0], 42, 3)
	linked, _ := e.db.AddFilms(ctx, 111, []storage.Film{{Title: "Red Rocket", Year: 2021, Letterboxd: "https://boxd.it/r"}})
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

// failingImports fails ImportRatings and AddFilms while fail is set, as a
// database that went away mid-import would.
type failingImports struct {
	storage.Ratings
	storage.Catalog
	fail bool
}

var errAway = errors.New("the database went away")

func (f *failingImports) ImportRatings(ctx context.Context, scope storage.Scope, user uint64, rs []storage.Rating) (storage.Imported, error) {
	if f.fail {
		return storage.Imported{}, errAway
	}
	return f.Ratings.ImportRatings(ctx, scope, user, rs)
}

func (f *failingImports) AddFilms(ctx context.Context, scope storage.Scope, fs []storage.Film) ([]storage.Film, error) {
	if f.fail {
		return nil, errAway
	}
	return f.Catalog.AddFilms(ctx, scope, fs)
}

// Import takes the preview only once the import has committed: one that
// fails leaves it, and Import pressed again works; a member's second
// preview replaces the first, whose buttons are then spent.
func TestImportPreviewKeptUntilCommitted(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tang, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	e.files(map[string][]byte{"ratings.csv": []byte(lbRatings)})
	f := &failingImports{Ratings: e.db, Catalog: e.db, fail: true}
	e.set.rates, e.set.films = f, f

	first := buttons(e.run(importCmd(guildA, "42", "ratings.csv", 100)))["Import 2 ratings"]
	r := e.run(importCmd(guildA, "42", "ratings.csv", 100))
	ok := buttons(r)["Import 2 ratings"]
	if c, _ := e.check(e.set.importButton, clickAs(guildA, "42", first)); !strings.Contains(c.Data.Content, "expired or was already used") {
		t.Errorf("the first of two previews: %+v", c.Data)
	}
	if _, err := e.check(e.set.importButton, clickAs(guildA, "42", ok)); !errors.Is(err, errAway) {
		t.Fatalf("a failing import: %v", err)
	}
	if _, err := e.db.UserRating(ctx, 111, tang.ID, 42); err == nil {
		t.Fatal("a failed import wrote a rating")
	}
	f.fail = false
	c, err := e.check(e.set.importButton, clickAs(guildA, "42", ok))
	if err != nil || !strings.Contains(c.Data.Content, "Imported: 2 new") {
		t.Fatalf("Import pressed again: %v %+v", err, c)
	}
	if c, _ := e.check(e.set.importButton, clickAs(guildA, "42", ok)); !strings.Contains(c.Data.Content, "expired or was already used") {
		t.Errorf("the preview outlived its import: %+v", c.Data)
	}

	// The same for a film list.
	f.fail = true
	list := "Name,Year\nRed Rocket,2021\n"
	e.files(map[string][]byte{"l.csv": []byte(list)})
	i := slash(guildA, "manage", sub("film", "import", attachOpt("a1")))
	i.Member.User.ID = "42"
	i = withAttachment(i, &discordgo.MessageAttachment{ID: "a1", Filename: "l.csv", Size: len(list), URL: "mem://l.csv"})
	add := buttons(e.run(mod(i)))["Add 1 film"]
	if _, err := e.check(e.set.filmImportButton, mod(clickAs(guildA, "42", add))); !errors.Is(err, errAway) {
		t.Fatalf("a failing list import: %v", err)
	}
	f.fail = false
	if c, err := e.check(e.set.filmImportButton, mod(clickAs(guildA, "42", add))); err != nil || !strings.Contains(c.Data.Content, "Added 1 film") {
		t.Fatalf("Add pressed again: %v %+v", err, c)
	}
}

// Imports read at once in one process are bounded: past the bound, a
// polite refusal, and the next one once a slot is free.
func TestImportsAtOnce(t *testing.T) {
	e := newEnv(t)
	e.files(map[string][]byte{"ratings.csv": []byte(lbRatings)})
	var releases []func()
	for range importsAtOnce {
		r, err := importSlot(english())
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, r)
	}
	if msg := e.userError(e.cmds["import"].Run, importCmd(guildA, "42", "ratings.csv", 100)); !strings.Contains(msg, "Try again in a minute") {
		t.Errorf("an import past the bound: %q", msg)
	}
	i := mod(slash(guildA, "manage", sub("film", "import", attachOpt("a1"))))
	i = withAttachment(i, &discordgo.MessageAttachment{ID: "a1", Filename: "ratings.csv", Size: 100, URL: "mem://ratings.csv"})
	if msg := e.userError(e.cmds["manage"].Run, i); !strings.Contains(msg, "Try again in a minute") {
		t.Errorf("a list import past the bound: %q", msg)
	}
	releases[0]()
	if r := e.run(importCmd(guildA, "42", "ratings.csv", 100)); len(buttons(r)) == 0 {
		t.Errorf("an import once a slot is free: %+v", embed(r))
	}
	releases[1]()
	if len(importSlots) != 0 {
		t.Errorf("%d slots still taken after the imports ended", len(importSlots))
	}
}

// not-in-catalog.csv stays under 1 MB however many films are missing: cut,
// with a last row saying so, and the preview says it too.
func TestNotInCatalogCut(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("Name,Year,Rating,Letterboxd URI\n")
	for k := range 30000 {
		fmt.Fprintf(&b, "A film that is nowhere in this catalog number %d,2001,4,https://letterboxd.com/film/nowhere-%d/\n", k, k)
	}
	e.files(map[string][]byte{"ratings.csv": []byte(b.String())})
	r := e.run(importCmd(guildA, "42", "ratings.csv", b.Len()))
	csv := attached(t, r, "not-in-catalog.csv")
	if len(csv) > maxAttached || len(csv) < maxAttached-1000 {
		t.Fatalf("not-in-catalog.csv is %d bytes", len(csv))
	}
	lines := strings.Split(strings.TrimSuffix(csv, "\n"), "\n")
	last := lines[len(lines)-1]
	listed := len(lines) - 2
	if !strings.HasPrefix(last, fmt.Sprintf("… cut here: %d more films", 30000-listed)) {
		t.Errorf("the last line: %q", last)
	}
	if f := embed(r).Footer.Text; !strings.Contains(f, "The first "+english().Int(listed)+" of the 30,000 films") || !strings.Contains(f, "cut at 1 MB") {
		t.Errorf("footer: %q", f)
	}
	// Read back, the cut line is no rating and the rest are all there.
	if es, _, err := letterboxd.ReadRatings("not-in-catalog.csv", []byte(csv)); err != nil || len(es) != listed {
		t.Errorf("read back: %d entries (want %d), %v", len(es), listed, err)
	}
}

// Titles a spreadsheet would run (= + - @) are written with a ' before
// them, in the export and in not-in-catalog.csv; imported back, into
// filmbot, they are the same titles.
func TestFormulaCells(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	titles := []string{`=HYPERLINK("http://evil.example","x")`, "+1", "-Dante", "@Home", "'=quoted", "Plain"}
	for _, g := range []storage.Scope{111, 222} {
		for k, title := range titles {
			f, err := e.db.CreateFilm(ctx, g, storage.Film{Title: title, Year: 2000 + k})
			if err != nil {
				t.Fatal(err)
			}
			if g == 111 {
				e.db.Rate(ctx, g, f.ID, 42, 1+k)
			}
		}
	}
	i := slash(guildA, "export", sub("", "letterboxd"))
	i.Member.User.ID = "42"
	out := attached(t, e.run(i), "letterboxd-ratings.csv")
	for _, cell := range []string{`"'=HYPERLINK(""http://evil.example"",""x"")"`, "'+1,", "'-Dante,", "'@Home,", "''=quoted,", "\nPlain,"} {
		if !strings.Contains(out, cell) {
			t.Errorf("the export lacks %q:\n%s", cell, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if line != "" && strings.ContainsAny(line[:1], "=+-@\t\r") {
			t.Errorf("a cell a spreadsheet would run: %q", line)
		}
	}
	e.files(map[string][]byte{"letterboxd-ratings.csv": []byte(out)})
	p := e.run(importCmd(guildB, "42", "letterboxd-ratings.csv", len(out)))
	if d := embed(p).Description; !strings.Contains(d, "6 new, 0 changed, 0 the same as here, 0 not in this server's catalog") {
		t.Fatalf("imported back: %q", d)
	}
	// Not in the catalog: the same care.
	e.files(map[string][]byte{"r.csv": []byte("Name,Year,Rating\n=1+2,1999,3\n")})
	csv := attached(t, e.run(importCmd(guildA, "42", "r.csv", 30)), "not-in-catalog.csv")
	if !strings.Contains(csv, "\n'=1+2,1999,6,") {
		t.Errorf("not-in-catalog.csv: %q", csv)
	}
}

var worstOut = flag.String("worst-export", "", "TestWorstExport writes the worst export filmbot accepts to this file")

// worstExport is the import that takes the most memory among those
// filmbot accepts: a ZIP under Discord's 10 MB whose ratings.csv unpacks
// to some 50 MB (MaxUncompressed) of 100,000 rows (MaxRows), each a film
// of its own whose title and link fill the 16 MB kept (MaxKeptBytes),
// the rest of each row a review of words that compress like prose, and
// the ZIP filled up to 10 MB by a file filmbot does not read.
func worstExport(tb testing.TB) []byte {
	tb.Helper()
	words := strings.Fields("the film of and to in is that it as")
	rnd := rand.New(rand.NewPCG(1, 2))
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, 4) })
	w, _ := zw.Create("ratings.csv")
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("Date,Name,Year,Letterboxd URI,Rating,Review\n")
	var review []byte
	for k := range letterboxd.MaxRows {
		review = review[:0]
		for len(review) < 330 {
			review = append(review, words[rnd.IntN(len(words))]...)
			review = append(review, ' ')
		}
		fmt.Fprintf(bw, "2024-01-02,A film nobody here has heard of and which no catalog holds under any name at all %025d,2001,https://boxd.it/%023d,%.1f,%s\n",
			k, k, 0.5+float64(k%10)/2, review)
	}
	bw.Flush()
	// The rest of the 10 MB: a file filmbot does not read, as an export has.
	pad, _ := zw.CreateHeader(&zip.FileHeader{Name: "likes/films.csv", Method: zip.Store})
	for z.Len() < maxImport-64<<10 {
		pad.Write(binary.LittleEndian.AppendUint64(nil, rnd.Uint64()))
	}
	zw.Close()
	return z.Bytes()
}

// The worst export is one filmbot reads: its ZIP under 10 MB, within
// every limit; with -worst-export=path it is written there, for
// measuring the peak RSS of `filmbot try` importing it.
func TestWorstExport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50 MB CSV")
	}
	data := worstExport(t)
	if len(data) > maxImport {
		t.Fatalf("the worst export is %d bytes, over the 10 MB an upload may be", len(data))
	}
	es, probs, err := letterboxd.ReadRatings("worst.zip", data)
	if err != nil || len(es) != letterboxd.MaxRows || probs.Count != 0 {
		t.Fatalf("%d entries, %d problems, %v", len(es), probs.Count, err)
	}
	if *worstOut != "" {
		if err := os.WriteFile(*worstOut, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkImportWorst is the whole preview of the worst export (download
// aside): reading it, matching it to the catalog, the preview and its
// not-in-catalog.csv. -benchmem gives what one import allocates.
//
//	go test -run '^$' -bench ImportWorst -benchmem ./commands
func BenchmarkImportWorst(b *testing.B) {
	e := newEnv(b)
	data := worstExport(b)
	e.files(map[string][]byte{"worst.zip": data})
	i := importCmd(guildA, "42", "worst.zip", len(data))
	run := e.cmds["import"].Run
	for b.Loop() {
		r, err := run(context.Background(), i)
		if err != nil || !strings.Contains(embed(r).Description, "100,000 not in this server's catalog") {
			b.Fatal(err, embed(r).Description)
		}
	}
}

// An import matches its rows to films by the catalog's own title key
// (storage.TitleKey): a title written without its accents, with other
// punctuation or in other case is the film the catalog holds.
func TestImportMatchesTitlesAsTheCatalogDoes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	amelie, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Amélie", Year: 2001})
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Schindler’s List", Year: 1993})
	if err != nil {
		t.Fatal(err)
	}
	rows := "Date,Name,Year,Letterboxd URI,Rating\r\n" +
		"2024-01-02,AMELIE,2001,https://boxd.it/am,4\r\n" +
		"2024-01-03,Schindler's List,1993,https://boxd.it/sl,5\r\n"
	e.files(map[string][]byte{"ratings.csv": []byte(rows)})
	p := e.run(importCmd(guildA, "42", "ratings.csv", len(rows)))
	if d := embed(p).Description; !strings.Contains(d, "2 new, 0 changed, 0 the same as here, 0 not in this server's catalog") {
		t.Fatalf("preview: %q", d)
	}
	if c, err := e.check(e.set.importButton, clickAs(guildA, "42", buttons(p)["Import 2 ratings"])); err != nil || !strings.Contains(c.Data.Content, "2 new") {
		t.Fatalf("import: %v %+v", err, c)
	}
	for film, want := range map[uint64]int{amelie.ID: 8, list.ID: 10} {
		if r, _ := e.db.UserRating(ctx, 111, film, 42); r.Score != want {
			t.Errorf("film %d: rating %+v, want %d", film, r, want)
		}
	}
}
