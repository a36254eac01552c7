// Package letterboxd reads and writes Letterboxd's files: the account
// export (a ZIP with ratings.csv, diary.csv, reviews.csv, …, or one of
// those CSVs alone) and the CSV that Letterboxd's importer takes. It works
// on bytes alone: no network, and no path inside a ZIP is ever used as a
// file path.
package letterboxd

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// Limits on what is read.
const (
	MaxRows         = 100_000  // rows of one import, all the files of an export together
	MaxZipEntries   = 5_000    // files in a ZIP
	MaxUncompressed = 50 << 20 // bytes of the CSVs read from a ZIP, in all
	MaxRatio        = 200      // uncompressed ÷ compressed size of one entry
	MaxProblems     = 20       // rows kept with the reason they were skipped; the rest are counted
	MaxTitleBytes   = 500      // a title longer than this is a bad row
	MaxURIBytes     = 300      // so is a link longer than this
	MaxKeptBytes    = 16 << 20 // bytes of titles and links kept from one import (some 40 a film)
)

// Entry is one rated film from a file.
type Entry struct {
	Title string
	Year  int       // 0 when the file gives none
	Score int       // 1–10 (Letterboxd's 0.5–5 stars × 2)
	Date  time.Time // when watched (or logged); zero when the file gives none
	URI   string    // the film's Letterboxd link, if given
	File  string    // which file, for messages
	Line  int       // the row's line in that file (1 is the header)
}

// Problem is a row that could not be read, and why.
type Problem struct {
	File   string
	Line   int
	Reason string // in English; a problem made here also has it in every language (Text)
	why    locale.Key
	args   []any // why's placeholders, as name/value pairs
	local  bool  // why is set
}

func (p Problem) String() string { return fmt.Sprintf("%s line %d: %s", p.File, p.Line, p.Reason) }

// Text is p in t's language: "ratings.csv line 7: no title".
func (p Problem) Text(t *locale.T) string {
	reason := p.Reason
	if p.local {
		reason = t.F(p.why, p.args...)
	}
	return t.F(msgRowLine, "File", p.File, "Line", strconv.Itoa(p.Line), "Reason", reason)
}

// problem is a row's problem, why with its placeholders as pairs: its
// English Reason is written only if it is kept (Problems.Add).
func problem(file string, line int, why locale.Key, pairs ...any) Problem {
	return Problem{File: file, Line: line, why: why, args: pairs, local: true}
}

// Problems are the rows that could not be read: the first MaxProblems
// with their reasons, and how many in all (a file of a million bad rows
// keeps twenty).
type Problems struct {
	First []Problem
	Count int
}

// Add counts p, and keeps it while fewer than MaxProblems are kept.
func (ps *Problems) Add(p Problem) {
	ps.Count++
	if len(ps.First) < MaxProblems {
		if p.local && p.Reason == "" {
			p.Reason = locale.For(locale.English).F(p.why, p.args...)
		}
		ps.First = append(ps.First, p)
	}
}

// What is wrong with a file or a row, for the member importing it, in
// their language (issue 27; the ids are commands' import. area).
var (
	msgRowLine     = locale.Text("import.row.line", "{{.File}} line {{.Line}}: {{.Reason}}")
	msgNoTitle     = locale.Text("import.row.no_title", "no title")
	msgTitleLong   = locale.Text("import.row.title_long", "the title is longer than {{.Max}} bytes")
	msgYear        = locale.Text("import.row.year", "year {{.Year}} is not a year")
	msgRating10    = locale.Text("import.row.rating10", "Rating10 {{.Value}} is not 1–10")
	msgRating      = locale.Text("import.row.rating", "rating {{.Value}} is not 0.5–5 in halves")
	msgDate        = locale.Text("import.row.date", "date {{.Value}} is not YYYY-MM-DD")
	msgLinkLong    = locale.Text("import.row.link_long", "the link is longer than {{.Max}} bytes")
	msgYearRange   = locale.Text("import.row.year_range", "year {{.Year}} is not a year from 1870 to 2100")
	msgNotLink     = locale.Text("import.row.not_link", "{{.Value}} is not a Letterboxd link")
	msgNoCSV       = locale.Text("import.bad.no_csv", "the ZIP has no ratings.csv, diary.csv or reviews.csv (is it Letterboxd's account export?)")
	msgUnpacked    = locale.Text("import.bad.unpacked", "the ZIP unpacks to more than {{.MB}} MB of CSV")
	msgBadZip      = locale.Text("import.bad.zip", "the ZIP cannot be read ({{.Err}})")
	msgZipFiles    = locale.Text("import.bad.zip_files", "the ZIP holds {{.Files}} files; at most {{.Max}} are read")
	msgEntrySize   = locale.Text("import.bad.entry_size", "{{.File}} in the ZIP unpacks to {{.Bytes}} bytes, over the limits")
	msgBadEntry    = locale.Text("import.bad.entry", "{{.File}} in the ZIP cannot be read ({{.Err}})")
	msgTooManyRows = locale.Text("import.bad.rows", "{{.File}} has more than {{.Max}} rows; at most {{.Max}} are read at once")
	msgEmpty       = locale.Text("import.bad.empty", "{{.File}} is empty")
	msgNoHeader    = locale.Text("import.bad.header", "{{.File}} has no header row with the columns filmbot needs")
	msgKept        = locale.Text("import.bad.kept", "its titles and links come to more than {{.MB}} MB; filmbot reads at most that from one import")
	msgRowLong     = locale.Text("import.bad.row_long", "{{.File}} line {{.Line}} is longer than {{.KB}} KB: filmbot reads rows of up to {{.KB}} KB")
	msgFields      = locale.Text("import.bad.fields", "{{.File}} line {{.Line}} has more than {{.Max}} fields: filmbot reads rows of up to {{.Max}}")
	msgNotUTF8     = locale.Text("import.bad.utf8", "{{.File}} line {{.Line}} is not UTF-8 text (Letterboxd's files are; was it re-saved by a spreadsheet?)")
)

// ErrFile is a file that cannot be read at all; its message says why, for
// the member.
var ErrFile = errors.New("not a Letterboxd file")

// fileError is an ErrFile saying why, in every language (Reason).
type fileError struct {
	why  locale.Key
	args []any // name/value pairs
}

func (e *fileError) Error() string {
	return ErrFile.Error() + ": " + locale.For(locale.English).F(e.why, e.args...)
}

func (e *fileError) Unwrap() error { return ErrFile }

// fileErr is an ErrFile: why, with its placeholders as name/value pairs.
func fileErr(why locale.Key, pairs ...any) error { return &fileError{why, pairs} }

// Reason is what is wrong with a file that cannot be read (an ErrFile),
// in t's language.
func Reason(t *locale.T, err error) string {
	var fe *fileError
	if errors.As(err, &fe) {
		return t.F(fe.why, fe.args...)
	}
	return strings.TrimPrefix(err.Error(), ErrFile.Error()+": ")
}

// ReadRatings reads the ratings in a Letterboxd export: a ZIP (its
// ratings.csv, diary.csv and reviews.csv) or one CSV. Where a film appears
// several times the newest entry wins (by date, then by the later row).
// Rows that cannot be read are returned as problems; a file that cannot
// be read at all is an ErrFile. Rows are read one at a time, and a ZIP's
// files are unpacked as they are read: what is kept is one row and the
// entries, one per film.
func ReadRatings(name string, data []byte) ([]Entry, Problems, error) {
	rd := &entryReader{}
	if isZip(data) {
		n, err := eachInZip(data, func(name string, r io.Reader) error { return rd.read(name, r) }, "ratings.csv", "diary.csv", "reviews.csv")
		if err != nil {
			return nil, Problems{}, err
		}
		if n == 0 {
			return nil, Problems{}, fileErr(msgNoCSV)
		}
	} else if err := rd.read(path.Base(name), bytes.NewReader(data)); err != nil {
		return nil, Problems{}, err
	}
	return rd.out, rd.problems, nil
}

// newest keeps one entry per film (the newest by date, then the later
// one read), keyed by a hash of its title key (storage.TitleKey) and year (the key is 8
// bytes, not a second copy of the title; the seed is random, so no file
// can be made to collide), and counts the bytes of
// text it keeps.
type newest struct {
	at   map[uint64]int
	out  []Entry
	seed maphash.Seed
	kept int
	key  []byte
}

func (n *newest) add(e Entry) {
	if n.at == nil {
		n.at, n.seed = map[uint64]int{}, maphash.MakeSeed()
	}
	n.key = strconv.AppendInt(append(storage.AppendTitleKey(n.key[:0], e.Title), 0), int64(e.Year), 10)
	k := maphash.Bytes(n.seed, n.key)
	n.kept += len(e.Title) + len(e.URI)
	if i, ok := n.at[k]; ok {
		if old := n.out[i]; !e.Date.Before(old.Date) {
			n.out[i] = e
			n.kept -= len(old.Title) + len(old.URI)
		} else {
			n.kept -= len(e.Title) + len(e.URI)
		}
		return
	}
	n.at[k] = len(n.out)
	n.out = append(n.out, e)
}

func isZip(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// errUnpacked is a ZIP whose files unpack past MaxUncompressed.
var errUnpacked = fileErr(msgUnpacked, "MB", strconv.Itoa(MaxUncompressed>>20))

// capped reads r, failing with errUnpacked past *left bytes.
type capped struct {
	r    io.Reader
	left *int64
}

func (c capped) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if *c.left -= int64(n); *c.left < 0 {
		return 0, errUnpacked
	}
	return n, err
}

// eachInZip hands each of the named files at the ZIP's top level to read,
// unpacked as it is read and within the limits, and says how many it
// found.
func eachInZip(data []byte, read func(name string, r io.Reader) error, names ...string) (int, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, fileErr(msgBadZip, "Err", err.Error())
	}
	if len(zr.File) > MaxZipEntries {
		return 0, fileErr(msgZipFiles, "Files", strconv.Itoa(len(zr.File)), "Max", strconv.Itoa(MaxZipEntries))
	}
	found := 0
	left := int64(MaxUncompressed)
	for _, want := range names {
		for _, f := range zr.File {
			if f.Name != want { // the top level only; the name is only compared
				continue
			}
			size := int64(f.UncompressedSize64)
			if size > MaxUncompressed || (f.CompressedSize64 > 0 && size/int64(f.CompressedSize64) > MaxRatio) {
				return 0, fileErr(msgEntrySize, "File", want, "Bytes", strconv.FormatInt(size, 10))
			}
			rc, err := f.Open()
			if err != nil {
				return 0, fileErr(msgBadEntry, "File", want, "Err", err.Error())
			}
			// The declared size is not trusted: what is read is counted.
			err = read(want, capped{rc, &left})
			rc.Close()
			if err != nil && !errors.Is(err, ErrFile) {
				err = fileErr(msgBadEntry, "File", want, "Err", err.Error())
			}
			if err != nil {
				return 0, err
			}
			found++
		}
	}
	return found, nil
}

// columns maps the header's names, case and spacing ignored, to indexes.
type columns map[string]int

// get is the first of the named columns with a value in row, trimmed; it
// is a copy, so it may be kept.
func (c columns) get(row [][]byte, names ...string) string {
	for _, n := range names {
		if i, ok := c[n]; ok && i < len(row) {
			if v := bytes.TrimSpace(row[i]); len(v) > 0 {
				return string(v)
			}
		}
	}
	return ""
}

func (c columns) has(names ...string) bool {
	for _, n := range names {
		if _, ok := c[n]; ok {
			return true
		}
	}
	return false
}

func headerKey(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), "_", ""))
}

// readCSV reads a CSV (BOM, CRLF, quoted newlines) row by row: it finds
// the header (skipping the lines before it, as list exports have), then
// hands each row after it to row with its line. A row is valid only
// during the call. *count counts the rows, over the files of one import,
// up to limit.
func readCSV(name string, r io.Reader, isHeader func(columns) bool, count *int, limit int, row func(cols columns, rec [][]byte, line int) error) error {
	rs := newRows(name, r)
	var cols columns
	for {
		rec, line, err := rs.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if cols == nil {
			c := columns{}
			for i, h := range rec {
				c[headerKey(string(h))] = i
			}
			if isHeader(c) {
				cols = c
			}
			continue
		}
		if *count++; *count > limit {
			return fileErr(msgTooManyRows, "File", name, "Max", strconv.Itoa(limit))
		}
		if err := row(cols, rec, line); err != nil {
			return err
		}
	}
	switch {
	case !rs.sawText:
		return fileErr(msgEmpty, "File", name)
	case cols == nil:
		return fileErr(msgNoHeader, "File", name)
	}
	return nil
}

// short is a value for a message: quoted, and clipped.
func short(s string) string {
	if utf8.RuneCountInString(s) > 24 {
		s = string([]rune(s)[:24]) + "…"
	}
	return strconv.Quote(s)
}

// text is a title or link as read: without the quote that Export puts
// before a leading = + - @ (see Cell).
func text(s string) string { return Uncell(s) }

// entryReader reads the films of CSVs. Rated rows: Letterboxd's
// ratings, diary and reviews exports (Name, Year, Rating 0.5–5, Date,
// Watched Date) or its import format (Title, Year, Rating or Rating10,
// WatchedDate); rows without a rating are skipped. With watchlist, the
// rows of watchlist.csv (Date, Name, Year, Letterboxd URI; Title and
// LetterboxdURI as the import format names them), which have no rating.
type entryReader struct {
	newest
	problems  Problems
	rows      int
	watchlist bool
}

func (rd *entryReader) read(name string, r io.Reader) error {
	isHeader := func(c columns) bool { return c.has("name", "title") && c.has("rating", "rating10") }
	dates := []string{"watcheddate", "date"} // when it was watched
	if rd.watchlist {
		isHeader = func(c columns) bool { return c.has("name", "title") && c.has("year") }
		dates = []string{"date", "watcheddate"} // when it was put on the list
	}
	return readCSV(name, r, isHeader, &rd.rows, MaxRows, func(cols columns, row [][]byte, line int) error {
		e := Entry{File: name, Line: line}
		bad := func(why locale.Key, pairs ...any) { rd.problems.Add(problem(name, line, why, pairs...)) }
		title := cols.get(row, "name", "title")
		switch {
		case title == "":
			if !rd.watchlist || len(bytes.Join(row, nil)) > 0 { // a watchlist's empty rows are no one's mistake
				bad(msgNoTitle)
			}
			return nil
		case len(title) > MaxTitleBytes:
			bad(msgTitleLong, "Max", strconv.Itoa(MaxTitleBytes))
			return nil
		}
		if y := cols.get(row, "year"); y != "" {
			n, err := strconv.Atoi(y)
			if err != nil || n < 1870 || n > 2100 {
				bad(msgYear, "Year", short(y))
				return nil
			}
			e.Year = n
		}
		if !rd.watchlist {
			if r10 := cols.get(row, "rating10"); r10 != "" {
				n, err := strconv.Atoi(r10)
				if err != nil || n < 1 || n > 10 {
					bad(msgRating10, "Value", short(r10))
					return nil
				}
				e.Score = n
			} else if r := cols.get(row, "rating"); r != "" {
				f, err := strconv.ParseFloat(r, 64)
				if err != nil || f < 0.5 || f > 5 || f*2 != float64(int(f*2)) {
					bad(msgRating, "Value", short(r))
					return nil
				}
				e.Score = int(f * 2)
			} else {
				return nil // watched but not rated
			}
		}
		if d := cols.get(row, dates...); d != "" {
			t, err := time.Parse(time.DateOnly, d)
			if err != nil {
				bad(msgDate, "Value", short(d))
				return nil
			}
			e.Date = t
		}
		uri := cols.get(row, "letterboxduri", "url")
		if len(uri) > MaxURIBytes {
			bad(msgLinkLong, "Max", strconv.Itoa(MaxURIBytes))
			return nil
		}
		if rd.kept+len(title)+len(uri) > MaxKeptBytes {
			return fileErr(msgKept, "MB", strconv.Itoa(MaxKeptBytes>>20))
		}
		e.Title, e.URI = text(title), text(uri)
		rd.add(e)
		return nil
	})
}

// WatchlistFile is the file of a Letterboxd export that holds the
// member's watchlist.
const WatchlistFile = "watchlist.csv"

// IsWatchlist tells whether a file attached alone is a watchlist (by its
// name: watchlist.csv has the columns of watched.csv, Date, Name, Year,
// Letterboxd URI).
func IsWatchlist(name string) bool { return strings.EqualFold(path.Base(name), WatchlistFile) }

// ReadWatchlist reads the films of a Letterboxd watchlist: a ZIP's
// watchlist.csv, or that file alone (IsWatchlist); a ZIP without one, or
// another CSV, has none (nil, no error). Each entry is a film (Score 0;
// Date is when it was added), one per film, within the bounds of
// ReadRatings: MaxRows rows, MaxKeptBytes of text, MaxUncompressed
// unpacked, the limits of one row. Rows that cannot be read are problems.
func ReadWatchlist(name string, data []byte) ([]Entry, Problems, error) {
	rd := &entryReader{watchlist: true}
	switch {
	case isZip(data):
		if _, err := eachInZip(data, func(name string, r io.Reader) error { return rd.read(name, r) }, WatchlistFile); err != nil {
			return nil, Problems{}, err
		}
	case IsWatchlist(name):
		if err := rd.read(path.Base(name), bytes.NewReader(data)); err != nil {
			return nil, Problems{}, err
		}
	}
	return rd.out, rd.problems, nil
}

// ExportRow is one rating as Letterboxd's importer takes it.
type ExportRow struct {
	Title    string
	Year     int
	Rating10 int
	Watched  time.Time
	URI      string
}

// Cell is s made safe for a spreadsheet, as OWASP advises against CSV
// injection: a cell that starts with = + - @, a tab or a carriage return
// (which a spreadsheet may run as a formula) gets a ' before it, and so
// does one that starts with ' followed by such a cell, so that Uncell
// gives s back whatever it was. The readers here undo it.
func Cell(s string) string {
	if formula(s) {
		return "'" + s
	}
	return s
}

// Uncell undoes Cell.
func Uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && formula(s[1:]) {
		return s[1:]
	}
	return s
}

// formula is a cell a spreadsheet could take for a formula, or one that
// Cell escaped.
func formula(s string) bool {
	for len(s) > 0 && s[0] == '\'' {
		s = s[1:]
		if s == "" {
			return false
		}
	}
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// MaxExportFile is the largest file Letterboxd's importer takes.
const MaxExportFile = 1 << 20

// Export writes rows in Letterboxd's import format (Title, Year,
// Rating10, WatchedDate, and LetterboxdURI when any row has one), split
// into files of at most MaxExportFile bytes, each with the header.
func Export(rows []ExportRow) [][]byte {
	withURI := false
	for _, r := range rows {
		withURI = withURI || r.URI != ""
	}
	header := []string{"Title", "Year", "Rating10", "WatchedDate"}
	if withURI {
		header = append(header, "LetterboxdURI")
	}
	line := func(rec []string) []byte {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write(rec)
		w.Flush()
		return b.Bytes()
	}
	head := line(header)
	var files [][]byte
	cur := bytes.Clone(head)
	for _, r := range rows {
		rec := []string{Cell(r.Title), "", strconv.Itoa(r.Rating10), ""}
		if r.Year > 0 {
			rec[1] = strconv.Itoa(r.Year)
		}
		if !r.Watched.IsZero() {
			rec[3] = r.Watched.Format(time.DateOnly)
		}
		if withURI {
			rec = append(rec, Cell(r.URI))
		}
		l := line(rec)
		if len(cur)+len(l) > MaxExportFile {
			files = append(files, cur)
			cur = bytes.Clone(head)
		}
		cur = append(cur, l...)
	}
	return append(files, cur)
}

// MaxListRows bounds the films of one list import.
const MaxListRows = 10_000

// ListFilm is one film of a list.
type ListFilm struct {
	Title     string
	Year      int
	Directors []string
	URI       string
	Line      int
}

// ReadList reads a Letterboxd list export (a few lines about the list,
// then Position,Name,Year,URL,Description) or any CSV with Name or Title
// and Year, and optionally Directors (comma-separated) and URL or
// LetterboxdURI. Rows without a title or a year are problems.
func ReadList(name string, data []byte) ([]ListFilm, Problems, error) {
	name = path.Base(name)
	var out []ListFilm
	var problems Problems
	count := 0
	isHeader := func(c columns) bool { return c.has("name", "title") && c.has("year") }
	err := readCSV(name, bytes.NewReader(data), isHeader, &count, MaxListRows, func(cols columns, row [][]byte, line int) error {
		f := ListFilm{Title: cols.get(row, "name", "title"), Line: line, URI: cols.get(row, "letterboxduri", "url")}
		bad := func(why locale.Key, pairs ...any) { problems.Add(problem(name, line, why, pairs...)) }
		if f.Title == "" {
			if len(bytes.Join(row, nil)) > 0 {
				bad(msgNoTitle)
			}
			return nil
		}
		if len(f.Title) > MaxTitleBytes {
			bad(msgTitleLong, "Max", strconv.Itoa(MaxTitleBytes))
			return nil
		}
		y := cols.get(row, "year")
		n, err := strconv.Atoi(y)
		if err != nil || n < 1870 || n > 2100 {
			bad(msgYearRange, "Year", short(y))
			return nil
		}
		f.Year = n
		f.Title, f.URI = text(f.Title), text(f.URI)
		if f.URI != "" && (len(f.URI) > MaxURIBytes || !strings.HasPrefix(f.URI, "https://letterboxd.com/") && !strings.HasPrefix(f.URI, "https://boxd.it/")) {
			bad(msgNotLink, "Value", short(f.URI))
			return nil
		}
		for _, d := range strings.Split(cols.get(row, "directors", "director"), ",") {
			if d = strings.TrimSpace(d); d != "" && len(f.Directors) < maxDirectors {
				f.Directors = append(f.Directors, text(d))
			}
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, Problems{}, err
	}
	return out, problems, nil
}

// maxDirectors bounds the directors kept from one row of a list.
const maxDirectors = 20
