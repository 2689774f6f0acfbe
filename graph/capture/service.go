package capture

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nexohq/nexo/graph"
)

// Network is how capture reaches mail and calendar servers: every outbound
// connection goes through it. *outbound.Policy is one (the operator's
// allow-list of hosts, private addresses refused unless allowed).
type Network interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	HTTPClient(timeout time.Duration) *http.Client
}

// Config configures a Service.
type Config struct {
	Store graph.Store
	// Sealer seals passwords; when nil, Key makes one on first need (a CLI
	// command that never touches an account never reads or makes a key).
	// Neither: accounts cannot be connected or synced.
	Sealer  *Sealer
	Key     func() ([]byte, error)
	Network Network // nil: accounts cannot be connected or synced
	// RootCAs verifies servers' certificates; nil means the system's.
	RootCAs *x509.CertPool
	Logger  *slog.Logger
	Now     func() time.Time
	// StepSize is the number of messages written per transaction; default 1000.
	StepSize int
	// Timeout bounds each network exchange; default one minute.
	Timeout time.Duration
	// Lease is how long a sync holds its account between progress reports
	// (each step renews it); default two minutes. A sync whose process died
	// (kill -9) leaves its claim to lapse: the next one resumes after that.
	Lease time.Duration
}

// Service connects accounts and syncs them.
type Service struct {
	cfg Config
	log *slog.Logger

	mu    sync.Mutex
	locks map[string]*sync.Mutex // per workspace: one sync plans people at a time

	sealerOnce sync.Once
	sealerErr  error
}

// NewService returns a service.
func NewService(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.StepSize <= 0 {
		cfg.StepSize = 1000
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	return &Service{cfg: cfg, log: cfg.Logger, locks: map[string]*sync.Mutex{}}
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

func (s *Service) lock(ws string) func() {
	s.mu.Lock()
	l := s.locks[ws]
	if l == nil {
		l = &sync.Mutex{}
		s.locks[ws] = l
	}
	s.mu.Unlock()
	l.Lock()
	return l.Unlock
}

func (s *Service) ready() error {
	s.sealerOnce.Do(func() {
		if s.cfg.Sealer != nil || s.cfg.Key == nil {
			return
		}
		key, err := s.cfg.Key()
		if err == nil {
			s.cfg.Sealer, err = NewSealer(key)
		}
		s.sealerErr = err
	})
	if s.sealerErr != nil {
		return fmt.Errorf("secret key: %w", s.sealerErr)
	}
	if s.cfg.Sealer == nil || s.cfg.Network == nil {
		return graph.Errorf(graph.EUNAVAILABLE, "Connected accounts are not configured on this server (no secret key or network policy).")
	}
	return nil
}

// ConnectInput is what a member gives to connect an account.
type ConnectInput struct {
	Kind     graph.AccountKind
	Host     string
	Port     int
	TLS      string
	URL      string
	Username string
	Password string
	Settings graph.CaptureSettings
	// Verify logs in before the account is stored (the default in the API
	// and CLI): a wrong password is refused at once.
	Verify bool
}

// Connect stores a new account of the member, its password sealed.
func (s *Service) Connect(ctx context.Context, user *graph.User, in ConnectInput) (*graph.Account, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if in.Password == "" {
		return nil, graph.FieldErrorf("password", "Password required.")
	}
	a := &graph.Account{ID: graph.NewID(), WorkspaceID: user.WorkspaceID, UserID: user.ID, Kind: in.Kind,
		Host: in.Host, Port: in.Port, TLS: in.TLS, URL: in.URL, Username: in.Username, Settings: in.Settings}
	a.Secret = s.cfg.Sealer.Seal(a, in.Password)
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if in.Verify {
		if err := s.Check(ctx, a, in.Password); err != nil {
			return nil, err
		}
	}
	if err := s.cfg.Store.CreateAccount(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Seal seals a new password for an existing account.
func (s *Service) Seal(a *graph.Account, password string) ([]byte, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	return s.cfg.Sealer.Seal(a, password), nil
}

// Check logs in to the account's server without syncing. A refusal is an
// EINVALID error that says why in plain words.
func (s *Service) Check(ctx context.Context, a *graph.Account, password string) error {
	if err := s.ready(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	var err error
	switch a.Kind {
	case graph.AccountIMAP:
		var c *imapConn
		if c, err = s.dialIMAP(ctx, a, password); err == nil {
			c.close()
		}
	default:
		err = s.checkDAV(ctx, a, password)
	}
	if err != nil {
		f := classify(err, endpointName(a))
		return &graph.Error{Code: graph.EINVALID, Field: "password", Message: f.Message}
	}
	return nil
}

func endpointName(a *graph.Account) string {
	if a.Kind == graph.AccountIMAP {
		return net.JoinHostPort(a.Host, fmt.Sprint(a.Port))
	}
	return a.URL
}

// Progress is how far a sync has come.
type Progress struct {
	Phase string `json:"phase"` // connecting, reading, done
	Done  int    `json:"done"`  // messages, events or cards read
	Total int    `json:"total"` // 0 when unknown
}

// Result is what a sync or a mail-file import did.
type Result struct {
	AccountID string         `json:"account_id,omitempty"`
	Messages  int            `json:"messages"`
	Captured  int            `json:"captured"`
	Skipped   int            `json:"skipped"`
	People    int            `json:"people"`
	Contacts  int            `json:"contacts,omitempty"`
	Reasons   map[string]int `json:"skipped_because,omitempty"`
	// Resynced names folders read again from the start because the server
	// renumbered them (UIDVALIDITY changed).
	Resynced []string `json:"resynced,omitempty"`
	// Warnings are things the member should know: a truncated message at
	// the end of a file, a folder that does not exist.
	Warnings []string      `json:"warnings,omitempty"`
	Duration time.Duration `json:"-"`
}

func (r *Result) add(st *graph.Capture, res *graph.CaptureResult, reasons map[string]int) {
	r.Messages += st.Counts.Messages
	r.Skipped += st.Counts.Skipped
	r.People += st.Counts.People
	r.Contacts += st.Counts.Contacts
	r.Captured += res.Interactions
	for k, v := range reasons {
		if r.Reasons == nil {
			r.Reasons = map[string]int{}
		}
		r.Reasons[k] += v
	}
}

// run is one sync of one account: the claim, progress and the steps.
type run struct {
	s        *Service
	a        *graph.Account
	user     *graph.User
	me       *graph.Person
	progress func(Progress)
	res      *Result
	p        *planner
	last     time.Time
	prog     Progress
}

// Sync syncs one account: it claims it (ECONFLICT while another sync runs),
// reads what is new since the last sync and writes it step by step, each
// step with the account's cursor, so a sync stopped at any point resumes
// after the last step written. The account's status records the outcome;
// a failure is returned as a *Failure too.
func (s *Service) Sync(ctx context.Context, ws, accountID string, progress func(Progress)) (*Result, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	start := s.now()
	a, err := s.cfg.Store.ClaimAccount(ctx, ws, accountID, start, start.Add(s.cfg.Lease))
	if err != nil {
		return nil, err
	}
	r := &run{s: s, a: a, progress: progress, res: &Result{AccountID: a.ID}}
	// One sync at a time plans a workspace's people, so two accounts never
	// make the same correspondent twice.
	unlock := s.lock(ws)
	err = r.sync(ctx)
	unlock()
	r.res.Duration = time.Since(start)
	st := graph.AccountStatus{State: graph.SyncOK, LastSyncAt: s.now()}
	if err == nil {
		st.LastSuccessAt = st.LastSyncAt
	} else {
		f := classify(err, endpointName(a))
		st.State, st.LastError, st.ErrorCode = graph.SyncFailed, f.Message, f.Code
		// Never the message or the account's address: only what failed.
		s.log.Warn("account sync failed", slog.String("workspace", ws), slog.String("account", a.ID),
			slog.String("code", f.Code), slog.String("error", safeErr(f.Err)))
		err = f
	}
	if serr := s.cfg.Store.SetAccountStatus(context.WithoutCancel(ctx), ws, a.ID, st); serr != nil {
		err = errors.Join(err, serr)
	}
	r.report(Progress{Phase: "done", Done: r.prog.Done, Total: r.prog.Total}, true)
	return r.res, err
}

// safeErr is an error's text for the log; the protocols' errors carry no
// password (go-imap never echoes LOGIN, the DAV client never the header).
func safeErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (r *run) sync(ctx context.Context) error {
	s := r.s
	password, err := s.cfg.Sealer.Open(r.a)
	if err != nil {
		return failf(FailKey, err, "%s", err.Error())
	}
	switch r.a.Kind {
	case graph.AccountIMAP:
		return r.syncIMAP(ctx, password)
	case graph.AccountCalDAV:
		return r.syncCalDAV(ctx, password)
	case graph.AccountCardDAV:
		return r.syncCardDAV(ctx, password)
	}
	return failf(FailUnsupported, nil, "Unknown account kind %q.", r.a.Kind)
}

// planner returns the run's planner, reading the workspace the first time:
// a sync with nothing new never reads it.
func (r *run) planner(ctx context.Context) (*planner, error) {
	if r.p != nil {
		return r.p, nil
	}
	if err := r.member(ctx); err != nil {
		return nil, err
	}
	x, err := loadIndex(ctx, r.s.cfg.Store, r.a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	corr, err := r.s.cfg.Store.FindCorrespondents(ctx, r.a.WorkspaceID, r.user.ID)
	if err != nil {
		return nil, err
	}
	// The member's addresses: their email, their person's, and the user
	// names and aliases of all their accounts (a mail file knows none).
	var own []string
	accounts, err := r.s.cfg.Store.FindAccounts(ctx, r.a.WorkspaceID, r.user.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range append(accounts, r.a) {
		if strings.Contains(a.Username, "@") {
			own = append(own, a.Username)
		}
		own = append(own, a.Settings.Aliases...)
	}
	r.p = newPlanner(r.a.WorkspaceID, r.user, r.me, r.a.Settings, x, corr, own...)
	if r.a.Kind == graph.AccountCalDAV {
		r.p.source = graph.SourceCalendar
	}
	return r.p, nil
}

// member reads the account's member and their own person, which captured
// interactions are tied to.
func (r *run) member(ctx context.Context) error {
	if r.me != nil {
		return nil
	}
	var err error
	if r.user == nil {
		if r.user, err = r.s.cfg.Store.FindUser(ctx, r.a.WorkspaceID, r.a.UserID); err != nil {
			return err
		}
	}
	if r.user.PersonID == "" {
		return failf(FailInternal, nil, "You have no own person in this workspace; captured mail is tied to it.")
	}
	r.me, err = r.s.cfg.Store.FindPerson(ctx, r.a.WorkspaceID, r.user.PersonID)
	return err
}

// commit writes the planned step with the cursor to resume after it.
func (r *run) commit(ctx context.Context, cursor any) error {
	st := r.p.take()
	reasons := r.p.lastReasons
	r.p.lastReasons = nil
	st.AccountID = r.a.ID
	if cursor != nil {
		b, err := json.Marshal(cursor)
		if err != nil {
			return err
		}
		c := string(b)
		st.Cursor = &c
	}
	res, err := r.s.cfg.Store.CommitCapture(ctx, r.a.WorkspaceID, st)
	if err != nil {
		return fmt.Errorf("write capture step: %w", err)
	}
	r.res.add(st, res, reasons)
	return nil
}

// saveCursor writes only a new cursor (a folder renumbered, nothing new).
func (r *run) saveCursor(ctx context.Context, cursor any) error {
	b, err := json.Marshal(cursor)
	if err != nil {
		return err
	}
	if string(b) == r.a.Cursor {
		return nil
	}
	c := string(b)
	_, err = r.s.cfg.Store.CommitCapture(ctx, r.a.WorkspaceID, &graph.Capture{UserID: r.a.UserID, AccountID: r.a.ID, Cursor: &c})
	return err
}

// report shows progress to the caller and, every few seconds, on the
// account (which also renews the claim).
func (r *run) report(p Progress, final bool) {
	r.prog = p
	if r.progress != nil {
		r.progress(p)
	}
	if final || r.a.ID == "" || time.Since(r.last) < 2*time.Second {
		return
	}
	r.last = time.Now()
	now := r.s.now()
	err := r.s.cfg.Store.SetAccountStatus(context.Background(), r.a.WorkspaceID, r.a.ID, graph.AccountStatus{
		State: graph.SyncRunning, Phase: p.Phase, Done: p.Done, Total: p.Total, LeaseUntil: now.Add(r.s.cfg.Lease),
		LastError: r.a.Status.LastError, ErrorCode: r.a.Status.ErrorCode})
	if err != nil {
		r.s.log.Warn("account progress not recorded", slog.String("account", r.a.ID), slog.String("error", err.Error()))
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
