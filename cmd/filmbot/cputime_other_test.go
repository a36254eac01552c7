//go:build !linux

package main

import "time"

// processCPU is not measured here (0: no cpu-ns/op).
func processCPU() time.Duration { return 0 }
