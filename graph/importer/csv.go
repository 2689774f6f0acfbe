package importer

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/nexohq/nexo/graph"
)

// Limits of the CSV reader: how far it looks for the header, and how long a
// row may be (a file with a stray quote would otherwise read to its end as
// one field).
const (
	maxPreambleLines = 50
	maxRowBytes      = 1 << 20
)

// csvTable reads the rows of a CSV file after its header, by column name.
type csvTable struct {
	cr      *csv.Reader
	offset  int // lines before the rows, preamble and header included
	header  []string
	col     map[string]int    // normalised header → index, first occurrence
	meaning map[string]string // what a column means → the header's name for it
}

// openTable is openCSV for a parser: no header is an EINVALID error with
// the message missing. The columns are then named by their meaning in
// synonyms (normalised header → meaning).
func openTable(r *bufio.Reader, isHeader func([]string) bool, missing string, synonyms map[string]string) (*csvTable, error) {
	t, err := openCSV(r, isHeader)
	if errors.Is(err, errNoHeader) {
		return nil, graph.Errorf(graph.EINVALID, "%s", missing)
	}
	if err != nil {
		return nil, err
	}
	t.meaning = map[string]string{}
	for _, c := range t.header {
		if m := synonyms[c]; m != "" {
			if _, ok := t.meaning[m]; !ok {
				t.meaning[m] = c
			}
		}
	}
	return t, nil
}

// field returns the trimmed field of the column that means m, or "".
func (t *csvTable) field(rec []string, m string) string {
	if name, ok := t.meaning[m]; ok {
		return t.get(rec, name)
	}
	return ""
}

// errNoHeader is returned by readHeader when no line is a header.
var errNoHeader = errors.New("no header")

// openCSV finds the header line among the first lines of r (past any
// preamble) with isHeader, which sees the header's normalised names.
func openCSV(r *bufio.Reader, isHeader func(cols []string) bool) (*csvTable, error) {
	for line := 1; line <= maxPreambleLines; line++ {
		raw, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, errNoHeader
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, readError(err)
		}
		if fields := parseCSVLine(string(raw)); fields != nil {
			cols := make([]string, len(fields))
			for i, f := range fields {
				cols[i] = words(f)
			}
			if isHeader(cols) {
				t := &csvTable{offset: line, header: cols, col: map[string]int{}}
				for i, c := range cols {
					if _, ok := t.col[c]; !ok {
						t.col[c] = i
					}
				}
				t.cr = csv.NewReader(&rowGuard{r: r, line: line})
				t.cr.FieldsPerRecord = -1
				t.cr.ReuseRecord = true
				return t, nil
			}
		}
		if err != nil {
			break
		}
	}
	return nil, errNoHeader
}

// parseCSVLine reads one line as CSV, or returns nil.
func parseCSVLine(line string) []string {
	cr := csv.NewReader(strings.NewReader(line))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rec, err := cr.Read()
	if err != nil {
		return nil
	}
	return rec
}

// read returns the next non-empty row and the line it starts on.
func (t *csvTable) read() ([]string, int, error) {
	for {
		rec, err := t.cr.Read()
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			var ge *graph.Error
			switch {
			case errors.As(err, &ge):
				return nil, 0, err
			case errors.As(err, &pe):
				return nil, 0, lineError(t.offset+pe.StartLine, "not valid CSV (%v).", pe.Err)
			}
			return nil, 0, readError(err)
		}
		line, _ := t.cr.FieldPos(0)
		line += t.offset
		empty := true
		for _, f := range rec {
			if !utf8.ValidString(f) {
				return nil, 0, lineError(line, "not UTF-8 text. Export the file again as UTF-8, or name its charset (for example windows-1252).")
			}
			if strings.TrimSpace(f) != "" {
				empty = false
			}
		}
		if !empty {
			return rec, line, nil
		}
	}
}

// get returns the trimmed field of the named column, "" when there is none.
func (t *csvTable) get(rec []string, name string) string {
	i, ok := t.col[name]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// first returns the first column present among names, or "".
func (t *csvTable) first(names ...string) string {
	for _, n := range names {
		if _, ok := t.col[n]; ok {
			return n
		}
	}
	return ""
}

// rowGuard fails a row longer than maxRowBytes. It follows quoting (an
// escaped quote "" toggles twice), so line breaks inside quoted fields do not
// end a row.
type rowGuard struct {
	r       io.Reader
	line    int
	inQuote bool
	run     int
}

func (g *rowGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		switch {
		case c == '"':
			g.inQuote = !g.inQuote
		case c == '\n':
			g.line++
			if !g.inQuote {
				g.run = 0
				continue
			}
		}
		g.run++
		if g.run > maxRowBytes {
			return 0, lineError(g.line+1, "a row longer than %s; is a quote left open?", sizeString(maxRowBytes))
		}
	}
	return n, err
}

// splitMulti splits a Google multi-value field ("a ::: b").
func splitMulti(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ":::")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
