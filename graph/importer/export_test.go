package importer

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
)

// sampleWorkspace is one of every kind of entity, with the fields a restore
// must keep: ids, timestamps, UserEdited, a manual strength.
func sampleWorkspace() (*graph.Workspace, []*graph.User, []any) {
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	ws := &graph.Workspace{ID: testWS, Name: "Sample", CreatedAt: at}
	me := &graph.Person{ID: "me00000000000000000000000a", WorkspaceID: testWS, Name: "Me Myself", Source: "manual", CreatedAt: at, UpdatedAt: at}
	ada := &graph.Person{ID: "ada0000000000000000000000a", WorkspaceID: testWS, Name: "Ada Quill", FirstName: "Ada", LastName: "Quill",
		Emails: []string{"ada@example.net"}, Tags: []string{"vip"}, Source: "linkedin", UserEdited: []string{"tags"},
		LinkedInURL: "https://www.linkedin.com/in/ada-quill", CreatedAt: at, UpdatedAt: at.Add(time.Hour)}
	bo := &graph.Person{ID: "b000000000000000000000000a", WorkspaceID: testWS, Name: "Bo Li", Source: "vcard", ExternalID: "uid-1", CreatedAt: at, UpdatedAt: at}
	u := &graph.User{ID: "member0000000000000000000a", WorkspaceID: testWS, Name: "Me", Role: graph.RoleOwner, PersonID: me.ID, CreatedAt: at, UpdatedAt: at}
	s := 0.75
	entities := []any{me, ada, bo,
		&graph.Organization{ID: "c0mpany000000000000000000a", WorkspaceID: testWS, Name: "Zentrix Labs", Domain: "zentrix.example", CreatedAt: at, UpdatedAt: at},
		&graph.Employment{ID: "emp0000000000000000000000a", WorkspaceID: testWS, PersonID: ada.ID, OrganizationID: "c0mpany000000000000000000a", Title: "CDO", Start: at, CreatedAt: at, UpdatedAt: at},
		&graph.Tie{ID: "t1e0000000000000000000000a", WorkspaceID: testWS, PersonA: ada.ID, PersonB: me.ID, Source: graph.TieImported, Since: at, Strength: &s, Context: "old friends", CreatedAt: at, UpdatedAt: at},
		&graph.Tie{ID: "t1e0000000000000000000000b", WorkspaceID: testWS, PersonA: bo.ID, PersonB: me.ID, Source: graph.TieManual, CreatedAt: at, UpdatedAt: at},
		&graph.Interaction{ID: "1nt0000000000000000000000a", WorkspaceID: testWS, Kind: graph.KindCoffee, At: at, ParticipantIDs: []string{me.ID, ada.ID},
			InitiatorID: me.ID, Notes: "Coffee.", LoggedBy: u.ID, CreatedAt: at, UpdatedAt: at},
		&graph.Introduction{ID: "1ntr000000000000000000000a", WorkspaceID: testWS, IntroducerID: me.ID, PersonID: ada.ID, TargetID: bo.ID,
			Status: graph.IntroMade, Reason: "Both like chess.", RequestedAt: at, MadeAt: at, CreatedAt: at, UpdatedAt: at},
		&graph.Note{ID: "n0te000000000000000000000a", WorkspaceID: testWS, PersonID: ada.ID, AuthorID: u.ID, Body: "Likes chess.", Source: "manual", CreatedAt: at, UpdatedAt: at},
	}
	return ws, []*graph.User{u}, entities
}

func sampleExport(tb testing.TB) []byte {
	tb.Helper()
	ws, users, entities := sampleWorkspace()
	return exportOf(tb, ws, users, entities)
}

// exportOf writes an export of the given workspace, exported by its first
// user.
func exportOf(tb testing.TB, ws *graph.Workspace, users []*graph.User, entities []any) []byte {
	tb.Helper()
	var buf bytes.Buffer
	walk := func(fn func(any) error) error {
		for _, e := range entities {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
	h := exportHeader{Workspace: ws, ExportedBy: users[0].ID, ExportedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := writeExport(&buf, h, users, walk); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestExportRoundTrip reads back what it wrote, into another workspace.
func TestExportRoundTrip(t *testing.T) {
	data := sampleExport(t)
	if f, err := Sniff(data); err != nil || f != FormatNexo {
		t.Fatalf("Sniff = %q, %v", f, err)
	}
	const other = "other00000000000000000000a"
	d, err := readExport(bytes.NewReader(data), other, 100, func(int) {})
	if err != nil {
		t.Fatal(err)
	}
	_, users, want := sampleWorkspace()
	for _, e := range append(toAny(users), want...) {
		reflect.ValueOf(e).Elem().FieldByName("WorkspaceID").SetString(other)
	}
	b := &d.batch
	var got []any
	got = append(got, toAny(b.People)...)
	got = append(got, toAny(b.Organizations)...)
	got = append(got, toAny(b.Employments)...)
	got = append(got, toAny(b.Ties)...)
	got = append(got, toAny(b.Interactions)...)
	got = append(got, toAny(b.Introductions)...)
	got = append(got, toAny(b.Notes)...)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entities differ:\n got %+v\nwant %+v", got, want)
	}
	if !reflect.DeepEqual(d.users, users) {
		t.Errorf("users: got %+v, want %+v", d.users[0], users[0])
	}
	if d.rows != 11 {
		t.Errorf("rows %d, want 11", d.rows)
	}
}

var badExports = []struct {
	name string
	edit func(string) string
	msg  string
}{
	{"CutShort", func(s string) string { return s[:strings.LastIndex(s, `{"type":"end"`)] }, "cut short"},
	{"CutMidLine", func(s string) string { return s[:len(s)/2] }, "not valid JSON"},
	{"WrongCounts", func(s string) string { return strings.Replace(s, `"person":3`, `"person":4`, 1) }, "counts 4 person"},
	{"NewerVersion", func(s string) string { return strings.Replace(s, `"version":1`, `"version":9`, 1) }, "version 9"},
	{"NotAnExport", func(s string) string { return strings.Replace(s, "nexo-export", "other", 1) }, "not a Nexo export"},
	{"UnknownField", func(s string) string { return strings.Replace(s, `"name":"Bo Li"`, `"name":"Bo Li","shoe":44`, 1) }, `unknown field "shoe"`},
	{"UnknownType", func(s string) string { return strings.Replace(s, `"type":"note"`, `"type":"gossip"`, 1) }, "unknown entry type"},
	{"AfterEnd", func(s string) string { return s + `{"type":"note","data":{}}` + "\n" }, "after the end"},
	{"Empty", func(string) string { return "" }, "empty"},
}

func TestRestoreBadExport(t *testing.T) {
	data := string(sampleExport(t))
	for _, tt := range badExports {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readExport(strings.NewReader(tt.edit(data)), testWS, 100, func(int) {})
			if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(graph.ErrorMessage(err), tt.msg) {
				t.Errorf("got %v, want EINVALID containing %q", err, tt.msg)
			}
		})
	}
	if _, err := readExport(strings.NewReader(data), testWS, 5, func(int) {}); graph.ErrorCode(err) != graph.ETOOLARGE {
		t.Errorf("over MaxRows: %v, want ETOOLARGE", err)
	}
}
