package commands

import (
	"context"
	"errors"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
)

// Attachments moderators upload: what is accepted and how long to wait.
const (
	maxAttachment  = 100 << 10 // 100 KB
	attachmentHelp = "Attach the review as a .txt or .md file (UTF-8 text, up to 100 KB)."
)

// What a moderator is told about the file: option ({{.File}} is its name,
// quoted).
var (
	msgFileMissing = locale.Text("review.file.missing", "The file did not arrive. "+attachmentHelp)
	msgFileNotText = locale.Text("review.file.nottext", "{{.File}} is not a text file. "+attachmentHelp)
	msgFileSize    = locale.Text("review.file.size", "{{.File}} is {{.Size}} KB; the limit is 100 KB.")
	msgFileOver    = locale.Text("review.file.over", "{{.File}} is over 100 KB.")
	msgFileSlow    = locale.Text("review.file.slow", "Downloading {{.File}} took too long. Try again.")
	msgFileFailed  = locale.Text("review.file.failed", "Could not download {{.File}}. Try again.")
	msgFileNotUTF8 = locale.Text("review.file.notutf8", "{{.File}} is not UTF-8 text. "+attachmentHelp)
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
	t := tr(i)
	o := opts.get("file")
	id, _ := o.Value.(string)
	res := i.ApplicationCommandData().Resolved
	if o.Type != discordgo.ApplicationCommandOptionAttachment || res == nil || res.Attachments[id] == nil {
		return "", userText(t.S(msgFileMissing))
	}
	return s.reviewFile(ctx, t, res.Attachments[id])
}

// reviewFile returns the text of an uploaded review, checked as
// attachment says (the file: option and the review form's upload alike).
func (s *Set) reviewFile(ctx context.Context, t *locale.T, a *discordgo.MessageAttachment) (string, error) {
	file := strconv.Quote(clip(a.Filename, 80))
	ext := strings.ToLower(path.Ext(a.Filename))
	// By name and by content (checked below), not by the declared type:
	// a "text/html" or "text/x-script" upload is not a review.
	if ext != ".txt" && ext != ".md" {
		return "", userText(t.F(msgFileNotText, "File", file))
	}
	if a.Size > maxAttachment {
		return "", userText(t.F(msgFileSize, "File", file, "Size", t.Int(a.Size>>10)))
	}
	if s.fetch == nil {
		return "", errors.New("no attachment fetcher is set up")
	}
	data, err := s.fetch(ctx, a.URL, maxAttachment)
	switch {
	case err == nil && len(data) > maxAttachment:
		return "", userText(t.F(msgFileOver, "File", file))
	case errors.Is(err, context.DeadlineExceeded):
		return "", userText(t.F(msgFileSlow, "File", file))
	case err != nil:
		return "", userText(t.F(msgFileFailed, "File", file))
	}
	if !utf8.Valid(data) || strings.ContainsFunc(string(data), func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) {
		return "", userText(t.F(msgFileNotUTF8, "File", file))
	}
	return strings.TrimPrefix(string(data), "\uFEFF"), nil
}
