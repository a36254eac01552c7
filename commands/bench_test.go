package commands

import (
	"context"
	"testing"
)

// Benchmarks of whole handlers over a real bbolt store: what one /review
// or one autocomplete costs the bot, Discord aside.
func BenchmarkReview(b *testing.B) {
	e := newEnv(b)
	run := e.cmds["review"].Run
	for _, c := range []struct {
		name string
		opts []any
	}{
		{"first", nil},
		{"about", []any{"about", "Drew Daniels"}},
	} {
		i := slash(guildA, "review", opt("film", "anora"))
		if c.opts != nil {
			i = slash(guildA, "review", opt("film", "anora"), opt(c.opts[0].(string), c.opts[1]))
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := run(context.Background(), i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, name := range []string{"film", "cast"} {
		b.Run(name, func(b *testing.B) {
			i := slash(guildA, name, opt("film", "anora"))
			run := e.cmds[name].Run
			for b.Loop() {
				if _, err := run(context.Background(), i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("autocomplete", func(b *testing.B) {
		i := auto(guildA, "review", focus(opt("film", "anroa")))
		h := e.cmds["review"].Autocomplete
		for b.Loop() {
			if _, err := h(context.Background(), i); err != nil {
				b.Fatal(err)
			}
		}
	})
}
