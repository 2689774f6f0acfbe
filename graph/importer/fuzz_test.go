package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
)

// fuzzImport runs a file through everything Import does short of the store:
// open, parse, plan. Bad input must end in an error, never a panic, and
// whatever is planned must be a batch the store accepts.
func fuzzImport(t *testing.T, data []byte, f Format) {
	opts := Options{MaxBytes: 1 << 20, MaxRows: 10000}
	in, err := openInput(context.Background(), bytes.NewReader(data), f, &opts)
	if err != nil {
		checkUserError(t, err)
		return
	}
	defer in.close()
	src, err := newParser(in.format, in.r, parseConfig{loc: time.UTC})
	if err != nil {
		checkUserError(t, err)
		return
	}
	if in.format == FormatNexo {
		return
	}
	w := newWorld()
	pl, err := newPlanner(w.index(), testWS, w.me, in.format)
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			checkUserError(t, err)
			return
		}
		if rec.row <= 0 {
			t.Fatalf("record without a row: %+v", rec)
		}
		pl.add(rec)
	}
	b, _, _ := pl.finish(context.Background())
	validateBatch(t, b)
}

// checkUserError fails unless err is one of ours, with a message for the user.
func checkUserError(t *testing.T, err error) {
	t.Helper()
	var ge *graph.Error
	if !errors.As(err, &ge) || ge.Message == "" {
		t.Fatalf("error without a user message: %v", err)
	}
}

func seed(f *testing.F, names ...string) {
	for _, n := range names {
		f.Add(fixture(f, n))
	}
}

func FuzzLinkedIn(f *testing.F) {
	seed(f, "linkedin_en.csv", "linkedin_de.csv", "linkedin_es.csv", "linkedin_fr.csv", "linkedin_pt.csv")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatLinkedIn) })
}

func FuzzLinkedInZip(f *testing.F) {
	f.Add(makeZip(f, map[string][]byte{"export/Connections.csv": fixture(f, "linkedin_en.csv")}))
	f.Add(makeZip(f, map[string][]byte{"a/b/c/CONNECTIONS.CSV": []byte(linkedInHeader + "A,B,,,,,\n")}))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatLinkedIn) })
}

func FuzzGoogle(f *testing.F) {
	seed(f, "google_current.csv", "google_legacy.csv")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatGoogle) })
}

func FuzzVCard(f *testing.F) {
	seed(f, "contacts_v3.vcf", "contacts_v4.vcf")
	f.Add(nestedVCard(20))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatVCard) })
}

func FuzzInteractions(f *testing.F) {
	seed(f, "interactions.csv")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatInteractions) })
}

func FuzzICS(f *testing.F) {
	seed(f, "calendar.ics")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatICS) })
}

// FuzzSniff feeds anything to an import of unknown format.
func FuzzSniff(f *testing.F) {
	seed(f, "linkedin_en.csv", "google_current.csv", "contacts_v4.vcf", "interactions.csv", "calendar.ics")
	f.Add([]byte("\xff\xfeF\x00i\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := Sniff(data); err != nil {
			checkUserError(t, err)
		}
		fuzzImport(t, data, FormatAuto)
	})
}

func FuzzRestore(f *testing.F) {
	f.Add(sampleExport(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := readExport(bytes.NewReader(data), testWS, 10000, func(int) {})
		if err != nil {
			checkUserError(t, err)
			return
		}
		if d.batch.Len()+len(d.users) != d.rows {
			t.Fatalf("%d rows read, %d entities kept", d.rows, d.batch.Len()+len(d.users))
		}
		// Planned beside the original, with the backup's owner merged
		// into a restoring owner: whatever the file, a batch the store
		// accepts, and no member above member.
		target := newRestoreTarget()
		target.mePerson = &graph.Person{ID: graph.NewID(), WorkspaceID: testWS, Name: "Rita", Source: "manual"}
		owner := &graph.User{ID: graph.NewID(), WorkspaceID: testWS, Name: "Rita", Role: graph.RoleOwner, PersonID: target.mePerson.ID}
		pl := newRestorePlan(d, target, testWS, owner)
		pl.build()
		pl.plannedKeys()
		pl.settle()
		validateBatch(t, &pl.out)
		for _, u := range pl.out.Users {
			if u.Role == graph.RoleOwner {
				t.Fatalf("a restore adds an owner: %+v", u)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, tt := range dateTests {
		f.Add(tt.in, tt.monthFirst)
	}
	f.Fuzz(func(t *testing.T, s string, monthFirst bool) {
		got, err := parseDate(s, monthFirst, time.UTC)
		if err == nil && !got.IsZero() && (got.Year() < 1900 || got.Year() > 2200) {
			t.Fatalf("parseDate(%q) = %v", s, got)
		}
	})
}
