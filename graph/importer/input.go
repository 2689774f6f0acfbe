package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/nexohq/nexo/graph"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// input is a file opened for parsing: unzipped, decoded to UTF-8 and with
// its format known.
type input struct {
	r       *bufio.Reader
	format  Format
	total   int64           // bytes to read, 0 when unknown
	count   *countingReader // bytes read so far, for progress
	cleanup []func()
}

func (in *input) close() {
	for _, f := range in.cleanup {
		f()
	}
}

const sniffLen = 8 << 10

func tooLarge(max int64) error {
	return graph.Errorf(graph.ETOOLARGE, "The file is larger than the %s limit.", sizeString(max))
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// openInput prepares r for a parser: it refuses files over the limit, opens
// LinkedIn's ZIP, decodes the charset and sniffs the format when it is
// FormatAuto.
// Reading stops with ctx's error once ctx is done.
func openInput(ctx context.Context, r io.Reader, format Format, opts *Options) (*input, error) {
	if r == nil {
		return nil, graph.Errorf(graph.EINVALID, "No file to import.")
	}
	if opts.Size > opts.MaxBytes {
		return nil, tooLarge(opts.MaxBytes)
	}
	in := &input{total: opts.Size}
	var start int64 = -1
	if s, ok := r.(io.Seeker); ok {
		if off, err := s.Seek(0, io.SeekCurrent); err == nil {
			start = off
			if end, err := s.Seek(0, io.SeekEnd); err == nil {
				if _, err := s.Seek(off, io.SeekStart); err != nil {
					return nil, fmt.Errorf("import: rewind file: %w", err)
				}
				in.total = end - off
				if in.total > opts.MaxBytes {
					return nil, tooLarge(opts.MaxBytes)
				}
			}
		}
	}
	in.count = &countingReader{ctx: ctx, r: r, limit: opts.MaxBytes}
	br := bufio.NewReaderSize(in.count, 64<<10)
	head, _ := br.Peek(4)
	if isZip(head) {
		if format != FormatAuto && format != FormatLinkedIn {
			return nil, graph.Errorf(graph.EINVALID, "This is a ZIP archive; only LinkedIn's data export is read from a ZIP.")
		}
		entry, size, err := openZip(r, start, in.total, br, opts, in)
		if err != nil {
			in.close()
			return nil, err
		}
		in.total = size
		in.count = &countingReader{ctx: ctx, r: entry, limit: opts.MaxBytes}
		br = bufio.NewReaderSize(in.count, 64<<10)
		format = FormatLinkedIn
	}
	dec, err := decodeCharset(br, opts.Charset)
	if err != nil {
		in.close()
		return nil, err
	}
	in.r = dec
	head, _ = in.r.Peek(sniffLen)
	if bytes.IndexByte(head, 0) >= 0 {
		in.close()
		return nil, graph.Errorf(graph.EINVALID, "This is a binary file, not a CSV, vCard, iCalendar or Nexo export.")
	}
	if format == FormatAuto {
		if format, err = sniffText(head); err != nil {
			in.close()
			return nil, err
		}
	}
	in.format = format
	return in, nil
}

func isZip(head []byte) bool {
	return bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06"))
}

// decodeCharset returns a reader of UTF-8: the file without a UTF-8
// byte-order mark, UTF-16 with a mark decoded, or the named charset decoded.
func decodeCharset(br *bufio.Reader, charset string) (*bufio.Reader, error) {
	if charset != "" {
		enc, err := htmlindex.Get(charset)
		if err != nil {
			return nil, graph.FieldErrorf("charset", "Unknown charset %q.", charset)
		}
		return bufio.NewReaderSize(transform.NewReader(br, enc.NewDecoder()), 64<<10), nil
	}
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
		return br, nil
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), 64<<10), nil
	}
	return br, nil
}

// openZip finds Connections.csv at any depth of LinkedIn's export. A ZIP is
// read from its end, so a stream that cannot seek is spooled to a
// temporary file first.
func openZip(r io.Reader, start, total int64, br *bufio.Reader, opts *Options, in *input) (io.Reader, int64, error) {
	var ra io.ReaderAt
	size := total
	if at, ok := r.(io.ReaderAt); ok && start >= 0 && total > 0 {
		ra = io.NewSectionReader(at, start, total)
	} else {
		tmp, err := os.CreateTemp(opts.TempDir, "nexo-import-*.zip")
		if err != nil {
			return nil, 0, fmt.Errorf("import: spool zip: %w", err)
		}
		in.cleanup = append(in.cleanup, func() { tmp.Close(); os.Remove(tmp.Name()) })
		if size, err = io.Copy(tmp, br); err != nil {
			return nil, 0, readError(err)
		}
		ra = tmp
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, 0, graph.Errorf(graph.EINVALID, "The ZIP archive is truncated or damaged (%v).", err)
	}
	var best *zip.File
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		if !strings.EqualFold(path.Base(name), "Connections.csv") {
			continue
		}
		if best == nil || strings.Count(name, "/") < strings.Count(strings.ReplaceAll(best.Name, `\`, "/"), "/") {
			best = f
		}
	}
	if best == nil {
		return nil, 0, graph.Errorf(graph.EINVALID, "The ZIP archive has no Connections.csv; is it LinkedIn's data export?")
	}
	if best.UncompressedSize64 > uint64(opts.MaxBytes) {
		return nil, 0, tooLarge(opts.MaxBytes)
	}
	rc, err := best.Open()
	if err != nil {
		return nil, 0, graph.Errorf(graph.EINVALID, "Cannot read %s in the ZIP archive (%v).", best.Name, err)
	}
	in.cleanup = append(in.cleanup, func() { rc.Close() })
	return &zipEntryReader{r: rc}, int64(best.UncompressedSize64), nil
}

// zipEntryReader turns the errors of a damaged entry into a message for the
// user.
type zipEntryReader struct{ r io.Reader }

func (z *zipEntryReader) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	if err != nil && err != io.EOF {
		err = graph.Errorf(graph.EINVALID, "The ZIP archive is truncated or damaged (%v).", err)
	}
	return n, err
}

// countingReader counts the bytes read and fails past limit, or once ctx is
// done: every parser reads through it, so each stops within a buffer's
// worth of a cancel or the end of the time budget.
type countingReader struct {
	ctx   context.Context
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if c.n > c.limit {
		return 0, tooLarge(c.limit)
	}
	if rest := c.limit - c.n + 1; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return n, tooLarge(c.limit)
	}
	return n, err
}

// readError passes on our own errors and wraps others.
func readError(err error) error {
	var ge *graph.Error
	if errors.As(err, &ge) {
		return err
	}
	return fmt.Errorf("import: read: %w", err)
}
