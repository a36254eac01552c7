package letterboxd

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/filmbot/filmbot/locale"
)

// Written from the formats Letterboxd documents: a BOM, CRLF, a review
// quoted over several lines, films rated several times.
const ratingsCSVFixture = "\ufeffDate,Name,Year,Letterboxd URI,Rating\r\n" +
	"2024-11-02,Anora,2024,https://boxd.it/abc1,4.5\r\n" +
	"2023-01-15,\"Tangerine\",2015,https://boxd.it/abc2,3\r\n" +
	"2023-02-01,\"Crouching Tiger, Hidden Dragon\",2000,https://boxd.it/abc3,5\r\n"

const diaryCSVFixture = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n" +
	"2024-12-01,Anora,2024,https://boxd.it/d1,5,Yes,,2024-11-30\n" +
	"2022-05-01,Tangerine,2015,https://boxd.it/d2,2.5,,\"a, b\",2022-04-30\n" +
	"2022-05-02,The Florida Project,2017,https://boxd.it/d3,,,,2022-05-02\n"

const reviewsCSVFixture = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n" +
	"2021-03-03,Red Rocket,2021,https://boxd.it/r1,4,,\"Line one,\nline \"\"two\"\".\n\nThree.\",,2021-03-01\n"

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, body := range files {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(body))
	}
	w.Close()
	return b.Bytes()
}

func byTitle(es []Entry) map[string]Entry {
	m := map[string]Entry{}
	for _, e := range es {
		m[e.Title] = e
	}
	return m
}

func TestReadRatingsCSV(t *testing.T) {
	es, probs, err := ReadRatings("ratings.csv", []byte(ratingsCSVFixture))
	if err != nil || probs.Count != 0 || len(es) != 3 {
		t.Fatalf("%d entries, %v, %v", len(es), probs, err)
	}
	m := byTitle(es)
	if a := m["Anora"]; a.Year != 2024 || a.Score != 9 || a.URI != "https://boxd.it/abc1" || !a.Date.Equal(time.Date(2024, 11, 2, 0, 0, 0, 0, time.UTC)) || a.Line != 2 {
		t.Errorf("Anora: %+v", a)
	}
	if c := m["Crouching Tiger, Hidden Dragon"]; c.Score != 10 {
		t.Errorf("quoted title with a comma: %+v", c)
	}
}

// The whole export: the newest entry of a film wins, the watched date
// counts, unrated diary rows are skipped, a multi-line review is one row.
func TestReadRatingsZip(t *testing.T) {
	data := zipOf(t, map[string]string{"ratings.csv": ratingsCSVFixture, "diary.csv": diaryCSVFixture, "reviews.csv": reviewsCSVFixture,
		"watched.csv": "Date,Name,Year,Letterboxd URI\n", "lists/best.csv": "Letterboxd list export v7\n", "../../etc/passwd": "x"})
	es, probs, err := ReadRatings("letterboxd-export.zip", data)
	if err != nil || probs.Count != 0 {
		t.Fatalf("%v %v", probs, err)
	}
	m := byTitle(es)
	if len(es) != 4 || m["Anora"].Score != 10 || m["Tangerine"].Score != 6 || m["Red Rocket"].Score != 8 {
		t.Errorf("entries: %+v", es)
	}
	if _, ok := m["The Florida Project"]; ok {
		t.Error("an unrated diary entry became a rating")
	}
}

func TestBadFiles(t *testing.T) {
	var big strings.Builder
	big.WriteString("Name,Year,Rating\n")
	for k := range MaxRows + 1 {
		fmt.Fprintf(&big, "Film %d,2000,3\n", k)
	}
	bomb := zipOf(t, map[string]string{"ratings.csv": "Name,Year,Rating\n" + strings.Repeat(" ", 30<<20)})
	for name, c := range map[string]struct {
		file string
		data []byte
		want string
	}{
		"empty":        {"ratings.csv", nil, "empty"},
		"only a BOM":   {"ratings.csv", []byte("\ufeff\r\n"), "empty"},
		"not UTF-8":    {"ratings.csv", []byte("Name,Year,Rating\nAm\xe9lie,2001,4\n"), "UTF-8"},
		"no columns":   {"ratings.csv", []byte("Film,When\nAnora,2024\n"), "no header row"},
		"too many":     {"ratings.csv", []byte(big.String()), "more than 100000 rows"},
		"not a zip":    {"x.zip", []byte("PK\x03\x04garbage"), "ZIP cannot be read"},
		"zip bomb":     {"x.zip", bomb, "over the limits"},
		"zip, no csvs": {"x.zip", zipOf(t, map[string]string{"readme.txt": "hi"}), "no ratings.csv"},
	} {
		_, _, err := ReadRatings(c.file, c.data)
		if !errors.Is(err, ErrFile) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// Reordered columns, Letterboxd's import format (Title, Rating10), and
// bad rows reported by line while the good ones are read.
func TestColumnsAndBadRows(t *testing.T) {
	data := "Rating10,WatchedDate,Year,Title\n8,2024-01-02,2024,Anora\n11,,2015,Tangerine\n7,2020-13-01,2017,The Florida Project\n,,,\n5,,19x5,Old\n"
	es, probs, err := ReadRatings("import.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Title != "Anora" || es[0].Score != 8 {
		t.Errorf("entries %+v", es)
	}
	var lines []int
	for _, p := range probs.First {
		lines = append(lines, p.Line)
	}
	if fmt.Sprint(lines) != "[3 4 5 6]" {
		t.Errorf("problems %v", probs)
	}
	_, probs, _ = ReadRatings("r.csv", []byte("Name,Year,Rating\nA,2000,0\nB,2000,3.3\nC,2000,5.5\n"))
	if probs.Count != 3 {
		t.Errorf("ratings outside 0.5–5 in halves: %v", probs)
	}
}

// An export read back gives the same ratings, and large ones are split
// into files Letterboxd takes (1 MB each, each with the header).
func TestExportRoundTrip(t *testing.T) {
	rows := []ExportRow{{Title: "Anora", Year: 2024, Rating10: 9, Watched: time.Date(2024, 11, 2, 0, 0, 0, 0, time.UTC)},
		{Title: `Crouching Tiger, "Hidden" Dragon`, Year: 2000, Rating10: 1}}
	files := Export(rows)
	if len(files) != 1 || !strings.HasPrefix(string(files[0]), "Title,Year,Rating10,WatchedDate\n") {
		t.Fatalf("%q", files)
	}
	es, probs, err := ReadRatings("export.csv", files[0])
	if err != nil || probs.Count != 0 || len(es) != 2 || es[1].Title != rows[1].Title || es[0].Score != 9 || !es[0].Date.Equal(rows[0].Watched) {
		t.Errorf("%+v %v %v", es, probs, err)
	}
	var many []ExportRow
	for k := range 40000 {
		many = append(many, ExportRow{Title: fmt.Sprintf("A film with a rather long title number %d", k), Year: 2000, Rating10: 5, URI: "https://boxd.it/x"})
	}
	files = Export(many)
	total := 0
	for _, f := range files {
		if len(f) > MaxExportFile || !strings.HasPrefix(string(f), "Title,Year,Rating10,WatchedDate,LetterboxdURI\n") {
			t.Fatalf("a file of %d bytes, or without the header", len(f))
		}
		es, _, _ := ReadRatings("x.csv", f)
		total += len(es)
	}
	if len(files) < 2 || total != 40000 {
		t.Errorf("%d files, %d rows", len(files), total)
	}
}

// BenchmarkReadRatings5000 reads a 5,000-row ratings.csv.
//
//	go test -run '^$' -bench ReadRatings ./letterboxd
func BenchmarkReadRatings5000(b *testing.B) {
	var s strings.Builder
	s.WriteString("Date,Name,Year,Letterboxd URI,Rating\n")
	for k := range 5000 {
		fmt.Fprintf(&s, "2024-01-02,\"Film, number %d\",2000,https://boxd.it/%d,%.1f\n", k, k, 0.5+float64(k%10)/2)
	}
	data := []byte(s.String())
	b.ResetTimer()
	for range b.N {
		es, _, err := ReadRatings("ratings.csv", data)
		if err != nil || len(es) != 5000 {
			b.Fatal(len(es), err)
		}
	}
}

// A list export: lines about the list, then its films.
const listFixture = "Letterboxd list export v7\r\n" +
	"Date,Name,Tags,URL,Description\r\n" +
	"2024-12-01,Sean Baker,,https://letterboxd.com/me/list/sean-baker/,\"All of them,\nin order.\"\r\n" +
	"\r\n" +
	"Position,Name,Year,URL,Description\r\n" +
	"1,Anora,2024,https://boxd.it/a,\r\n" +
	"2,Tangerine,2015,https://letterboxd.com/film/tangerine/,\"Shot on\nan iPhone\"\r\n" +
	"3,Starlet,twenty,https://boxd.it/s,\r\n" +
	"4,Red Rocket,2021,http://evil.example/x,\r\n"

func TestReadList(t *testing.T) {
	fs, probs, err := ReadList("lists/sean-baker.csv", []byte(listFixture))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Title != "Anora" || fs[1].URI != "https://letterboxd.com/film/tangerine/" || fs[1].Year != 2015 {
		t.Errorf("films %+v", fs)
	}
	if probs.Count != 2 || probs.First[0].Line != 10 || !strings.Contains(probs.First[1].Reason, "not a Letterboxd link") {
		t.Errorf("problems %v", probs)
	}
	fs, _, err = ReadList("mine.csv", []byte("Title,Year,Directors\nMoonlight,2016,\"Barry Jenkins\"\nPast Lives,2023,\"Celine Song, Someone Else\"\n"))
	if err != nil || len(fs) != 2 || len(fs[1].Directors) != 2 {
		t.Errorf("a plain CSV: %+v %v", fs, err)
	}
	var big strings.Builder
	big.WriteString("Name,Year\n")
	for k := range MaxListRows + 1 {
		fmt.Fprintf(&big, "Film %d,2000\n", k)
	}
	if _, _, err := ReadList("big.csv", []byte(big.String())); !errors.Is(err, ErrFile) {
		t.Errorf("too many films: %v", err)
	}
}

// readAll reads every row of data with rows.
func readAll(data string) ([][]string, []int, error) {
	r := newRows("f.csv", strings.NewReader(data))
	var out [][]string
	var lines []int
	for {
		rec, line, err := r.next()
		if errors.Is(err, io.EOF) {
			return out, lines, nil
		}
		if err != nil {
			return out, lines, err
		}
		fields := make([]string, len(rec))
		for k, f := range rec {
			fields[k] = string(f)
		}
		out, lines = append(out, fields), append(lines, line)
	}
}

// FuzzRows holds the row reader to encoding/csv (with LazyQuotes, any
// number of fields) on whatever is within the limits: the same rows, on
// the same lines.
func FuzzRows(f *testing.F) {
	for _, s := range []string{ratingsCSVFixture, diaryCSVFixture, reviewsCSVFixture, listFixture, "a,\"b\"\"c\",d\r\n\r\n\"e\nf\",\n",
		"a\"b,\"c\"d\"\n", "\"open", "x,y\r", ",,\n,", "\"a\"\r\n\"b\"\"\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if !utf8.ValidString(data) || strings.HasPrefix(data, "\ufeff") {
			return
		}
		cr := csv.NewReader(strings.NewReader(data))
		cr.FieldsPerRecord, cr.LazyQuotes = -1, true
		var want [][]string
		var wantLines []int
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return // encoding/csv refuses it; nothing to compare
			}
			line, _ := cr.FieldPos(0)
			want, wantLines = append(want, rec), append(wantLines, line)
		}
		got, lines, err := readAll(data)
		for _, rec := range want {
			if len(rec) > MaxFields {
				if err == nil {
					t.Fatalf("%q: a row of %d fields read", data, len(rec))
				}
				return
			}
		}
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(lines, wantLines) {
			t.Fatalf("%q:\n got %q %v\nwant %q %v", data, got, lines, want, wantLines)
		}
	})
}

// Rows past the limits are refused with their line, whatever shape they
// take: one line of commas, one long field, a quoted field over many short
// lines, the same in a ZIP (unpacked as it is read, never whole).
func TestRowLimits(t *testing.T) {
	head := "Date,Name,Year,Letterboxd URI,Rating\n2024-01-02,Anora,2024,,4\n"
	commas := head + strings.Repeat(",", 10<<20)
	wide := head + strings.Repeat(",", MaxFields) + "\n"
	long := head + "2024-01-02," + strings.Repeat("x", MaxRowBytes) + ",2024,,4\n"
	// What a ZIP holds under its ratio limit: letters that do not repeat.
	rnd := rand.New(rand.NewPCG(1, 2))
	noise := func(n int, sep string) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteByte(byte('a' + rnd.IntN(26)))
			b.WriteString(sep)
		}
		return b.String()
	}
	lines := head + "2024-01-02,\"" + strings.Repeat("a short line\n", MaxRowBytes/10) + "\",2024,,4\n"
	for name, c := range map[string]struct {
		file string
		data []byte
		want string
	}{
		"10 MB of commas":  {"ratings.csv", []byte(commas), "ratings.csv line 3 is longer than 1024 KB"},
		"65 fields":        {"ratings.csv", []byte(wide), "ratings.csv line 3 has more than 64 fields"},
		"a 1 MB field":     {"ratings.csv", []byte(long), "ratings.csv line 3 is longer than 1024 KB"},
		"a quoted 1 MB":    {"ratings.csv", []byte(lines), "ratings.csv line 3 is longer than 1024 KB"},
		"commas in a ZIP":  {"x.zip", zipOf(t, map[string]string{"diary.csv": head + noise(10<<20, ",")}), "diary.csv line 3 is longer"},
		"fields in a ZIP":  {"x.zip", zipOf(t, map[string]string{"diary.csv": head + noise(1000, ",") + "\n"}), "diary.csv line 3 has more than 64 fields"},
		"a 1 MB field ZIP": {"x.zip", zipOf(t, map[string]string{"ratings.csv": head + noise(2<<20, "")}), "ratings.csv line 3 is longer"},
		"not UTF-8, later": {"ratings.csv", []byte(head + "2024-01-02,Am\xe9lie,2001,,4\n"), "ratings.csv line 3 is not UTF-8"},
	} {
		_, _, err := ReadRatings(c.file, c.data)
		if !errors.Is(err, ErrFile) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	if _, _, err := ReadList("l.csv", []byte("Name,Year\nAnora,2024"+strings.Repeat(",", MaxFields)+"\n")); err == nil || !strings.Contains(err.Error(), "line 2 has more than 64 fields") {
		t.Errorf("a wide list row: %v", err)
	}
	// Just within: 64 fields, a row of nearly 1 MB.
	ok := head + "2024-01-02,Tangerine,2015,,3" + strings.Repeat(",", MaxFields-5) + "\n" +
		"2024-01-02,\"Red Rocket\",2021,,4,\"" + strings.Repeat("a review\n", (MaxRowBytes-100)/9) + "\"\n"
	if es, _, err := ReadRatings("reviews.csv", []byte(ok)); err != nil || len(es) != 3 {
		t.Errorf("rows within the limits: %d entries, %v", len(es), err)
	}
}

// A million bad rows keep twenty reasons and a count; titles and links
// past their limits are bad rows; the text kept from one import is bounded.
func TestProblemsAndKeptBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("Name,Year,Rating\n")
	for range 200_000 {
		b.WriteString(",2000,3\n")
	}
	_, probs, err := ReadRatings("r.csv", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "more than 100000 rows") {
		t.Errorf("200,000 rows: %v", err)
	}
	b.Reset()
	b.WriteString("Name,Year,Rating,Letterboxd URI\n")
	for k := range 5000 {
		fmt.Fprintf(&b, ",%d,3,\n", 2000+k%20)
	}
	b.WriteString(strings.Repeat("t", MaxTitleBytes+1) + ",2000,3,\n")
	b.WriteString("Fine,2000,3," + strings.Repeat("u", MaxURIBytes+1) + "\n")
	b.WriteString("Year " + strings.Repeat("9", 100) + "," + strings.Repeat("9", 100) + ",3,\n")
	es, probs, err := ReadRatings("r.csv", []byte(b.String()))
	if err != nil || len(es) != 0 || probs.Count != 5003 || len(probs.First) != MaxProblems {
		t.Fatalf("%d entries, %d problems (%d kept), %v", len(es), probs.Count, len(probs.First), err)
	}
	b.Reset()
	b.WriteString("Name,Year,Rating,Letterboxd URI\n")
	for k := 0; b.Len() < MaxKeptBytes+(1<<20); k++ {
		fmt.Fprintf(&b, "%s %d,2000,3,https://letterboxd.com/film/%s/\n", strings.Repeat("t", 400), k, strings.Repeat("u", 200))
	}
	if _, _, err := ReadRatings("r.csv", []byte(b.String())); err == nil || !strings.Contains(err.Error(), "more than 16 MB") {
		t.Errorf("17 MB of long titles: %v", err)
	}
}

// Written from Letterboxd's export: watchlist.csv has the columns of
// watched.csv (ratings.csv's without Rating); Date is when it was added.
const watchlistCSVFixture = "\ufeffDate,Name,Year,Letterboxd URI\r\n" +
	"2024-02-01,Perfect Days,2023,https://boxd.it/w1\r\n" +
	"2024-03-01,\"Crouching Tiger, Hidden Dragon\",2000,https://boxd.it/w2\r\n" +
	"2024-03-02,Undated,,https://boxd.it/w3\r\n" +
	"2024-03-03,Perfect Days,2023,https://boxd.it/w1\r\n" +
	"2024-03-04,Bad year,20x4,https://boxd.it/w4\r\n" +
	",,,\r\n"

// The watchlist is read from the ZIP's watchlist.csv or that file alone,
// one entry per film, its bad rows reported; other files have none.
func TestReadWatchlist(t *testing.T) {
	zipped := zipOf(t, map[string]string{"ratings.csv": ratingsCSVFixture, "watchlist.csv": watchlistCSVFixture,
		"watched.csv": "Date,Name,Year,Letterboxd URI\n2020-01-01,Watched Only,2020,\n", "lists/watchlist.csv": "Date,Name,Year\n2020-01-01,Nested,2020\n"})
	for name, data := range map[string][]byte{"export.zip": zipped, "watchlist.csv": []byte(watchlistCSVFixture), "WatchList.CSV": []byte(watchlistCSVFixture)} {
		es, probs, err := ReadWatchlist(name, data)
		if err != nil || probs.Count != 1 || !strings.Contains(strings.ToLower(probs.First[0].String()), "watchlist.csv line 6: year \"20x4\"") {
			t.Fatalf("%s: %v %v", name, probs, err)
		}
		m := byTitle(es)
		if len(es) != 3 || m["Perfect Days"].Year != 2023 || m["Perfect Days"].Line != 5 || m["Perfect Days"].Score != 0 ||
			m["Crouching Tiger, Hidden Dragon"].URI != "https://boxd.it/w2" || m["Undated"].Year != 0 ||
			!m["Crouching Tiger, Hidden Dragon"].Date.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: %+v", name, es)
		}
	}
	for name, data := range map[string][]byte{"ratings.csv": []byte(ratingsCSVFixture), "no-watchlist.zip": zipOf(t, map[string]string{"ratings.csv": ratingsCSVFixture})} {
		if es, probs, err := ReadWatchlist(name, data); err != nil || len(es) != 0 || probs.Count != 0 {
			t.Errorf("%s: %v %v %v", name, es, probs, err)
		}
	}
	// The bounds of ReadRatings: rows, one row's size, the kept text.
	var b strings.Builder
	b.WriteString("Date,Name,Year,Letterboxd URI\n")
	for k := range MaxRows + 1 {
		fmt.Fprintf(&b, "2020-01-01,Film %d,2000,\n", k)
	}
	if _, _, err := ReadWatchlist("watchlist.csv", []byte(b.String())); !errors.Is(err, ErrFile) || !strings.Contains(err.Error(), "more than 100000 rows") {
		t.Errorf("too many rows: %v", err)
	}
	wide := "Date,Name,Year\n2020-01-01,A,2000" + strings.Repeat(",", MaxFields) + "\n"
	if _, _, err := ReadWatchlist("x.zip", zipOf(t, map[string]string{"watchlist.csv": wide})); !errors.Is(err, ErrFile) || !strings.Contains(err.Error(), "watchlist.csv line 2 has more than 64 fields") {
		t.Errorf("a wide row: %v", err)
	}
	b.Reset()
	b.WriteString("Date,Name,Year,Letterboxd URI\n")
	for k := 0; b.Len() < MaxKeptBytes+(1<<20); k++ {
		fmt.Fprintf(&b, "2020-01-01,%s %d,2000,https://letterboxd.com/film/%s/\n", strings.Repeat("t", 400), k, strings.Repeat("u", 200))
	}
	if _, _, err := ReadWatchlist("watchlist.csv", []byte(b.String())); err == nil || !strings.Contains(err.Error(), "more than 16 MB") {
		t.Errorf("17 MB of long titles: %v", err)
	}
}

// A file's and a row's problems are written in the reader's language;
// their English (Error, String, Reason) is as before.
func TestProblemsInALanguage(t *testing.T) {
	ru := locale.For("ru")
	_, probs, err := ReadRatings("r.csv", []byte("Name,Year,Rating\nX,2001,7\n"))
	if err != nil || probs.Count != 1 || probs.First[0].Reason != "rating \"7\" is not 0.5–5 in halves" ||
		probs.First[0].Text(ru) != "r.csv, строка 2: оценка \"7\" — не от 0,5 до 5 с шагом 0,5" ||
		probs.First[0].Text(locale.For(locale.English)) != probs.First[0].String() {
		t.Errorf("%+v %v: %q", probs, err, probs.First[0].Text(ru))
	}
	_, _, err = ReadRatings("e.csv", []byte("\n"))
	if !errors.Is(err, ErrFile) || err.Error() != "not a Letterboxd file: e.csv is empty" || Reason(ru, err) != "e.csv пуст" || Reason(locale.For("en-US"), err) != "e.csv is empty" {
		t.Errorf("%v: %q", err, Reason(ru, err))
	}
	if got := Reason(ru, fmt.Errorf("wrapped: %w", errUnpacked)); got != fmt.Sprintf("ZIP распаковывается больше чем в %d МБ CSV", MaxUncompressed>>20) {
		t.Errorf("wrapped: %q", got)
	}
}
