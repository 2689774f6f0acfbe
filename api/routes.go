package api

// routes registers every route; the whole API surface is visible here.
func (s *Server) routes() {
	r := s.engine
	r.GET("/healthz", s.health)
	r.GET("/readyz", s.ready)
	r.GET("/metrics", s.auth.scraper(s.metricsToken), s.metricsSet.serve)
	r.GET("/api/v1/openapi.json", s.openapi)

	// The web page (page.go): one page for every view, needing no token to
	// load; its script reads everything from /api/v1 with the user's token.
	r.SetHTMLTemplate(pageTemplate)
	r.GET("/", s.page)
	r.GET("/app/map", s.page)
	r.GET("/app/search", s.page)
	r.GET("/app/dormant", s.page)
	r.GET("/app/duplicates", s.page)
	r.GET("/app/accounts", s.page)
	r.GET("/app/people/:person_id", s.page)
	r.GET("/assets/:file", s.asset)

	r.NoRoute(s.noRoute)
	r.NoMethod(s.noMethod)
	r.HandleMethodNotAllowed = true

	v1 := r.Group("/api/v1", s.auth.authenticate, limitBody(s.maxBody))
	w := v1.Group("", s.auth.requireWrite) // routes that change the network
	owner := v1.Group("", s.auth.requireOwner)

	v1.GET("/me", s.getMe)
	v1.GET("/members", s.listMembers)
	v1.GET("/members/:user_id", s.getMember)
	owner.POST("/members", s.createMember)
	v1.PATCH("/members/:user_id", s.updateMember) // own profile; owners: anyone's
	owner.DELETE("/members/:user_id", s.deleteMember)

	v1.GET("/tokens", s.listTokens)
	v1.POST("/tokens", s.createToken)
	v1.DELETE("/tokens/:token_id", s.revokeToken)

	v1.GET("/people", s.listPeople)
	w.POST("/people", s.createPerson)
	v1.GET("/people/:person_id", s.getPerson)
	w.PATCH("/people/:person_id", s.updatePerson)
	w.DELETE("/people/:person_id", s.deletePerson)
	v1.GET("/people/:person_id/strengths", s.strengths)
	v1.GET("/people/:person_id/notes", s.listNotes)
	v1.POST("/people/:person_id/notes", s.createNote) // private notes: viewers may keep their own
	v1.GET("/notes/:note_id", s.getNote)
	v1.PATCH("/notes/:note_id", s.updateNote)
	v1.DELETE("/notes/:note_id", s.deleteNote)

	v1.GET("/organizations", s.listOrganizations)
	w.POST("/organizations", s.createOrganization)
	v1.GET("/organizations/:organization_id", s.getOrganization)
	w.PATCH("/organizations/:organization_id", s.updateOrganization)
	w.DELETE("/organizations/:organization_id", s.deleteOrganization)

	v1.GET("/employment", s.listEmployment)
	w.POST("/employment", s.createEmployment)
	v1.GET("/employment/:employment_id", s.getEmployment)
	w.PATCH("/employment/:employment_id", s.updateEmployment)
	w.DELETE("/employment/:employment_id", s.deleteEmployment)

	v1.GET("/ties", s.listTies)
	w.POST("/ties", s.createTie)
	v1.GET("/ties/:tie_id", s.getTie)
	w.PATCH("/ties/:tie_id", s.updateTie)
	w.DELETE("/ties/:tie_id", s.deleteTie)
	v1.GET("/ties/:tie_id/ledger", s.tieLedger)
	v1.GET("/ledger", s.ledger)

	v1.GET("/interactions", s.listInteractions)
	w.POST("/interactions", s.createInteraction)
	v1.GET("/interactions/:interaction_id", s.getInteraction)
	w.PATCH("/interactions/:interaction_id", s.updateInteraction)
	w.DELETE("/interactions/:interaction_id", s.deleteInteraction)

	v1.GET("/introductions", s.listIntroductions)
	w.POST("/introductions", s.createIntroduction)
	v1.GET("/introductions/:introduction_id", s.getIntroduction)
	w.PATCH("/introductions/:introduction_id", s.updateIntroduction)
	w.DELETE("/introductions/:introduction_id", s.deleteIntroduction)

	v1.GET("/intro-paths", s.introPaths)
	v1.GET("/intro-paths.svg", s.introPathsMap) // maps.go: the same question drawn
	v1.GET("/intro-paths.png", s.introPathsMap)
	v1.GET("/map", s.egoMap) // ?format=svg|png
	v1.GET("/map.svg", s.egoMap)
	v1.GET("/map.png", s.egoMap)
	v1.GET("/overview", s.overviewMap)
	v1.GET("/overview.svg", s.overviewMap)
	v1.GET("/overview.png", s.overviewMap)
	v1.GET("/brokers", s.brokers)
	v1.GET("/weak-ties", s.weakTies)
	v1.GET("/communities", s.communities)
	v1.GET("/dormant", s.dormant)
	v1.GET("/broker-opportunities", s.brokerOpportunities)
	v1.GET("/job-search", s.jobSearch)
	v1.GET("/analytics", s.analyticsStatus)
	v1.POST("/analytics/refresh", s.refreshAnalytics)

	// The MCP server for AI assistants (mcp.go, api/mcp), over streamable
	// HTTP: POST for messages, DELETE to end a session; no server-sent
	// stream (GET is 405, which the protocol allows). Same tokens and rate
	// limits; a body limit of its own.
	r.POST("/mcp", s.auth.authenticate, s.serveMCP)
	r.DELETE("/mcp", s.auth.authenticate, s.serveMCP)

	// Imports have a size limit of their own, so they stay out of v1's body limit.
	r.POST("/api/v1/imports", s.auth.authenticate, s.auth.requireWrite, s.createImport)
	v1.GET("/export", s.export)

	// Connected accounts (accounts.go, graph/capture): each member's own.
	v1.GET("/accounts", s.listAccounts)
	w.POST("/accounts", s.createAccount)
	v1.GET("/accounts/:account_id", s.getAccount)
	w.PATCH("/accounts/:account_id", s.updateAccount)
	w.DELETE("/accounts/:account_id", s.deleteAccount)
	w.POST("/accounts/:account_id/sync", s.syncAccount)

	v1.GET("/jobs", s.listJobs)
	v1.GET("/jobs/:job_id", s.getJob)
	w.DELETE("/jobs/:job_id", s.cancelJob) // on whichever replica runs it

	// Periodic reports (reports.go, graph/report): history, on-demand runs,
	// previews, delivery retries, and each member's report settings.
	v1.GET("/reports", s.listReports)
	v1.POST("/reports", s.createReport)
	v1.GET("/reports/preview", s.previewReport)
	v1.GET("/reports/:report_id", s.getReport)
	v1.POST("/reports/:report_id/deliveries/:delivery_id/retry", s.retryDelivery)
	v1.GET("/members/:user_id/report-settings", s.getReportSettings)
	v1.PATCH("/members/:user_id/report-settings", s.updateReportSettings)

	// Duplicates and merges (duplicates.go, graph/identity): candidates with
	// evidence, a preview, the merge, its undo, the history.
	v1.GET("/duplicates/people", s.peopleDuplicates)
	v1.GET("/duplicates/organizations", s.organizationDuplicates)
	v1.GET("/merges/preview", s.previewMerge)
	w.POST("/merges", s.createMerge)
	v1.GET("/merges", s.listMerges)
	v1.GET("/merges/:merge_id", s.getMerge)
	w.POST("/merges/:merge_id/undo", s.undoMerge)
}
