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
)

// copyBatch is how many records go to the target in one transaction.
var copyBatch = 20000

// copyHook, if set (tests), is called after each batch loaded: the
// tests kill the process there, as kill -9 would mid-copy.
var copyHook func(batches int)

// runCopy is `filmbot copy [--restart] SRC DST`: a whole database from
// one store to the other (a bbolt path or a postgres:// URL, either way),
// ids kept so that old buttons keep working, into an empty target, with
// the counts checked at the end. The target carries a mark from before
// the first record until the counts match, which filmbot refuses to run
// on; --restart empties a target so marked (and no other) and copies again.
func runCopy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	restartFlag := fs.Bool("restart", false, "empty DST, the target of an interrupted copy (and no other), and copy again")
	usageFor(fs, "copy [--restart] SRC DST", "Copies a whole database from SRC to DST, each a bbolt file path or a postgres:// URL, either way,\n"+
		"ids kept, into an empty DST, and checks the counts at the end. Stop the bot first. DST carries a\n"+
		"mark until the counts match; filmbot refuses to run on a marked database, and --restart starts over.")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	restart := *restartFlag
	if args = fs.Args(); len(args) != 2 {
		fs.Usage()
		return 2
	}
	src, msg := openStore(ctx, Config{DB: args[0]}, storage.Options{ReadOnly: true}, nil, false)
	if src == nil {
		fmt.Fprintln(stderr, "filmbot copy: source:", msg)
		return 1
	}
	defer src.Close()
	dst, msg := openAnyStore(ctx, Config{DB: args[1]}, storage.Options{NoSeed: true}, nil, false)
	if dst == nil {
		fmt.Fprintln(stderr, "filmbot copy: target:", msg)
		return 1
	}
	defer dst.Close()
	sc, ok1 := src.(storage.Copier)
	dc, ok2 := dst.(storage.Copier)
	dm, ok3 := dst.(storage.CopyMarks)
	if !ok1 || !ok2 || !ok3 {
		fmt.Fprintln(stderr, "filmbot copy: these stores cannot be copied")
		return 1
	}
	target := bot.RedactURL(args[1])
	again := fmt.Sprintf("filmbot copy --restart %s %s", bot.RedactURL(args[0]), target)
	note, err := dm.CopyMark(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "filmbot copy: target %s: %v\n", target, err)
		return 1
	}
	switch {
	case note != "" && !restart:
		fmt.Fprintf(stderr, "filmbot copy: target %s: an earlier copy into it (%s) was interrupted before its counts were checked; it holds part of the records. To start over: %s (it empties the target first)\n", target, note, again)
		return 1
	case note != "":
		if err := dm.ResetCopy(ctx); err != nil {
			fmt.Fprintf(stderr, "filmbot copy: target %s: emptying it: %v\n", target, err)
			return 1
		}
	}
	if empty, err := dc.Empty(ctx); err != nil || !empty {
		if err == nil {
			err = errors.New("it already holds films, reviews, ratings or settings; copy into a new, empty database")
			if restart {
				err = errors.New("it already holds films, reviews, ratings or settings, and it is no target of an interrupted copy, so --restart does not empty it; copy into a new, empty database")
			}
		}
		fmt.Fprintf(stderr, "filmbot copy: target %s: %v\n", target, err)
		return 1
	}
	if err := dm.MarkCopy(ctx, fmt.Sprintf("from %s, started %s", bot.RedactURL(args[0]), time.Now().UTC().Format(time.RFC3339))); err != nil {
		fmt.Fprintf(stderr, "filmbot copy: target %s: %v\n", target, err)
		return 1
	}
	start := time.Now()
	var batch []storage.Record
	batches := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := dc.Load(ctx, batch)
		batch = batch[:0]
		if batches++; copyHook != nil {
			copyHook(batches)
		}
		return err
	}
	err = sc.Each(ctx, func(r storage.Record) error {
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
		fmt.Fprintf(stderr, "filmbot copy: %v (the target is incomplete and marked so; to start over: %s)\n", err, again)
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
		want.Watchlists != got.Watchlists || want.Nights != got.Nights || want.NotInterested != got.NotInterested {
		fmt.Fprintf(stderr, "filmbot copy: the counts differ: source %+v, target %+v (the target stays marked incomplete; to start over: %s)\n", want, got, again)
		return 1
	}
	if err := dm.MarkCopy(ctx, ""); err != nil {
		fmt.Fprintf(stderr, "filmbot copy: the counts match, but the target's mark of a copy in progress could not be cleared: %v\n", err)
		return 1
	}
	servers := slices.Collect(maps.Keys(want.Ratings))
	fmt.Fprintf(stdout, "copied %s to %s in %s: %d films, %d reviews, %d ratings in %d servers, settings of %d servers, %d watchlist entries, %d movie nights; counts checked\n",
		bot.RedactURL(args[0]), bot.RedactURL(args[1]), time.Since(start).Round(time.Millisecond), got.Films, got.Reviews, total, len(servers), got.Settings, got.Watchlists, got.Nights)
	return 0
}
