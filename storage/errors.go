package storage

import (
	"errors"
	"fmt"
)

// Error is filmbot's one error type: a Code callers branch on (with
// errors.Is against the Err… values below, which match by code), a Msg
// safe to show a member ("" when the error is not for members), and the
// cause, for the logs only. The bot's envelope shows Msg, ephemerally, for
// any *Error in a handler's error that has one; every other error is the
// bot's fault, logged and answered with a generic message.
type Error struct {
	Code Code
	// Msg is what a member is shown, as it is: never a cause's text.
	Msg string
	// Err is the cause, if any: logged, never shown.
	Err error
}

// Code is the kind of an Error.
type Code uint8

// The codes. Invalid is a member's mistake (a score out of range, an
// unknown film, a stale button): its Msg says what to fix.
const (
	CodeInvalid     Code = iota + 1
	CodeNotFound         // no such record
	CodeExists           // the record is there already
	CodeBuiltIn          // the built-in catalog, which a server cannot change
	CodeNoExcerpt        // an excerpt number a review does not have
	CodeOutOfRange       // a score outside MinScore..MaxScore
	CodeUnavailable      // the database cannot be reached now; try again
	CodeLeased           // another process runs a step of it
	CodeChanged          // it changed since it was read
	CodeLocked           // the database file is held by another process
	CodeDamaged          // the database holds what it cannot have written
	CodeSlow             // it took too long
	CodeSourceDown       // the film source (TMDB) is not answering
	CodeSourceBusy       // the film source asks us to slow down; try again
	CodeAmbiguous        // more than one film matches
	CodeSourceOff        // no film source is set up
	CodeRated            // the member has rated the film already
)

// codeText is each code's text in Error (for operators).
var codeText = [...]string{
	CodeNotFound:    "not found",
	CodeExists:      "already exists",
	CodeBuiltIn:     "the built-in catalog cannot be changed by a server",
	CodeNoExcerpt:   "no such excerpt",
	CodeOutOfRange:  "score out of range",
	CodeUnavailable: "the database cannot be reached",
	CodeLeased:      "a step of it is running in another process",
	CodeChanged:     "it changed since it was read",
	CodeLocked:      "the database file is in use by another process",
	CodeDamaged:     "the database file is damaged",
	CodeSlow:        "it took too long",
	CodeSourceDown:  "the film source is not answering",
	CodeSourceBusy:  "the film source is busy",
	CodeAmbiguous:   "more than one film matches",
	CodeSourceOff:   "no film source is set up",
	CodeRated:       "already rated",
}

// String is the code's text; a member's mistake has none of its own.
func (c Code) String() string {
	if int(c) < len(codeText) && codeText[c] != "" {
		return codeText[c]
	}
	if c == CodeInvalid {
		return "invalid"
	}
	return fmt.Sprintf("code %d", uint8(c))
}

// Error is the text for operators: the code's text (a member's mistake:
// its Msg), then the cause's.
func (e *Error) Error() string {
	s := e.Code.String()
	if e.Code == CodeInvalid && e.Msg != "" {
		s = e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap is the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches an *Error of the same code: errors.Is(err, ErrNotFound)
// holds for any not-found error, however it is wrapped. Members' mistakes
// (CodeInvalid) have no sentinel: they match only the same message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (e.Code != CodeInvalid || t.Msg == e.Msg)
}

// Invalid is a member's mistake: the message, formatted as fmt.Sprintf
// does, is what they are shown.
func Invalid(format string, a ...any) error {
	return &Error{Code: CodeInvalid, Msg: fmt.Sprintf(format, a...)}
}

// Errors callers check with errors.Is.
var (
	ErrNotFound = &Error{Code: CodeNotFound}
	// ErrLocked is a bbolt file another process holds.
	ErrLocked = &Error{Code: CodeLocked}
	// ErrLeased is a movie night another process is running a step of
	// (or whose lease this process lost).
	ErrLeased = &Error{Code: CodeLeased}
	// ErrChanged is a save of a movie night read before its last change.
	ErrChanged = &Error{Code: CodeChanged}
)

// MsgUnavailable is what a member is told while the database is away.
const MsgUnavailable = "I can't reach the database right now. Please try again in a moment."

// ErrUnavailable means the database cannot be reached now (a database
// server restarting); trying again in a moment may work. It carries the
// message a member is shown.
var ErrUnavailable = &Error{Code: CodeUnavailable, Msg: MsgUnavailable}

// ErrDamaged is returned by Open for a file that is not a whole, sound
// filmbot database: truncated, overwritten, or failing bbolt's check.
var ErrDamaged = &Error{Code: CodeDamaged}

// ErrNoExcerpt is an excerpt number a review does not have.
var ErrNoExcerpt = &Error{Code: CodeNoExcerpt}

// Errors of the moderators' writes.
var (
	ErrBuiltIn = &Error{Code: CodeBuiltIn}
	ErrExists  = &Error{Code: CodeExists}
)

// ErrRated is a film put on a member's watchlist that they have rated
// already: a watchlist is for films yet to be seen.
var ErrRated = &Error{Code: CodeRated}

// ErrScore is returned for a score outside MinScore..MaxScore.
var ErrScore = &Error{Code: CodeOutOfRange}

// Message is what a member may be shown of err: the Msg of the first
// *Error in its chain, "" when there is none or it has none (the error is
// then the bot's fault, not theirs to read). A cause is never shown.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return ""
}
