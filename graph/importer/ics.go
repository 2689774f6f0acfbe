package importer

import (
	"bufio"
	"bytes"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/nexohq/nexo/graph"
)

// icsParser reads the events of an iCalendar file with go-ical, one VEVENT
// at a time (blockReader bounds the memory and the nesting). An event with
// attendees becomes a meeting of me with them; its organiser, when not me,
// initiated it. Recurring events count once, at their first start.
type icsParser struct {
	br  *blockReader
	cfg parseConfig
}

func newICSParser(r *bufio.Reader, cfg parseConfig) *icsParser {
	return &icsParser{br: &blockReader{r: r, name: "VEVENT", keepNested: true}, cfg: cfg}
}

func (p *icsParser) next() (record, error) {
	text, out, ok, err := p.br.read("No event found: an .ics file holds events from BEGIN:VEVENT to END:VEVENT.")
	if !ok {
		return out, err
	}
	var buf bytes.Buffer
	buf.WriteString("BEGIN:VCALENDAR\r\n")
	buf.Write(text)
	buf.WriteString("END:VCALENDAR\r\n")
	cal, err := safely(ical.NewDecoder(&buf).Decode)
	if err != nil {
		out.skip = "unreadable event: " + err.Error()
		return out, nil
	}
	events := cal.Events()
	if len(events) != 1 {
		out.skip = "unreadable event"
		return out, nil
	}
	ev := events[0]
	if st, _ := ev.Props.Text(ical.PropStatus); strings.EqualFold(st, "CANCELLED") {
		out.skip = "the event was cancelled"
		return out, nil
	}
	start := ev.Props.Get(ical.PropDateTimeStart)
	if start == nil {
		out.skip = "the event has no start (DTSTART)"
		return out, nil
	}
	at, err := EventStart(start, p.cfg.loc)
	if err != nil {
		out.skip = "the event's start cannot be read: " + err.Error()
		return out, nil
	}
	in := &interactionRec{at: at, kind: graph.KindMeeting}
	summary, _ := ev.Props.Text(ical.PropSummary)
	desc, _ := ev.Props.Text(ical.PropDescription)
	in.notes = joinNonEmpty("\n\n", strings.TrimSpace(summary), strings.TrimSpace(desc))

	var organizer *personRef
	org, attendees := EventPeople(&ev)
	if org != nil {
		organizer = &personRef{name: org.Name, email: org.Email}
	}
	seen := map[string]bool{}
	add := func(ref personRef) {
		k := ref.String()
		if !seen[strings.ToLower(k)] {
			seen[strings.ToLower(k)] = true
			in.people = append(in.people, ref)
		}
	}
	for _, a := range attendees {
		add(personRef{name: a.Name, email: a.Email})
	}
	if len(in.people) == 0 {
		out.skip = "no attendees"
		return out, nil
	}
	if organizer != nil {
		add(*organizer)
		in.initiator.person = organizer
	}
	out.interaction = in
	return out, nil
}

// EventPerson is the organiser or an attendee of an iCalendar event: a
// name (CN), an address (mailto:, lower case), or both.
type EventPerson struct {
	Name, Email string
}

// EventPeople reads an event's organiser and the attendees who take part:
// rooms, resources, groups and those who declined are left out. The
// calendar import and the CalDAV sync (graph/capture) read events alike.
func EventPeople(ev *ical.Event) (organizer *EventPerson, attendees []EventPerson) {
	if o := ev.Props.Get(ical.PropOrganizer); o != nil {
		if p, ok := calAddress(o); ok {
			organizer = &p
		}
	}
	for _, a := range ev.Props.Values(ical.PropAttendee) {
		switch strings.ToUpper(a.Params.Get(ical.ParamCalendarUserType)) {
		case "ROOM", "RESOURCE", "GROUP":
			continue
		}
		if strings.EqualFold(a.Params.Get(ical.ParamParticipationStatus), "DECLINED") {
			continue
		}
		if p, ok := calAddress(&a); ok {
			attendees = append(attendees, p)
		}
	}
	return organizer, attendees
}

// calAddress reads an ATTENDEE or ORGANIZER: mailto:address with its CN.
func calAddress(p *ical.Prop) (EventPerson, bool) {
	v := strings.TrimSpace(p.Value)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	out := EventPerson{Name: strings.TrimSpace(p.Params.Get(ical.ParamCommonName))}
	if strings.Contains(v, "@") && !strings.ContainsAny(v, " <>") {
		out.Email = strings.ToLower(v)
	}
	return out, out.Email != "" || out.Name != ""
}

// EventStart reads DTSTART. A TZID that is not an IANA name (Outlook writes
// Windows names) is read as loc rather than failing the event.
func EventStart(p *ical.Prop, loc *time.Location) (time.Time, error) {
	t, err := p.DateTime(loc)
	if err != nil && p.Params.Get(ical.PropTimezoneID) != "" {
		q := *p
		q.Params = ical.Params{}
		t, err = q.DateTime(loc)
	}
	return t, err
}
