package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
)

// parseAll opens data as an import would and returns every record.
func parseAll(tb testing.TB, data []byte, f Format, opts Options) ([]record, Format, error) {
	tb.Helper()
	opts.defaults()
	in, err := openInput(context.Background(), bytes.NewReader(data), f, &opts)
	if err != nil {
		return nil, "", err
	}
	defer in.close()
	p, err := newParser(in.format, in.r, parseConfig{loc: time.UTC})
	if err != nil {
		return nil, in.format, err
	}
	var out []record
	for {
		rec, err := p.next()
		if errors.Is(err, io.EOF) {
			return out, in.format, nil
		}
		if err != nil {
			return out, in.format, err
		}
		out = append(out, rec)
	}
}

func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// linkedInRow is what a test expects of a LinkedIn row.
type linkedInRow struct {
	row                    int
	first, last, org, titl string
	email, url             string
	since                  time.Time
	skip                   bool
}

var linkedInTests = []struct {
	file string
	want []linkedInRow
}{
	{"linkedin_en.csv", []linkedInRow{
		{row: 5, first: "Ada", last: "Quill", org: "Zentrix Labs", titl: "Head of Data", url: "https://www.linkedin.com/in/ada-quill", since: day(2023, 3, 15)},
		{row: 6, first: "Bram", last: "Okonkwo-Vale", org: "Harbour, Lane & Finch", titl: "Partner", email: "bram.vale@example.com", url: "https://www.linkedin.com/in/bramov/", since: day(2019, 1, 2)},
		{row: 8, first: "Celia", last: "Marrow", org: "Zentrix Labs Inc.", titl: "Engineer, Platform", url: "http://uk.linkedin.com/in/celiamarrow?trk=x", since: day(2024, 2, 28)},
		{row: 9, skip: true},
		{row: 10, first: "Ada", last: "Quill", org: "Zentrix Labs", titl: "Head of Data", email: "ada@example.net", url: "https://linkedin.com/in/ada-quill", since: day(2023, 3, 15)},
		{row: 11, first: "Dmitri", last: "Sokol", url: "https://www.linkedin.com/in/dsokol", since: day(2021, 11, 7)},
	}},
	{"linkedin_de.csv", []linkedInRow{
		{row: 5, first: "Jörg", last: "Ämmerle", org: "Südwind Werke GmbH", titl: "Entwickler", url: "https://www.linkedin.com/in/joerg-aemmerle", since: day(2023, 3, 15)},
		{row: 6, first: "Käthe", last: "Brunnhuber", org: "Berg, Tal & Söhne", titl: "Leiterin", email: "kaethe@example.de", url: "https://www.linkedin.com/in/kaethe-b", since: day(2022, 10, 3)},
	}},
	{"linkedin_es.csv", []linkedInRow{
		{row: 5, first: "Íñigo", last: "Larrañaga", org: "Navarra Datos SL", titl: "Analista", url: "https://www.linkedin.com/in/inigo-larranaga", since: day(2023, 1, 15)},
		{row: 6, first: "Lucía", last: "Peñalver", org: "Ibérica Solar", titl: "Directora", url: "https://www.linkedin.com/in/lucia-penalver", since: day(2021, 8, 4)},
	}},
	{"linkedin_fr.csv", []linkedInRow{
		{row: 5, first: "Élodie", last: "Garnier", org: "Lumière Conseil", titl: "Consultante", url: "https://www.linkedin.com/in/elodie-garnier", since: day(2023, 2, 12)},
		{row: 6, first: "Théo", last: "Lambert", org: "Atelier Nord", titl: "Designer", url: "https://www.linkedin.com/in/theo-lambert", since: day(2020, 7, 1)},
	}},
	{"linkedin_pt.csv", []linkedInRow{
		{row: 5, first: "João", last: "Conceição", org: "Tejo Digital", titl: "Engenheiro", url: "https://www.linkedin.com/in/joao-conceicao", since: day(2022, 9, 15)},
		{row: 6, first: "Luísa", last: "Araújo", org: "Mar Azul Lda", titl: "Gerente", url: "https://www.linkedin.com/in/luisa-araujo", since: day(2019, 12, 3)},
	}},
}

func TestLinkedIn(t *testing.T) {
	for _, tt := range linkedInTests {
		t.Run(tt.file, func(t *testing.T) {
			recs, f, err := parseAll(t, fixture(t, tt.file), FormatAuto, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if f != FormatLinkedIn {
				t.Errorf("sniffed %q, want linkedin", f)
			}
			if len(recs) != len(tt.want) {
				t.Fatalf("got %d records, want %d", len(recs), len(tt.want))
			}
			for i, w := range tt.want {
				r := recs[i]
				if r.row != w.row {
					t.Errorf("record %d: row %d, want %d", i, r.row, w.row)
				}
				if w.skip {
					if r.skip == "" {
						t.Errorf("row %d: not skipped", w.row)
					}
					continue
				}
				c := r.contact
				if c == nil {
					t.Fatalf("row %d: no contact (skip %q)", w.row, r.skip)
				}
				var email string
				if len(c.emails) > 0 {
					email = c.emails[0]
				}
				got := linkedInRow{row: r.row, first: c.first, last: c.last, org: c.org, titl: c.title, email: email, url: c.linkedIn, since: c.since}
				if got != w {
					t.Errorf("row %d:\n got %+v\nwant %+v", w.row, got, w)
				}
			}
		})
	}
}

// TestLinkedInZip finds Connections.csv at any depth of the export ZIP, read
// from a stream (spooled) or from a seekable file.
func TestLinkedInZip(t *testing.T) {
	zipped := makeZip(t, map[string][]byte{
		"Basic_LinkedInDataExport_03-01-2025/Profile.csv":                   []byte("First Name,Last Name\nMe,Myself\n"),
		"Basic_LinkedInDataExport_03-01-2025/nested/deeper/Connections.csv": fixture(t, "linkedin_en.csv"),
	})
	for _, tc := range []struct {
		name string
		r    io.Reader
	}{
		{"Seekable", bytes.NewReader(zipped)},
		{"Stream", io.MultiReader(bytes.NewReader(zipped))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{TempDir: t.TempDir()}
			opts.defaults()
			in, err := openInput(context.Background(), tc.r, FormatAuto, &opts)
			if err != nil {
				t.Fatal(err)
			}
			defer in.close()
			if in.format != FormatLinkedIn {
				t.Fatalf("format %q, want linkedin", in.format)
			}
			p, err := newParser(in.format, in.r, parseConfig{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for {
				if _, err := p.next(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != 6 {
				t.Errorf("got %d rows, want 6", n)
			}
		})
	}
}

func TestGoogle(t *testing.T) {
	t.Run("Current", func(t *testing.T) {
		recs, f, err := parseAll(t, fixture(t, "google_current.csv"), FormatAuto, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if f != FormatGoogle {
			t.Errorf("sniffed %q", f)
		}
		if len(recs) != 3 {
			t.Fatalf("got %d records, want 3 (the empty row is not one)", len(recs))
		}
		ada := recs[0].contact
		if ada == nil || ada.first != "Ada" || ada.last != "Quill" || ada.org != "Zentrix Labs" || ada.title != "Chief Data Officer" {
			t.Fatalf("row 2: got %+v", ada)
		}
		if want := []string{"ada@example.net", "ada.quill@zentrix.example"}; !slices.Equal(ada.emails, want) {
			t.Errorf("emails %q, want %q", ada.emails, want)
		}
		if want := []string{"Investors", "Data"}; !slices.Equal(ada.tags, want) {
			t.Errorf("tags %q, want %q (Google's own labels dropped)", ada.tags, want)
		}
		if ada.linkedIn != "https://www.linkedin.com/in/ada-quill" || ada.note != "Met at the data summit." ||
			ada.location != "London, United Kingdom" || !slices.Equal(ada.phones, []string{"+44 7700 900123"}) {
			t.Errorf("got %+v", ada)
		}
		farid := recs[1].contact
		if farid == nil || farid.name != "Farid Amin Haddad" || len(farid.tags) != 0 {
			t.Errorf("row 3: got %+v", farid)
		}
		if c := recs[2].contact; c == nil || c.name != "noreply.person@example.org" {
			t.Errorf("row 4 (email only): got %+v, skip %q", c, recs[2].skip)
		}
	})
	t.Run("Legacy", func(t *testing.T) {
		recs, f, err := parseAll(t, fixture(t, "google_legacy.csv"), FormatAuto, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if f != FormatGoogle {
			t.Errorf("sniffed %q", f)
		}
		if len(recs) != 2 {
			t.Fatalf("got %d records, want 2", len(recs))
		}
		g := recs[0].contact
		if g == nil || g.name != "Greta Holm" || g.first != "Greta" || g.last != "Holm" || g.org != "Fjord Systems AB" ||
			g.title != "VP Engineering" || !slices.Equal(g.tags, []string{"Mentors"}) ||
			!slices.Equal(g.emails, []string{"greta.holm@fjord.example"}) || g.note != "Prefers email." ||
			!slices.Equal(g.urls, []string{"https://greta.example.org"}) || g.linkedIn != "" {
			t.Errorf("row 2: got %+v", g)
		}
	})
}

func TestVCard(t *testing.T) {
	t.Run("V3", func(t *testing.T) {
		recs, f, err := parseAll(t, fixture(t, "contacts_v3.vcf"), FormatAuto, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if f != FormatVCard || len(recs) != 3 {
			t.Fatalf("format %q, %d records; want vcard, 3", f, len(recs))
		}
		c := recs[0].contact
		if c == nil {
			t.Fatalf("card 1 skipped: %s", recs[0].skip)
		}
		if c.name != "Ines Varga" || c.first != "Ines" || c.last != "Varga" || c.org != "Pellucid Systems; Ltd" ||
			c.title != "Research Lead" || c.uid != "0f6a5d1e-1111-4c3e-9a1b-aaaaaaaaaaaa" ||
			c.note != "Introduced by Ada.\nLikes chess." || c.location != "Budapest, Hungary" {
			t.Errorf("card 1: got %+v", c)
		}
		if want := []string{"https://www.linkedin.com/in/ines-varga", "https://ines.example.com", "http://hu.linkedin.com/in/ines-varga-old/"}; !slices.Equal(c.urls, want) {
			t.Errorf("urls %q, want all of %q", c.urls, want)
		}
		if c.linkedIn != "https://www.linkedin.com/in/ines-varga" || !slices.Equal(c.tags, []string{"Mentors", "Budapest"}) ||
			!slices.Equal(c.emails, []string{"ines.varga@pellucid.example", "ines@example.com"}) {
			t.Errorf("card 1: got %+v", c)
		}
		if recs[1].contact == nil || recs[1].contact.name != "Jonas Brückner" || recs[1].row != 19 {
			t.Errorf("card 2: got %+v at row %d", recs[1].contact, recs[1].row)
		}
		if recs[2].skip == "" {
			t.Errorf("card 3 without a name: not skipped")
		}
	})
	t.Run("V4", func(t *testing.T) {
		recs, _, err := parseAll(t, fixture(t, "contacts_v4.vcf"), FormatVCard, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 {
			t.Fatalf("%d records, want 3", len(recs))
		}
		k := recs[0].contact
		want := []relation{
			{"urn:uuid:7a9c2b10-5d1e-4f7a-8b3c-1d2e3f4a5b6c", "colleague"},
			{"Ines Varga", "met"},
			{"mailto:nobody@nowhere.example", "friend"},
		}
		if k == nil || !slices.Equal(k.related, want) {
			t.Errorf("card 1 related: got %+v, want %+v", k, want)
		}
		if recs[2].skip == "" || !strings.Contains(recs[2].skip, "group") {
			t.Errorf("group card: skip %q", recs[2].skip)
		}
	})
}

func TestInteractionsCSV(t *testing.T) {
	recs, f, err := parseAll(t, fixture(t, "interactions.csv"), FormatAuto, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f != FormatInteractions || len(recs) != 7 {
		t.Fatalf("format %q, %d records; want interactions, 7", f, len(recs))
	}
	first := recs[0].interaction
	if first == nil || first.kind != graph.KindCoffee || !first.at.Equal(day(2024, 3, 15)) || !first.initiator.me ||
		first.notes != "Talked about hiring, and data teams" ||
		!slices.Equal(first.people, []personRef{{name: "Ada Quill", email: "ada@example.net"}}) {
		t.Errorf("row 2: got %+v", first)
	}
	second := recs[1].interaction
	if second == nil || len(second.people) != 2 || second.initiator.person == nil ||
		second.initiator.person.email != "farid@cedar.example" || !second.at.Equal(time.Date(2024, 3, 20, 14, 30, 0, 0, time.UTC)) {
		t.Errorf("row 3: got %+v", second)
	}
	if r := recs[2].interaction; r == nil || !r.initiator.other || r.kind != graph.KindCall {
		t.Errorf("row 4: got %+v", r)
	}
	if recs[4].skip == "" || recs[5].skip == "" {
		t.Errorf("rows 6 and 7 (unknown kind, bad date) not skipped: %q, %q", recs[4].skip, recs[5].skip)
	}
}

func TestICS(t *testing.T) {
	recs, f, err := parseAll(t, fixture(t, "calendar.ics"), FormatAuto, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f != FormatICS || len(recs) != 4 {
		t.Fatalf("format %q, %d records; want ics, 4", f, len(recs))
	}
	ev := recs[0].interaction
	if ev == nil {
		t.Fatalf("event 1 skipped: %s", recs[0].skip)
	}
	wantPeople := []personRef{{"Ada Quill", "ada@example.net", ""}, {"Olu Bassey", "olu@bassey.example", ""},
		{"Me Myself", "me@example.com", ""}}
	if !slices.Equal(ev.people, wantPeople) || ev.kind != graph.KindMeeting ||
		!ev.at.Equal(time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)) ||
		ev.notes != "Roadmap sync\n\nPlanning the next quarter, with numbers." {
		t.Errorf("event 1: got %+v", ev)
	}
	// A Windows time-zone name is read as local time rather than failing.
	if ev := recs[1].interaction; ev == nil || !ev.at.Equal(time.Date(2024, 3, 7, 9, 0, 0, 0, time.UTC)) ||
		ev.initiator.person == nil || ev.initiator.person.email != "olu@bassey.example" {
		t.Errorf("event 2: got %+v (skip %q)", ev, recs[1].skip)
	}
	if recs[2].skip != "no attendees" || recs[3].skip != "the event was cancelled" {
		t.Errorf("events 3, 4: skip %q, %q", recs[2].skip, recs[3].skip)
	}
}

var dateTests = []struct {
	in         string
	monthFirst bool
	want       time.Time
	err        bool
}{
	{in: "15 Mar 2023", want: day(2023, 3, 15)},
	{in: "5 May 2021", want: day(2021, 5, 5)},
	{in: "March 15, 2023", want: day(2023, 3, 15)},
	{in: "15 mars 2023", want: day(2023, 3, 15)},
	{in: "12 févr. 2023", want: day(2023, 2, 12)},
	{in: "1 juil. 2020", want: day(2020, 7, 1)},
	{in: "15. März 2023", want: day(2023, 3, 15)},
	{in: "03 Okt 2022", want: day(2022, 10, 3)},
	{in: "15 de set. de 2022", want: day(2022, 9, 15)},
	{in: "4 de ago. de 2021", want: day(2021, 8, 4)},
	{in: "9 out 2020", want: day(2020, 10, 9)},
	{in: "31 dic 2019", want: day(2019, 12, 31)},
	{in: "2024-03-15", want: day(2024, 3, 15)},
	{in: "2024-03-15T10:00:00Z", want: time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC)},
	{in: "03/04/2022", want: day(2022, 4, 3)},
	{in: "03/04/2022", monthFirst: true, want: day(2022, 3, 4)},
	{in: "13/04/22", monthFirst: true, want: day(2022, 4, 13)},
	{in: "", want: time.Time{}},
	{in: "1 jui 2020", err: true}, // juin or juillet
	{in: "31 Feb 2023", err: true},
	{in: "yesterday", err: true},
	{in: "15 Mar Apr 2023", err: true},
}

func TestParseDate(t *testing.T) {
	for _, tt := range dateTests {
		got, err := parseDate(tt.in, tt.monthFirst, time.UTC)
		if tt.err {
			if err == nil {
				t.Errorf("parseDate(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
