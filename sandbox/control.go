package sandbox

import "net/http"

// controlRoutes serve /_sandbox/: the control API for people and other
// programs (the playground, scripts in other languages).
func (s *Server) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sandbox/violations", func(w http.ResponseWriter, r *http.Request) {
		out := []map[string]any{}
		for _, v := range s.Violations() {
			out = append(out, map[string]any{"interaction": v.Interaction, "what": v.What, "at": v.At})
		}
		writeJSON(w, 200, out)
	})
}
