//go:build !linux

package recommend

import "time"

// threadCPU is not measured here (0: only wall-clock percentiles).
func threadCPU() time.Duration { return 0 }
