package graph

import (
	"encoding/json"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// ReportKind says why a report was made.
type ReportKind string

// Report kinds.
const (
	ReportScheduled ReportKind = "scheduled" // by the member's schedule
	ReportOnDemand  ReportKind = "on_demand" // asked for through the API
)

// Report is one stored periodic report of a member: the review of their
// network ("¿a quién no has contactado en los últimos 6 meses?") as it was
// when it was made. Period identifies the schedule slot it was made for (the
// slot's time in UTC, RFC 3339) or, for an on-demand report, "on-demand:"
// and its id: a member has at most one report per period, which is how a
// restarted scheduler knows a slot is done. Body is the report itself as
// JSON (the graph/report package's format); Health holds its headline numbers
// so that trends need no bodies.
//
// Stored as (:Report {workspaceId, userId, period, ...}) with its deliveries
// as (:Delivery)-[:OF]->(:Report).
type Report struct {
	ID          string          `json:"id"`
	WorkspaceID string          `json:"workspace_id"`
	UserID      string          `json:"user_id"`
	Period      string          `json:"period"`
	Kind        ReportKind      `json:"kind"`
	Locale      string          `json:"locale"`
	GeneratedAt time.Time       `json:"generated_at"`
	Health      ReportHealth    `json:"health"`
	Body        json.RawMessage `json:"body,omitempty"` // empty in lists
	Deliveries  []*Delivery     `json:"deliveries"`
	CreatedAt   time.Time       `json:"created_at"`
}

// ReportHealth is the network health of a member when a report was made.
// Constraint and EffectiveSize are Burt's (1992) measures of the member's ego
// network (0 without contacts); DormantValuableShare is the share of the
// member's valuable ties that have gone dormant.
type ReportHealth struct {
	Contacts             int     `json:"contacts"`
	StrongTies           int     `json:"strong_ties"`
	ModerateTies         int     `json:"moderate_ties"`
	WeakTies             int     `json:"weak_ties"`
	Circles              int     `json:"circles"`
	Constraint           float64 `json:"constraint"`
	EffectiveSize        float64 `json:"effective_size"`
	DormantValuable      int     `json:"dormant_valuable"`
	DormantValuableShare float64 `json:"dormant_valuable_share"`
	FavoursGiven         int     `json:"favours_given"`
	FavoursReceived      int     `json:"favours_received"`
}

// MaxReportBytes bounds a report's body.
const MaxReportBytes = 1 << 20

// Validate checks the report and its deliveries.
func (r *Report) Validate() error {
	if r.UserID == "" {
		return FieldErrorf("user_id", "Report member required.")
	}
	if strings.TrimSpace(r.Period) == "" || len(r.Period) > 100 {
		return FieldErrorf("period", "Report period required (at most 100 characters).")
	}
	if r.Kind != ReportScheduled && r.Kind != ReportOnDemand {
		return FieldErrorf("kind", "Report kind must be scheduled or on_demand.")
	}
	if r.GeneratedAt.IsZero() {
		return FieldErrorf("generated_at", "Report time required.")
	}
	if len(r.Body) == 0 || !json.Valid(r.Body) {
		return FieldErrorf("body", "Report body must be JSON.")
	}
	if len(r.Body) > MaxReportBytes {
		return FieldErrorf("body", "Report body larger than %d bytes.", MaxReportBytes)
	}
	seen := map[Channel]bool{}
	for _, d := range r.Deliveries {
		if err := d.Validate(); err != nil {
			return err
		}
		if seen[d.Channel] {
			return FieldErrorf("deliveries", "One delivery per channel.")
		}
		seen[d.Channel] = true
	}
	return nil
}

// ReportFilter selects a workspace's reports, newest first.
type ReportFilter struct {
	UserID string
	Period string
	Offset int
	Limit  int
}

// Validate checks paging bounds.
func (f *ReportFilter) Validate() error { return validatePage(&f.Offset, &f.Limit) }

// Channel is a way a report reaches its member.
type Channel string

// Delivery channels.
const (
	ChannelEmail   Channel = "email"
	ChannelWebhook Channel = "webhook"
)

// DeliveryState is where a delivery stands:
//
//	pending → sending → sent
//	   ↑         ↓
//	   └──── (retry) ──→ failed
//
// A delivery is claimed (pending → sending) in the store before anything is
// sent, so that two schedulers, or one that restarted, never send it twice.
type DeliveryState string

// Delivery states.
const (
	DeliveryPending DeliveryState = "pending"
	DeliverySending DeliveryState = "sending"
	DeliverySent    DeliveryState = "sent"
	DeliveryFailed  DeliveryState = "failed"
)

// Valid reports whether s is a known state.
func (s DeliveryState) Valid() bool {
	return s == DeliveryPending || s == DeliverySending || s == DeliverySent || s == DeliveryFailed
}

// Delivery is the sending of one report over one channel, with its attempts.
// ClaimedUntil is the lease of the sender that claimed it: a delivery still
// sending after its lease was interrupted (the process died mid-send).
type Delivery struct {
	ID            string        `json:"id"`
	WorkspaceID   string        `json:"workspace_id"`
	ReportID      string        `json:"report_id"`
	UserID        string        `json:"user_id"`
	Channel       Channel       `json:"channel"`
	Target        string        `json:"target"` // the email address or webhook URL
	State         DeliveryState `json:"state"`
	Attempts      int           `json:"attempts"`
	NextAttemptAt time.Time     `json:"next_attempt_at,omitzero"`
	ClaimedUntil  time.Time     `json:"claimed_until,omitzero"`
	LastError     string        `json:"last_error,omitempty"`
	SentAt        time.Time     `json:"sent_at,omitzero"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
}

// Validate checks a new delivery: it starts pending.
func (d *Delivery) Validate() error {
	switch d.Channel {
	case ChannelEmail:
		if err := validEmail(d.Target); err != nil {
			return err
		}
	case ChannelWebhook:
		if err := validWebhookURL(d.Target); err != nil {
			return err
		}
	default:
		return FieldErrorf("channel", "Channel must be email or webhook.")
	}
	if d.State == "" {
		d.State = DeliveryPending
	}
	if d.State != DeliveryPending {
		return FieldErrorf("state", "A new delivery is pending.")
	}
	return nil
}

// DeliveryUpdate moves a delivery from state From to State, as a
// compare-and-set: the store refuses it (ECONFLICT) when the delivery is no
// longer in From. LastError replaces the previous error (empty clears it);
// the claim ends; NextAttemptAt counts only for pending (default now) and
// SentAt only for sent.
type DeliveryUpdate struct {
	From          DeliveryState
	State         DeliveryState
	LastError     string
	NextAttemptAt time.Time // when a pending delivery may be tried again
	SentAt        time.Time
}

// Validate checks the transition.
func (u *DeliveryUpdate) Validate() error {
	if !u.From.Valid() || !u.State.Valid() {
		return FieldErrorf("state", "Unknown delivery state.")
	}
	ok := false
	switch u.From {
	case DeliverySending:
		ok = u.State == DeliverySent || u.State == DeliveryPending || u.State == DeliveryFailed
	case DeliveryFailed:
		ok = u.State == DeliveryPending // retried by hand
	case DeliveryPending:
		ok = u.State == DeliveryFailed // given up, e.g. the channel is not configured
	}
	if !ok {
		return &Error{Code: ECONFLICT, Field: "state",
			Message: "A delivery cannot go from " + string(u.From) + " to " + string(u.State) + "."}
	}
	if u.State == DeliverySent && u.SentAt.IsZero() {
		return FieldErrorf("sent_at", "A sent delivery needs its time.")
	}
	if len(u.LastError) > MaxTextLen {
		u.LastError = u.LastError[:MaxTextLen]
	}
	return nil
}

// DeliveryFilter selects a workspace's deliveries, oldest first: of one
// report, in some states, or due (pending with NextAttemptAt at or before
// DueBy).
type DeliveryFilter struct {
	ReportID string
	States   []DeliveryState
	DueBy    time.Time
	Limit    int // default DefaultLimit
}

// ReportSettings are a member's choices for their periodic report. The zero
// value is the default: a report every Monday at 08:00 in the member's time
// zone, kept in the history and sent nowhere until an email address or a
// webhook is set.
type ReportSettings struct {
	Paused      bool   `json:"paused"`
	Schedule    string `json:"schedule"` // a five-field cron expression; "" is DefaultReportSchedule
	Email       string `json:"email,omitempty"`
	WebhookURL  string `json:"webhook_url,omitempty"`
	DormantDays int    `json:"dormant_days"` // 0 is the default of 180
}

// DefaultReportSchedule is every Monday at 08:00.
const DefaultReportSchedule = "0 8 * * 1"

// DefaultDormantDays is how long without an interaction makes a tie dormant
// in reports unless the member chose otherwise.
const DefaultDormantDays = 180

// WithDefaults returns s with its defaults filled in.
func (s ReportSettings) WithDefaults() ReportSettings {
	if s.Schedule == "" {
		s.Schedule = DefaultReportSchedule
	}
	if s.DormantDays == 0 {
		s.DormantDays = DefaultDormantDays
	}
	return s
}

// Validate checks the settings, except the cron syntax of Schedule, which the
// scheduler knows.
func (s *ReportSettings) Validate() error {
	s.Schedule = strings.Join(strings.Fields(s.Schedule), " ")
	if len(s.Schedule) > 100 {
		return FieldErrorf("schedule", "Schedule longer than 100 characters.")
	}
	if s.Email = strings.TrimSpace(s.Email); s.Email != "" {
		if err := validEmail(s.Email); err != nil {
			return err
		}
	}
	if s.WebhookURL = strings.TrimSpace(s.WebhookURL); s.WebhookURL != "" {
		if err := validWebhookURL(s.WebhookURL); err != nil {
			return err
		}
	}
	if s.DormantDays < 0 || s.DormantDays > 3650 {
		return FieldErrorf("dormant_days", "Dormant days must be between 1 and 3650.")
	}
	return nil
}

// ReportSettingsUpdate holds the settings to change; nil fields stay as they are.
type ReportSettingsUpdate struct {
	Paused      *bool   `json:"paused"`
	Schedule    *string `json:"schedule"`
	Email       *string `json:"email"`
	WebhookURL  *string `json:"webhook_url"`
	DormantDays *int    `json:"dormant_days"`
}

// Apply copies the set fields of upd onto s.
func (upd *ReportSettingsUpdate) Apply(s *ReportSettings) {
	setIf(&s.Paused, upd.Paused)
	setIf(&s.Schedule, upd.Schedule)
	setIf(&s.Email, upd.Email)
	setIf(&s.WebhookURL, upd.WebhookURL)
	setIf(&s.DormantDays, upd.DormantDays)
}

func validEmail(e string) error {
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e || len(e) > 254 {
		return FieldErrorf("email", "Invalid email address %q.", e)
	}
	return nil
}

func validWebhookURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || len(u) > 2000 {
		return FieldErrorf("webhook_url", "The webhook must be an http(s) URL.")
	}
	return nil
}
