package bolt

import (
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) storage.Store {
		return open(t, Options{Now: now})
	}, func(t *testing.T) storage.Store {
		return open(t, Options{Now: clock, NoSeed: true})
	})
}
