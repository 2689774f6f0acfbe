package capture

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
)

// mailItem is one message of a mail file or folder.
type mailItem struct {
	msg  *Message
	hint Direction
	skip string // why it cannot be read
}

// mailReader streams the messages of a file or folder; next returns io.EOF
// after the last.
type mailReader interface {
	next() (mailItem, error)
	// progress is how much was read and of how much (bytes or files).
	progress() (done, total int64)
}

// mboxReader streams an mbox file (Google Takeout, Thunderbird, mutt): a
// message starts at a line "From " at the start of the file or after a
// blank line. Only headers are kept; bodies are skipped line by line, so
// memory stays bounded whatever the file's size.
type mboxReader struct {
	r     *bufio.Reader
	n     int64 // bytes read
	size  int64
	from  []byte // the From_ line of the message to read next
	start bool
	// Warning is set when the file ends inside a message's header.
	warnings []string
}

func newMboxReader(r io.Reader, size int64) *mboxReader {
	return &mboxReader{r: bufio.NewReaderSize(r, 64<<10), size: size, start: true}
}

func (m *mboxReader) progress() (int64, int64) { return m.n, m.size }

// line reads a line, however long, counting it; a line longer than the
// buffer is consumed without being kept (bodies can hold any).
func (m *mboxReader) line(keep bool) ([]byte, error) {
	b, err := m.r.ReadSlice('\n')
	m.n += int64(len(b))
	if err != bufio.ErrBufferFull {
		return b, err
	}
	var long []byte
	if keep {
		long = append(long, b...)
	}
	for err == bufio.ErrBufferFull {
		b, err = m.r.ReadSlice('\n')
		m.n += int64(len(b))
		if keep && len(long) <= MaxHeaderBytes {
			long = append(long, b...)
		}
	}
	if !keep {
		return nil, err
	}
	return long, err
}

var fromLine = []byte("From ")

func (m *mboxReader) next() (mailItem, error) {
	if m.start {
		m.start = false
		b, err := m.line(true)
		if err != nil && len(b) == 0 {
			return mailItem{}, io.EOF
		}
		if !bytes.HasPrefix(b, fromLine) {
			return mailItem{}, graph.Errorf(graph.EINVALID, "This is not an mbox file: it does not start with a \"From \" line.")
		}
		m.from = append([]byte(nil), b...)
	}
	if m.from == nil {
		return mailItem{}, io.EOF
	}
	fallback := fromLineDate(m.from)
	// The header: lines up to the blank line, read through readHeader.
	var hdr bytes.Buffer
	complete := false
	for {
		b, err := m.line(true)
		if len(bytes.TrimRight(b, "\r\n")) == 0 && len(b) > 0 {
			complete = true
			break
		}
		hdr.Write(b)
		if hdr.Len() > MaxHeaderBytes {
			break
		}
		if err != nil {
			break
		}
	}
	// The body: skipped up to the next From_ line after a blank line.
	blank := true
	m.from = nil
	atEOF := false
	for {
		b, err := m.line(false)
		if b != nil && blank && bytes.HasPrefix(b, fromLine) {
			m.from = append([]byte(nil), b...)
			break
		}
		if b != nil {
			blank = len(bytes.TrimRight(b, "\r\n")) == 0
		} else {
			blank = false
		}
		if err == io.EOF {
			atEOF = true
			break
		}
		if err != nil {
			return mailItem{}, err
		}
	}
	switch {
	case hdr.Len() > MaxHeaderBytes:
		return mailItem{skip: "unreadable header: " + errHeaderTooLarge.Error()}, nil
	case !complete && atEOF:
		m.warnings = append(m.warnings, "The file ends inside the last message's header (a truncated file?): that message was left out.")
		return mailItem{skip: "the message is cut short at the end of the file"}, nil
	}
	h, _, err := readHeader(bufio.NewReader(&hdr))
	if err != nil {
		return mailItem{skip: "unreadable header: " + err.Error()}, nil
	}
	msg, err := parseMessage(h, fallback)
	if err != nil {
		return mailItem{skip: "unreadable header: " + err.Error()}, nil
	}
	return mailItem{msg: msg, hint: labelHint(msg.Labels)}, nil
}

// fromLineDate reads the date of "From sender Mon Jan  2 15:04:05 2006".
func fromLineDate(line []byte) time.Time {
	f := strings.Fields(string(line))
	if len(f) < 7 {
		return time.Time{}
	}
	t, err := time.Parse("Mon Jan 2 15:04:05 2006", strings.Join(f[len(f)-5:], " "))
	if err != nil {
		return time.Time{}
	}
	return t
}

// labelHint reads Gmail's labels: "Sent" means the member wrote it.
func labelHint(labels []string) Direction {
	for _, l := range labels {
		if strings.EqualFold(l, "Sent") || strings.EqualFold(l, "Gesendet") || strings.EqualFold(l, "Enviados") {
			return Out
		}
	}
	return Unknown
}

// maildirReader reads a Maildir folder (cur and new) and its Maildir++
// subfolders (.Sent, .Archive, ...), file by file, in name order.
type maildirReader struct {
	files []maildirFile
	i     int
}

type maildirFile struct {
	path   string
	hint   Direction
	folder string
}

func newMaildirReader(dir string, set graph.CaptureSettings) (*maildirReader, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, graph.Errorf(graph.EINVALID, "Cannot read %s: %v", filepath.Base(dir), errors.Unwrap(err))
	}
	if !st.IsDir() {
		return nil, graph.Errorf(graph.EINVALID, "%s is not a Maildir folder.", filepath.Base(dir))
	}
	m := &maildirReader{}
	add := func(folder, name string, hint Direction) {
		if slices.ContainsFunc(set.ExcludeFolders, func(e string) bool { return strings.EqualFold(e, name) }) {
			return
		}
		for _, sub := range []string{"cur", "new"} {
			ents, err := os.ReadDir(filepath.Join(folder, sub))
			if err != nil {
				continue
			}
			for _, e := range ents {
				if e.Type().IsRegular() {
					m.files = append(m.files, maildirFile{filepath.Join(folder, sub, e.Name()), hint, name})
				}
			}
		}
	}
	add(dir, "INBOX", Unknown)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), ".") || e.Name() == "." || e.Name() == ".." {
			continue
		}
		name := strings.TrimPrefix(e.Name(), ".")
		hint := Unknown
		if slices.ContainsFunc(append(slices.Clone(sentNames), set.SentFolders...), func(s string) bool {
			return strings.EqualFold(strings.ReplaceAll(s, "/", "."), name)
		}) {
			hint = Out
		}
		add(filepath.Join(dir, e.Name()), name, hint)
	}
	if len(m.files) == 0 {
		if _, err := os.Stat(filepath.Join(dir, "cur")); err != nil {
			return nil, graph.Errorf(graph.EINVALID, "%s is not a Maildir folder (no cur or new folder in it).", filepath.Base(dir))
		}
	}
	return m, nil
}

func (m *maildirReader) progress() (int64, int64) { return int64(m.i), int64(len(m.files)) }

func (m *maildirReader) next() (mailItem, error) {
	if m.i >= len(m.files) {
		return mailItem{}, io.EOF
	}
	f := m.files[m.i]
	m.i++
	fh, err := os.Open(f.path)
	if err != nil {
		return mailItem{skip: "unreadable file"}, nil
	}
	defer fh.Close()
	var mtime time.Time
	if st, err := fh.Stat(); err == nil {
		mtime = st.ModTime()
	}
	msg, err := ParseHeader(fh, mtime)
	if err != nil {
		return mailItem{skip: "unreadable header: " + err.Error()}, nil
	}
	return mailItem{msg: msg, hint: f.hint}, nil
}

// OpenMailFile opens a mail file or folder for ImportMail: a Maildir when
// path is a folder, else an mbox. The caller closes the file.
func OpenMailFile(path string, set graph.CaptureSettings) (io.Closer, MailSource, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, MailSource{}, err
	}
	if st.IsDir() {
		r, err := newMaildirReader(path, set)
		return io.NopCloser(nil), MailSource{r}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, MailSource{}, err
	}
	return f, MailSource{newMboxReader(f, st.Size())}, nil
}

// MailSource is a stream of messages to import: an mbox (NewMbox) or a
// Maildir folder (OpenMailFile).
type MailSource struct{ r mailReader }

// NewMbox streams an mbox from r; size is its length when known (for
// progress), else 0.
func NewMbox(r io.Reader, size int64) MailSource { return MailSource{newMboxReader(r, size)} }

// IsMbox reports whether the start of a file looks like an mbox.
func IsMbox(head []byte) bool { return bytes.HasPrefix(head, fromLine) }

// ImportMail captures the messages of an mbox or Maildir into the member's
// workspace, with the same rules as a mailbox sync (set: the member's
// privacy settings). It writes step by step; running it again on the same
// file adds nothing, and after a failure picks up what was not written.
func (s *Service) ImportMail(ctx context.Context, user *graph.User, src MailSource, set graph.CaptureSettings,
	progress func(Progress)) (*Result, error) {
	if err := set.Validate(); err != nil {
		return nil, err
	}
	if user.PersonID == "" {
		return nil, graph.Errorf(graph.EINVALID, "Importing mail needs a member with their own person in the workspace.")
	}
	me, err := s.cfg.Store.FindPerson(ctx, user.WorkspaceID, user.PersonID)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	r := &run{s: s, a: &graph.Account{WorkspaceID: user.WorkspaceID, UserID: user.ID, Kind: graph.AccountIMAP, Settings: set},
		user: user, me: me, progress: progress, res: &Result{}}
	unlock := s.lock(user.WorkspaceID)
	defer unlock()
	err = r.readMail(ctx, src.r)
	if mb, ok := src.r.(*mboxReader); ok {
		r.res.Warnings = append(r.res.Warnings, mb.warnings...)
	}
	r.res.Duration = time.Since(start)
	if err != nil {
		s.log.Warn("mail import failed", slog.String("workspace", user.WorkspaceID), slog.String("error", err.Error()))
		return r.res, err
	}
	return r.res, nil
}

func (r *run) readMail(ctx context.Context, src mailReader) error {
	p, err := r.planner(ctx)
	if err != nil {
		return err
	}
	excluded := func(labels []string) bool {
		return slices.ContainsFunc(labels, func(l string) bool {
			return slices.ContainsFunc(r.a.Settings.ExcludeFolders, func(e string) bool { return strings.EqualFold(e, l) })
		})
	}
	n := 0
	for {
		it, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		n++
		switch {
		case it.skip != "":
			p.Messages++
			p.skip(it.skip)
		case excluded(it.msg.Labels):
			p.Messages++
			p.skip("in an excluded folder")
		default:
			p.Message(it.msg, it.hint)
		}
		if p.Messages >= r.s.cfg.StepSize {
			if err := r.commit(ctx, nil); err != nil {
				return err
			}
		}
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			done, total := src.progress()
			r.report(Progress{Phase: "reading", Done: int(done), Total: int(total)}, false)
		}
	}
	if p.Messages > 0 || p.pending() > 0 {
		if err := r.commit(ctx, nil); err != nil {
			return err
		}
	}
	done, total := src.progress()
	r.report(Progress{Phase: "done", Done: int(done), Total: int(total)}, true)
	return nil
}
