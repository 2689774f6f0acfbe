package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Workspace is one private network: a person's, or a team's pooled networks.
// Nothing is shared between workspaces.
type Workspace struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate reports whether the workspace can be stored.
func (w *Workspace) Validate() error {
	if strings.TrimSpace(w.Name) == "" {
		return FieldErrorf("name", "Workspace name required.")
	}
	if len(w.Name) > 200 {
		return FieldErrorf("name", "Workspace name longer than 200 characters.")
	}
	return nil
}

// Role is what a member may do in a workspace.
type Role string

// Roles, from most to least powerful.
const (
	RoleOwner  Role = "owner"  // everything, including members and tokens of others
	RoleMember Role = "member" // read and write the network
	RoleViewer Role = "viewer" // read only
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleOwner || r == RoleMember || r == RoleViewer
}

// CanWrite reports whether the role may change the network.
func (r Role) CanWrite() bool { return r == RoleOwner || r == RoleMember }

// User is a member of a workspace. PersonID is the member's own Person ("me")
// in the workspace graph: paths start there, and dormant ties are counted from it.
type User struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	Name        string    `json:"name"`
	Email       string    `json:"email,omitempty"`
	Role        Role      `json:"role"`
	PersonID    string    `json:"person_id,omitempty"`
	Locale      string    `json:"locale,omitempty"`    // "en" or "es"; reports are written in it
	TimeZone    string    `json:"time_zone,omitempty"` // IANA name, e.g. "Europe/Madrid"
	Follows     []string  `json:"follows,omitempty"`   // organisation ids the member cares about
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`

	// Report holds the member's report settings; they are read and changed
	// through /members/{id}/report-settings, where the schedule is checked,
	// and kept out of member listings (a webhook URL can carry a secret).
	Report ReportSettings `json:"-"`
}

// Validate reports whether the user can be stored.
func (u *User) Validate() error {
	if strings.TrimSpace(u.Name) == "" {
		return FieldErrorf("name", "User name required.")
	}
	if !u.Role.Valid() {
		return FieldErrorf("role", "Role must be owner, member or viewer.")
	}
	if u.Locale != "" && u.Locale != "en" && u.Locale != "es" {
		return FieldErrorf("locale", "Locale must be en or es.")
	}
	if u.TimeZone != "" {
		if _, err := time.LoadLocation(u.TimeZone); err != nil {
			return FieldErrorf("time_zone", "Unknown time zone %q.", u.TimeZone)
		}
	}
	return u.Report.Validate()
}

// UserUpdate holds the fields of a User to change; nil fields stay as they are.
type UserUpdate struct {
	Name     *string   `json:"name"`
	Email    *string   `json:"email"`
	Role     *Role     `json:"role"`
	PersonID *string   `json:"person_id"`
	Locale   *string   `json:"locale"`
	TimeZone *string   `json:"time_zone"`
	Follows  *[]string `json:"follows"`
	// Report changes report settings; see User.Report.
	Report *ReportSettingsUpdate `json:"-"`
}

// Apply copies the set fields of upd onto u.
func (upd *UserUpdate) Apply(u *User) {
	setIf(&u.Name, upd.Name)
	setIf(&u.Email, upd.Email)
	setIf(&u.Role, upd.Role)
	setIf(&u.PersonID, upd.PersonID)
	setIf(&u.Locale, upd.Locale)
	setIf(&u.TimeZone, upd.TimeZone)
	setIf(&u.Follows, upd.Follows)
	if upd.Report != nil {
		upd.Report.Apply(&u.Report)
	}
}

// Token is an API credential of a user. Only the SHA-256 hash of the secret is
// stored; the secret is shown once, when the token is created.
type Token struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	UserID      string    `json:"user_id"`
	Name        string    `json:"name"`
	Prefix      string    `json:"prefix"` // the first characters of the secret, to recognise it
	Hash        string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	LastUsedAt  time.Time `json:"last_used_at,omitzero"`
	RevokedAt   time.Time `json:"revoked_at,omitzero"`
}

// Validate reports whether the token can be stored.
func (t *Token) Validate() error {
	if strings.TrimSpace(t.Name) == "" {
		return FieldErrorf("name", "Token name required.")
	}
	if len(t.Hash) != 64 {
		return FieldErrorf("hash", "Token hash must be a hex SHA-256.")
	}
	if t.UserID == "" {
		return FieldErrorf("user_id", "Token user required.")
	}
	return nil
}

// TokenPrefix starts every token secret, so a leaked one is easy to recognise
// (and to find with secret scanners).
const TokenPrefix = "nexo_"

// NewTokenSecret returns a new random token secret, the prefix shown to
// identify it, and the hash that is stored in its place.
func NewTokenSecret() (secret, shown, hash string) {
	secret = TokenPrefix + NewID() + NewID()
	return secret, secret[:len(TokenPrefix)+6], HashToken(secret)
}

// HashToken returns the hex SHA-256 of a token secret. Secrets carry 256
// random bits, so a fast hash is enough: there is nothing to brute-force.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
