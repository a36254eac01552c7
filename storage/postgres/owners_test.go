package postgres

import (
	"context"
	"testing"
	"time"
)

// A clean shutdown releases its own claims and no one else's: with
// owners distinct (bot.OwnerID), b's release leaves a's shards claimed.
func TestReleaseShardsKeepsOthers(t *testing.T) {
	ctx := context.Background()
	db := open(t, Options{})
	if err := db.Shards().ClaimShards(ctx, "filmbot/0123456789abcdef", []int{0, 1}, 4, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := db.Shards().ClaimShards(ctx, "filmbot/fedcba9876543210", []int{2, 3}, 4, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := db.Shards().ReleaseShards(ctx, "filmbot/fedcba9876543210"); err != nil {
		t.Fatal(err)
	}
	if err := db.Shards().ClaimShards(ctx, "filmbot/fedcba9876543210", []int{1}, 4, time.Minute); err == nil {
		t.Error("a's claim went with b's release")
	}
	if err := db.Shards().ClaimShards(ctx, "filmbot/fedcba9876543210", []int{2, 3}, 4, time.Minute); err != nil {
		t.Errorf("b's released shards: %v", err)
	}
}
