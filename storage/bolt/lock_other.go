//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package bolt

import (
	"os"
	"time"
)

// lockFile does nothing where flock is missing: bbolt's own lock, taken
// right after the check, still keeps a second writer out.
func lockFile(*os.File, bool, time.Duration) error { return nil }

func unlockFile(*os.File) {}
