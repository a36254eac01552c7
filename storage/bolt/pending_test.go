package bolt

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
)

// A hundred previews of 256 KB, by one member and then by a hundred who
// abandon theirs, leave the file small: the member's previews replace
// each other, and abandoned ones are removed once they expire. (Kept
// until the same member acted again, they grew the file by 25 MB.)
func TestPendingFileStaysSmall(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	db := open(t, Options{Now: func() time.Time { return now }})
	data := bytes.Repeat([]byte("x"), 256<<10)
	for range 100 {
		if _, err := db.PutPending(ctx, storage.Scope(5), 7, data, 15*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	for u := range uint64(100) {
		if _, err := db.PutPending(ctx, storage.Scope(5), 100+u, data, 15*time.Minute); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute) // each abandoned, expired 15 minutes on
	}
	st, err := os.Stat(db.bolt.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d MB", st.Size()>>20)
	if st.Size() > 12<<20 {
		t.Errorf("the file is %d MB after 200 previews of 256 KB", st.Size()>>20)
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
}
