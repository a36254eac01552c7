package storage

import "time"

//go:generate go run ./internal/observedgen

// Observed wraps s so that observe hears of each operation: its name
// (the method's, in snake_case), how long it took and its error. The
// wrapper adds nothing else; it is not a Copier (copies and backups use
// the store itself). Its methods are in observed_gen.go, written from
// Store by `go generate ./storage`.
func Observed(s Store, observe func(op string, took time.Duration, err error)) Store {
	return &observed{s: s, observe: observe}
}

type observed struct {
	s       Store
	observe func(op string, took time.Duration, err error)
}

func (o *observed) done(op string, began time.Time, err *error) {
	o.observe(op, time.Since(began), *err)
}

func (o *observed) Close() error { return o.s.Close() }
