package capture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-vcard"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
	"github.com/emersion/go-webdav/carddav"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/importer"
)

// davHTTPError is an HTTP status from a DAV server. go-webdav reports them
// as errors whose text starts with the status ("401 Unauthorized: ...").
func davHTTPError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "401 Unauthorized"), strings.Contains(msg, "403 Forbidden"):
		return failf(FailAuth, err, "The server refused the user name or password.")
	case strings.Contains(msg, "404 Not Found"):
		return failf(FailFolder, err, "The server has no calendar or address book at that URL.")
	}
	return err
}

func (s *Service) davClient(a *graph.Account, password string) webdav.HTTPClient {
	return webdav.HTTPClientWithBasicAuth(s.cfg.Network.HTTPClient(s.cfg.Timeout), a.Username, password)
}

// checkDAV logs in by asking for the current user's principal.
func (s *Service) checkDAV(ctx context.Context, a *graph.Account, password string) error {
	c, err := webdav.NewClient(s.davClient(a, password), a.URL)
	if err != nil {
		return err
	}
	_, err = c.FindCurrentUserPrincipal(ctx)
	return davHTTPError(err)
}

// davCursor is where a DAV sync resumes: per collection, the etag of every
// object read (CalDAV) or the sync token (CardDAV).
type davCursor struct {
	Collections map[string]*davCollection `json:"collections"`
}

type davCollection struct {
	SyncToken string               `json:"sync_token,omitempty"`
	Objects   map[string]davObject `json:"objects,omitempty"` // by path
}

// davObject is a calendar object as last read: its etag, and the prefix of
// the capture keys of its meetings.
type davObject struct {
	ETag   string `json:"etag"`
	Prefix string `json:"prefix,omitempty"`
}

func (r *run) davCursor() davCursor {
	cur := davCursor{}
	if r.a.Cursor != "" {
		_ = jsonUnmarshal(r.a.Cursor, &cur)
	}
	if cur.Collections == nil {
		cur.Collections = map[string]*davCollection{}
	}
	return cur
}

// calendars finds the member's calendars: the URL's home set, or the URL
// itself when it is a calendar.
func calendars(ctx context.Context, c *caldav.Client, u string) ([]string, error) {
	principal, err := c.FindCurrentUserPrincipal(ctx)
	if err != nil {
		return nil, davHTTPError(err)
	}
	home, err := c.FindCalendarHomeSet(ctx, principal)
	if err != nil {
		return nil, davHTTPError(err)
	}
	l, err := c.FindCalendars(ctx, home)
	if err != nil {
		return nil, davHTTPError(err)
	}
	var out []string
	base, _ := url.Parse(u)
	for _, cal := range l {
		if len(cal.SupportedComponentSet) > 0 && !slices.Contains(cal.SupportedComponentSet, "VEVENT") {
			continue
		}
		// A URL naming one calendar syncs that calendar alone.
		if base != nil && strings.TrimSuffix(base.Path, "/") == strings.TrimSuffix(cal.Path, "/") {
			return []string{cal.Path}, nil
		}
		out = append(out, cal.Path)
	}
	sort.Strings(out)
	return out, nil
}

// calendarWindow is how far back recurring meetings are expanded, and how
// far ahead any meeting is read: past meetings are what counts.
const (
	calendarPast   = 2 * 365 * 24 * time.Hour
	calendarFuture = 31 * 24 * time.Hour
	maxOccurrences = 500
)

func (r *run) syncCalDAV(ctx context.Context, password string) error {
	s := r.s
	r.report(Progress{Phase: "connecting"}, false)
	c, err := caldav.NewClient(s.davClient(r.a, password), r.a.URL)
	if err != nil {
		return err
	}
	cals, err := calendars(ctx, c, r.a.URL)
	if err != nil {
		return err
	}
	cur := r.davCursor()
	now := s.now()
	done := 0
	for _, cal := range cals {
		if slices.ContainsFunc(r.a.Settings.ExcludeFolders, func(e string) bool { return strings.EqualFold(e, path.Base(cal)) }) {
			continue
		}
		objs, err := c.QueryCalendar(ctx, cal, &caldav.CalendarQuery{
			CompRequest: caldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true},
			CompFilter: caldav.CompFilter{Name: "VCALENDAR", Comps: []caldav.CompFilter{{Name: "VEVENT",
				Start: now.Add(-calendarPast), End: now.Add(calendarFuture)}}},
		})
		if err != nil {
			return davHTTPError(err)
		}
		col := cur.Collections[cal]
		if col == nil {
			col = &davCollection{}
			cur.Collections[cal] = col
		}
		seen := map[string]bool{}
		var changed []caldav.CalendarObject
		for _, o := range objs {
			seen[o.Path] = true
			if o.ETag == "" || col.Objects[o.Path].ETag != o.ETag {
				changed = append(changed, o)
			}
		}
		var gone []string
		for p := range col.Objects {
			if !seen[p] {
				gone = append(gone, p)
			}
		}
		if len(changed) == 0 && len(gone) == 0 {
			continue
		}
		p, err := r.planner(ctx)
		if err != nil {
			return err
		}
		if col.Objects == nil {
			col.Objects = map[string]davObject{}
		}
		slices.Sort(gone)
		for _, g := range gone {
			// A deleted event takes its meetings with it.
			p.step.Resets = append(p.step.Resets, graph.CaptureReset{Prefix: col.Objects[g].Prefix})
			delete(col.Objects, g)
		}
		for _, o := range changed {
			prefix := r.planCalendarObject(p, o.Data, now)
			col.Objects[o.Path] = davObject{ETag: o.ETag, Prefix: prefix}
			done++
			if p.Messages >= s.cfg.StepSize {
				if err := r.commit(ctx, cur); err != nil {
					return err
				}
				r.report(Progress{Phase: "reading", Done: done}, false)
			}
		}
		if err := r.commit(ctx, cur); err != nil {
			return err
		}
		r.report(Progress{Phase: "reading", Done: done}, false)
	}
	return r.saveCursor(ctx, cur)
}

func objectUID(cal *ical.Calendar) string {
	for _, ev := range cal.Events() {
		if uid, err := ev.Props.Text(ical.PropUID); err == nil && uid != "" {
			return uid
		}
	}
	return ""
}

// uidPrefix is the part of a meeting's capture key its event's UID gives:
// every occurrence of a recurring event shares it.
func uidPrefix(uid string) string { return "c" + hashKey("ical-uid", uid)[:15] }

// eventKey identifies one occurrence of an event: UID and RECURRENCE-ID
// (or the occurrence's start, which is what a RECURRENCE-ID names).
func eventKey(uid string, occurrence time.Time) string {
	occ := ""
	if !occurrence.IsZero() {
		occ = occurrence.UTC().Format(time.RFC3339)
	}
	return uidPrefix(uid) + hashKey("ical-occurrence", occ)[:16]
}

// planCalendarObject plans the meetings of one calendar object: a single
// event, or a recurring one expanded into its occurrences (up to a month
// ahead and two years back), with the occurrences it overrides replaced.
// Every occurrence of the object not planned now is deleted, so a moved or
// shortened series leaves nothing behind. It returns the prefix of the
// object's keys.
func (r *run) planCalendarObject(p *planner, cal *ical.Calendar, now time.Time) string {
	loc := time.UTC
	var master *ical.Event
	overrides := map[string]*ical.Event{}
	uid := objectUID(cal)
	if uid == "" {
		p.Messages++
		p.skip("an event without a UID")
		return ""
	}
	for _, ev := range cal.Events() {
		if rid := ev.Props.Get(ical.PropRecurrenceID); rid != nil {
			if t, err := rid.DateTime(loc); err == nil {
				overrides[t.UTC().Format(time.RFC3339)] = &ev
			}
			continue
		}
		e := ev
		master = &e
	}
	var keys []string
	plan := func(ev *ical.Event, at time.Time, occ time.Time) {
		e := eventFrom(ev, uid, at, occ)
		if e == nil {
			p.Messages++
			p.skip("the event has no attendees")
			return
		}
		if !e.Cancelled {
			keys = append(keys, e.Key)
		}
		p.Event(e)
	}
	if master != nil {
		start, err := eventTime(master.Props.Get(ical.PropDateTimeStart), loc)
		if err != nil {
			p.Messages++
			p.skip("the event's start cannot be read")
			return ""
		}
		set, err := master.RecurrenceSet(loc)
		if err != nil || set == nil {
			plan(master, start, time.Time{})
		} else {
			for i, occ := range set.Between(now.Add(-calendarPast), now.Add(calendarFuture), true) {
				if i >= maxOccurrences {
					break
				}
				if ov := overrides[occ.UTC().Format(time.RFC3339)]; ov != nil {
					continue // planned below, with its own time and attendees
				}
				plan(master, occ, occ)
			}
		}
	}
	for occ, ov := range overrides {
		t, _ := time.Parse(time.RFC3339, occ)
		at, err := eventTime(ov.Props.Get(ical.PropDateTimeStart), loc)
		if err != nil {
			at = t
		}
		plan(ov, at, t)
	}
	p.step.Resets = append(p.step.Resets, graph.CaptureReset{Prefix: uidPrefix(uid), Keep: keys})
	return uidPrefix(uid)
}

// eventTime reads a DTSTART as the calendar import does.
func eventTime(prop *ical.Prop, loc *time.Location) (time.Time, error) {
	if prop == nil {
		return time.Time{}, errors.New("no start")
	}
	return importer.EventStart(prop, loc)
}

// eventFrom reads an event's organiser and attendees; nil when it has none
// but the organiser. Rooms, resources and attendees who declined are left out.
func eventFrom(ev *ical.Event, uid string, at, occ time.Time) *Event {
	e := &Event{Key: eventKey(uid, occ), At: at}
	if st, _ := ev.Props.Text(ical.PropStatus); strings.EqualFold(st, "CANCELLED") {
		e.Cancelled = true
		return e
	}
	e.Summary, _ = ev.Props.Text(ical.PropSummary)
	org, attendees := importer.EventPeople(ev)
	if org != nil && org.Email != "" {
		e.Organizer = &Address{Name: org.Name, Addr: org.Email}
	}
	for _, a := range attendees {
		if a.Email != "" {
			e.Attendees = append(e.Attendees, Address{Name: a.Name, Addr: a.Email})
		}
	}
	if len(e.Attendees) == 0 {
		return nil
	}
	return e
}

// syncCardDAV reads what changed in the member's address books since the
// last sync token and merges the cards as a vCard import does (the same
// matching; fields a user edited are kept). Deleted cards leave their
// people alone: the network is not the address book.
func (r *run) syncCardDAV(ctx context.Context, password string) error {
	s := r.s
	r.report(Progress{Phase: "connecting"}, false)
	c, err := carddav.NewClient(s.davClient(r.a, password), r.a.URL)
	if err != nil {
		return err
	}
	books, err := addressBooks(ctx, c, r.a.URL)
	if err != nil {
		return err
	}
	cur := r.davCursor()
	done := 0
	for _, book := range books {
		col := cur.Collections[book]
		if col == nil {
			col = &davCollection{}
			cur.Collections[book] = col
		}
		resp, err := c.SyncCollection(ctx, book, &carddav.SyncQuery{DataRequest: carddav.AddressDataRequest{AllProp: true},
			SyncToken: col.SyncToken})
		if err != nil && col.SyncToken != "" {
			// An expired token: read the whole book again (imports are idempotent).
			resp, err = c.SyncCollection(ctx, book, &carddav.SyncQuery{DataRequest: carddav.AddressDataRequest{AllProp: true}})
		}
		if err != nil {
			return davHTTPError(err)
		}
		if len(resp.Updated) > 0 {
			// Servers answer a sync-collection with paths and etags (Radicale
			// leaves the cards out): the cards come in one multiget.
			paths := make([]string, len(resp.Updated))
			for i, o := range resp.Updated {
				paths[i] = o.Path
			}
			objs, err := c.MultiGetAddressBook(ctx, book, &carddav.AddressBookMultiGet{Paths: paths,
				DataRequest: carddav.AddressDataRequest{AllProp: true}})
			if err != nil {
				return davHTTPError(err)
			}
			var buf bytes.Buffer
			enc := vcard.NewEncoder(&buf)
			for _, o := range objs {
				if o.Card.Value(vcard.FieldVersion) == "" {
					o.Card.SetValue(vcard.FieldVersion, "3.0")
				}
				if err := enc.Encode(o.Card); err != nil {
					return fmt.Errorf("encode card: %w", err)
				}
			}
			if err := r.member(ctx); err != nil {
				return err
			}
			rep, err := importer.Import(ctx, s.cfg.Store, r.a.WorkspaceID, r.user, &buf, importer.FormatVCard, importer.Options{})
			if err != nil {
				return err
			}
			r.res.Contacts += len(resp.Updated)
			r.res.People += rep.Created
			done += len(resp.Updated)
			r.report(Progress{Phase: "reading", Done: done}, false)
		}
		col.SyncToken = resp.SyncToken
		if err := r.commitContacts(ctx, cur, len(resp.Updated)); err != nil {
			return err
		}
	}
	return nil
}

// commitContacts records a CardDAV step: the cursor and the cards read.
func (r *run) commitContacts(ctx context.Context, cursor davCursor, cards int) error {
	b, err := jsonMarshal(cursor)
	if err != nil {
		return err
	}
	_, err = r.s.cfg.Store.CommitCapture(ctx, r.a.WorkspaceID, &graph.Capture{UserID: r.a.UserID, AccountID: r.a.ID,
		Cursor: &b, Counts: graph.AccountStatus{Contacts: cards}})
	return err
}

func addressBooks(ctx context.Context, c *carddav.Client, u string) ([]string, error) {
	principal, err := c.FindCurrentUserPrincipal(ctx)
	if err != nil {
		return nil, davHTTPError(err)
	}
	home, err := c.FindAddressBookHomeSet(ctx, principal)
	if err != nil {
		return nil, davHTTPError(err)
	}
	l, err := c.FindAddressBooks(ctx, home)
	if err != nil {
		return nil, davHTTPError(err)
	}
	base, _ := url.Parse(u)
	var out []string
	for _, b := range l {
		if base != nil && strings.TrimSuffix(base.Path, "/") == strings.TrimSuffix(b.Path, "/") {
			return []string{b.Path}, nil
		}
		out = append(out, b.Path)
	}
	sort.Strings(out)
	return out, nil
}
