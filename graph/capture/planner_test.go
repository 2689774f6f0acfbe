package capture

import (
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
)

var addrKeys = []struct{ in, want string }{
	{"Ana@Example.COM", "ana@example.com"},
	{"ana+news@example.com", "ana@example.com"},
	{"a.n.a+x@gmail.com", "ana@gmail.com"},
	{"A.Na@GoogleMail.com", "ana@gmail.com"},
	{"a.na@outlook.com", "a.na@outlook.com"}, // dots matter outside Gmail
	{"not an address", ""},
	{"@example.com", ""},
}

func TestAddrKey(t *testing.T) {
	for _, tc := range addrKeys {
		if got := addrKey(tc.in); got != tc.want {
			t.Errorf("addrKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func message(t *testing.T, raw string) *Message {
	t.Helper()
	m, err := ParseHeader(strings.NewReader(strings.ReplaceAll(raw, "\n", "\r\n")+"\r\n"), time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// newTestPlanner plans for me@acme.example, who already knows Eve.
func newTestPlanner(set graph.CaptureSettings) *planner {
	if err := set.Validate(); err != nil {
		panic(err)
	}
	x := &index{people: map[string]string{"eve@initech.example": "eve"}, orgDomain: map[string]string{},
		orgName: map[string]string{"globex": "globex-id"}, employed: map[string]bool{}, personOf: map[string]bool{"eve": true}}
	return newPlanner("ws", &graph.User{ID: "u", Email: "me@acme.example"}, &graph.Person{ID: "me"}, set, x, nil)
}

var planCases = []struct {
	name    string
	set     graph.CaptureSettings
	raw     string
	skip    string // a part of the reason, "" when captured or held
	people  int    // people the message creates
	orgs    int
	capture bool
}{
	{name: "Colleague", raw: "From: me@acme.example\nTo: bob@acme.example\nMessage-ID: <1@x>",
		skip: "no one else"},
	{name: "ColleagueCaptured", set: graph.CaptureSettings{InternalDomains: []string{"other.example"}, CreatePeople: graph.CreateAll},
		raw: "From: me@acme.example\nTo: bob@acme.example\nMessage-ID: <1@x>", people: 1, orgs: 1, capture: true},
	{name: "Known", raw: "From: Eve <eve@initech.example>\nTo: me@acme.example\nMessage-ID: <2@x>", capture: true},
	{name: "OneWayHeld", raw: "From: Zed <zed@initech.example>\nTo: me@acme.example\nMessage-ID: <3@x>"},
	{name: "Never", set: graph.CaptureSettings{CreatePeople: graph.CreateNever},
		raw: "From: me@acme.example\nTo: zed@initech.example\nMessage-ID: <4@x>"},
	{name: "AllPublicDomain", set: graph.CaptureSettings{CreatePeople: graph.CreateAll},
		raw: "From: me@acme.example\nTo: Zed <zed@gmail.com>\nMessage-ID: <5@x>", people: 1, capture: true},
	{name: "AllKnownOrgName", set: graph.CaptureSettings{CreatePeople: graph.CreateAll},
		raw: "From: me@acme.example\nTo: Zed <zed@globex.example>\nMessage-ID: <6@x>", people: 1, capture: true},
	{name: "ExcludedDomain", set: graph.CaptureSettings{ExcludeDomains: []string{"initech.example"}},
		raw: "From: eve@initech.example\nTo: me@acme.example\nMessage-ID: <7@x>", skip: "no one else"},
	{name: "ExcludedAddress", set: graph.CaptureSettings{ExcludeAddresses: []string{"eve@initech.example"}},
		raw: "From: Eve <EVE+x@initech.example>\nTo: me@acme.example\nMessage-ID: <8@x>", skip: "no one else"},
	{name: "List", raw: "From: eve@initech.example\nTo: me@acme.example\nList-Id: <l.x>\nMessage-ID: <9@x>", skip: "mailing list"},
	{name: "Bulk", raw: "From: eve@initech.example\nTo: me@acme.example\nPrecedence: bulk\nMessage-ID: <10@x>", skip: "bulk"},
	{name: "AutoReply", raw: "From: eve@initech.example\nTo: me@acme.example\nAuto-Submitted: auto-replied\nMessage-ID: <11@x>",
		skip: "automatically"},
	{name: "NoReply", raw: "From: no-reply@initech.example\nTo: me@acme.example\nMessage-ID: <12@x>", skip: "automated sender"},
	{name: "TooMany", set: graph.CaptureSettings{MaxRecipients: 2},
		raw: "From: eve@initech.example\nTo: me@acme.example, a@x.example, b@x.example\nMessage-ID: <13@x>", skip: "more than 2"},
}

func TestPlannerMessage(t *testing.T) {
	for _, tc := range planCases {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPlanner(tc.set)
			got := p.Message(message(t, tc.raw), Unknown)
			if (tc.skip == "") != (got == "") || !strings.Contains(got, tc.skip) {
				t.Fatalf("skip %q, want %q", got, tc.skip)
			}
			st := p.take()
			if len(st.People) != tc.people || len(st.Organizations) != tc.orgs || (len(st.Interactions) == 1) != tc.capture {
				t.Errorf("planned %d people, %d organisations, %d interactions; want %d, %d, captured %v",
					len(st.People), len(st.Organizations), len(st.Interactions), tc.people, tc.orgs, tc.capture)
			}
			if tc.name == "AllKnownOrgName" && (len(st.Employments) != 1 || st.Employments[0].OrganizationID != "globex-id") {
				t.Errorf("positions %+v, want one at the existing Globex", st.Employments)
			}
			for _, i := range st.Interactions {
				if i.Notes != "" {
					t.Errorf("a subject was kept without the opt-in: %q", i.Notes)
				}
			}
		})
	}
}

func TestAccountValidate(t *testing.T) {
	for _, tc := range []struct {
		a     graph.Account
		field string
	}{
		{graph.Account{Kind: graph.AccountIMAP, Host: "imap.example.com"}, ""},
		{graph.Account{Kind: graph.AccountIMAP, Host: "imap.example.com", TLS: "none"}, "tls"},
		{graph.Account{Kind: graph.AccountIMAP}, "host"},
		{graph.Account{Kind: graph.AccountCalDAV, URL: "https://dav.example.com/"}, ""},
		{graph.Account{Kind: graph.AccountCalDAV, URL: "http://dav.example.com/"}, "url"},
		{graph.Account{Kind: graph.AccountCalDAV, URL: "http://127.0.0.1:5232/"}, ""},
		{graph.Account{Kind: graph.AccountCardDAV, URL: "https://me:pw@dav.example.com/"}, "url"},
		{graph.Account{Kind: "pop3", Host: "x"}, "kind"},
		{graph.Account{Kind: graph.AccountIMAP, Host: "imap.example.com",
			Settings: graph.CaptureSettings{ExcludeDomains: []string{"not a domain"}}}, "settings.exclude_domains"},
	} {
		a := tc.a
		a.UserID, a.Username, a.Secret = "u", "me", []byte{1}
		if got := graph.ErrorField(a.Validate()); got != tc.field {
			t.Errorf("%+v: error on %q, want %q", tc.a, got, tc.field)
		}
	}
}
