package main

import (
	"bytes"
	"os"
	"testing"
)

// observed_gen.go is written from Store's methods, not by hand: adding a
// method to the contract is the interface, the backends and the
// conformance suite, then `go generate ./storage`; this test says when
// the file is behind.
func TestObservedIsGenerated(t *testing.T) {
	want, err := generateObserved("../../store.go")
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("../../observed_gen.go")
	if err != nil || !bytes.Equal(have, want) {
		t.Fatalf("storage/observed_gen.go is not what Store's methods make (%v): run go generate ./storage", err)
	}
}
