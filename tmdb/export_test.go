package tmdb

// OnQueued sets what hears of a caller starting to wait for its turn.
func OnQueued(c *Client, f func()) {
	c.mu.Lock()
	c.queued = f
	c.mu.Unlock()
}
