package capture

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/emersion/go-imap/v2"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/outbound"
)

// Failure codes, stable for clients (graph.AccountStatus.ErrorCode).
const (
	FailAuth         = "auth"
	FailCertExpired  = "certificate_expired"
	FailCertUntrust  = "certificate_untrusted"
	FailCertName     = "certificate_name"
	FailTLS          = "tls"
	FailNetwork      = "network"
	FailTimeout      = "timeout"
	FailServer       = "server"
	FailFolder       = "folder"
	FailKey          = "secret_key"
	FailInterrupted  = "interrupted"
	FailInternal     = "internal"
	FailUnsupported  = "unsupported"
	FailNotPermitted = "not_permitted"
)

// Failure is why a sync or a connection check failed, in plain words for
// the member (Message) with a stable Code. It never holds the password.
type Failure struct {
	Code    string
	Message string
	Err     error // the underlying error, for the server log
}

func (f *Failure) Error() string { return f.Message }
func (f *Failure) Unwrap() error { return f.Err }

func failf(code string, err error, format string, args ...any) *Failure {
	return &Failure{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// classify explains an error of a sync. what names the server ("imap.example.com:993").
func classify(err error, what string) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	var certInvalid x509.CertificateInvalidError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	var imapErr *imap.Error
	var dnsErr *net.DNSError
	var netErr net.Error
	var gerr *graph.Error
	var refused *outbound.Error
	switch {
	case errors.As(err, &refused):
		return failf(FailNotPermitted, err, "Nexo does not connect to %s: it is %s. The operator can allow it with NEXO_OUTBOUND_ALLOW.",
			refused.Host, refused.Reason)
	case errors.Is(err, context.Canceled):
		return failf(FailInterrupted, err, "The sync was interrupted; what it had read is kept and the next sync resumes from there.")
	case errors.As(err, &certInvalid) && certInvalid.Reason == x509.Expired:
		return failf(FailCertExpired, err, "The TLS certificate of %s has expired (or is not valid yet); Nexo does not send your password to it. Ask the server's administrator to renew it.", what)
	case errors.As(err, &unknownCA):
		return failf(FailCertUntrust, err, "The TLS certificate of %s is not signed by an authority this server trusts.", what)
	case errors.As(err, &hostname):
		return failf(FailCertName, err, "The TLS certificate of %s is for another host name.", what)
	case errors.As(err, &verify):
		return failf(FailTLS, err, "The TLS certificate of %s cannot be verified: %v.", what, verify.Err)
	case errors.As(err, &record):
		return failf(FailTLS, err, "%s did not answer with TLS: check the port and the security setting (993 is tls, 143 is starttls).", what)
	case errors.As(err, &imapErr) && (imapErr.Code == imap.ResponseCodeAuthenticationFailed ||
		imapErr.Code == imap.ResponseCodeAuthorizationFailed || imapErr.Code == imap.ResponseCodeExpired):
		return failf(FailAuth, err, "%s refused the user name or password. For Gmail, Outlook or iCloud, use an app password.", what)
	case errors.As(err, &imapErr):
		return failf(FailServer, err, "%s answered with an error: %s.", what, imapErr.Text)
	case errors.As(err, &dnsErr):
		return failf(FailNetwork, err, "The host name of %s cannot be resolved.", what)
	case errors.Is(err, syscall.ECONNREFUSED):
		return failf(FailNetwork, err, "%s refused the connection: is the server running, and the port right?", what)
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return failf(FailTimeout, err, "%s stopped answering (timed out); what was read so far is kept and the next sync resumes.", what)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, net.ErrClosed), errors.Is(err, syscall.EPIPE):
		return failf(FailNetwork, err, "The connection to %s was lost during the sync; what was read so far is kept and the next sync resumes.", what)
	case errors.As(err, &gerr) && gerr.Code != graph.EINTERNAL:
		return failf(FailInternal, err, "Nexo could not save what it read: %s", gerr.Message)
	case errors.As(err, &netErr):
		return failf(FailNetwork, err, "The connection to %s failed: %v.", what, netErr)
	}
	return failf(FailInternal, err, "The sync failed: %v.", err)
}
