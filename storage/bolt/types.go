package bolt

import "github.com/filmbot/filmbot/storage"

// The domain is storage's; these names keep this package's code short.
type (
	Scope     = storage.Scope
	Film      = storage.Film
	Role      = storage.Role
	Review    = storage.Review
	Excerpt   = storage.Excerpt
	Rating    = storage.Rating
	Aggregate = storage.Aggregate
	Settings  = storage.Settings
)

// BuiltIn is storage.BuiltIn.
const BuiltIn = storage.BuiltIn

// Scores run from storage.MinScore to storage.MaxScore.
const (
	MinScore = storage.MinScore
	MaxScore = storage.MaxScore
)

// The errors of the contract.
var (
	ErrNotFound    = storage.ErrNotFound
	ErrLocked      = storage.ErrLocked
	ErrDamaged     = storage.ErrDamaged
	ErrScore       = storage.ErrScore
	ErrBuiltIn     = storage.ErrBuiltIn
	ErrExists      = storage.ErrExists
	ErrUnavailable = storage.ErrUnavailable
	ErrRated       = storage.ErrRated
)

var _ storage.Store = (*DB)(nil)
