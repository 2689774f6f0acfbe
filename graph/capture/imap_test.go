package capture_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/capture/capturetest"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// fixture is a workspace whose owner has a mailbox on the test Dovecot.
type fixture struct {
	s    *neo4j.Store
	imap *capturetest.IMAP
	svc  *capture.Service
	ws   string
	me   *graph.User
	addr string // the owner's address: the Dovecot user
}

func testKey() []byte { return []byte("0123456789abcdef0123456789abcdef-test") }

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	s := neo4jtest.Open(tb)
	im := capturetest.Dovecot(tb)
	w, me := neo4jtest.Workspace(tb, s)
	sealer, err := capture.NewSealer(testKey())
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{s: s, imap: im, ws: w.ID, me: me, addr: capturetest.NewUser("me")}
	f.svc = capture.NewService(capture.Config{Store: s, Sealer: sealer, Network: capturetest.Network(tb),
		RootCAs: im.CA, StepSize: 3, Timeout: 10 * time.Second})
	return f
}

func (f *fixture) connect(tb testing.TB, set graph.CaptureSettings) *graph.Account {
	tb.Helper()
	a, err := f.svc.Connect(context.Background(), f.me, capture.ConnectInput{Kind: graph.AccountIMAP, Host: f.imap.Host,
		Port: f.imap.TLSPort, TLS: graph.TLSImplicit, Username: f.addr, Password: f.imap.Password, Settings: set, Verify: true})
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	return a
}

func (f *fixture) sync(t *testing.T, a *graph.Account) *capture.Result {
	t.Helper()
	res, err := f.svc.Sync(context.Background(), f.ws, a.ID, nil)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

func (f *fixture) person(t *testing.T, email string) *graph.Person {
	t.Helper()
	l, _, err := f.s.FindPeople(context.Background(), f.ws, graph.PersonFilter{Email: email})
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 1 {
		return nil
	}
	return l[0]
}

func (f *fixture) interactions(t *testing.T, viewer, person string) []*graph.Interaction {
	t.Helper()
	l, _, err := f.s.FindInteractions(context.Background(), f.ws, graph.InteractionFilter{Viewer: viewer, PersonID: person, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var day0 = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)

func TestIMAPSync(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	me := f.addr
	eve := &graph.Person{WorkspaceID: f.ws, Name: "Eve Smith", Emails: []string{"evesmith@gmail.com"}}
	if err := f.s.CreatePerson(ctx, eve); err != nil {
		t.Fatal(err)
	}
	many := make([]string, 30)
	for i := range many {
		many[i] = fmt.Sprintf("r%d@initech.com", i)
	}
	sent := []capturetest.Mail{
		{From: me, To: "=?UTF-8?Q?Ana_D=C3=ADaz?= <ana@globex.com>", Date: day0, Subject: "Hello Ana", MessageID: "m1@x"},
		{From: me, To: "Dan <dan@umbrella.com>", Date: day0.Add(2 * time.Hour), Subject: "No id"},
		{From: me, To: "jorg@umbrella.com", Date: day0.Add(3 * time.Hour), Subject: "Hallo", MessageID: "m8a@x"},
	}
	inbox := []capturetest.Mail{
		{From: "Ana <ana@globex.com>", To: me, Date: day0.Add(24 * time.Hour), Subject: "Re: Hello Ana", MessageID: "m2@x", InReplyTo: "m1@x"},
		{From: "Bob <bob@gmail.com>", To: me, Date: day0.Add(25 * time.Hour), Subject: "Cold email", MessageID: "m3@x"},
		{From: "News <news@shop.example>", To: me, Date: day0, Subject: "Sale", MessageID: "m4@x", Extra: "List-Id: <sale.shop.example>\r\n"},
		{From: "noreply@service.example", To: me, Date: day0, Subject: "Receipt", MessageID: "m5@x"},
		{From: "carol@initech.com", To: me + ", " + strings.Join(many, ", "), Date: day0, Subject: "All hands", MessageID: "m6@x"},
		{From: "Eve <eve.smith+news@googlemail.com>", To: me, Date: day0.Add(26 * time.Hour), Subject: "Hi", MessageID: "m9@x"},
	}
	// An 8-bit header: a Latin-1 name, not encoded.
	latin := []byte(strings.Replace(string(capturetest.Mail{From: "X <jorg@umbrella.com>", To: me,
		Date: day0.Add(27 * time.Hour), Subject: "Re: Hallo", MessageID: "m8b@x", InReplyTo: "m8a@x"}.Bytes()),
		"From: X <", "From: J\xf6rg M\xfcller <", 1))
	bytesOf := func(l []capturetest.Mail) [][]byte {
		var out [][]byte
		for _, m := range l {
			out = append(out, m.Bytes())
		}
		return out
	}
	f.imap.Append(t, me, "Sent", bytesOf(sent)...)
	f.imap.Append(t, me, "INBOX", append(bytesOf(inbox), latin)...)

	a := f.connect(t, graph.CaptureSettings{})
	var phases []string
	res, err := f.svc.Sync(ctx, f.ws, a.ID, func(p capture.Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	if res.Messages != 10 || res.Skipped != 3 || res.Captured != 5 || res.People != 2 {
		t.Errorf("first sync: %+v, want 10 messages, 3 skipped, 5 captured, 2 people", res)
	}
	if want := []string{"connecting", "reading", "done"}; !slices.Equal(phases, want) {
		t.Errorf("phases %v, want %v", phases, want)
	}

	ana := f.person(t, "ana@globex.com")
	if ana == nil || ana.Name != "Ana Díaz" || ana.Source != graph.SourceMail {
		t.Fatalf("Ana: %+v", ana)
	}
	if ana.Company != "Globex" {
		t.Errorf("Ana's company %q, want Globex (from her mail domain)", ana.Company)
	}
	if jorg := f.person(t, "jorg@umbrella.com"); jorg == nil || jorg.Name != "Jörg Müller" {
		t.Errorf("Jörg (8-bit header): %+v", jorg)
	}
	for _, who := range []string{"bob@gmail.com", "dan@umbrella.com", "carol@initech.com", "news@shop.example"} {
		if p := f.person(t, who); p != nil {
			t.Errorf("%s became a person; one-way, bulk and list mail must not", who)
		}
	}
	l := f.interactions(t, f.me.ID, ana.ID)
	if len(l) != 2 {
		t.Fatalf("interactions with Ana: %d, want 2", len(l))
	}
	for _, i := range l {
		want := ana.ID
		if i.At.Equal(day0) {
			want = f.me.PersonID
		}
		if i.InitiatorID != want || i.Kind != graph.KindEmail || i.Notes != "" || i.ThreadID != l[0].ThreadID {
			t.Errorf("interaction %+v: initiator %s wanted, no subject, one thread", i, want)
		}
	}
	if l := f.interactions(t, f.me.ID, eve.ID); len(l) != 1 || l[0].InitiatorID != eve.ID {
		t.Errorf("Eve (matched by a dotted, plus-addressed googlemail address): %d interactions", len(l))
	}
	if l := f.interactions(t, "someone-else", ""); len(l) != 0 {
		t.Errorf("another member sees %d captured interactions, want none", len(l))
	}
	got, err := f.s.FindAccount(ctx, f.ws, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st := got.Status; st.State != graph.SyncOK || st.Messages != 10 || st.Captured != 5 || st.LastSuccessAt.IsZero() || st.LastError != "" {
		t.Errorf("status %+v", st)
	}

	t.Run("NothingNew", func(t *testing.T) {
		res := f.sync(t, a)
		if res.Messages != 0 || res.Captured != 0 {
			t.Errorf("second sync: %+v, want nothing", res)
		}
	})

	t.Run("TwoWayLater", func(t *testing.T) {
		f.imap.Append(t, me, "Sent", capturetest.Mail{From: me, To: "bob@gmail.com", Date: day0.Add(48 * time.Hour),
			Subject: "Re: Cold email", MessageID: "m10@x", InReplyTo: "m3@x"}.Bytes())
		res := f.sync(t, a)
		bob := f.person(t, "bob@gmail.com")
		if bob == nil || res.People != 1 || res.Captured != 2 {
			t.Fatalf("after the reply: %+v, Bob %+v", res, bob)
		}
		if bob.Company != "" {
			t.Errorf("a gmail.com address made an organisation: %q", bob.Company)
		}
		l := f.interactions(t, f.me.ID, bob.ID)
		if len(l) != 2 || l[1].InitiatorID != bob.ID || l[0].InitiatorID != f.me.PersonID {
			t.Errorf("Bob's interactions: %d (the held message and the reply, his first)", len(l))
		}
	})

	t.Run("UIDValidityChange", func(t *testing.T) {
		before := len(f.interactions(t, f.me.ID, ""))
		all := append(bytesOf(sent), capturetest.Mail{From: me, To: "bob@gmail.com", Date: day0.Add(48 * time.Hour),
			Subject: "Re: Cold email", MessageID: "m10@x", InReplyTo: "m3@x"}.Bytes())
		f.imap.Renumber(t, me, "Sent", all...)
		res := f.sync(t, a)
		if !slices.Equal(res.Resynced, []string{"Sent"}) || res.Messages != 4 || res.Captured != 0 {
			t.Errorf("after the renumbering: %+v, want Sent read again and nothing new", res)
		}
		if after := len(f.interactions(t, f.me.ID, "")); after != before {
			t.Errorf("interactions %d after a full resync, want %d (no duplicates)", after, before)
		}
	})

	t.Run("DuplicateAccount", func(t *testing.T) {
		_, err := f.svc.Connect(ctx, f.me, capture.ConnectInput{Kind: graph.AccountIMAP, Host: f.imap.Host,
			Port: f.imap.Port, TLS: graph.TLSStart, Username: strings.ToUpper(f.addr), Password: f.imap.Password})
		if graph.ErrorCode(err) != graph.ECONFLICT {
			t.Errorf("connecting the same mailbox again: %v, want a conflict", err)
		}
	})
}

func mustSealer(tb testing.TB) *capture.Sealer {
	tb.Helper()
	s, err := capture.NewSealer(testKey())
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// workspaceAs makes a workspace whose owner's email is email.
func workspaceAs(tb testing.TB, s *neo4j.Store, email string) (*graph.Workspace, *graph.User) {
	tb.Helper()
	w, me := neo4jtest.Workspace(tb, s)
	ctx := context.Background()
	if _, err := s.UpdateUser(ctx, w.ID, me.ID, graph.UserUpdate{Email: &email}); err != nil {
		tb.Fatal(err)
	}
	me, err := s.FindUser(ctx, w.ID, me.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return w, me
}
