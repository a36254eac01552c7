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
	"io"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what is read.
const (
	MaxRows         = 100_000  // rows in one file
	MaxZipEntries   = 5_000    // files in a ZIP
	MaxUncompressed = 50 << 20 // bytes of the CSVs read from a ZIP, in all
	MaxRatio        = 200      // uncompressed ÷ compressed size of one entry
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
	Reason string
}

func (p Problem) String() string { return fmt.Sprintf("%s line %d: %s", p.File, p.Line, p.Reason) }

// ErrFile is a file that cannot be read at all; its message says why, for
// the member.
var ErrFile = errors.New("not a Letterboxd file")

func fileErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrFile, fmt.Sprintf(format, a...))
}

// ReadRatings reads the ratings in a Letterboxd export: a ZIP (its
// ratings.csv, diary.csv and reviews.csv) or one CSV. Where a film appears
// several times the newest entry wins (by date, then by the later row).
// Rows that cannot be read are returned as problems; a file that cannot
// be read at all is an ErrFile.
func ReadRatings(name string, data []byte) ([]Entry, []Problem, error) {
	var entries []Entry
	var problems []Problem
	if isZip(data) {
		files, err := csvsInZip(data, "ratings.csv", "diary.csv", "reviews.csv")
		if err != nil {
			return nil, nil, err
		}
		if len(files) == 0 {
			return nil, nil, fileErr("the ZIP has no ratings.csv, diary.csv or reviews.csv (is it Letterboxd's account export?)")
		}
		for _, f := range files {
			e, p, err := ratingsCSV(f.name, f.data)
			if err != nil {
				return nil, nil, err
			}
			entries, problems = append(entries, e...), append(problems, p...)
		}
	} else {
		e, p, err := ratingsCSV(path.Base(name), data)
		if err != nil {
			return nil, nil, err
		}
		entries, problems = e, p
	}
	return Newest(entries), problems, nil
}

// Newest keeps one entry per film (folded title and year): the newest
// by date, then the later one read.
func Newest(entries []Entry) []Entry {
	at := map[string]int{}
	var out []Entry
	for _, e := range entries {
		k := Fold(e.Title) + "\x00" + strconv.Itoa(e.Year)
		if i, ok := at[k]; ok {
			if !e.Date.Before(out[i].Date) {
				out[i] = e
			}
			continue
		}
		at[k] = len(out)
		out = append(out, e)
	}
	return out
}

// Fold is how titles are compared: case, spacing and the usual
// punctuation differences between a catalog and Letterboxd ignored.
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '’' || r == '\'' || r == '‘' || r == '"' || r == '“' || r == '”':
			continue
		case r == ' ' || r == '\t' || r == '-' || r == '–' || r == '—' || r == ':' || r == ',' || r == '.':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

type namedCSV struct {
	name string
	data []byte
}

func isZip(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// csvsInZip returns the named files at the ZIP's top level, read within
// the limits.
func csvsInZip(data []byte, names ...string) ([]namedCSV, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fileErr("the ZIP cannot be read (%v)", err)
	}
	if len(zr.File) > MaxZipEntries {
		return nil, fileErr("the ZIP holds %d files; at most %d are read", len(zr.File), MaxZipEntries)
	}
	var out []namedCSV
	total := int64(0)
	for _, want := range names {
		for _, f := range zr.File {
			if f.Name != want { // the top level only; the name is only compared
				continue
			}
			size := int64(f.UncompressedSize64)
			if size > MaxUncompressed || (f.CompressedSize64 > 0 && size/int64(f.CompressedSize64) > MaxRatio) {
				return nil, fileErr("%s in the ZIP unpacks to %d bytes, over the limits", want, size)
			}
			rc, err := f.Open()
			if err != nil {
				return nil, fileErr("%s in the ZIP cannot be read (%v)", want, err)
			}
			// The declared size is not trusted: read at most what is left.
			b, err := io.ReadAll(io.LimitReader(rc, MaxUncompressed-total+1))
			rc.Close()
			if err != nil {
				return nil, fileErr("%s in the ZIP cannot be read (%v)", want, err)
			}
			if total += int64(len(b)); total > MaxUncompressed {
				return nil, fileErr("the ZIP unpacks to more than %d MB of CSV", MaxUncompressed>>20)
			}
			out = append(out, namedCSV{want, b})
		}
	}
	return out, nil
}

// columns maps the header's names, case and spacing ignored, to indexes.
type columns map[string]int

// get is the first of the named columns with a value in row.
func (c columns) get(row []string, names ...string) string {
	for _, n := range names {
		if i, ok := c[n]; ok && i < len(row) {
			if v := strings.TrimSpace(row[i]); v != "" {
				return v
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

// readCSV parses a CSV (BOM, CRLF, quoted newlines) into its header's
// columns and rows, skipping lines before the header for list exports.
func readCSV(name string, data []byte, isHeader func(columns) bool) (columns, [][]string, []int, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, nil, fileErr("%s is empty", name)
	}
	if !utf8.Valid(data) {
		return nil, nil, nil, fileErr("%s is not UTF-8 text (Letterboxd's files are; was it re-saved by a spreadsheet?)", name)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var cols columns
	var rows [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, nil, nil, fileErr("%s line %d is not CSV (%v)", name, line, err)
		}
		if cols == nil {
			c := columns{}
			for i, h := range rec {
				c[headerKey(h)] = i
			}
			if isHeader(c) {
				cols = c
			}
			continue
		}
		if len(rows) >= MaxRows {
			return nil, nil, nil, fileErr("%s has more than %d rows", name, MaxRows)
		}
		rows, lines = append(rows, rec), append(lines, line)
	}
	if cols == nil {
		return nil, nil, nil, fileErr("%s has no header row with the columns filmbot needs", name)
	}
	return cols, rows, lines, nil
}

// ratingsCSV reads the rated rows of one CSV: Letterboxd's ratings,
// diary and reviews exports (Name, Year, Rating 0.5–5, Date, Watched
// Date) or its import format (Title, Year, Rating or Rating10,
// WatchedDate). Rows without a rating are skipped.
func ratingsCSV(name string, data []byte) ([]Entry, []Problem, error) {
	cols, rows, lines, err := readCSV(name, data, func(c columns) bool {
		return c.has("name", "title") && c.has("rating", "rating10")
	})
	if err != nil {
		return nil, nil, err
	}
	var out []Entry
	var problems []Problem
	for k, row := range rows {
		e := Entry{File: name, Line: lines[k]}
		bad := func(format string, a ...any) {
			problems = append(problems, Problem{name, lines[k], fmt.Sprintf(format, a...)})
		}
		e.Title = cols.get(row, "name", "title")
		if e.Title == "" {
			bad("no title")
			continue
		}
		if y := cols.get(row, "year"); y != "" {
			n, err := strconv.Atoi(y)
			if err != nil || n < 1870 || n > 2100 {
				bad("year %q is not a year", y)
				continue
			}
			e.Year = n
		}
		if r10 := cols.get(row, "rating10"); r10 != "" {
			n, err := strconv.Atoi(r10)
			if err != nil || n < 1 || n > 10 {
				bad("Rating10 %q is not 1–10", r10)
				continue
			}
			e.Score = n
		} else if r := cols.get(row, "rating"); r != "" {
			f, err := strconv.ParseFloat(r, 64)
			if err != nil || f < 0.5 || f > 5 || f*2 != float64(int(f*2)) {
				bad("rating %q is not 0.5–5 in halves", r)
				continue
			}
			e.Score = int(f * 2)
		} else {
			continue // watched but not rated
		}
		if d := cols.get(row, "watcheddate", "date"); d != "" {
			t, err := time.Parse(time.DateOnly, d)
			if err != nil {
				bad("date %q is not YYYY-MM-DD", d)
				continue
			}
			e.Date = t
		}
		e.URI = cols.get(row, "letterboxduri", "url")
		out = append(out, e)
	}
	return out, problems, nil
}

// ExportRow is one rating as Letterboxd's importer takes it.
type ExportRow struct {
	Title    string
	Year     int
	Rating10 int
	Watched  time.Time
	URI      string
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
		rec := []string{r.Title, "", strconv.Itoa(r.Rating10), ""}
		if r.Year > 0 {
			rec[1] = strconv.Itoa(r.Year)
		}
		if !r.Watched.IsZero() {
			rec[3] = r.Watched.Format(time.DateOnly)
		}
		if withURI {
			rec = append(rec, r.URI)
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
func ReadList(name string, data []byte) ([]ListFilm, []Problem, error) {
	name = path.Base(name)
	cols, rows, lines, err := readCSV(name, data, func(c columns) bool { return c.has("name", "title") && c.has("year") })
	if err != nil {
		return nil, nil, err
	}
	if len(rows) > MaxListRows {
		return nil, nil, fileErr("%s has %d films; at most %d are imported at once", name, len(rows), MaxListRows)
	}
	var out []ListFilm
	var problems []Problem
	for k, row := range rows {
		f := ListFilm{Title: cols.get(row, "name", "title"), Line: lines[k], URI: cols.get(row, "letterboxduri", "url")}
		bad := func(format string, a ...any) {
			problems = append(problems, Problem{name, lines[k], fmt.Sprintf(format, a...)})
		}
		if f.Title == "" {
			if strings.Join(row, "") != "" {
				bad("no title")
			}
			continue
		}
		y := cols.get(row, "year")
		n, err := strconv.Atoi(y)
		if err != nil || n < 1870 || n > 2100 {
			bad("year %q is not a year from 1870 to 2100", y)
			continue
		}
		f.Year = n
		if f.URI != "" && !strings.HasPrefix(f.URI, "https://letterboxd.com/") && !strings.HasPrefix(f.URI, "https://boxd.it/") {
			bad("%q is not a Letterboxd link", f.URI)
			continue
		}
		for _, d := range strings.Split(cols.get(row, "directors", "director"), ",") {
			if d = strings.TrimSpace(d); d != "" {
				f.Directors = append(f.Directors, d)
			}
		}
		out = append(out, f)
	}
	return out, problems, nil
}
