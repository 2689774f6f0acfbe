package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/nexohq/nexo/graph"
)

// Limits of the vCard and iCalendar readers. A card or event holds a few
// kilobytes; a photo can make a card large, so the bound is generous, but it
// is a bound: a file of one endless line, or of cards nested a million deep
// (the vCard cousin of XML's billion laughs), gets a clear error, not a
// crash.
const (
	maxBlockBytes = 8 << 20
	maxBlockDepth = 16
)

// Limits on each property, checked here before go-vcard or go-ical sees it.
// Both libraries take time quadratic in some length: go-vcard unfolds a
// folded line by string concatenation (Decoder.readLine), go-ical builds a
// parameter value one byte at a time (lineDecoder.decodeParamValue), so an
// 8 MB card of folded lines took minutes, and so did one 800 KB attendee
// name. The blockReader unfolds lines itself, in linear time, and hands the
// libraries only properties within these bounds; anything past them is an
// EINVALID error naming the line and the limit.
const (
	maxFolds           = 20_000    // continuation lines of one property
	maxLineBytes       = 256 << 10 // one property after unfolding (the binary ones are dropped first)
	maxParamsBytes     = 4 << 10   // a property's name and parameters, before its value
	maxParamValueBytes = 1 << 10   // one parameter value (an attendee's CN ...)
	maxBlockProps      = 5_000     // properties of one card or event
)

// droppedProps are properties Nexo never reads that can be large (inline
// photos, keys, attachments): they are left out before the libraries parse
// the block, so they count against no limit but the block's size.
var droppedProps = map[string]bool{"PHOTO": true, "LOGO": true, "SOUND": true, "KEY": true,
	"ATTACH": true, "X-ALT-DESC": true}

// blockReader splits a vCard or iCalendar stream into its BEGIN:name …
// END:name blocks, reading line by line with bounded memory. Lines outside
// the blocks are ignored. The text of a block has its lines unfolded.
type blockReader struct {
	r          *bufio.Reader
	name       string // "VCARD", "VEVENT"
	keepNested bool   // keep components nested in a block (VALARM); else drop them
	line       int
	found      int // blocks found so far

	ahead    physical // the line read ahead to see whether it continues the last
	hasAhead bool
}

// block is one BEGIN…END block.
type block struct {
	text   []byte
	line   int    // the line of its BEGIN
	skip   string // why it cannot be read
	nested bool   // components were nested in it (and dropped, unless kept)
}

// physical is one line of the file.
type physical struct {
	text []byte
	no   int  // its line number
	long bool // longer than maxBlockBytes, and cut there
	err  error
}

// readLine returns the next physical line without its line ending; a line
// longer than maxBlockBytes is cut there and reported as long.
func (b *blockReader) readLine() physical {
	var line []byte
	long := false
	for {
		chunk, err := b.r.ReadSlice('\n')
		if len(line)+len(chunk) <= maxBlockBytes {
			line = append(line, chunk...)
		} else {
			long = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (len(line) == 0 || !errors.Is(err, io.EOF)) {
			return physical{err: err}
		}
		b.line++
		return physical{text: bytes.TrimRight(line, "\r\n"), no: b.line, long: long}
	}
}

// next physical line, the one read ahead first.
func (b *blockReader) physical() physical {
	if b.hasAhead {
		b.hasAhead = false
		return b.ahead
	}
	return b.readLine()
}

func (b *blockReader) peek() physical {
	if !b.hasAhead {
		b.ahead, b.hasAhead = b.readLine(), true
	}
	return b.ahead
}

// logical is a property: a line with its folded continuation lines.
type logical struct {
	text    []byte
	line    int  // where it starts
	long    bool // longer than maxBlockBytes, and cut
	dropped bool // a property in droppedProps: text holds only its first line
}

// nextLogical returns the next property, unfolded (RFC 6350 3.2, RFC 5545
// 3.1: a line break followed by one space or tab is removed). Outside a
// block (keep false) it keeps only the first line, enough to find a BEGIN.
func (b *blockReader) nextLogical(keep bool) (logical, error) {
	p := b.physical()
	if p.err != nil {
		return logical{}, p.err
	}
	l := logical{text: p.text, line: p.no, long: p.long}
	l.dropped = keep && droppedProps[propName(p.text)]
	for folds := 0; ; {
		next := b.peek()
		if next.err != nil || len(next.text) == 0 || (next.text[0] != ' ' && next.text[0] != '\t') {
			return l, nil
		}
		b.hasAhead = false
		if folds++; folds > maxFolds {
			return l, lineError(l.line, "a property folded over more than %d lines, the limit; this is not an ordinary %s file.",
				maxFolds, strings.ToLower(b.name))
		}
		switch {
		case !keep || l.dropped || l.long:
		case next.long || len(l.text)+len(next.text)-1 > maxBlockBytes:
			l.long = true
		default:
			l.text = append(l.text, next.text[1:]...)
		}
	}
}

// propName is the upper-case name of the property on line, without its
// group ("item1.EMAIL" is EMAIL).
func propName(line []byte) string {
	if i := bytes.IndexAny(line, ";:"); i >= 0 {
		line = line[:i]
	}
	if i := bytes.LastIndexByte(line, '.'); i >= 0 {
		line = line[i+1:]
	}
	if len(line) > 64 {
		return ""
	}
	return strings.ToUpper(string(bytes.TrimSpace(line)))
}

// checkProp applies the limits of one property, unfolded: its length, the
// length of its name and parameters, and of each parameter value, where the
// head ends at the first colon outside double quotes, and a parameter value
// runs between ';', ',' and '=' or is one quoted string. This is how far
// go-ical's parameter decoder reads a value at a time.
func checkProp(l logical) error {
	if err := checkParams(l); err != nil {
		return err
	}
	if l.long || len(l.text) > maxLineBytes {
		return lineError(l.line, "a property longer than %s after unfolding, the limit.", sizeString(maxLineBytes))
	}
	return nil
}

func checkParams(l logical) error {
	quoted := false
	run := 0
	for i, c := range l.text {
		switch {
		case c == '"':
			quoted = !quoted
			run = 0
		case !quoted && c == ':':
			return nil
		case !quoted && (c == ';' || c == ',' || c == '='):
			run = 0
		default:
			run++
		}
		if run > maxParamValueBytes {
			return lineError(l.line, "a parameter value longer than %s, the limit.", sizeString(maxParamValueBytes))
		}
		if i >= maxParamsBytes {
			return lineError(l.line, "a property name and parameters longer than %s, the limit.", sizeString(maxParamsBytes))
		}
	}
	return nil
}

// isProp reports whether line is "KEY:value" for the given key and value,
// ignoring case and spaces around.
func isProp(line []byte, key, value string) bool {
	line = bytes.TrimSpace(line)
	k, v, ok := bytes.Cut(line, []byte(":"))
	return ok && bytes.EqualFold(bytes.TrimSpace(k), []byte(key)) && bytes.EqualFold(bytes.TrimSpace(v), []byte(value))
}

func isBegin(line []byte) bool {
	return len(line) >= 6 && bytes.EqualFold(bytes.TrimSpace(line[:6]), []byte("BEGIN:"))
}

func isEnd(line []byte) bool {
	return len(line) >= 4 && bytes.EqualFold(line[:4], []byte("END:"))
}

// read returns the text of the next block, or with ok false the record of
// a block that cannot be read; none is the error of a file without blocks.
func (b *blockReader) read(none string) (text []byte, rec record, ok bool, err error) {
	blk, err := b.next()
	if errors.Is(err, io.EOF) && b.found == 0 {
		return nil, record{}, false, graph.Errorf(graph.EINVALID, "%s", none)
	}
	if err != nil {
		return nil, record{}, false, err
	}
	rec = record{row: blk.line}
	if blk.skip != "" {
		rec.skip = blk.skip
		return nil, rec, false, nil
	}
	if !utf8.Valid(blk.text) {
		return nil, record{}, false, lineError(blk.line, "not UTF-8 text. Export the file again as UTF-8, or name its charset (for example windows-1252).")
	}
	if blk.nested && !b.keepNested {
		rec.warnings = append(rec.warnings, "a component nested inside (an AGENT card) was left out")
	}
	return blk.text, rec, true, nil
}

// next returns the next block, or io.EOF. Errors other than reading are
// fatal: nesting deeper than maxBlockDepth, and a property past its limits.
func (b *blockReader) next() (block, error) {
	for {
		l, err := b.nextLogical(false)
		if err != nil {
			return block{}, err
		}
		if !isProp(l.text, "BEGIN", b.name) {
			continue
		}
		b.found++
		blk := block{line: l.line}
		var buf bytes.Buffer
		buf.Write(l.text)
		buf.WriteString("\r\n")
		depth, props := 1, 0
		for depth > 0 {
			l, err := b.nextLogical(true)
			if errors.Is(err, io.EOF) {
				blk.skip = fmt.Sprintf("END:%s missing: the file is cut short", b.name)
				return blk, nil
			}
			if err != nil {
				return block{}, err
			}
			line := l.text
			switch {
			case isBegin(line):
				depth++
				blk.nested = true
				if depth > maxBlockDepth {
					return block{}, lineError(l.line, "components nested more than %d deep; this is not an ordinary %s file.", maxBlockDepth, b.name)
				}
			case isEnd(line):
				depth--
			}
			if (depth >= 2 || (depth == 1 && isEnd(line))) && !b.keepNested {
				continue
			}
			if l.dropped {
				continue
			}
			if props++; props > maxBlockProps {
				return block{}, lineError(blk.line, "a %s with more than %d properties, the limit.", strings.ToLower(b.name), maxBlockProps)
			}
			if err := checkProp(l); err != nil {
				return block{}, err
			}
			if buf.Len()+len(line) > maxBlockBytes {
				if blk.skip == "" {
					blk.skip = fmt.Sprintf("larger than %s", sizeString(maxBlockBytes))
				}
				continue
			}
			buf.Write(line)
			buf.WriteString("\r\n")
		}
		blk.text = buf.Bytes()
		return blk, nil
	}
}

// safely runs a third-party decoder on one block. go-ical panics on some
// malformed lines (a parameter without a value at the end of a line); that
// must cost the block, not the server.
func safely[T any](decode func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed line (%v)", r)
		}
	}()
	return decode()
}
