package source

import (
	"context"

	"github.com/filmbot/filmbot/storage"
)

// Recommended is TMDB's recommendations for the film of TMDB id tmdbID
// (GET /3/movie/{id}/recommendations, page 1, in TMDB's order), the first
// max for which keep says yes, each resolved into the shared catalog (as
// Resolve: stored once, fetched once however many ask) so that members
// can rate them or put them on a watchlist. keep sees each result's TMDB
// id before it is fetched; a result that cannot be fetched is skipped.
func (r *Resolver) Recommended(ctx context.Context, tmdbID, max int, keep func(tmdbID int) bool) ([]storage.Film, error) {
	if r == nil {
		return nil, ErrOff
	}
	page, err := r.client.Recommendations(ctx, tmdbID, "")
	if err != nil {
		return nil, classify(err)
	}
	var out []storage.Film
	for _, res := range page.Results {
		if len(out) >= max || ctx.Err() != nil {
			break
		}
		if res.ID <= 0 || (keep != nil && !keep(res.ID)) {
			continue
		}
		f, err := r.Resolve(ctx, res.ID)
		if err != nil {
			continue
		}
		out = append(out, f)
	}
	return out, nil
}
