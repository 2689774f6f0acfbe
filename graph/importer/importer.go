package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nexohq/nexo/graph"
)

// Format names a kind of file Import reads.
type Format string

// Formats. FormatAuto asks Import to Sniff the content.
const (
	FormatAuto         Format = ""
	FormatLinkedIn     Format = "linkedin"     // Connections.csv, or LinkedIn's data-export ZIP holding it
	FormatGoogle       Format = "google"       // Google Contacts CSV, current or legacy header
	FormatVCard        Format = "vcard"        // .vcf, vCard 3.0 or 4.0, many cards per file
	FormatInteractions Format = "interactions" // CSV: date,person,kind,notes,initiated_by
	FormatICS          Format = "ics"          // iCalendar: events with attendees become meetings
	FormatNexo         Format = "nexo"         // Nexo's own JSON Lines export (a restore)
)

// Formats lists every format Import reads, in a stable order.
var Formats = []Format{FormatLinkedIn, FormatGoogle, FormatVCard, FormatInteractions, FormatICS, FormatNexo}

// ParseFormat returns the format named s ("" or "auto" for FormatAuto), or
// an EINVALID error that lists the known names.
func ParseFormat(s string) (Format, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || s == "auto" {
		return FormatAuto, nil
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", graph.FieldErrorf("format", "Unknown import format %q: use auto, linkedin, google, vcard, interactions, ics or nexo.", s)
}

// Defaults for Options left zero.
const (
	DefaultMaxBytes = 512 << 20 // bytes read from the file, and again after unzipping
	DefaultMaxRows  = 500_000   // records, so that the batch of one import stays bounded
	// DefaultTimeBudget bounds one import from opening the file to the end
	// of its transaction. The largest files Nexo reads (LinkedIn exports of
	// 30,000 connections, years of calendar) take well under a minute; ten
	// is room for a slow Neo4j, and still an end for a file built to be slow.
	DefaultTimeBudget = 10 * time.Minute
)

// Options tune an import. The zero value is ready to use.
type Options struct {
	// Size is the length of the file in bytes when the caller knows it (an
	// upload's Content-Length, a file's Stat). It lets a file over MaxBytes be
	// refused before it is read and gives progress a total.
	Size int64
	// MaxBytes bounds the bytes read, before and after unzipping.
	MaxBytes int64
	// MaxRows bounds the records read.
	MaxRows int
	// TimeBudget bounds the whole import; past it the import stops, writes
	// nothing and fails with ETOOLARGE. Default DefaultTimeBudget.
	TimeBudget time.Duration
	// Charset decodes a file that is not UTF-8, by its WHATWG name
	// ("windows-1252", "iso-8859-1", "shift_jis"). UTF-16 with a byte-order
	// mark is recognised without it.
	Charset string
	// DryRun plans the import and returns its report without writing.
	DryRun bool
	// TempDir is where a ZIP read from a stream is spooled to be opened; the
	// system's temporary folder when empty.
	TempDir string
	// Progress, when set, is called from the importing goroutine as the
	// import advances: every few hundred rows, at each phase, and at the end.
	Progress func(Progress)
}

func (o *Options) defaults() {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.TimeBudget <= 0 {
		o.TimeBudget = DefaultTimeBudget
	}
}

// Phase is the stage an import is in.
type Phase string

// Phases, in the order an import goes through them (a restore reads its
// file before the workspace).
const (
	PhaseIndexing Phase = "indexing" // reading the workspace's existing people to match against
	PhaseReading  Phase = "reading"  // parsing the file and planning the changes
	PhaseWriting  Phase = "writing"  // the transaction that stores them
	PhaseDone     Phase = "done"
)

// Progress reports how far an import has come.
type Progress struct {
	Phase      Phase `json:"phase"`
	Rows       int   `json:"rows"`                  // records read so far
	Bytes      int64 `json:"bytes"`                 // bytes of the file read so far
	TotalBytes int64 `json:"total_bytes,omitempty"` // the file's size, 0 when unknown
	Written    int   `json:"written,omitempty"`     // entities written so far
	ToWrite    int   `json:"to_write,omitempty"`    // entities the import writes
}

// Outcome is what happened to one row of the file.
type Outcome string

// Outcomes. Counts of each are in Report; merged and skipped rows are listed
// in Report.Rows with the reason.
const (
	Created   Outcome = "created"   // a new person (or interaction) was made from the row
	Updated   Outcome = "updated"   // an existing one got new imported values
	Merged    Outcome = "merged"    // the row described someone an earlier row of the same file did
	Unchanged Outcome = "unchanged" // it matched an existing one with nothing new
	Skipped   Outcome = "skipped"   // the row was not imported; Reason says why
	Warning   Outcome = "warning"   // the row was imported, but part of it was left out
)

// RowResult explains one row of the file.
type RowResult struct {
	Row      int     `json:"row"` // the line of the file the row (card, event) starts on
	Outcome  Outcome `json:"outcome"`
	PersonID string  `json:"person_id,omitempty"`
	Reason   string  `json:"reason,omitempty"`
}

// MaxReportRows bounds Report.Rows; beyond it only the counts grow.
const MaxReportRows = 1000

// Report says what an import did. The counts cover every row; Rows explains
// merged and skipped rows, and warnings, up to MaxReportRows of them.
type Report struct {
	Format    Format      `json:"format"`
	DryRun    bool        `json:"dry_run,omitempty"`
	Rows      int         `json:"rows"`
	Created   int         `json:"created"`
	Updated   int         `json:"updated"`
	Merged    int         `json:"merged"`
	Unchanged int         `json:"unchanged"`
	Skipped   int         `json:"skipped"`
	Warnings  int         `json:"warnings"`
	Written   Counts      `json:"written"` // entities in the transaction, by kind
	Details   []RowResult `json:"details,omitempty"`
	Truncated bool        `json:"truncated,omitempty"` // Details stopped at MaxReportRows
}

// Counts counts entities by kind.
type Counts struct {
	People        int `json:"people"`
	Organizations int `json:"organizations"`
	Employments   int `json:"employments"`
	Ties          int `json:"ties"`
	Interactions  int `json:"interactions"`
	Introductions int `json:"introductions"`
	Notes         int `json:"notes"`
}

func countBatch(b *graph.Batch) Counts {
	return Counts{len(b.People), len(b.Organizations), len(b.Employments), len(b.Ties),
		len(b.Interactions), len(b.Introductions), len(b.Notes)}
}

func (r *Report) add(res RowResult) {
	switch res.Outcome {
	case Created:
		r.Created++
	case Updated:
		r.Updated++
	case Merged:
		r.Merged++
	case Unchanged:
		r.Unchanged++
	case Skipped:
		r.Skipped++
	case Warning:
		r.Warnings++
	}
	if res.Outcome == Merged || res.Outcome == Skipped || res.Outcome == Warning {
		if len(r.Details) < MaxReportRows {
			r.Details = append(r.Details, res)
		} else {
			r.Truncated = true
		}
	}
}

// Import reads a file of the given format (FormatAuto to sniff it) and merges
// it into the workspace on behalf of me, whose own person the imported
// contacts get ties to. It writes everything in one transaction or nothing:
// an error means the workspace is as it was. Errors are *graph.Error for bad
// input (EINVALID with the line at fault, ETOOLARGE over a limit); the report
// is returned with nil error only.
//
// FormatNexo restores an export (see Restore): me must then be an owner of
// the workspace, or the import is EFORBIDDEN.
//
// The import stops soon after ctx is cancelled (a cancelled job), returning
// an error that wraps context.Canceled, and after its TimeBudget, with an
// ETOOLARGE error; either way nothing is written.
func Import(ctx context.Context, store graph.Store, workspaceID string, me *graph.User, r io.Reader, format Format, opts Options) (*Report, error) {
	opts.defaults()
	ctx, cancel := context.WithTimeoutCause(ctx, opts.TimeBudget, errBudget)
	defer cancel()
	rep, err := importFile(ctx, store, workspaceID, me, r, format, opts)
	if err != nil && ctx.Err() != nil {
		return nil, stopped(ctx, opts.TimeBudget)
	}
	return rep, err
}

// errBudget is the cause of an import's context ending at its TimeBudget.
var errBudget = errors.New("import time budget spent")

// stopped is the error of an import whose context ended.
func stopped(ctx context.Context, budget time.Duration) error {
	if errors.Is(context.Cause(ctx), errBudget) {
		return graph.Errorf(graph.ETOOLARGE, "The import took longer than its time budget of %s and was stopped; nothing was written. "+
			"Split the file into smaller ones.", budget)
	}
	return fmt.Errorf("import stopped, nothing written: %w", context.Cause(ctx))
}

func importFile(ctx context.Context, store graph.Store, workspaceID string, me *graph.User, r io.Reader, format Format, opts Options) (*Report, error) {
	if format != FormatNexo && format != FormatAuto {
		if err := checkMe(me); err != nil {
			return nil, err
		}
	}
	in, err := openInput(ctx, r, format, &opts)
	if err != nil {
		return nil, err
	}
	defer in.close()
	if in.format == FormatNexo {
		return restore(ctx, store, workspaceID, me, in, &opts)
	}
	if err := checkMe(me); err != nil {
		return nil, err
	}
	prog := newProgressor(&opts, in)

	src, err := newParser(in.format, in.r, parseConfig{loc: userLocation(me)})
	if err != nil {
		return nil, err
	}

	prog.phase(PhaseIndexing)
	idx := newIndex()
	if err := store.Walk(ctx, workspaceID, walkKinds(in.format), idx.add); err != nil {
		return nil, fmt.Errorf("import: read workspace: %w", err)
	}
	idx.finish()

	prog.phase(PhaseReading)
	pl, err := newPlanner(idx, workspaceID, me, in.format)
	if err != nil {
		return nil, err
	}
	for {
		rec, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if pl.report.Rows >= opts.MaxRows {
			return nil, graph.Errorf(graph.ETOOLARGE, "The file has more than %d rows; split it into smaller files.", opts.MaxRows)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pl.add(rec)
		if pl.report.Rows%256 == 0 {
			prog.rows(pl.report.Rows)
		}
	}
	batch, report, err := pl.finish(ctx)
	if err != nil {
		return nil, err
	}
	if pairs := pl.unsurePairs(); len(pairs) > 0 {
		// The index holds only the members' ties: read those the workspace
		// has among the other pairs the plan ties, in one go.
		ties, err := store.FindTiesBetween(ctx, workspaceID, pairs)
		if err != nil {
			return nil, fmt.Errorf("import: read workspace: %w", err)
		}
		pl.settleTies(ties)
	}
	prog.rows(report.Rows)
	if err := writeBatch(ctx, store, workspaceID, batch, report, &opts, prog); err != nil {
		return nil, fmt.Errorf("import: write: %w", err)
	}
	return report, nil
}

// writeBatch stores a planned batch in one transaction, unless the import
// is a dry run, and reports the phases.
func writeBatch(ctx context.Context, store graph.Store, ws string, b *graph.Batch, report *Report, opts *Options, prog *progressor) error {
	report.DryRun = opts.DryRun
	if !opts.DryRun && b.Len() > 0 {
		prog.phase(PhaseWriting)
		if err := store.Upsert(ctx, ws, b, prog.written); err != nil {
			return err
		}
	}
	prog.phase(PhaseDone)
	return nil
}

func checkMe(me *graph.User) error {
	if me == nil || me.PersonID == "" {
		return graph.Errorf(graph.EINVALID, "Importing needs a member with their own person in the workspace.")
	}
	return nil
}

// userLocation is where dates without a zone are taken to be: the member's
// time zone, or UTC.
func userLocation(me *graph.User) *time.Location {
	if me != nil && me.TimeZone != "" {
		if loc, err := time.LoadLocation(me.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// walkKinds is what an import reads of the workspace before planning. Of the
// ties, only the members' (graph.KindMemberTies): the plan ties contacts to
// the importing member, and the ties it would make between two others — a
// vCard relation, the attendees of one meeting — are looked up afterwards,
// pair by pair in one query (see planner.settleTies).
func walkKinds(f Format) graph.Kinds {
	switch f {
	case FormatInteractions, FormatICS:
		return graph.KindPeople | graph.KindOrganizations | graph.KindEmployments | graph.KindMemberTies | graph.KindInteractions
	}
	return graph.KindPeople | graph.KindOrganizations | graph.KindEmployments | graph.KindMemberTies | graph.KindNotes
}

// progressor throttles and fills in Progress reports.
type progressor struct {
	fn   func(Progress)
	in   *input
	last Progress
}

func newProgressor(opts *Options, in *input) *progressor {
	return &progressor{fn: opts.Progress, in: in, last: Progress{TotalBytes: in.total}}
}

func (p *progressor) emit() {
	if p.fn == nil {
		return
	}
	p.last.Bytes = p.in.count.n
	p.fn(p.last)
}

func (p *progressor) phase(ph Phase) {
	p.last.Phase = ph
	p.emit()
}

func (p *progressor) rows(n int) {
	p.last.Rows = n
	p.emit()
}

func (p *progressor) written(done, total int) {
	p.last.Written, p.last.ToWrite = done, total
	p.emit()
}
