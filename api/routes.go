package api

// routes registers every route; the whole API surface is visible here.
func (s *Server) routes() {
	r := s.engine
	r.GET("/healthz", s.health)
	r.GET("/readyz", s.ready)
}
