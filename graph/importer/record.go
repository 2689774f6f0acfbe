package importer

import (
	"bufio"
	"fmt"
	"time"

	"github.com/nexohq/nexo/graph"
)

// record is one row of a file (a CSV row, a card, an event) turned into what
// the planner needs. Exactly one of contact, interaction and skip is set.
type record struct {
	row         int // the line the row starts on
	contact     *contact
	interaction *interactionRec
	skip        string   // why the row cannot be imported
	warnings    []string // parts of the row left out
}

// contact is a person read from LinkedIn, Google or a vCard.
type contact struct {
	name, first, last string
	emails            []string
	phones            []string
	urls              []string
	linkedIn          string
	org, title        string
	location          string
	tags              []string
	note              string
	uid               string    // vCard UID, kept as Person.ExternalID
	since             time.Time // LinkedIn "Connected On"
	related           []relation
}

// relation is a vCard RELATED: a tie from the card's person to another,
// named by UID URI, email (mailto:), LinkedIn URL or, as text, by name.
type relation struct {
	target string
	kind   string // the TYPE: colleague, co-worker, met, friend, ...
}

// personRef names a person in an interaction.
type personRef struct {
	name, email, linkedIn string
}

func (p personRef) String() string {
	switch {
	case p.email != "":
		return p.email
	case p.linkedIn != "":
		return p.linkedIn
	}
	return p.name
}

// interactionRec is a touchpoint read from the interactions CSV or a calendar.
type interactionRec struct {
	at        time.Time
	kind      graph.InteractionKind
	people    []personRef // the others; me takes part in every one
	initiator initiator
	notes     string
}

// initiator says who reached out.
type initiator struct {
	me     bool
	other  bool       // the only other participant ("them")
	person *personRef // one of people
}

// parser streams the records of a file; next returns io.EOF after the last.
// Any other error is fatal to the import and names the line at fault.
type parser interface {
	next() (record, error)
}

// parseConfig carries what parsers need beyond the bytes.
type parseConfig struct {
	loc *time.Location // where dates without a zone are
}

func newParser(f Format, r *bufio.Reader, cfg parseConfig) (parser, error) {
	if cfg.loc == nil {
		cfg.loc = time.UTC
	}
	switch f {
	case FormatLinkedIn:
		return newLinkedInParser(r, cfg)
	case FormatGoogle:
		return newGoogleParser(r, cfg)
	case FormatVCard:
		return newVCardParser(r, cfg), nil
	case FormatInteractions:
		return newInteractionsParser(r, cfg)
	case FormatICS:
		return newICSParser(r, cfg), nil
	}
	return nil, fmt.Errorf("import: no parser for format %q", f)
}

// lineError is the EINVALID error of a line of the file.
func lineError(line int, format string, args ...any) error {
	return graph.Errorf(graph.EINVALID, "Line %d: %s", line, fmt.Sprintf(format, args...))
}
