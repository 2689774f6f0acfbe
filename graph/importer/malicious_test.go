package importer

import (
	"strings"
	"testing"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/importer/importertest"
)

// TestMalicious parses each hostile file as an import would: each must fail
// with EINVALID or ETOOLARGE, say why, and cost little CPU.
func TestMalicious(t *testing.T) {
	for _, f := range importertest.Malicious() {
		t.Run(f.Name, func(t *testing.T) {
			data := f.Data()
			format, err := ParseFormat(f.Format)
			if err != nil {
				t.Fatal(err)
			}
			start := importertest.CPU(t)
			_, _, err = parseAll(t, data, format, Options{})
			took := importertest.CPU(t) - start
			if code := graph.ErrorCode(err); code != graph.EINVALID && code != graph.ETOOLARGE {
				t.Fatalf("got %v, want an EINVALID or ETOOLARGE error", err)
			}
			if !strings.Contains(graph.ErrorMessage(err), f.Want) {
				t.Errorf("got %q, want it to contain %q", graph.ErrorMessage(err), f.Want)
			}
			if took > importertest.MaxCPU {
				t.Errorf("refusing it took %v of CPU, want under %v", took, importertest.MaxCPU)
			}
		})
	}
}

// foldLine writes a property folded at 75 octets, as RFC 6350 and 5545 ask.
func foldLine(prop string) string {
	var b strings.Builder
	for len(prop) > 75 {
		b.WriteString(prop[:75] + "\r\n ")
		prop = prop[75:]
	}
	return b.String() + prop + "\r\n"
}

// TestFoldedKept: ordinary folded properties still read as before the
// bounds, and a large photo (never read) costs no limit.
func TestFoldedKept(t *testing.T) {
	photo := strings.Repeat("QUJD", 150<<10) // 600 KB of base64: past the property limit, but dropped
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\n" + foldLine("FN:Ana García de la Fuente y "+strings.Repeat("Montenegro ", 10)) +
		foldLine("EMAIL;TYPE=work:ana@example.com") + foldLine("PHOTO;ENCODING=b;TYPE=JPEG:"+photo) +
		foldLine("NOTE:"+strings.Repeat("met at the conference, ", 2000)) + "END:VCARD\r\n"
	recs, _, err := parseAll(t, []byte(card), FormatVCard, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].contact == nil || !strings.HasSuffix(recs[0].contact.name, "Montenegro") ||
		len(recs[0].contact.emails) != 1 || recs[0].contact.emails[0] != "ana@example.com" || len(recs[0].contact.note) != 23*2000-1 {
		t.Fatalf("got %+v, contact %+v", recs, recs[0].contact)
	}
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:20250101T100000Z\r\nSUMMARY:Planning\r\n" +
		foldLine(`ATTENDEE;CN="García, Ana";PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:ana@example.com`) +
		"END:VEVENT\r\nEND:VCALENDAR\r\n"
	recs, _, err = parseAll(t, []byte(ics), FormatICS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].interaction == nil || len(recs[0].interaction.people) != 1 ||
		recs[0].interaction.people[0].name != "García, Ana" || recs[0].interaction.people[0].email != "ana@example.com" {
		t.Fatalf("got %+v", recs)
	}
}
