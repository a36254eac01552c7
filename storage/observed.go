package storage

import (
	"context"
	"time"
)

// Observed wraps s so that observe hears of each operation: its name,
// how long it took and its error. The wrapper adds nothing else; it is
// not a Copier (copies and backups use the store itself).
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

func (o *observed) Films(ctx context.Context, scope Scope) (out []Film, err error) {
	defer o.done("films", time.Now(), &err)
	return o.s.Films(ctx, scope)
}

func (o *observed) Film(ctx context.Context, scope Scope, id uint64) (out Film, err error) {
	defer o.done("film", time.Now(), &err)
	return o.s.Film(ctx, scope, id)
}

func (o *observed) FilmHeader(ctx context.Context, scope Scope, id uint64) (out Film, err error) {
	defer o.done("film_header", time.Now(), &err)
	return o.s.FilmHeader(ctx, scope, id)
}

func (o *observed) CreateFilm(ctx context.Context, scope Scope, f Film, fold func(string) string) (out Film, err error) {
	defer o.done("create_film", time.Now(), &err)
	return o.s.CreateFilm(ctx, scope, f, fold)
}

func (o *observed) AddFilms(ctx context.Context, scope Scope, fs []Film, fold func(string) string) (out []Film, err error) {
	defer o.done("add_films", time.Now(), &err)
	return o.s.AddFilms(ctx, scope, fs, fold)
}

func (o *observed) UpdateFilm(ctx context.Context, scope Scope, f Film, fold func(string) string) (out Film, err error) {
	defer o.done("update_film", time.Now(), &err)
	return o.s.UpdateFilm(ctx, scope, f, fold)
}

func (o *observed) FilmUsage(ctx context.Context, scope Scope, film uint64) (reviews, ratings int, err error) {
	defer o.done("film_usage", time.Now(), &err)
	return o.s.FilmUsage(ctx, scope, film)
}

func (o *observed) DeleteFilm(ctx context.Context, scope Scope, film uint64) (err error) {
	defer o.done("delete_film", time.Now(), &err)
	return o.s.DeleteFilm(ctx, scope, film)
}

func (o *observed) Reviews(ctx context.Context, scope Scope, film uint64) (out []Review, err error) {
	defer o.done("reviews", time.Now(), &err)
	return o.s.Reviews(ctx, scope, film)
}

func (o *observed) Review(ctx context.Context, scope Scope, id uint64) (out Review, err error) {
	defer o.done("review", time.Now(), &err)
	return o.s.Review(ctx, scope, id)
}

func (o *observed) ReviewHeaders(ctx context.Context, scope Scope, film uint64) (out []Review, err error) {
	defer o.done("review_headers", time.Now(), &err)
	return o.s.ReviewHeaders(ctx, scope, film)
}

func (o *observed) Excerpt(ctx context.Context, scope Scope, id uint64, n int) (r Review, e Excerpt, err error) {
	defer o.done("excerpt", time.Now(), &err)
	return o.s.Excerpt(ctx, scope, id, n)
}

func (o *observed) FilmPage(ctx context.Context, scope Scope, film uint64) (p FilmPage, err error) {
	defer o.done("film_page", time.Now(), &err)
	return o.s.FilmPage(ctx, scope, film)
}

func (o *observed) ReviewPage(ctx context.Context, scope Scope, film uint64, n int) (p ReviewPage, err error) {
	defer o.done("review_page", time.Now(), &err)
	return o.s.ReviewPage(ctx, scope, film, n)
}

func (o *observed) AddReview(ctx context.Context, scope Scope, r Review) (out Review, err error) {
	defer o.done("add_review", time.Now(), &err)
	return o.s.AddReview(ctx, scope, r)
}

func (o *observed) UpdateReview(ctx context.Context, scope Scope, r Review) (out Review, err error) {
	defer o.done("update_review", time.Now(), &err)
	return o.s.UpdateReview(ctx, scope, r)
}

func (o *observed) DeleteReview(ctx context.Context, scope Scope, id uint64) (out Review, err error) {
	defer o.done("delete_review", time.Now(), &err)
	return o.s.DeleteReview(ctx, scope, id)
}

func (o *observed) Rate(ctx context.Context, scope Scope, film, user uint64, score int) (a Aggregate, old int, err error) {
	defer o.done("rate", time.Now(), &err)
	return o.s.Rate(ctx, scope, film, user, score)
}

func (o *observed) Unrate(ctx context.Context, scope Scope, film, user uint64) (a Aggregate, old int, err error) {
	defer o.done("unrate", time.Now(), &err)
	return o.s.Unrate(ctx, scope, film, user)
}

func (o *observed) UserRating(ctx context.Context, scope Scope, film, user uint64) (out Rating, err error) {
	defer o.done("user_rating", time.Now(), &err)
	return o.s.UserRating(ctx, scope, film, user)
}

func (o *observed) Aggregate(ctx context.Context, scope Scope, film uint64) (out Aggregate, err error) {
	defer o.done("aggregate", time.Now(), &err)
	return o.s.Aggregate(ctx, scope, film)
}

func (o *observed) FilmRatings(ctx context.Context, scope Scope, film uint64) (out []Rating, err error) {
	defer o.done("film_ratings", time.Now(), &err)
	return o.s.FilmRatings(ctx, scope, film)
}

func (o *observed) UserRatings(ctx context.Context, scope Scope, user uint64) (out []Rating, err error) {
	defer o.done("user_ratings", time.Now(), &err)
	return o.s.UserRatings(ctx, scope, user)
}

func (o *observed) Top(ctx context.Context, scope Scope, minCount int) (out []Aggregate, err error) {
	defer o.done("top", time.Now(), &err)
	return o.s.Top(ctx, scope, minCount)
}

func (o *observed) ImportRatings(ctx context.Context, scope Scope, user uint64, rs []Rating) (out Imported, err error) {
	defer o.done("import_ratings", time.Now(), &err)
	return o.s.ImportRatings(ctx, scope, user, rs)
}

func (o *observed) WatchlistAdd(ctx context.Context, scope Scope, user, film uint64) (ok bool, err error) {
	defer o.done("watchlist_add", time.Now(), &err)
	return o.s.WatchlistAdd(ctx, scope, user, film)
}

func (o *observed) WatchlistRemove(ctx context.Context, scope Scope, user, film uint64) (ok bool, err error) {
	defer o.done("watchlist_remove", time.Now(), &err)
	return o.s.WatchlistRemove(ctx, scope, user, film)
}

func (o *observed) OnWatchlist(ctx context.Context, scope Scope, user, film uint64) (ok bool, err error) {
	defer o.done("on_watchlist", time.Now(), &err)
	return o.s.OnWatchlist(ctx, scope, user, film)
}

func (o *observed) Watchlist(ctx context.Context, scope Scope, user uint64) (out []Watched, err error) {
	defer o.done("watchlist", time.Now(), &err)
	return o.s.Watchlist(ctx, scope, user)
}

func (o *observed) MostWanted(ctx context.Context, scope Scope) (out []Wanted, err error) {
	defer o.done("most_wanted", time.Now(), &err)
	return o.s.MostWanted(ctx, scope)
}

func (o *observed) CreateNight(ctx context.Context, n Night) (out Night, err error) {
	defer o.done("create_night", time.Now(), &err)
	return o.s.CreateNight(ctx, n)
}

func (o *observed) Nights(ctx context.Context, scope Scope) (out []Night, err error) {
	defer o.done("nights", time.Now(), &err)
	return o.s.Nights(ctx, scope)
}

func (o *observed) ClaimDueNights(ctx context.Context, now time.Time, owner string, lease time.Duration) (out []Night, err error) {
	defer o.done("claim_due_nights", time.Now(), &err)
	return o.s.ClaimDueNights(ctx, now, owner, lease)
}

func (o *observed) RenewNight(ctx context.Context, n Night, owner string, lease time.Duration) (err error) {
	defer o.done("renew_night", time.Now(), &err)
	return o.s.RenewNight(ctx, n, owner, lease)
}

func (o *observed) SaveNight(ctx context.Context, n Night, owner string, release bool) (out Night, err error) {
	defer o.done("save_night", time.Now(), &err)
	return o.s.SaveNight(ctx, n, owner, release)
}

func (o *observed) PutPending(ctx context.Context, scope Scope, user uint64, data []byte, ttl time.Duration) (id uint64, err error) {
	defer o.done("put_pending", time.Now(), &err)
	return o.s.PutPending(ctx, scope, user, data, ttl)
}

func (o *observed) Pending(ctx context.Context, scope Scope, user, id uint64) (data []byte, err error) {
	defer o.done("pending", time.Now(), &err)
	return o.s.Pending(ctx, scope, user, id)
}

func (o *observed) SweepPending(ctx context.Context) (n int, err error) {
	defer o.done("sweep_pending", time.Now(), &err)
	return o.s.SweepPending(ctx)
}

func (o *observed) TakePending(ctx context.Context, scope Scope, user, id uint64) (data []byte, err error) {
	defer o.done("take_pending", time.Now(), &err)
	return o.s.TakePending(ctx, scope, user, id)
}

func (o *observed) Settings(ctx context.Context, scope Scope) (out Settings, err error) {
	defer o.done("settings", time.Now(), &err)
	return o.s.Settings(ctx, scope)
}

func (o *observed) UpdateSettings(ctx context.Context, scope Scope, fn func(*Settings)) (out Settings, err error) {
	defer o.done("update_settings", time.Now(), &err)
	return o.s.UpdateSettings(ctx, scope, fn)
}

func (o *observed) CatalogVersion(ctx context.Context, scope Scope) (v uint64, err error) {
	defer o.done("catalog_version", time.Now(), &err)
	return o.s.CatalogVersion(ctx, scope)
}

func (o *observed) Close() error { return o.s.Close() }
