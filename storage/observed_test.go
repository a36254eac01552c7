package storage_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// Every method of the contract is observed under its own name, with its
// error, and returns what the store returned.
func TestObservedSeesEveryOperation(t *testing.T) {
	db, err := bolt.Open(t.TempDir()+"/o.db", bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var errs []error
	o := storage.Observed(db, func(op string, took time.Duration, err error) {
		seen[op]++
		if took < 0 {
			t.Errorf("%s took %v", op, took)
		}
		if err != nil {
			errs = append(errs, err)
		}
	})
	defer o.Close()
	ctx := context.Background()
	if r, err := o.Rate(ctx, 5, 1, 7, 8); err != nil || r.Aggregate.Count != 1 {
		t.Fatalf("rate: %+v %v", r, err)
	}
	if _, err := o.Film(ctx, 5, 999); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("film 999: %v", err)
	}
	if seen["rate"] != 1 || seen["film"] != 1 || len(errs) != 1 || !errors.Is(errs[0], storage.ErrNotFound) {
		t.Errorf("seen %v, errors %v", seen, errs)
	}
	// Every method but Close has a wrapper that reports (the method set
	// is the contract's, so a new method must be added here to compile).
	n := reflect.TypeOf((*storage.Store)(nil)).Elem().NumMethod()
	if got := reflect.TypeOf(o).NumMethod(); got != n {
		t.Errorf("observed store has %d methods, contract %d", got, n)
	}
}
