package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
)

// Two processes on one database, one of them with a clock 2 min 10 s
// ahead: leases are the database server's to judge, so the one ahead
// does not take a step the other holds (it did when each judged the
// lease by its own clock: two scheduled events).
func TestNightLeaseByDatabaseClock(t *testing.T) {
	ctx := context.Background()
	a, b := twoProcesses(t)
	now := time.Now()
	n, err := a.CreateNight(ctx, storage.Night{Scope: 111, Step: storage.StepClose, NextAt: now.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := a.ClaimDueNights(ctx, now, "a", 2*time.Minute)
	if err != nil || len(mine) != 1 {
		t.Fatalf("claim: %+v %v", mine, err)
	}
	ahead := now.Add(2*time.Minute + 10*time.Second)
	if theirs, err := b.ClaimDueNights(ctx, ahead, "b", 2*time.Minute); err != nil || len(theirs) != 0 {
		t.Fatalf("the process whose clock is ahead took the step: %+v %v", theirs, err)
	}
	if err := a.RenewNight(ctx, mine[0], "a", 2*time.Minute); err != nil {
		t.Fatalf("renew: %v", err)
	}
	stale := n
	stale.Step = storage.StepCanceled
	if _, err := b.SaveNight(ctx, stale, "", true); !errors.Is(err, storage.ErrLeased) {
		t.Errorf("a cancel saved during the step: %v", err)
	}
	mine[0].Step, mine[0].NextAt = storage.StepEnd, now.Add(time.Hour)
	if _, err := a.SaveNight(ctx, mine[0], "a", true); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveNight(ctx, stale, "", true); !errors.Is(err, storage.ErrChanged) {
		t.Errorf("a stale copy written back: %v", err)
	}
}
