package commands

import (
	"context"
	"errors"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Attachments moderators upload: what is accepted and how long to wait.
const (
	maxAttachment  = 100 << 10 // 100 KB
	attachmentHelp = "Attach the review as a .txt or .md file (UTF-8 text, up to 100 KB)."
)

// Fetcher downloads an attachment, reading at most max+1 bytes so the
// caller can tell a body over max. It is a function so that bot (the only
// package that goes on the network) supplies it, and tests can stand in.
type Fetcher func(ctx context.Context, url string, max int64) ([]byte, error)

// FetchTimeout is how long a download may take.
const FetchTimeout = 5 * time.Second

// attachment returns the text of the file: option, checked: a .txt or
// .md name, at most 100 KB, UTF-8 text.
func (s *Set) attachment(ctx context.Context, i *discordgo.InteractionCreate, opts optionSet) (string, error) {
	o := opts.get("file")
	id, _ := o.Value.(string)
	res := i.ApplicationCommandData().Resolved
	if o.Type != discordgo.ApplicationCommandOptionAttachment || res == nil || res.Attachments[id] == nil {
		return "", userErr("The file did not arrive. %s", attachmentHelp)
	}
	a := res.Attachments[id]
	ext := strings.ToLower(path.Ext(a.Filename))
	// By name and by content (checked below), not by the declared type:
	// a "text/html" or "text/x-script" upload is not a review.
	if ext != ".txt" && ext != ".md" {
		return "", userErr("%q is not a text file. %s", clip(a.Filename, 80), attachmentHelp)
	}
	if a.Size > maxAttachment {
		return "", userErr("%q is %d KB; the limit is 100 KB.", clip(a.Filename, 80), a.Size>>10)
	}
	if s.fetch == nil {
		return "", errors.New("no attachment fetcher is set up")
	}
	data, err := s.fetch(ctx, a.URL, maxAttachment)
	switch {
	case err == nil && len(data) > maxAttachment:
		return "", userErr("%q is over 100 KB.", clip(a.Filename, 80))
	case errors.Is(err, context.DeadlineExceeded):
		return "", userErr("Downloading %q took too long. Try again.", clip(a.Filename, 80))
	case err != nil:
		return "", userErr("Could not download %q. Try again.", clip(a.Filename, 80))
	}
	if !utf8.Valid(data) || strings.ContainsFunc(string(data), func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) {
		return "", userErr("%q is not UTF-8 text. %s", clip(a.Filename, 80), attachmentHelp)
	}
	return strings.TrimPrefix(string(data), "\uFEFF"), nil
}
