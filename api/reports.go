package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/report"
)

// The periodic reports (graph/report): their history, on-demand runs, previews,
// delivery retries and each member's report settings. Members see and
// change their own; owners anyone's.

// reportMember resolves whose reports a request is about: the member named
// by the query parameter or path parameter, or the caller.
func (s *Server) reportMember(c *gin.Context, id string) (*graph.User, error) {
	me := who(c).User
	if id == "" || id == me.ID {
		return s.store.FindUser(c, ws(c), me.ID) // fresh: the auth cache may hold old settings
	}
	if !graph.ValidID(id) {
		return nil, graph.NotFound("member")
	}
	if me.Role != graph.RoleOwner {
		return nil, graph.Errorf(graph.EFORBIDDEN, "Only owners can see other members' reports.")
	}
	return s.store.FindUser(c, ws(c), id)
}

// listReports lists a member's reports, newest first, with their deliveries.
func (s *Server) listReports(c *gin.Context) {
	u, err := s.reportMember(c, c.Query("member"))
	if err != nil {
		s.Error(c, err)
		return
	}
	offset, limit, err := page(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	l, total, err := s.store.FindReports(c, ws(c), graph.ReportFilter{UserID: u.ID, Offset: offset, Limit: limit})
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(l, total, offset, limit))
}

// findReport returns a report the caller may see.
func (s *Server) findReport(c *gin.Context) (*graph.Report, error) {
	id, err := idParam(c, "report_id")
	if err != nil {
		return nil, err
	}
	rep, err := s.store.FindReport(c, ws(c), id)
	if err != nil {
		return nil, err
	}
	if me := who(c).User; rep.UserID != me.ID && me.Role != graph.RoleOwner {
		return nil, graph.NotFound("report")
	}
	return rep, nil
}

// getReport returns a stored report: as JSON (the record with its body and
// deliveries), or rendered with format=md or format=html.
func (s *Server) getReport(c *gin.Context) {
	rep, err := s.findReport(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	format, err := reportFormat(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	if format == report.FormatJSON {
		c.JSON(http.StatusOK, rep)
		return
	}
	content, err := report.Decode(rep)
	if err != nil {
		s.Error(c, err)
		return
	}
	s.renderReport(c, content, format)
}

// reportFormat reads the format query parameter: json (default), md or html.
func reportFormat(c *gin.Context) (string, error) {
	switch f := c.DefaultQuery("format", report.FormatJSON); f {
	case report.FormatJSON, report.FormatMarkdown, report.FormatHTML:
		return f, nil
	}
	return "", &graph.Error{Code: ebadrequest, Field: "format", Message: "format must be json, md or html."}
}

func (s *Server) renderReport(c *gin.Context, content *report.Report, format string) {
	b, ctype, err := s.reports.Render(c, content, format)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.Data(http.StatusOK, ctype, b)
}

type reportInput struct {
	MemberID string `json:"member_id"`
	Deliver  *bool  `json:"deliver"` // default true: send it over the member's channels
}

// createReport makes a member's report now, stores it in the history and,
// unless deliver is false, sends it in the background over the member's
// channels (see the deliveries in GET /reports/{id}).
func (s *Server) createReport(c *gin.Context) {
	var in reportInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	u, err := s.reportMember(c, in.MemberID)
	if err != nil {
		s.Error(c, err)
		return
	}
	if in.Deliver != nil && !*in.Deliver {
		u.Report.Email, u.Report.WebhookURL = "", ""
	}
	net, err := s.reports.Network(c, ws(c), s.reports.Now())
	if err != nil {
		s.Error(c, err)
		return
	}
	rep, err := s.reports.Generate(c, ws(c), u, net, "", graph.ReportOnDemand, nil)
	if err != nil {
		s.Error(c, err)
		return
	}
	if len(rep.Deliveries) > 0 {
		s.reports.DeliverSoon(ws(c))
	}
	c.Header("Location", "/api/v1/reports/"+rep.ID)
	c.JSON(http.StatusCreated, rep)
}

// previewReport builds a member's report as of now without storing or
// sending it (what `nexo report dormant` prints).
func (s *Server) previewReport(c *gin.Context) {
	u, err := s.reportMember(c, c.Query("member"))
	if err != nil {
		s.Error(c, err)
		return
	}
	format, err := reportFormat(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	now := s.reports.Now()
	net, err := s.reports.Network(c, ws(c), now)
	if err != nil {
		s.Error(c, err)
		return
	}
	content, err := s.reports.Build(c, ws(c), u, net, "preview:"+report.Period(now), nil)
	if err != nil {
		s.Error(c, err)
		return
	}
	s.renderReport(c, content, format)
}

// retryDelivery sends a failed delivery again (it becomes pending, due now).
func (s *Server) retryDelivery(c *gin.Context) {
	rep, err := s.findReport(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	id, err := idParam(c, "delivery_id")
	if err != nil {
		s.Error(c, err)
		return
	}
	found := false
	for _, d := range rep.Deliveries {
		found = found || d.ID == id
	}
	if !found {
		s.Error(c, graph.NotFound("delivery"))
		return
	}
	d, err := s.reports.Retry(c, ws(c), id)
	if err != nil {
		s.Error(c, err)
		return
	}
	s.reports.DeliverSoon(ws(c))
	c.JSON(http.StatusOK, d)
}

// reportSettingsView is a member's report settings with what they mean now.
type reportSettingsView struct {
	UserID   string               `json:"user_id"`
	Settings graph.ReportSettings `json:"settings"`
	// Schedule and DormantDays with their defaults applied.
	Schedule    string        `json:"schedule"`
	DormantDays int           `json:"dormant_days"`
	TimeZone    string        `json:"time_zone"`
	NextRun     *time.Time    `json:"next_run"` // null when paused
	LastReport  *graph.Report `json:"last_report"`
}

func (s *Server) settingsView(c *gin.Context, u *graph.User) (reportSettingsView, error) {
	eff := u.Report.WithDefaults()
	v := reportSettingsView{UserID: u.ID, Settings: u.Report, Schedule: eff.Schedule, DormantDays: eff.DormantDays,
		TimeZone: u.TimeZone}
	if v.TimeZone == "" {
		v.TimeZone = "UTC"
	}
	if !u.Report.Paused {
		if next, err := report.NextRun(u, s.reports.Now()); err == nil {
			next = next.UTC()
			v.NextRun = &next
		}
	}
	l, _, err := s.store.FindReports(c, ws(c), graph.ReportFilter{UserID: u.ID, Limit: 1})
	if err != nil {
		return v, err
	}
	if len(l) > 0 {
		v.LastReport = l[0]
	}
	return v, nil
}

func (s *Server) settingsMember(c *gin.Context) (*graph.User, error) {
	id, err := idParam(c, "user_id")
	if err != nil {
		return nil, err
	}
	return s.reportMember(c, id)
}

// getReportSettings shows a member's report settings, next run and last
// report with its deliveries.
func (s *Server) getReportSettings(c *gin.Context) {
	u, err := s.settingsMember(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	v, err := s.settingsView(c, u)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// updateReportSettings changes a member's report settings; the schedule is
// checked here, where cron is known.
func (s *Server) updateReportSettings(c *gin.Context) {
	u, err := s.settingsMember(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	var upd graph.ReportSettingsUpdate
	if err := bind(c, &upd); err != nil {
		s.Error(c, err)
		return
	}
	if upd.WebhookURL != nil && strings.TrimSpace(*upd.WebhookURL) != "" {
		// The delivery's dial-time check is the real guard; this refuses
		// at once what it would always refuse.
		if err := s.reports.CheckWebhookURL(*upd.WebhookURL); err != nil {
			s.Error(c, err)
			return
		}
	}
	if upd.Schedule != nil {
		if _, err := report.ParseSchedule(*upd.Schedule); err != nil {
			s.Error(c, err)
			return
		}
	}
	u, err = s.store.UpdateUser(c, ws(c), u.ID, graph.UserUpdate{Report: &upd})
	if err != nil {
		s.Error(c, err)
		return
	}
	s.auth.forget("", u.ID)
	v, err := s.settingsView(c, u)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
