package capture

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"io"
	"mime"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
)

// Address is a correspondent as a header names them.
type Address struct {
	Name string // decoded display name, may be empty
	Addr string // lower case
}

// Message is the metadata of one mail: all Nexo ever keeps of it. Bodies
// are never read.
type Message struct {
	MessageID string // without angle brackets; "" when missing
	// Key identifies the message for idempotence: a hash of the Message-ID,
	// or of date, sender, recipients and subject when there is none.
	Key      string
	ThreadID string // a hash of the conversation's first Message-ID
	Date     time.Time
	From     []Address
	To, Cc   []Address
	Bcc      []Address
	Subject  string
	// Why the message is bulk (a list, an automated sender), "" when it is
	// personal mail.
	Bulk   string
	Labels []string // X-Gmail-Labels of a Takeout mbox
}

// Recipients counts every address the message was sent to.
func (m *Message) Recipients() int { return len(m.To) + len(m.Cc) + len(m.Bcc) }

// HeaderFields are the header fields a sync fetches; nothing else of a
// message is read.
var HeaderFields = []string{"From", "To", "Cc", "Bcc", "Date", "Message-ID", "In-Reply-To", "References",
	"Subject", "List-Id", "List-Unsubscribe", "Precedence", "Auto-Submitted", "X-Autoreply", "X-Autorespond",
	"X-Gmail-Labels"}

// MaxHeaderBytes bounds the header of one message; a larger one is
// unreadable rather than a way to exhaust memory.
const MaxHeaderBytes = 256 << 10

// errHeaderTooLarge is a header over MaxHeaderBytes.
var errHeaderTooLarge = errors.New("the header is larger than 256 KiB")

// header is a message header: field names in canonical lower case, values
// unfolded, in order.
type header map[string][]string

func (h header) get(k string) string {
	if v := h[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// readHeader reads a header up to the blank line that ends it, or EOF. It
// is lenient: a line that is not a field is left out, 8-bit bytes are kept.
// It reports whether the blank line was seen (a header cut short by EOF is
// a truncated message).
func readHeader(r *bufio.Reader) (header, bool, error) {
	h := header{}
	var name string
	var val []byte
	total := 0
	flush := func() {
		if name != "" {
			h[name] = append(h[name], strings.TrimSpace(string(val)))
		}
		name, val = "", nil
	}
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// An absurdly long line: keep reading it, counting it against the bound.
			rest := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull && len(rest) <= MaxHeaderBytes {
				line, err = r.ReadSlice('\n')
				rest = append(rest, line...)
			}
			line = rest
		}
		total += len(line)
		if total > MaxHeaderBytes {
			return nil, false, errHeaderTooLarge
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 && len(line) > 0 {
			flush()
			return h, true, nil
		}
		switch {
		case len(trimmed) == 0:
		case trimmed[0] == ' ' || trimmed[0] == '\t':
			if name != "" {
				val = append(append(val, ' '), bytes.TrimSpace(trimmed)...)
			}
		default:
			flush()
			if k, v, ok := bytes.Cut(trimmed, []byte(":")); ok && len(k) > 0 && !bytes.ContainsAny(k, " \t") {
				name, val = strings.ToLower(string(k)), append([]byte(nil), bytes.TrimSpace(v)...)
			}
		}
		if err == io.EOF {
			flush()
			return h, false, nil
		}
	}
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// text makes a header value valid UTF-8: RFC 2047 encoded words decoded,
// raw 8-bit bytes that are not UTF-8 read as Windows-1252 (what such
// headers nearly always are).
func text(v string) string {
	v = validUTF8(v)
	if strings.Contains(v, "=?") {
		if d, err := wordDecoder.DecodeHeader(v); err == nil {
			v = d
		}
	}
	return strings.TrimSpace(v)
}

// validUTF8 reads 8-bit bytes that are not UTF-8 as Windows-1252.
func validUTF8(v string) string {
	if utf8.ValidString(v) {
		return v
	}
	if d, err := charmap.Windows1252.NewDecoder().String(v); err == nil {
		return d
	}
	return strings.ToValidUTF8(v, "\uFFFD")
}

var addrRe = regexp.MustCompile(`[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+`)

// addresses reads an address-list field. A list net/mail cannot parse
// (unbalanced quotes, bare 8-bit names, missing commas) still yields the
// addresses in it, without names.
func addresses(vals []string) []Address {
	var out []Address
	parser := mail.AddressParser{WordDecoder: wordDecoder}
	for _, v := range vals {
		v = strings.TrimSpace(validUTF8(v))
		if v == "" {
			continue
		}
		if l, err := parser.ParseList(v); err == nil {
			for _, a := range l {
				out = append(out, Address{Name: cleanName(a.Name, a.Address), Addr: strings.ToLower(a.Address)})
			}
			continue
		}
		for _, part := range strings.Split(v, ",") {
			if a, err := parser.Parse(strings.TrimSpace(part)); err == nil {
				out = append(out, Address{Name: cleanName(a.Name, a.Address), Addr: strings.ToLower(a.Address)})
				continue
			}
			for _, m := range addrRe.FindAllString(part, -1) {
				out = append(out, Address{Addr: strings.ToLower(m)})
			}
		}
	}
	return slices.CompactFunc(out, func(a, b Address) bool { return a.Addr == b.Addr })
}

// cleanName drops a display name that only repeats the address or quotes.
func cleanName(name, addr string) string {
	name = strings.Trim(strings.TrimSpace(name), `"'`)
	if strings.EqualFold(name, addr) || strings.Contains(name, "@") {
		return ""
	}
	return name
}

var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST", "Mon Jan 2 15:04:05 2006", "Mon Jan 2 15:04:05 MST 2006",
	"2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05 -0700",
}

func parseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t.UTC()
	}
	if i := strings.Index(v, " ("); i > 0 {
		v = v[:i] // "(CET)" comments net/mail refuses in some forms
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

var msgIDRe = regexp.MustCompile(`<([^<>\s]+)>`)

// msgIDs reads the ids of a Message-ID, In-Reply-To or References field.
func msgIDs(v string) []string {
	var out []string
	for _, m := range msgIDRe.FindAllStringSubmatch(v, -1) {
		out = append(out, m[1])
	}
	if len(out) == 0 {
		if f := strings.Fields(strings.Trim(v, "<> ")); len(f) == 1 {
			out = append(out, f[0])
		}
	}
	return out
}

var keyEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

func hashKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return keyEncoding.EncodeToString(h.Sum(nil)[:20])
}

// parseMessage turns a header into a Message. fallback is the date to use
// when the Date field is missing or unreadable (IMAP's INTERNALDATE, an
// mbox From_ line); a message with no date at all is an error.
func parseMessage(h header, fallback time.Time) (*Message, error) {
	m := &Message{
		From: addresses(h["from"]), To: addresses(h["to"]), Cc: addresses(h["cc"]), Bcc: addresses(h["bcc"]),
		Subject: text(h.get("subject")),
	}
	m.Date = parseDate(text(h.get("date")))
	if m.Date.IsZero() {
		m.Date = fallback.UTC()
	}
	if m.Date.IsZero() {
		return nil, errors.New("no date")
	}
	m.Date = m.Date.Truncate(time.Second)
	if ids := msgIDs(h.get("message-id")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	if len(m.Subject) > 1000 {
		m.Subject = m.Subject[:1000]
	}
	if m.MessageID != "" {
		m.Key = hashKey("mid", strings.ToLower(m.MessageID))
	} else {
		// No Message-ID (some old clients, drafts): the same date, sender,
		// recipients and subject are the same message.
		rcpt := make([]string, 0, m.Recipients())
		for _, l := range [][]Address{m.To, m.Cc, m.Bcc} {
			for _, a := range l {
				rcpt = append(rcpt, a.Addr)
			}
		}
		slices.Sort(rcpt)
		from := ""
		if len(m.From) > 0 {
			from = m.From[0].Addr
		}
		m.Key = hashKey("hdr", strconv.FormatInt(m.Date.Unix(), 10), from, strings.Join(rcpt, ","), m.Subject)
	}
	root := m.MessageID
	if refs := msgIDs(h.get("references")); len(refs) > 0 {
		root = refs[0]
	} else if irt := msgIDs(h.get("in-reply-to")); len(irt) > 0 {
		root = irt[0]
	}
	if root != "" {
		m.ThreadID = hashKey("thread", strings.ToLower(root))[:16]
	} else {
		m.ThreadID = m.Key[:16]
	}
	for _, l := range strings.Split(text(h.get("x-gmail-labels")), ",") {
		if l = strings.TrimSpace(l); l != "" {
			m.Labels = append(m.Labels, l)
		}
	}
	m.Bulk = bulkReason(h, m)
	return m, nil
}

// bulkReason says why a message is not personal mail: a mailing list,
// bulk or automated mail, or an automated sender.
func bulkReason(h header, m *Message) string {
	switch {
	case h.get("list-id") != "":
		return "a mailing list (List-Id)"
	case h.get("list-unsubscribe") != "":
		return "bulk mail (List-Unsubscribe)"
	}
	switch strings.ToLower(strings.TrimSpace(h.get("precedence"))) {
	case "bulk", "list", "junk":
		return "bulk mail (Precedence)"
	}
	if v := strings.ToLower(strings.TrimSpace(h.get("auto-submitted"))); v != "" && v != "no" {
		return "sent automatically (Auto-Submitted)"
	}
	if h.get("x-autoreply") != "" || h.get("x-autorespond") != "" {
		return "an automatic reply"
	}
	for _, a := range m.From {
		if isNoReply(a.Addr) {
			return "an automated sender"
		}
	}
	return ""
}

// ParseHeader reads the header of a message (everything up to the first
// blank line) and returns its metadata. fallback is the date used when the
// header has none.
func ParseHeader(r io.Reader, fallback time.Time) (*Message, error) {
	h, _, err := readHeader(bufio.NewReader(r))
	if err != nil {
		return nil, err
	}
	return parseMessage(h, fallback)
}
