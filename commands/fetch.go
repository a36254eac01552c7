package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Attachments moderators upload: what is accepted and how long to wait.
const (
	maxAttachment  = 100 << 10 // 100 KB
	fetchTimeout   = 5 * time.Second
	attachmentHelp = "Attach the review as a .txt or .md file (UTF-8 text, up to 100 KB)."
)

// errTooBig is returned by fetchers for a body over the limit.
var errTooBig = errors.New("too big")

// Fetcher downloads an attachment, reading at most max bytes (more is
// errTooBig). It is an interface so that tests can stand in for the CDN.
type Fetcher func(ctx context.Context, url string, max int64) ([]byte, error)

// HTTPFetcher fetches with the standard library, giving up after timeout.
func HTTPFetcher(client *http.Client, timeout time.Duration) Fetcher {
	return func(ctx context.Context, url string, max int64) ([]byte, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("download answered %s", resp.Status)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
		if err != nil {
			return nil, err
		}
		if int64(len(data)) > max {
			return nil, errTooBig
		}
		return data, nil
	}
}

// attachment returns the text of the file: option, checked: a .txt or
// .md name, at most 100 KB, UTF-8 text.
func (s *Set) attachment(ctx context.Context, i *discordgo.InteractionCreate, opts map[string]*discordgo.ApplicationCommandInteractionDataOption) (string, error) {
	o := opts["file"]
	id, _ := o.Value.(string)
	res := i.ApplicationCommandData().Resolved
	if o.Type != discordgo.ApplicationCommandOptionAttachment || res == nil || res.Attachments[id] == nil {
		return "", userErr("The file did not arrive. %s", attachmentHelp)
	}
	a := res.Attachments[id]
	ext := strings.ToLower(path.Ext(a.Filename))
	if ext != ".txt" && ext != ".md" && !strings.HasPrefix(a.ContentType, "text/") {
		return "", userErr("%q is not a text file. %s", clip(a.Filename, 80), attachmentHelp)
	}
	if a.Size > maxAttachment {
		return "", userErr("%q is %d KB; the limit is 100 KB.", clip(a.Filename, 80), a.Size>>10)
	}
	data, err := s.fetch(ctx, a.URL, maxAttachment)
	switch {
	case errors.Is(err, errTooBig):
		return "", userErr("%q is over 100 KB.", clip(a.Filename, 80))
	case errors.Is(err, context.DeadlineExceeded):
		return "", userErr("Downloading %q took too long. Try again.", clip(a.Filename, 80))
	case err != nil:
		return "", userErr("Could not download %q. Try again.", clip(a.Filename, 80))
	}
	if !utf8.Valid(data) || strings.ContainsRune(string(data), 0) {
		return "", userErr("%q is not UTF-8 text. %s", clip(a.Filename, 80), attachmentHelp)
	}
	return strings.TrimPrefix(string(data), "\uFEFF"), nil
}
