package storage

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The sentinels match any *Error of their code, however deeply wrapped,
// and nothing of another code.
func TestErrorIsByCode(t *testing.T) {
	cause := errors.New("row 7 of films")
	cases := []struct {
		err    error
		target *Error
	}{
		{&Error{Code: CodeNotFound, Msg: "No film called \"x\" here.", Err: cause}, ErrNotFound},
		{fmt.Errorf("film 7: %w", &Error{Code: CodeNotFound}), ErrNotFound},
		{fmt.Errorf("a: %w", fmt.Errorf("b: %w", ErrExists)), ErrExists},
		{fmt.Errorf("%w: %v", ErrUnavailable, cause), ErrUnavailable},
		{&Error{Code: CodeUnavailable, Err: cause}, ErrUnavailable},
		{fmt.Errorf("%w: 11", ErrScore), ErrScore},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.target) {
			t.Errorf("%v is not %v", c.err, c.target)
		}
	}
	sentinels := []*Error{ErrNotFound, ErrLocked, ErrLeased, ErrChanged, ErrUnavailable, ErrDamaged, ErrNoExcerpt, ErrBuiltIn, ErrExists, ErrScore}
	for i, a := range sentinels {
		for j, b := range sentinels {
			if errors.Is(fmt.Errorf("x: %w", a), b) != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, i != j)
			}
		}
	}
	if !errors.Is(fmt.Errorf("x: %w", cause), cause) || !errors.Is(&Error{Code: CodeDamaged, Err: cause}, cause) {
		t.Error("the cause is not reached through Unwrap")
	}
	// Members' mistakes have no sentinel: one is not another.
	if errors.Is(Invalid("Score must be 1–10."), Invalid("That button is out of date.")) {
		t.Error("two different mistakes match")
	}
	if errors.Is(Invalid("x"), ErrNotFound) || errors.Is(ErrNotFound, Invalid("x")) {
		t.Error("a mistake matches a sentinel")
	}
}

// Message is the Msg only: never a cause's text, never an operator's
// text, "" for an error not meant for members.
func TestMessageShowsMsgNeverCause(t *testing.T) {
	cause := errors.New("dial tcp 10.0.0.7:5432: password=hunter2")
	err := fmt.Errorf("rate film 7: %w", &Error{Code: CodeUnavailable, Msg: MsgUnavailable, Err: cause})
	if got := Message(err); got != MsgUnavailable {
		t.Errorf("Message = %q, want %q", got, MsgUnavailable)
	}
	if !strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "the database cannot be reached") {
		t.Errorf("the operator's text lacks the cause or the code: %q", err)
	}
	for _, e := range []error{nil, cause, ErrNotFound, fmt.Errorf("%w: %v", ErrDamaged, cause), &Error{Code: CodeNotFound, Err: Invalid("inner")}} {
		if got := Message(e); got != "" {
			t.Errorf("Message(%v) = %q, want nothing for members", e, got)
		}
	}
	// A member's mistake reads the same for operators and for members
	// (the envelope logs it quietly then), formatted as Sprintf does.
	e := Invalid("No film called %q here.", "x")
	if Message(e) != `No film called "x" here.` || e.Error() != Message(e) {
		t.Errorf("Invalid: Error %q, Message %q", e.Error(), Message(e))
	}
	// The sentinels keep their texts: operators' tools match them.
	if ErrLocked.Error() != "the database file is in use by another process" || ErrUnavailable.Error() != "the database cannot be reached" {
		t.Errorf("sentinel texts changed: %q, %q", ErrLocked, ErrUnavailable)
	}
}
