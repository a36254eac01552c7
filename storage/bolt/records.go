package bolt

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// Every record is checked as it is decoded: a record of unexpected bytes
// (a damaged page, a hand edit, a bug of an older version) fails the one
// read or write that met it, with an error naming its bucket and key,
// instead of a panic or a wrong answer.

// damaged is the error for a record that is not what its bucket holds.
func damaged(bucket, k []byte, format string, args ...any) error {
	return fmt.Errorf("%w: record %x in bucket %q: %s", ErrDamaged, k, bucket, fmt.Sprintf(format, args...))
}

// decodeRecord decodes and checks the record v stored at k in bucket:
// JSON, or the binary layout of the records read most (binary.go).
func decodeRecord[T any](bucket, k, v []byte) (T, error) {
	var rec T
	var err error
	if len(v) > 0 && v[0] == recBinary {
		err = decodeBinary(bucket, &rec, v[1:])
	} else {
		err = json.Unmarshal(v, &rec)
	}
	if err != nil {
		return rec, damaged(bucket, k, "%v", err)
	}
	if err := checkRecord(&rec, k); err != nil {
		return rec, damaged(bucket, k, "%v", err)
	}
	return rec, nil
}

// idAt reads the n-th 8-byte id of key k (0 when k is too short).
func idAt(k []byte, n int) uint64 {
	if len(k) < 8*(n+1) {
		return 0
	}
	return binary.BigEndian.Uint64(k[8*n:])
}

// checkRecord tells whether a decoded record agrees with its key.
func checkRecord(rec any, k []byte) error {
	switch r := rec.(type) {
	case *Film:
		switch {
		case len(k) != 16:
			return fmt.Errorf("key of %d bytes", len(k))
		case r.ID != idAt(k, 1) || r.Scope != Scope(idAt(k, 0)):
			return fmt.Errorf("holds film %d of scope %d", r.ID, r.Scope)
		case r.Title == "":
			return fmt.Errorf("film without a title")
		}
	case *Review:
		switch {
		case len(k) != 24:
			return fmt.Errorf("key of %d bytes", len(k))
		case r.Scope != Scope(idAt(k, 0)) || r.FilmID != idAt(k, 1) || r.ID != idAt(k, 2):
			return fmt.Errorf("holds review %d of film %d, scope %d", r.ID, r.FilmID, r.Scope)
		case len(r.Excerpts) == 0 && r.Paragraphs == 0:
			return fmt.Errorf("review without text")
		}
	}
	return nil
}

// rating records: score (1 byte) then the time in unix nanoseconds.
func encodeRating(score int, at time.Time) []byte {
	b := make([]byte, 9)
	b[0] = byte(score)
	binary.BigEndian.PutUint64(b[1:], uint64(at.UnixNano()))
	return b
}

func decodeRating(bucket, k, v []byte) (int, time.Time, error) {
	if len(k) != 24 {
		return 0, time.Time{}, damaged(bucket, k, "key of %d bytes, want 24", len(k))
	}
	if len(v) != 9 {
		return 0, time.Time{}, damaged(bucket, k, "rating of %d bytes, want 9", len(v))
	}
	if s := int(v[0]); s < MinScore || s > MaxScore {
		return 0, time.Time{}, damaged(bucket, k, "score %d", s)
	}
	return int(v[0]), time.Unix(0, int64(binary.BigEndian.Uint64(v[1:]))).UTC(), nil
}

// aggregate records: sum, count, then the ten histogram counts, each 8 bytes.
const aggregateSize = 8 * (2 + MaxScore)

func encodeAggregate(a Aggregate) []byte {
	b := make([]byte, 0, aggregateSize)
	b = binary.BigEndian.AppendUint64(b, uint64(a.Sum))
	b = binary.BigEndian.AppendUint64(b, uint64(a.Count))
	for _, n := range a.Hist {
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return b
}

// decodeAggregate decodes film's aggregate; nil is a film never rated.
// Its figures must agree with each other: the histogram sums to the count
// and its scores to the sum.
func decodeAggregate(bucket, k []byte, film uint64, v []byte) (Aggregate, error) {
	a := Aggregate{Film: film}
	if v == nil {
		return a, nil
	}
	if len(k) != 16 {
		return a, damaged(bucket, k, "key of %d bytes, want 16", len(k))
	}
	if len(v) != aggregateSize {
		return a, damaged(bucket, k, "aggregate of %d bytes, want %d", len(v), aggregateSize)
	}
	const most = 1 << 40 // more ratings than Discord has members: damage
	sum, count := binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])
	var n, s uint64
	for i := range a.Hist {
		h := binary.BigEndian.Uint64(v[16+8*i:])
		if h > most {
			return Aggregate{Film: film}, damaged(bucket, k, "histogram count %d", h)
		}
		a.Hist[i] = int(h)
		n += h
		s += h * uint64(i+1)
	}
	if count > most || n != count || s != sum {
		return Aggregate{Film: film}, damaged(bucket, k, "sum %d and count %d disagree with the histogram", sum, count)
	}
	a.Sum, a.Count = int(sum), int(count)
	return a, nil
}
