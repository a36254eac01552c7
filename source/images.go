package source

import (
	"context"
	"sync"
	"time"

	"github.com/filmbot/filmbot/tmdb"
)

// DefaultImageBase is where TMDB serves images, used until TMDB's
// configuration has been read and whenever it cannot be.
const DefaultImageBase = "https://image.tmdb.org/t/p/"

// ConfigurationRetry is how long after a failed read of TMDB's
// configuration it is asked again.
const ConfigurationRetry = 5 * time.Minute

// images is TMDB's configuration as far as images go: read once, in the
// background, on first use.
type images struct {
	mu      sync.Mutex
	cf      tmdb.Configuration
	loaded  bool
	loading bool
	failed  time.Time // the last failed read
}

// PosterURL is the address of the poster at path (storage.Film.Poster,
// "/abc.jpg") in size ("w342"), "" when path is "". It never waits on
// TMDB: the first call starts reading TMDB's configuration in the
// background (Wait waits for it), and until it is read, or when it
// cannot be, the address is on DefaultImageBase. A nil Resolver uses
// DefaultImageBase.
func (r *Resolver) PosterURL(size, path string) string {
	if path == "" {
		return ""
	}
	var cf tmdb.Configuration
	cf.Images.SecureBaseURL = DefaultImageBase
	if r == nil {
		return cf.PosterURL(size, path)
	}
	im := &r.images
	im.mu.Lock()
	switch {
	case im.loaded:
		cf = im.cf
	case !im.loading && (im.failed.IsZero() || r.now().Sub(im.failed) >= ConfigurationRetry):
		im.loading = true
		r.background.Add(1)
		go r.loadImages()
	}
	im.mu.Unlock()
	return cf.PosterURL(size, path)
}

// LoadImages starts reading TMDB's configuration in the background now
// (a process calls it at start), so that the first poster shown is
// already on TMDB's image server of the day rather than on
// DefaultImageBase.
func (r *Resolver) LoadImages() {
	if r != nil {
		r.PosterURL("original", "/")
	}
}

func (r *Resolver) loadImages() {
	defer r.background.Done()
	ctx, cancel := context.WithTimeout(context.Background(), FetchTimeout)
	defer cancel()
	cf, err := r.client.Configuration(ctx)
	im := &r.images
	im.mu.Lock()
	defer im.mu.Unlock()
	im.loading = false
	if err != nil || (cf.Images.SecureBaseURL == "" && cf.Images.BaseURL == "") {
		im.failed = r.now()
		return
	}
	im.cf, im.loaded = cf, true
}
