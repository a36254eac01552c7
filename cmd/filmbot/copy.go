package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// copyBatch is how many records go to the target in one transaction.
const copyBatch = 20000

// runCopy is `filmbot copy SRC DST`: a whole database from one store to
// the other (a bbolt path or a postgres:// URL, either way), ids kept so
// that old buttons keep working, into an empty target, with the counts
// checked at the end.
func runCopy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	usageFor(fs, "copy SRC DST", "Copies a whole database from SRC to DST, each a bbolt file path or a postgres:// URL, either way,\n"+
		"ids kept, into an empty DST, and checks the counts at the end. Stop the bot first.")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if args = fs.Args(); len(args) != 2 {
		fs.Usage()
		return 2
	}
	src, msg := openStore(ctx, Config{DB: args[0]}, bolt.Options{ReadOnly: true}, nil, false)
	if src == nil {
		fmt.Fprintln(stderr, "filmbot copy: source:", msg)
		return 1
	}
	defer src.Close()
	dst, msg := openStore(ctx, Config{DB: args[1]}, bolt.Options{NoSeed: true}, nil, false)
	if dst == nil {
		fmt.Fprintln(stderr, "filmbot copy: target:", msg)
		return 1
	}
	defer dst.Close()
	sc, ok1 := src.(storage.Copier)
	dc, ok2 := dst.(storage.Copier)
	if !ok1 || !ok2 {
		fmt.Fprintln(stderr, "filmbot copy: these stores cannot be copied")
		return 1
	}
	if empty, err := dc.Empty(ctx); err != nil || !empty {
		if err == nil {
			err = errors.New("it already holds films, reviews, ratings or settings; copy into a new, empty database")
		}
		fmt.Fprintf(stderr, "filmbot copy: target %s: %v\n", bot.RedactURL(args[1]), err)
		return 1
	}
	start := time.Now()
	var batch []storage.Record
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := dc.Load(ctx, batch)
		batch = batch[:0]
		return err
	}
	err := sc.Each(ctx, func(r storage.Record) error {
		batch = append(batch, r)
		if len(batch) >= copyBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		fmt.Fprintln(stderr, "filmbot copy:", err, "(the target is incomplete: empty it before trying again)")
		return 1
	}
	want, err1 := sc.Counts(ctx)
	got, err2 := dc.Counts(ctx)
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintln(stderr, "filmbot copy: counting:", err)
		return 1
	}
	total := 0
	for _, n := range want.Ratings {
		total += n
	}
	if want.Films != got.Films || want.Reviews != got.Reviews || want.Settings != got.Settings || !maps.Equal(want.Ratings, got.Ratings) ||
		want.Watchlists != got.Watchlists || want.Nights != got.Nights {
		fmt.Fprintf(stderr, "filmbot copy: the counts differ: source %+v, target %+v\n", want, got)
		return 1
	}
	servers := slices.Collect(maps.Keys(want.Ratings))
	fmt.Fprintf(stdout, "copied %s to %s in %s: %d films, %d reviews, %d ratings in %d servers, settings of %d servers, %d watchlist entries, %d movie nights; counts checked\n",
		bot.RedactURL(args[0]), bot.RedactURL(args[1]), time.Since(start).Round(time.Millisecond), got.Films, got.Reviews, total, len(servers), got.Settings, got.Watchlists, got.Nights)
	return 0
}
