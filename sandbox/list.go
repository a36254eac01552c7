package sandbox

import (
	"net/http"
	"slices"
	"strconv"
)

// listMessages lists a channel's latest messages, newest first, as
// Discord does: limit 1–100 (50 when not given); before, after and around
// are not kept.
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			apiError(w, 400, 50035, "Invalid Form Body: limit must be 1 to 100")
			return
		}
		limit = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[r.PathValue("channel")]; !ok {
		apiError(w, 404, 10003, "Unknown Channel")
		return
	}
	var ms []*Message
	for _, m := range s.messages {
		if m.ChannelID == r.PathValue("channel") {
			ms = append(ms, m)
		}
	}
	sortMessages(ms)
	slices.Reverse(ms)
	out := []map[string]any{}
	for _, m := range ms[:min(len(ms), limit)] {
		out = append(out, m.wire(s))
	}
	writeJSON(w, 200, out)
}
