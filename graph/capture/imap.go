package capture

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/nexohq/nexo/graph"
)

// imapConn is a logged-in IMAP client that closes itself when its context
// ends, so a sync never hangs on a server that stopped answering.
type imapConn struct {
	c    *imapclient.Client
	stop func() bool
}

func (c *imapConn) close() {
	c.stop()
	_ = c.c.Logout().Wait()
	_ = c.c.Close()
}

// deadlineConn gives every read and write its own deadline: a server that
// goes silent fails the sync instead of holding it.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c deadlineConn) Read(b []byte) (int, error) {
	_ = c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	return c.Conn.Read(b)
}

func (c deadlineConn) Write(b []byte) (int, error) {
	_ = c.Conn.SetWriteDeadline(time.Now().Add(c.timeout))
	return c.Conn.Write(b)
}

// dialIMAP connects through the network policy, secures the connection
// (TLS from the start, or STARTTLS: never plain text) and logs in.
func (s *Service) dialIMAP(ctx context.Context, a *graph.Account, password string) (*imapConn, error) {
	addr := net.JoinHostPort(a.Host, fmt.Sprint(a.Port))
	raw, err := s.cfg.Network.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	conn := deadlineConn{raw, s.cfg.Timeout}
	tc := &tls.Config{ServerName: a.Host, RootCAs: s.cfg.RootCAs, MinVersion: tls.VersionTLS12}
	var c *imapclient.Client
	if a.TLS == graph.TLSStart {
		c, err = imapclient.NewStartTLS(conn, &imapclient.Options{TLSConfig: tc})
		if err != nil {
			raw.Close()
			return nil, err
		}
	} else {
		t := tls.Client(conn, tc)
		if err := t.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		c = imapclient.New(t, nil)
	}
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	ic := &imapConn{c: c, stop: stop}
	if err := c.WaitGreeting(); err != nil {
		ic.close()
		return nil, err
	}
	if err := c.Login(a.Username, password).Wait(); err != nil {
		ic.close()
		if ie, ok := err.(*imap.Error); ok && ie.Type == imap.StatusResponseTypeNo && ie.Code == "" {
			// Servers that answer a bad login with a plain NO.
			return nil, &imap.Error{Type: ie.Type, Code: imap.ResponseCodeAuthenticationFailed, Text: ie.Text}
		}
		return nil, err
	}
	return ic, nil
}

// imapCursor is where an IMAP sync resumes: per folder, the UIDVALIDITY it
// read under and the highest UID read.
type imapCursor struct {
	Folders map[string]folderCursor `json:"folders"`
}

type folderCursor struct {
	Validity uint32 `json:"v"`
	UID      uint32 `json:"uid"`
}

type imapFolder struct {
	name string
	hint Direction
}

// sentNames are folder names taken for Sent when the server does not mark
// one \Sent.
var sentNames = []string{"Sent", "Sent Items", "Sent Messages", "Sent Mail", "[Gmail]/Sent Mail", "INBOX.Sent", "INBOX/Sent"}

// folders picks the folders to read: INBOX (or the configured ones) and
// Sent, found by SPECIAL-USE, then by common names, or configured.
func imapFolders(c *imapclient.Client, set graph.CaptureSettings) ([]imapFolder, error) {
	opts := &imap.ListOptions{}
	if c.Caps().Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	list, err := c.List("", "*", opts).Collect()
	if err != nil {
		return nil, err
	}
	exists := map[string]string{} // lower-case name → name
	var sent []string
	for _, m := range list {
		if slices.Contains(m.Attrs, imap.MailboxAttrNoSelect) || slices.Contains(m.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		exists[strings.ToLower(m.Mailbox)] = m.Mailbox
		if slices.Contains(m.Attrs, imap.MailboxAttrSent) {
			sent = append(sent, m.Mailbox)
		}
	}
	if len(sent) == 0 {
		for _, n := range sentNames {
			if name, ok := exists[strings.ToLower(n)]; ok {
				sent = append(sent, name)
				break
			}
		}
	}
	excluded := func(n string) bool {
		return slices.ContainsFunc(set.ExcludeFolders, func(e string) bool { return strings.EqualFold(e, n) })
	}
	var out []imapFolder
	pick := func(names []string, hint Direction, must bool) error {
		for _, n := range names {
			name, ok := exists[strings.ToLower(n)]
			if !ok && strings.EqualFold(n, "INBOX") {
				name, ok = "INBOX", true
			}
			if !ok {
				if must {
					return failf(FailFolder, nil, "The folder %q does not exist on the server; check the folder names in the account's settings.", n)
				}
				continue
			}
			if excluded(name) || slices.ContainsFunc(out, func(f imapFolder) bool { return f.name == name }) {
				continue
			}
			out = append(out, imapFolder{name, hint})
		}
		return nil
	}
	// Sent first: who the member writes to is known before their mail in.
	if len(set.SentFolders) > 0 {
		if err := pick(set.SentFolders, Out, true); err != nil {
			return nil, err
		}
	} else if err := pick(sent, Out, false); err != nil {
		return nil, err
	}
	inbox := set.InboxFolders
	if len(inbox) == 0 {
		inbox = []string{"INBOX"}
	}
	if err := pick(inbox, In, len(set.InboxFolders) > 0); err != nil {
		return nil, err
	}
	return out, nil
}

// fetchSection is the part of a message a sync reads: a few header fields.
var fetchSection = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: HeaderFields, Peek: true}

func (r *run) syncIMAP(ctx context.Context, password string) error {
	s := r.s
	r.report(Progress{Phase: "connecting"}, false)
	ic, err := s.dialIMAP(ctx, r.a, password)
	if err != nil {
		return err
	}
	defer ic.close()
	c := ic.c
	folders, err := imapFolders(c, r.a.Settings)
	if err != nil {
		return err
	}
	cur := imapCursor{Folders: map[string]folderCursor{}}
	if r.a.Cursor != "" {
		_ = jsonUnmarshal(r.a.Cursor, &cur)
		if cur.Folders == nil {
			cur.Folders = map[string]folderCursor{}
		}
	}
	// STATUS first: a sync with nothing new ends here, and a long one
	// knows its total.
	type plan struct {
		f     imapFolder
		since uint32
	}
	var plans []plan
	total := 0
	for _, f := range folders {
		st, err := c.Status(f.name, &imap.StatusOptions{NumMessages: true, UIDNext: true, UIDValidity: true}).Wait()
		if err != nil {
			return err
		}
		fc, ok := cur.Folders[f.name]
		if ok && fc.Validity != st.UIDValidity {
			// The server renumbered the folder: read it all again; the
			// capture keys keep every message counted once.
			r.res.Resynced = append(r.res.Resynced, f.name)
			fc = folderCursor{}
		}
		fc.Validity = st.UIDValidity
		cur.Folders[f.name] = fc
		n := int(*st.NumMessages)
		if n == 0 || uint32(st.UIDNext) <= fc.UID+1 {
			continue
		}
		plans = append(plans, plan{f, fc.UID})
		total += min(n, int(uint32(st.UIDNext)-fc.UID-1))
	}
	if total == 0 {
		return r.saveCursor(ctx, cur)
	}
	done := 0
	r.report(Progress{Phase: "reading", Total: total}, false)
	for _, pl := range plans {
		sel, err := c.Select(pl.f.name, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return err
		}
		if sel.UIDValidity != cur.Folders[pl.f.name].Validity {
			return failf(FailServer, nil, "The folder %q changed while it was read; the next sync reads it again.", pl.f.name)
		}
		found, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{{{Start: imap.UID(pl.since + 1), Stop: 0}}}}, nil).Wait()
		if err != nil {
			return err
		}
		uids := slices.DeleteFunc(found.AllUIDs(), func(u imap.UID) bool { return uint32(u) <= pl.since })
		slices.Sort(uids)
		for start := 0; start < len(uids); start += s.cfg.StepSize {
			part := uids[start:min(start+s.cfg.StepSize, len(uids))]
			if err := r.imapStep(ctx, c, pl.f, part); err != nil {
				return err
			}
			fc := cur.Folders[pl.f.name]
			fc.UID = uint32(part[len(part)-1])
			cur.Folders[pl.f.name] = fc
			if err := r.commit(ctx, cur); err != nil {
				return err
			}
			done += len(part)
			r.report(Progress{Phase: "reading", Done: done, Total: max(total, done)}, false)
		}
	}
	return nil
}

// imapStep fetches the headers of some messages and plans them.
func (r *run) imapStep(ctx context.Context, c *imapclient.Client, f imapFolder, uids []imap.UID) error {
	p, err := r.planner(ctx)
	if err != nil {
		return err
	}
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, InternalDate: true,
		BodySection: []*imap.FetchItemBodySection{fetchSection}}).Collect()
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if uint32(m.UID) < uint32(uids[0]) {
			continue
		}
		raw := m.FindBodySection(fetchSection)
		msg, err := ParseHeader(bytes.NewReader(raw), m.InternalDate)
		if err != nil {
			p.Messages++
			p.skip("unreadable header: " + err.Error())
			continue
		}
		p.Message(msg, f.hint)
	}
	return ctx.Err()
}
