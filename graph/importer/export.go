package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nexohq/nexo/graph"
)

// Nexo's export is JSON Lines: a header line, one line per user and entity,
// and an end line with the counts, so that a file cut short is recognised:
//
//	{"format":"nexo-export","version":1,"workspace":{...},"exported_at":"..."}
//	{"type":"user","data":{...}}
//	{"type":"person","data":{...}}
//	...
//	{"type":"end","counts":{"user":1,"person":2,...}}
//
// Entities keep their ids and timestamps, so a restore reproduces the
// exported workspace (see restore.go for what a restore trusts of a file).
// Tokens are not exported: their secrets cannot be, and a restored workspace
// issues new ones. The header names the member who exported (exported_by):
// their own person is the one a restore beside the original merges into the
// restoring owner's.
const (
	exportMagic   = "nexo-export"
	ExportVersion = 1 // the version Export writes; Restore reads it and older
)

// exportHeader is the first line of an export.
type exportHeader struct {
	Format     string           `json:"format"`
	Version    int              `json:"version"`
	Workspace  *graph.Workspace `json:"workspace"`
	ExportedAt time.Time        `json:"exported_at"`
	ExportedBy string           `json:"exported_by,omitempty"` // a User id; absent in older exports
}

// exportLine is every other line.
type exportLine struct {
	Type   string          `json:"type"`
	Data   json.RawMessage `json:"data,omitempty"`
	Counts map[string]int  `json:"counts,omitempty"`
}

// entityTypes name the lines of an export, in the order they are written.
var entityTypes = []string{"user", "person", "organization", "employment", "tie", "interaction", "introduction", "note"}

func entityType(v any) string {
	switch v.(type) {
	case *graph.User:
		return "user"
	case *graph.Person:
		return "person"
	case *graph.Organization:
		return "organization"
	case *graph.Employment:
		return "employment"
	case *graph.Tie:
		return "tie"
	case *graph.Interaction:
		return "interaction"
	case *graph.Introduction:
		return "introduction"
	case *graph.Note:
		return "note"
	}
	return ""
}

// Export writes the whole workspace to w as Nexo's JSON Lines export: its
// members (without tokens) and every entity Store.Walk yields. The export
// streams; it holds one entity at a time.
func Export(ctx context.Context, store graph.Store, workspaceID string, w io.Writer) error {
	return ExportBy(ctx, store, workspaceID, "", w)
}

// ExportBy is Export on behalf of a member, whose id the header records.
func ExportBy(ctx context.Context, store graph.Store, workspaceID, userID string, w io.Writer) error {
	ws, err := store.FindWorkspace(ctx, workspaceID)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	users, err := store.FindUsers(ctx, workspaceID)
	if err != nil {
		return fmt.Errorf("export: users: %w", err)
	}
	walk := func(fn func(any) error) error { return store.Walk(ctx, workspaceID, graph.AllKinds, fn) }
	if err := writeExport(w, exportHeader{Workspace: ws, ExportedBy: userID, ExportedAt: time.Now().UTC()}, users, walk); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// writeExport writes an export from its header (the workspace, who exports
// and when), the workspace's users and a walk over its entities.
func writeExport(w io.Writer, h exportHeader, users []*graph.User, walk func(func(any) error) error) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	h.Format, h.Version = exportMagic, ExportVersion
	if err := enc.Encode(h); err != nil {
		return err
	}
	counts := map[string]int{}
	put := func(v any) error {
		t := entityType(v)
		if t == "" {
			return fmt.Errorf("unexpected entity %T", v)
		}
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		counts[t]++
		return enc.Encode(exportLine{Type: t, Data: data})
	}
	for _, u := range users {
		if err := put(u); err != nil {
			return err
		}
	}
	if err := walk(put); err != nil {
		return err
	}
	if err := enc.Encode(exportLine{Type: "end", Counts: counts}); err != nil {
		return err
	}
	return bw.Flush()
}

// maxExportLine bounds one line of an export: an entity with the longest
// notes is well under it.
const maxExportLine = 16 << 20

// restoreData is an export read back.
type restoreData struct {
	header exportHeader
	users  []*graph.User
	batch  graph.Batch
	rows   int
	lines  map[any]int // entity → the line of the file it is on
}

// readExport reads and checks an export. Every entity moves to workspaceID.
func readExport(r io.Reader, workspaceID string, maxRows int, progress func(int)) (*restoreData, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxExportLine)
	d := &restoreData{lines: map[any]int{}}
	line := 0
	counts := map[string]int{}
	ended := false
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			if err := json.Unmarshal(b, &d.header); err != nil || d.header.Format != exportMagic {
				return nil, lineError(1, "not a Nexo export (the first line is its header).")
			}
			if d.header.Version < 1 || d.header.Version > ExportVersion {
				return nil, lineError(1, "an export of version %d; this Nexo reads versions 1 to %d.", d.header.Version, ExportVersion)
			}
			continue
		}
		if len(b) == 0 {
			continue
		}
		if ended {
			return nil, lineError(line, "data after the end line.")
		}
		var l exportLine
		if err := json.Unmarshal(b, &l); err != nil {
			return nil, lineError(line, "not valid JSON (%v).", err)
		}
		if l.Type == "end" {
			for _, t := range entityTypes {
				if l.Counts[t] != counts[t] {
					return nil, lineError(line, "the end line counts %d %s entries, the file has %d.", l.Counts[t], t, counts[t])
				}
			}
			ended = true
			continue
		}
		if d.rows >= maxRows {
			return nil, graph.Errorf(graph.ETOOLARGE, "The export has more than %d entries.", maxRows)
		}
		v, err := d.add(l, workspaceID)
		if err != nil {
			return nil, lineError(line, "%v", err)
		}
		d.lines[v] = line
		counts[l.Type]++
		d.rows++
		progress(d.rows)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, lineError(line+1, "longer than %s.", sizeString(maxExportLine))
		}
		return nil, readError(err)
	}
	if line == 0 {
		return nil, graph.Errorf(graph.EINVALID, "The export is empty.")
	}
	if !ended {
		return nil, graph.Errorf(graph.EINVALID, "The export is cut short (it has no end line); nothing was restored.")
	}
	return d, nil
}

// add decodes one entity line into the batch, checks it and returns it.
func (d *restoreData) add(l exportLine, ws string) (any, error) {
	b := &d.batch
	switch l.Type {
	case "user":
		return decodeAppend(l, &d.users, func(v *graph.User) { v.WorkspaceID = ws })
	case "person":
		return decodeAppend(l, &b.People, func(v *graph.Person) { v.WorkspaceID, v.Company = ws, "" })
	case "organization":
		return decodeAppend(l, &b.Organizations, func(v *graph.Organization) { v.WorkspaceID = ws })
	case "employment":
		return decodeAppend(l, &b.Employments, func(v *graph.Employment) { v.WorkspaceID = ws })
	case "tie":
		return decodeAppend(l, &b.Ties, func(v *graph.Tie) { v.WorkspaceID = ws })
	case "interaction":
		return decodeAppend(l, &b.Interactions, func(v *graph.Interaction) { v.WorkspaceID = ws })
	case "introduction":
		return decodeAppend(l, &b.Introductions, func(v *graph.Introduction) { v.WorkspaceID = ws })
	case "note":
		return decodeAppend(l, &b.Notes, func(v *graph.Note) { v.WorkspaceID = ws })
	}
	return nil, fmt.Errorf("unknown entry type %q", l.Type)
}

// decodeAppend decodes a line's data strictly (an unknown field means the
// file is not what its version says), checks it and appends it to list.
func decodeAppend[T any](l exportLine, list *[]*T, fix func(*T)) (any, error) {
	v := new(T)
	dec := json.NewDecoder(bytes.NewReader(l.Data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nil, fmt.Errorf("a %s that cannot be read (%v)", l.Type, err)
	}
	fix(v)
	if err := checkEntity(l.Type, v); err != nil {
		return nil, err
	}
	*list = append(*list, v)
	return v, nil
}

// checkEntity checks an entity of a backup as the store would, so that a bad
// one is named by its line: every id and every id it refers to must have the
// shape of a Nexo id (a restore into another workspace remaps them, and a
// malformed one could never be addressed again), and the entity must be
// valid (an interaction dated 9999 is not).
func checkEntity(typ string, v any) error {
	var id string
	var refs []string
	var err error
	switch e := v.(type) {
	case *graph.User:
		id, refs, err = e.ID, append([]string{e.PersonID}, e.Follows...), e.Validate()
	case *graph.Person:
		id, err = e.ID, e.Validate()
	case *graph.Organization:
		id, err = e.ID, e.Validate()
	case *graph.Employment:
		id, refs, err = e.ID, []string{e.PersonID, e.OrganizationID}, e.Validate()
	case *graph.Tie:
		id, refs, err = e.ID, []string{e.PersonA, e.PersonB}, e.Validate()
	case *graph.Interaction:
		id, refs, err = e.ID, append([]string{e.InitiatorID, e.LoggedBy}, e.ParticipantIDs...), e.Validate()
	case *graph.Introduction:
		id, refs, err = e.ID, []string{e.IntroducerID, e.PersonID, e.TargetID, e.RequestedBy, e.TieID}, e.Validate()
	case *graph.Note:
		id, refs, err = e.ID, []string{e.PersonID, e.AuthorID}, e.Validate()
	}
	if !graph.ValidID(id) {
		return fmt.Errorf("a %s whose id is missing or is not a Nexo id (26 characters of 0-9 and a-z)", typ)
	}
	for _, r := range refs {
		if r != "" && !graph.ValidID(r) {
			return fmt.Errorf("a %s that refers to something by an id that is not a Nexo id", typ)
		}
	}
	if err != nil {
		return fmt.Errorf("a %s that is not valid: %s", typ, graph.ErrorMessage(err))
	}
	return nil
}
