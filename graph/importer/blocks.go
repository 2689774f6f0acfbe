package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
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

// blockReader splits a vCard or iCalendar stream into its BEGIN:name …
// END:name blocks, reading line by line with bounded memory. Lines outside
// the blocks are ignored.
type blockReader struct {
	r          *bufio.Reader
	name       string // "VCARD", "VEVENT"
	keepNested bool   // keep components nested in a block (VALARM); else drop them
	line       int
	found      int // blocks found so far
}

// block is one BEGIN…END block.
type block struct {
	text   []byte
	line   int    // the line of its BEGIN
	skip   string // why it cannot be read
	nested bool   // components were nested in it (and dropped, unless kept)
}

// readLine returns the next physical line without its line ending; a line
// longer than maxBlockBytes is cut there and reported as long.
func (b *blockReader) readLine() (line []byte, long bool, err error) {
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
			return nil, false, err
		}
		b.line++
		return bytes.TrimRight(line, "\r\n"), long, nil
	}
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
// fatal: nesting deeper than maxBlockDepth.
func (b *blockReader) next() (block, error) {
	for {
		line, _, err := b.readLine()
		if err != nil {
			return block{}, err
		}
		if !isProp(line, "BEGIN", b.name) {
			continue
		}
		b.found++
		blk := block{line: b.line}
		var buf bytes.Buffer
		buf.Write(line)
		buf.WriteString("\r\n")
		depth := 1
		for depth > 0 {
			line, long, err := b.readLine()
			if errors.Is(err, io.EOF) {
				blk.skip = fmt.Sprintf("END:%s missing: the file is cut short", b.name)
				return blk, nil
			}
			if err != nil {
				return block{}, err
			}
			switch {
			case isBegin(line):
				depth++
				blk.nested = true
				if depth > maxBlockDepth {
					return block{}, lineError(b.line, "components nested more than %d deep; this is not an ordinary %s file.", maxBlockDepth, b.name)
				}
			case isEnd(line):
				depth--
			}
			if long || buf.Len()+len(line) > maxBlockBytes {
				if blk.skip == "" {
					blk.skip = fmt.Sprintf("larger than %s", sizeString(maxBlockBytes))
				}
				continue
			}
			if depth >= 2 || (depth == 1 && isEnd(line)) {
				if !b.keepNested {
					continue
				}
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
