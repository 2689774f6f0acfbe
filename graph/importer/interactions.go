package importer

import (
	"bufio"
	"net/mail"
	"strings"

	"github.com/nexohq/nexo/graph"
)

// The interactions CSV has the header date,person,kind,notes,initiated_by
// (in any order; notes and initiated_by may be left out). person names one
// or more people separated by ";", each as a name, an email, "Name
// <email>" or a LinkedIn URL. initiated_by is me, them, or one of the people.
var interactionColumns = map[string]string{
	"date": "date", "at": "date", "when": "date",
	"person": "person", "people": "person", "with": "person", "participants": "person",
	"kind": "kind", "type": "kind",
	"notes": "notes", "note": "notes",
	"initiated by": "initiated_by", "initiatedby": "initiated_by", "initiator": "initiated_by",
}

func isInteractionsHeader(cols []string) bool {
	has := map[string]bool{}
	for _, c := range cols {
		has[interactionColumns[c]] = true
	}
	return has["date"] && has["person"] && has["kind"]
}

// kindNames maps what people write in the kind column to a kind.
var kindNames = map[string]graph.InteractionKind{
	"message": graph.KindMessage, "msg": graph.KindMessage, "chat": graph.KindMessage, "text": graph.KindMessage,
	"email": graph.KindEmail, "e mail": graph.KindEmail, "mail": graph.KindEmail,
	"call": graph.KindCall, "phone": graph.KindCall, "phone call": graph.KindCall, "video call": graph.KindCall,
	"coffee": graph.KindCoffee, "lunch": graph.KindCoffee, "dinner": graph.KindCoffee, "drinks": graph.KindCoffee,
	"meeting": graph.KindMeeting, "meet": graph.KindMeeting,
	"event": graph.KindEvent, "conference": graph.KindEvent,
	"favour given": graph.KindFavourGiven, "favor given": graph.KindFavourGiven,
	"favour received": graph.KindFavourReceived, "favor received": graph.KindFavourReceived,
}

type interactionsParser struct {
	t   *csvTable
	cfg parseConfig
}

func newInteractionsParser(r *bufio.Reader, cfg parseConfig) (*interactionsParser, error) {
	t, err := openTable(r, isInteractionsHeader, "No interactions header found: the first line is date,person,kind,notes,initiated_by.", interactionColumns)
	if err != nil {
		return nil, err
	}
	return &interactionsParser{t: t, cfg: cfg}, nil
}

func (p *interactionsParser) next() (record, error) {
	rec, line, err := p.t.read()
	if err != nil {
		return record{}, err
	}
	out := record{row: line}
	at, err := parseDate(p.t.field(rec, "date"), false, p.cfg.loc)
	if err != nil || at.IsZero() {
		out.skip = "no date, or a date that cannot be read (use 2024-03-15 or 2024-03-15 14:30)"
		return out, nil
	}
	kindText := p.t.field(rec, "kind")
	kind, ok := kindNames[words(kindText)]
	if !ok {
		kind = graph.InteractionKind(strings.ToLower(kindText))
	}
	if !kind.Valid() {
		out.skip = "unknown kind " + quote(kindText) + ": use message, email, call, coffee, meeting, event, favour_given or favour_received"
		return out, nil
	}
	in := &interactionRec{at: at, kind: kind, notes: p.t.field(rec, "notes")}
	for _, s := range strings.Split(p.t.field(rec, "person"), ";") {
		if ref, ok := parsePersonRef(s); ok {
			in.people = append(in.people, ref)
		}
	}
	if len(in.people) == 0 {
		out.skip = "no person"
		return out, nil
	}
	switch by := p.t.field(rec, "initiated_by"); words(by) {
	case "":
	case "me", "i", "myself", "self", "yo", "moi", "ich", "eu":
		in.initiator.me = true
	case "them", "they", "other", "contact", "ellos", "eux":
		in.initiator.other = true
	default:
		ref, _ := parsePersonRef(by)
		in.initiator.person = &ref
	}
	out.interaction = in
	return out, nil
}

// parsePersonRef reads "Name", "email", "Name <email>" or a LinkedIn URL.
func parsePersonRef(s string) (personRef, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return personRef{}, false
	}
	if isLinkedInProfile(s) {
		return personRef{linkedIn: s}, true
	}
	if strings.Contains(s, "@") {
		if a, err := mail.ParseAddress(s); err == nil {
			return personRef{name: a.Name, email: strings.ToLower(a.Address)}, true
		}
	}
	return personRef{name: s}, true
}

func quote(s string) string { return "\"" + s + "\"" }
