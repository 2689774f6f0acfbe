package graph

import (
	"context"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// AccountKind is the protocol of a connected account.
type AccountKind string

// Account kinds.
const (
	AccountIMAP    AccountKind = "imap"    // a mailbox: INBOX and Sent
	AccountCalDAV  AccountKind = "caldav"  // calendars: meetings
	AccountCardDAV AccountKind = "carddav" // address books: people
)

// Valid reports whether k is a known kind.
func (k AccountKind) Valid() bool {
	return k == AccountIMAP || k == AccountCalDAV || k == AccountCardDAV
}

// IMAP transport security. There is no plain-text mode: a password never
// crosses the network unencrypted.
const (
	TLSImplicit = "tls"      // TLS from the first byte (port 993)
	TLSStart    = "starttls" // plain connection upgraded with STARTTLS (port 143)
)

// Who becomes a person from mail (CaptureSettings.CreatePeople).
const (
	CreateNever  = "never"   // only people already in the workspace are matched
	CreateTwoWay = "two-way" // unknown correspondents once both sides have written
	CreateAll    = "all"     // every correspondent that passes the filters
)

// Account is a member's connected mailbox, calendar or address book. It
// belongs to UserID alone: other members never see it, nor what it captured.
// Secret is the password sealed with the server's key (AES-GCM); it never
// leaves the server (no JSON) and is never logged.
type Account struct {
	ID          string          `json:"id"`
	WorkspaceID string          `json:"workspace_id"`
	UserID      string          `json:"user_id"`
	Kind        AccountKind     `json:"kind"`
	Host        string          `json:"host,omitempty"` // IMAP
	Port        int             `json:"port,omitempty"`
	TLS         string          `json:"tls,omitempty"`
	URL         string          `json:"url,omitempty"` // CalDAV and CardDAV
	Username    string          `json:"username"`
	Secret      []byte          `json:"-"`
	Settings    CaptureSettings `json:"settings"`
	Status      AccountStatus   `json:"status"`
	// Cursor is the sync engine's opaque state (UIDVALIDITY and last UID per
	// folder, sync tokens): where the next sync resumes.
	Cursor    string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CaptureSettings are a member's privacy choices for one account. The zero
// value is the private default: metadata only, no subjects, unknown
// correspondents become people only once the exchange is two-way.
type CaptureSettings struct {
	// InboxFolders and SentFolders name the folders to read; empty means
	// INBOX and the folder the server marks \Sent (SPECIAL-USE), or "Sent".
	InboxFolders []string `json:"inbox_folders,omitempty"`
	SentFolders  []string `json:"sent_folders,omitempty"`
	// ExcludeFolders are never read, even when named above (IMAP names, or
	// Gmail labels in an mbox).
	ExcludeFolders []string `json:"exclude_folders,omitempty"`
	// ExcludeAddresses and ExcludeDomains are never captured: such a
	// correspondent is left out of every message, and a message with no one
	// else left is skipped.
	ExcludeAddresses []string `json:"exclude_addresses,omitempty"`
	ExcludeDomains   []string `json:"exclude_domains,omitempty"`
	// InternalDomains are the member's own organisation's mail domains
	// (default: the domain of the member's email, unless it is a public mail
	// service). Mail with colleagues is not captured.
	InternalDomains []string `json:"internal_domains,omitempty"`
	// Aliases are more addresses of the member, recognised as "me".
	Aliases []string `json:"aliases,omitempty"`
	// Subjects stores each message's subject (only the member sees it).
	Subjects bool `json:"subjects,omitempty"`
	// CreatePeople is never, two-way (default) or all.
	CreatePeople string `json:"create_people,omitempty"`
	// MaxRecipients: a message with more is bulk and skipped; default 20.
	MaxRecipients int `json:"max_recipients,omitempty"`
	// Paused stops scheduled syncs ("sync now" still runs).
	Paused bool `json:"paused,omitempty"`
}

// DefaultMaxRecipients is CaptureSettings.MaxRecipients when left zero.
const DefaultMaxRecipients = 20

// Validate normalises and checks the settings.
func (s *CaptureSettings) Validate() error {
	lists := map[string]*[]string{"inbox_folders": &s.InboxFolders, "sent_folders": &s.SentFolders,
		"exclude_folders": &s.ExcludeFolders, "exclude_addresses": &s.ExcludeAddresses,
		"exclude_domains": &s.ExcludeDomains, "internal_domains": &s.InternalDomains, "aliases": &s.Aliases}
	for field, l := range lists {
		*l = CleanList(*l)
		if len(*l) > MaxListLen {
			return FieldErrorf("settings."+field, "More than %d entries.", MaxListLen)
		}
		for i, v := range *l {
			if len(v) > MaxTextLen {
				return FieldErrorf("settings."+field, "An entry is longer than %d characters.", MaxTextLen)
			}
			switch field {
			case "exclude_addresses", "aliases":
				v = strings.ToLower(v)
				if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
					return FieldErrorf("settings."+field, "Invalid email address %q.", v)
				}
			case "exclude_domains", "internal_domains":
				v = strings.TrimPrefix(strings.ToLower(v), "@")
				if v == "" || strings.ContainsAny(v, " /@:") || !strings.Contains(v, ".") {
					return FieldErrorf("settings."+field, "Invalid domain %q.", v)
				}
			}
			(*l)[i] = v
		}
	}
	switch s.CreatePeople {
	case "":
		s.CreatePeople = CreateTwoWay
	case CreateNever, CreateTwoWay, CreateAll:
	default:
		return FieldErrorf("settings.create_people", "create_people must be never, two-way or all.")
	}
	if s.MaxRecipients == 0 {
		s.MaxRecipients = DefaultMaxRecipients
	}
	// The sender and the member take part too.
	if s.MaxRecipients < 1 || s.MaxRecipients > MaxParticipants-2 {
		return FieldErrorf("settings.max_recipients", "max_recipients must be between 1 and %d.", MaxParticipants-2)
	}
	return nil
}

// Sync states of an account.
const (
	SyncIdle    = "idle"    // never synced
	SyncRunning = "syncing" // a sync holds the account
	SyncOK      = "ok"      // the last sync finished
	SyncFailed  = "failed"  // the last sync stopped on an error; LastError says why
)

// AccountStatus is what the last sync of an account did, and how far a
// running one is. Counts add up over every sync.
type AccountStatus struct {
	State         string    `json:"state"`
	LastSyncAt    time.Time `json:"last_sync_at,omitzero"`    // the last sync ended
	LastSuccessAt time.Time `json:"last_success_at,omitzero"` // ... without an error
	// LastError says in plain words why the last sync failed; ErrorCode is
	// its stable code (auth, tls, certificate_expired, network, server,
	// folder, internal).
	LastError string `json:"last_error,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
	Messages  int    `json:"messages"` // messages or events read
	Captured  int    `json:"captured"` // interactions written
	Skipped   int    `json:"skipped"`  // bulk, lists, excluded, unreadable
	People    int    `json:"people"`   // people created from correspondents
	Contacts  int    `json:"contacts"` // address-book cards read (CardDAV)
	Phase     string `json:"phase,omitempty"`
	Done      int    `json:"done,omitempty"`
	Total     int    `json:"total,omitempty"`
	// LeaseUntil is when a running sync's hold on the account lapses (a
	// process that died mid-sync leaves it to lapse).
	LeaseUntil time.Time `json:"-"`
}

// Validate checks an account before it is stored.
func (a *Account) Validate() error {
	if !a.Kind.Valid() {
		return FieldErrorf("kind", "Kind must be imap, caldav or carddav.")
	}
	if a.UserID == "" {
		return FieldErrorf("user_id", "Account member required.")
	}
	a.Username = strings.TrimSpace(a.Username)
	if a.Username == "" || len(a.Username) > MaxTextLen {
		return FieldErrorf("username", "User name required (at most %d characters).", MaxTextLen)
	}
	switch a.Kind {
	case AccountIMAP:
		a.Host = strings.ToLower(strings.TrimSpace(a.Host))
		if a.Host == "" || len(a.Host) > 253 || strings.ContainsAny(a.Host, " /@") {
			return FieldErrorf("host", "A host name is required, e.g. imap.example.com.")
		}
		switch a.TLS {
		case "":
			a.TLS = TLSImplicit
		case TLSImplicit, TLSStart:
		default:
			return FieldErrorf("tls", "tls must be tls or starttls.")
		}
		if a.Port == 0 {
			a.Port = 993
			if a.TLS == TLSStart {
				a.Port = 143
			}
		}
		if a.Port < 1 || a.Port > 65535 {
			return FieldErrorf("port", "Port must be between 1 and 65535.")
		}
		a.URL = ""
	default:
		u, err := url.Parse(strings.TrimSpace(a.URL))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(a.URL) > 2000 {
			return FieldErrorf("url", "A URL is required, e.g. https://dav.example.com/calendars/me/.")
		}
		if u.User != nil {
			return FieldErrorf("url", "Put the user name and password in their own fields, not in the URL.")
		}
		if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
			return FieldErrorf("url", "Use https: a password never crosses the network unencrypted.")
		}
		a.URL = u.String()
		a.Host, a.Port, a.TLS = "", 0, ""
	}
	if len(a.Secret) == 0 {
		return FieldErrorf("password", "Password required.")
	}
	if a.Status.State == "" {
		a.Status.State = SyncIdle
	}
	return a.Settings.Validate()
}

// loopbackHost reports whether a URL's host is this machine, the one place
// plain HTTP is allowed (a DAV server beside Nexo, the tests' Radicale).
func loopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Endpoint names what the account connects to, for duplicate detection: the
// same member cannot connect the same mailbox twice.
func (a *Account) Endpoint() string {
	if a.Kind == AccountIMAP {
		return strings.ToLower(string(a.Kind) + "://" + a.Username + "@" + a.Host)
	}
	return strings.ToLower(string(a.Kind) + "|" + a.Username + "|" + strings.TrimRight(a.URL, "/"))
}

// AccountUpdate holds the fields of an account to change; nil fields stay.
type AccountUpdate struct {
	Settings *CaptureSettings
	Secret   []byte // a new sealed password
	Username *string
}

// Correspondent is an address a member exchanged mail with that is not yet
// anyone in the workspace: how often each side wrote, and the latest
// messages, held until the exchange is two-way (CreateTwoWay) and the
// correspondent becomes a person with those messages as interactions.
type Correspondent struct {
	Key      string        `json:"key"` // the normalised address
	Address  string        `json:"address"`
	Name     string        `json:"name,omitempty"`
	Sent     int           `json:"sent"`     // messages the member wrote to them
	Received int           `json:"received"` // messages they wrote to the member
	Held     []HeldMessage `json:"held,omitempty"`
}

// MaxHeld bounds Correspondent.Held: the newest messages are kept.
const MaxHeld = 50

// HeldMessage is a captured message waiting for its correspondent to
// become a person.
type HeldMessage struct {
	Key      string    `json:"k"`
	At       time.Time `json:"at"`
	Out      bool      `json:"out,omitempty"` // the member wrote it
	ThreadID string    `json:"t,omitempty"`
	Subject  string    `json:"s,omitempty"` // only when the member opted in
}

// Capture is one step of a sync, written by Store.CommitCapture in one
// transaction: new people, organisations and positions, the captured
// interactions (each merged on its CaptureKey, so a message is never counted
// twice), a tie between the member and each participant, the member's
// correspondents, and the account's new cursor and counts. A sync that
// stops between two steps resumes after the last one written.
type Capture struct {
	UserID        string
	PersonID      string // the member's own person
	People        []*Person
	Organizations []*Organization
	Employments   []*Employment
	Interactions  []*Interaction
	// Correspondents are stored as given (replacing the member's earlier
	// record of the same key); Resolved are keys now matched to a person,
	// whose record goes.
	Correspondents []*Correspondent
	Resolved       []string
	// AccountID, when set, is the account whose Cursor and Status counts
	// the step advances (one-shot files have none).
	AccountID string
	Cursor    *string
	Counts    AccountStatus // added to the account's counts (Messages, Skipped, People, Contacts)
	// Deleted are capture keys of calendar events that were cancelled or
	// lost their attendees: their interactions go. Resets replace all the
	// meetings of a calendar event: the member's interactions whose key
	// starts with Prefix go, but for those in Keep.
	Deleted []string
	Resets  []CaptureReset
}

// CaptureReset is the set of meetings of one calendar event (every
// occurrence of a recurring one) as the calendar has it now.
type CaptureReset struct {
	Prefix string
	Keep   []string
}

// CaptureResult says what CommitCapture wrote.
type CaptureResult struct {
	Interactions int // new interactions (a message already captured adds none)
}

// AccountStore keeps connected accounts and writes what they capture. Like
// Store, every method is one transaction and stays within the workspace.
type AccountStore interface {
	// CreateAccount is ECONFLICT when the member already connected the same
	// endpoint.
	CreateAccount(ctx context.Context, a *Account) error
	FindAccount(ctx context.Context, workspaceID, id string) (*Account, error)
	// FindAccounts lists the accounts of a member, or of everyone when
	// userID is empty, oldest first.
	FindAccounts(ctx context.Context, workspaceID, userID string) ([]*Account, error)
	UpdateAccount(ctx context.Context, workspaceID, id string, upd AccountUpdate) (*Account, error)
	// DeleteAccount removes the account; what it captured stays.
	DeleteAccount(ctx context.Context, workspaceID, id string) error
	// ClaimAccount marks the account syncing until the given time. It is
	// ECONFLICT while another sync holds it.
	ClaimAccount(ctx context.Context, workspaceID, id string, now, until time.Time) (*Account, error)
	// SetAccountStatus records progress or the end of a sync: the state,
	// phase and error fields of st (counts are left alone). A state other
	// than SyncRunning releases the claim.
	SetAccountStatus(ctx context.Context, workspaceID, id string, st AccountStatus) error
	// FindCorrespondents returns a member's correspondents.
	FindCorrespondents(ctx context.Context, workspaceID, userID string) ([]*Correspondent, error)
	// CommitCapture writes one step of a sync, all or nothing.
	CommitCapture(ctx context.Context, workspaceID string, c *Capture) (*CaptureResult, error)
}
