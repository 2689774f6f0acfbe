package report

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/outbound"
	"github.com/nexohq/nexo/graph/render"
)

// Config configures a Service. Zero fields take the defaults.
type Config struct {
	Store  graph.Store
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Mail sends email; with no Addr, email deliveries fail as not configured.
	Mail MailConfig
	// Webhook signs webhook deliveries; with no Secret they fail as not
	// configured (an unsigned report is no report to trust).
	Webhook WebhookConfig
	// Outbound guards the connections webhooks make (graph/outbound); nil
	// is the default policy, which refuses loopback, private and link-local
	// receivers. Tests with a receiver on 127.0.0.1 allow 127.0.0.1.
	Outbound *outbound.Policy

	MaxAttempts int           // attempts of one delivery before it fails; default 6
	Backoff     time.Duration // wait before the first retry, doubling after each; default 1 minute, at most 1 hour
	SendTimeout time.Duration // bound on one attempt; default 1 minute
	Lease       time.Duration // how long a claimed delivery is the claimer's; default 5 minutes (> SendTimeout)
	Options     Options       // report contents
	// Networks gives a workspace's current analytics network (graph/live's
	// Service.Current); nil: Network loads a snapshot of its own.
	Networks func(ctx context.Context, workspaceID string) (*analytics.Network, error)
}

// Service makes, stores, renders and delivers reports.
type Service struct {
	cfg Config
	log *slog.Logger

	renderOnce sync.Once
	renderer   *render.Renderer
	renderErr  error

	webhooks *http.Client // through cfg.Outbound

	wg     sync.WaitGroup // background deliveries
	mu     sync.Mutex
	closed bool
}

// NewService returns a Service.
func NewService(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Outbound == nil {
		cfg.Outbound, _ = outbound.NewPolicy(nil)
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 6
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Minute
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = time.Minute
	}
	if cfg.Lease <= cfg.SendTimeout {
		cfg.Lease = max(5*time.Minute, 2*cfg.SendTimeout)
	}
	return &Service{cfg: cfg, log: cfg.Logger, webhooks: cfg.Outbound.HTTPClient(cfg.SendTimeout)}
}

// Close waits for background deliveries and releases the renderer.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.wg.Wait()
	if s.renderer != nil {
		return s.renderer.Close()
	}
	return nil
}

// Now returns the service's clock reading.
func (s *Service) Now() time.Time { return s.cfg.Now().UTC() }

// Network returns the workspace's analytics as of now: the current network
// of Config.Networks seen at now (strengths and dormancy count from the
// report's own time), or without it one built from a snapshot.
func (s *Service) Network(ctx context.Context, ws string, now time.Time) (*analytics.Network, error) {
	if s.cfg.Networks != nil {
		net, err := s.cfg.Networks(ctx, ws)
		if err != nil {
			return nil, fmt.Errorf("analytics for report: %w", err)
		}
		return net.At(now), nil
	}
	snap, err := s.cfg.Store.LoadSnapshot(ctx, ws, graph.SnapshotOptions{})
	if err != nil {
		return nil, fmt.Errorf("load snapshot for report: %w", err)
	}
	return analytics.NewNetwork(snap, now, nil)
}

// Build makes the member's report from net without storing it. holes may be
// nil (computed here) or net.StructuralHoles() shared between members.
func (s *Service) Build(ctx context.Context, ws string, u *graph.User, net *analytics.Network, period string,
	holes []analytics.Holes) (*Report, error) {
	in := Input{Net: net, User: u, Period: period, Holes: holes, Options: s.cfg.Options}
	if u.PersonID != "" {
		intros, _, err := s.cfg.Store.FindIntroductions(ctx, ws, graph.IntroductionFilter{PersonID: u.PersonID, Limit: graph.MaxLimit})
		if err != nil && graph.ErrorCode(err) != graph.ENOTFOUND {
			return nil, fmt.Errorf("load introductions: %w", err)
		}
		in.Introductions = intros
	}
	hist, _, err := s.cfg.Store.FindReports(ctx, ws, graph.ReportFilter{UserID: u.ID, Limit: 6})
	if err != nil {
		return nil, fmt.Errorf("load report history: %w", err)
	}
	for _, h := range hist {
		if h.Period != period && len(in.History) < 5 {
			in.History = append(in.History, h)
		}
	}
	return Build(in)
}

// Generate builds the member's report for a period, stores it with a
// delivery for each channel the member set up, and returns it. It is
// ECONFLICT when the member already has a report for the period.
func (s *Service) Generate(ctx context.Context, ws string, u *graph.User, net *analytics.Network, period string,
	kind graph.ReportKind, holes []analytics.Holes) (*graph.Report, error) {
	id := graph.NewID()
	if kind == graph.ReportOnDemand {
		period = "on-demand:" + id
	}
	content, err := s.Build(ctx, ws, u, net, period, holes)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	rep := &graph.Report{ID: id, WorkspaceID: ws, UserID: u.ID, Period: period, Kind: kind,
		Locale: content.Member.Locale, GeneratedAt: content.GeneratedAt, Health: content.Health.ReportHealth, Body: body,
		Deliveries: []*graph.Delivery{}}
	set := u.Report
	if set.Email != "" {
		rep.Deliveries = append(rep.Deliveries, &graph.Delivery{Channel: graph.ChannelEmail, Target: set.Email})
	}
	if set.WebhookURL != "" {
		rep.Deliveries = append(rep.Deliveries, &graph.Delivery{Channel: graph.ChannelWebhook, Target: set.WebhookURL})
	}
	if err := s.cfg.Store.CreateReport(ctx, rep); err != nil {
		return nil, err
	}
	s.log.Info("report generated", slog.String("workspace", ws), slog.String("member", u.ID),
		slog.String("report", rep.ID), slog.String("period", period), slog.Int("deliveries", len(rep.Deliveries)))
	return rep, nil
}

// Decode reads a stored report's body.
func Decode(rep *graph.Report) (*Report, error) {
	var r Report
	if err := json.Unmarshal(rep.Body, &r); err != nil {
		return nil, fmt.Errorf("decode report %s: %w", rep.ID, err)
	}
	return &r, nil
}

// EgoPNG draws the report's ego map as a PNG.
func (s *Service) EgoPNG(ctx context.Context, r *Report) ([]byte, error) {
	s.renderOnce.Do(func() { s.renderer, s.renderErr = render.New(context.WithoutCancel(ctx)) })
	if s.renderErr != nil {
		return nil, s.renderErr
	}
	t := textsFor(r.Member.Locale)
	return s.renderer.EgoMap(ctx, r.EgoMap.renderInput(r.Member.Name, t.egoAlt), render.PNG)
}

// Formats of Render.
const (
	FormatJSON     = "json"
	FormatMarkdown = "md"
	FormatHTML     = "html"
)

// Render returns the report in a format with its content type. The HTML
// embeds the ego map as a data: URI, which browsers show (mail clients want
// the inline attachment the email carries instead); a map that cannot be
// drawn is left out and logged.
func (s *Service) Render(ctx context.Context, r *Report, format string) ([]byte, string, error) {
	switch format {
	case FormatJSON, "":
		b, err := json.Marshal(r)
		return b, "application/json; charset=utf-8", err
	case FormatMarkdown:
		return Markdown(r), "text/markdown; charset=utf-8", nil
	case FormatHTML:
		src := ""
		if png, err := s.EgoPNG(ctx, r); err != nil {
			s.log.Warn("report ego map not drawn", slog.String("error", err.Error()))
		} else {
			src = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
		}
		b, err := HTML(r, src)
		return b, "text/html; charset=utf-8", err
	}
	return nil, "", graph.FieldErrorf("format", "Format must be json, md or html.")
}

// permanent marks a delivery error that retrying will not cure.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// DeliverDue sends the workspace's deliveries that are due, one by one, and
// returns how many it sent.
func (s *Service) DeliverDue(ctx context.Context, ws string) (int, error) {
	due, err := s.cfg.Store.FindDeliveries(ctx, ws, graph.DeliveryFilter{DueBy: s.Now(), Limit: graph.MaxLimit})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, d := range due {
		if ctx.Err() != nil {
			break
		}
		if ok, err := s.Deliver(ctx, d); err != nil {
			return sent, err
		} else if ok {
			sent++
		}
	}
	return sent, nil
}

// Deliver claims one delivery and sends it. It reports whether it was sent;
// a delivery someone else claimed, or not due, is skipped. Once claimed, the
// attempt runs to its end even if ctx is cancelled (it is bounded by
// SendTimeout), so that stopping never leaves a sent report unrecorded.
func (s *Service) Deliver(ctx context.Context, d *graph.Delivery) (bool, error) {
	now := s.Now()
	claimed, err := s.cfg.Store.ClaimDelivery(ctx, d.WorkspaceID, d.ID, now, now.Add(s.cfg.Lease))
	if graph.ErrorCode(err) == graph.ECONFLICT || graph.ErrorCode(err) == graph.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("claim delivery %s: %w", d.ID, err)
	}
	d = claimed
	bg := context.WithoutCancel(ctx)
	sendCtx, cancel := context.WithTimeout(bg, s.cfg.SendTimeout)
	sendErr := s.send(sendCtx, d)
	cancel()
	log := s.log.With(slog.String("workspace", d.WorkspaceID), slog.String("report", d.ReportID),
		slog.String("delivery", d.ID), slog.String("channel", string(d.Channel)), slog.Int("attempt", d.Attempts))
	upd := graph.DeliveryUpdate{From: graph.DeliverySending}
	switch {
	case sendErr == nil:
		upd.State, upd.SentAt = graph.DeliverySent, s.Now()
		log.Info("report delivered")
	case errors.As(sendErr, new(permanent)) || d.Attempts >= s.cfg.MaxAttempts:
		upd.State, upd.LastError = graph.DeliveryFailed, sendErr.Error()
		log.Error("report delivery failed", slog.String("error", sendErr.Error()), slog.String("cause", errorCause(sendErr)))
	default:
		wait := s.cfg.Backoff << min(d.Attempts-1, 16)
		upd.State, upd.LastError, upd.NextAttemptAt = graph.DeliveryPending, sendErr.Error(), s.Now().Add(min(wait, time.Hour))
		log.Warn("report delivery failed; will retry", slog.String("error", sendErr.Error()), slog.String("cause", errorCause(sendErr)),
			slog.Time("next_attempt", upd.NextAttemptAt))
	}
	if _, err := s.cfg.Store.UpdateDelivery(bg, d.WorkspaceID, d.ID, upd); err != nil {
		return false, fmt.Errorf("record delivery %s: %w", d.ID, err)
	}
	return sendErr == nil, nil
}

// send makes one attempt over the delivery's channel.
func (s *Service) send(ctx context.Context, d *graph.Delivery) error {
	rep, err := s.cfg.Store.FindReport(ctx, d.WorkspaceID, d.ReportID)
	if err != nil {
		return fmt.Errorf("load report: %w", err)
	}
	content, err := Decode(rep)
	if err != nil {
		return permanent{err}
	}
	switch d.Channel {
	case graph.ChannelEmail:
		return s.sendEmail(ctx, d, rep, content)
	case graph.ChannelWebhook:
		return s.sendWebhook(ctx, d, rep, content)
	}
	return permanent{fmt.Errorf("unknown channel %q", d.Channel)}
}

// Recover fails the workspace's deliveries left sending after their lease:
// their sender died mid-send, and whether the report went out is unknown.
// They are not sent again automatically — a duplicate is worse than a
// report the member can ask for again (POST …/retry).
func (s *Service) Recover(ctx context.Context, ws string) error {
	l, err := s.cfg.Store.FindDeliveries(ctx, ws, graph.DeliveryFilter{States: []graph.DeliveryState{graph.DeliverySending},
		Limit: graph.MaxLimit})
	if err != nil {
		return err
	}
	now := s.Now()
	for _, d := range l {
		if d.ClaimedUntil.After(now) {
			continue // its sender may still be at it
		}
		_, err := s.cfg.Store.UpdateDelivery(ctx, ws, d.ID, graph.DeliveryUpdate{From: graph.DeliverySending,
			State: graph.DeliveryFailed, LastError: "interrupted while sending; not sent again automatically to avoid a duplicate"})
		if err != nil && graph.ErrorCode(err) != graph.ECONFLICT {
			return err
		}
		s.log.Warn("report delivery interrupted", slog.String("workspace", ws), slog.String("report", d.ReportID),
			slog.String("delivery", d.ID), slog.String("channel", string(d.Channel)))
	}
	return nil
}

// Retry makes a failed delivery pending again, due now.
func (s *Service) Retry(ctx context.Context, ws, id string) (*graph.Delivery, error) {
	return s.cfg.Store.UpdateDelivery(ctx, ws, id, graph.DeliveryUpdate{From: graph.DeliveryFailed,
		State: graph.DeliveryPending, NextAttemptAt: s.Now()})
}

// DeliverSoon sends the workspace's due deliveries in the background, for a
// report made on demand; Close waits for it.
func (s *Service) DeliverSoon(ws string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if _, err := s.DeliverDue(context.Background(), ws); err != nil {
			s.log.Error("report delivery", slog.String("workspace", ws), slog.String("error", err.Error()))
		}
	}()
}
