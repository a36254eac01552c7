package letterboxd

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// Limits on one row. A row is read whole before it is looked at, so these
// bound what one row can take: without them, one line of 50 MB of commas
// was 50 million fields, 4 GB of memory.
const (
	MaxFields   = 64      // fields in one row (Letterboxd's widest file, reviews.csv, has 9)
	MaxRowBytes = 1 << 20 // bytes of one row, its quoted line breaks included
)

// rows reads CSV one row at a time (RFC 4180, as Letterboxd writes it, and
// leniently, as encoding/csv's LazyQuotes reads it: a quote inside an
// unquoted field, or one in a quoted field not before a comma or the end
// of the line, is a quote), keeping only the row it is on. Empty lines are
// skipped; CRLF is LF, in quoted fields too.
type rows struct {
	name    string
	r       *bufio.Reader
	line    int    // the lines read so far
	long    []byte // a line longer than the buffer, gathered
	field   []byte // the row's fields, one after another
	ends    []int  // where each field ends in field
	out     [][]byte
	sawText bool // a byte other than white space was read
}

func newRows(name string, r io.Reader) *rows {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return &rows{name: name, r: br}
}

// readLine returns the next line without its line break (valid until the
// next call) and whether it had one, refusing a line that would take the
// row past MaxRowBytes. used is what the row already holds; start is the
// row's first line.
func (r *rows) readLine(used, start int) ([]byte, bool, error) {
	b, err := r.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		r.long = append(r.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if used+len(r.long) > MaxRowBytes {
				return nil, false, r.tooLong(start)
			}
			b, err = r.r.ReadSlice('\n')
			r.long = append(r.long, b...)
		}
		b = r.long
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, err
	}
	if len(b) == 0 && errors.Is(err, io.EOF) {
		return nil, false, io.EOF
	}
	if used+len(b) > MaxRowBytes {
		return nil, false, r.tooLong(start)
	}
	r.line++
	if !r.sawText && len(bytes.TrimSpace(b)) > 0 {
		r.sawText = true
	}
	nl := bytes.HasSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r")), nl, nil
}

func (r *rows) tooLong(start int) error {
	return fileErr(msgRowLong, "File", r.name, "Line", strconv.Itoa(start), "KB", strconv.Itoa(MaxRowBytes>>10))
}

// next returns the next row's fields (valid until the next call: a
// field that is kept is copied, and only those are) and the line it
// starts on; io.EOF after the last. A row past the limits, or not UTF-8,
// is an ErrFile naming its line.
func (r *rows) next() ([][]byte, int, error) {
	r.field, r.ends = r.field[:0], r.ends[:0]
	var line []byte
	var nl bool
	for {
		l, n, err := r.readLine(0, r.line+1)
		if err != nil {
			return nil, 0, err
		}
		if len(l) > 0 {
			line, nl = l, n
			break
		}
	}
	start, used := r.line, len(line)+1
	endField := func() error {
		r.ends = append(r.ends, len(r.field))
		if len(r.ends) > MaxFields {
			return fileErr(msgFields, "File", r.name, "Line", strconv.Itoa(start), "Max", strconv.Itoa(MaxFields))
		}
		return nil
	}
	for {
		if len(line) == 0 || line[0] != '"' {
			// An unquoted field: up to the next comma.
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				r.field = append(r.field, line...)
				if err := endField(); err != nil {
					return nil, 0, err
				}
				break
			}
			r.field = append(r.field, line[:i]...)
			if err := endField(); err != nil {
				return nil, 0, err
			}
			line = line[i+1:]
			continue
		}
		// A quoted field, perhaps over several lines.
		line = line[1:]
		for {
			i := bytes.IndexByte(line, '"')
			if i < 0 {
				r.field = append(r.field, line...)
				if nl {
					r.field = append(r.field, '\n')
				}
				l, n, err := r.readLine(used, start)
				if errors.Is(err, io.EOF) { // unclosed at the end: the field ends there
					line = nil
					break
				}
				if err != nil {
					return nil, 0, err
				}
				used += len(l) + 1
				line, nl = l, n
				continue
			}
			r.field = append(r.field, line[:i]...)
			line = line[i+1:]
			switch {
			case len(line) > 0 && line[0] == '"': // "" is a quote
				r.field = append(r.field, '"')
				line = line[1:]
				continue
			case len(line) == 0 || line[0] == ',':
			default: // a stray quote: kept, as LazyQuotes does
				r.field = append(r.field, '"')
				continue
			}
			break
		}
		if err := endField(); err != nil {
			return nil, 0, err
		}
		if len(line) == 0 {
			break
		}
		line = line[1:] // the comma
		if len(line) == 0 {
			if err := endField(); err != nil { // a last, empty field
				return nil, 0, err
			}
			break
		}
	}
	if !utf8.Valid(r.field) {
		return nil, 0, fileErr(msgNotUTF8, "File", r.name, "Line", strconv.Itoa(start))
	}
	r.out = r.out[:0]
	from := 0
	for _, to := range r.ends {
		r.out = append(r.out, r.field[from:to:to])
		from = to
	}
	return r.out, start, nil
}
