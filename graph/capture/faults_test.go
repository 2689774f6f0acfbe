package capture_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/capture/capturetest"
)

func (f *fixture) connectAt(t *testing.T, port int, mode, password string) *graph.Account {
	t.Helper()
	a, err := f.svc.Connect(context.Background(), f.me, capture.ConnectInput{Kind: graph.AccountIMAP, Host: f.imap.Host,
		Port: port, TLS: mode, Username: f.addr, Password: password})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return a
}

func (f *fixture) status(t *testing.T, a *graph.Account) graph.AccountStatus {
	t.Helper()
	got, err := f.s.FindAccount(context.Background(), f.ws, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.Status
}

// conversation is n two-way exchanges with distinct people.
func conversation(me string, n int) (sent, inbox [][]byte) {
	for i := range n {
		who := fmt.Sprintf("p%d@corp%d.example", i, i%3)
		at := day0.Add(time.Duration(i) * time.Hour)
		sent = append(sent, capturetest.Mail{From: me, To: who, Date: at, Subject: "s", MessageID: fmt.Sprintf("s%d@x", i)}.Bytes())
		inbox = append(inbox, capturetest.Mail{From: who, To: me, Date: at.Add(time.Minute), Subject: "r",
			MessageID: fmt.Sprintf("r%d@x", i), InReplyTo: fmt.Sprintf("s%d@x", i)}.Bytes())
	}
	return sent, inbox
}

func TestIMAPFaults(t *testing.T) {
	ctx := context.Background()

	t.Run("WrongPassword", func(t *testing.T) {
		f := newFixture(t)
		f.imap.Append(t, f.addr, "INBOX", capturetest.Mail{From: "a@corp.example", To: f.addr, Date: day0, MessageID: "w1@x"}.Bytes())
		_, err := f.svc.Connect(ctx, f.me, capture.ConnectInput{Kind: graph.AccountIMAP, Host: f.imap.Host,
			Port: f.imap.TLSPort, Username: f.addr, Password: "wrong", Verify: true})
		if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(graph.ErrorMessage(err), "refused the user name or password") {
			t.Fatalf("connect with a wrong password: %v", err)
		}
		// A password that was right once and no longer is (revoked app password).
		a := f.connectAt(t, f.imap.TLSPort, graph.TLSImplicit, "wrong")
		_, err = f.svc.Sync(ctx, f.ws, a.ID, nil)
		var fail *capture.Failure
		if !errors.As(err, &fail) || fail.Code != capture.FailAuth {
			t.Fatalf("sync: %v, want an auth failure", err)
		}
		st := f.status(t, a)
		if st.State != graph.SyncFailed || st.ErrorCode != capture.FailAuth || !strings.Contains(st.LastError, "app password") {
			t.Errorf("status %+v", st)
		}
		if strings.Contains(st.LastError, "wrong") {
			t.Errorf("the status shows the password: %q", st.LastError)
		}
		secret, _ := f.svc.Seal(a, f.imap.Password)
		if _, err := f.s.UpdateAccount(ctx, f.ws, a.ID, graph.AccountUpdate{Secret: secret}); err != nil {
			t.Fatal(err)
		}
		f.sync(t, a)
		if st := f.status(t, a); st.State != graph.SyncOK || st.LastError != "" || st.Messages != 1 {
			t.Errorf("after fixing the password: %+v", st)
		}
	})

	t.Run("ExpiredCertificate", func(t *testing.T) {
		f := newFixture(t)
		if f.imap.ExpiredPort == 0 {
			t.Fatal("the test Dovecot has no expired-certificate port")
		}
		a := f.connectAt(t, f.imap.ExpiredPort, graph.TLSImplicit, f.imap.Password)
		_, err := f.svc.Sync(ctx, f.ws, a.ID, nil)
		var fail *capture.Failure
		if !errors.As(err, &fail) || fail.Code != capture.FailCertExpired {
			t.Fatalf("sync: %v, want an expired certificate", err)
		}
		if st := f.status(t, a); st.State != graph.SyncFailed || !strings.Contains(st.LastError, "has expired") {
			t.Errorf("status %+v", st)
		}
	})

	t.Run("STARTTLS", func(t *testing.T) {
		f := newFixture(t)
		f.imap.Append(t, f.addr, "INBOX", capturetest.Mail{From: "a@corp.example", To: f.addr, Date: day0, MessageID: "t1@x"}.Bytes())
		a := f.connectAt(t, f.imap.Port, graph.TLSStart, f.imap.Password)
		if res := f.sync(t, a); res.Messages != 1 {
			t.Errorf("sync over STARTTLS: %+v", res)
		}
	})

	t.Run("ServerGoneMidSync", func(t *testing.T) {
		f := newFixture(t)
		sent, inbox := conversation(f.addr, 12)
		f.imap.Append(t, f.addr, "Sent", sent...)
		f.imap.Append(t, f.addr, "INBOX", inbox...)
		px := newProxy(t, net.JoinHostPort(f.imap.Host, strconv.Itoa(f.imap.TLSPort)))
		a := f.connectAt(t, px.port, graph.TLSImplicit, f.imap.Password)
		_, err := f.svc.Sync(ctx, f.ws, a.ID, func(p capture.Progress) {
			if p.Done >= 6 {
				px.cut() // the server vanishes after two steps were written
			}
		})
		var fail *capture.Failure
		if !errors.As(err, &fail) || fail.Code != capture.FailNetwork && fail.Code != capture.FailTimeout {
			t.Fatalf("sync: %v, want the connection lost", err)
		}
		st := f.status(t, a)
		if st.State != graph.SyncFailed || !strings.Contains(st.LastError, "resumes") || st.Messages == 0 || st.Messages >= 24 {
			t.Fatalf("status after the cut %+v: want failed, with what was written before it kept", st)
		}
		px.restore()
		res := f.sync(t, a)
		if res.Messages+st.Messages != 24 {
			t.Errorf("the second sync read %d messages after %d: want the rest of 24, none twice", res.Messages, st.Messages)
		}
		if n := len(f.interactions(t, f.me.ID, "")); n != 24 {
			t.Errorf("%d interactions, want 24", n)
		}
		if st := f.status(t, a); st.State != graph.SyncOK || st.Captured != 24 {
			t.Errorf("status after recovery %+v", st)
		}
	})

	t.Run("BadMessages", func(t *testing.T) {
		f := newFixture(t)
		many := make([]string, 500)
		for i := range many {
			many[i] = fmt.Sprintf("r%d@big.example", i)
		}
		msgs := [][]byte{
			capturetest.Mail{From: "boss@big.example", To: f.addr + ", " + strings.Join(many, ", "), Date: day0, MessageID: "b1@x"}.Bytes(),
			// Malformed: a line that is no field, an unbalanced quote, no Date (INTERNALDATE stands in).
			[]byte("Garbage line without a colon\r\nFrom: \"Unclosed <odd@corp.example>\r\nTo: " + f.addr +
				"\r\nMessage-ID: <b2@x>\r\nSubject: =?bogus?Q?x?=\r\n\r\nbody\r\n"),
		}
		f.imap.Append(t, f.addr, "INBOX", msgs...)
		a := f.connect(t, graph.CaptureSettings{CreatePeople: graph.CreateAll})
		res := f.sync(t, a)
		if res.Messages != 2 || res.Skipped != 1 || res.Reasons["more than 20 recipients"] != 1 || res.Captured != 1 {
			t.Errorf("sync: %+v", res)
		}
		if p := f.person(t, "odd@corp.example"); p == nil {
			t.Error("the sender of the malformed message was not read")
		}
		if p := f.person(t, "r1@big.example"); p != nil {
			t.Error("a recipient of the 500-recipient message became a person")
		}
	})
}

// proxy forwards TCP to a server and can cut every connection at once, as
// a server that dies or a network that drops would.
type proxy struct {
	ln     net.Listener
	port   int
	target string
	down   atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, port: ln.Addr().(*net.TCPAddr).Port, target: target}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if p.down.Load() {
				c.Close()
				continue
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

// cut closes every connection and refuses new ones until restore.
func (p *proxy) cut() {
	p.down.Store(true)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) restore() { p.down.Store(false) }

func TestSchedulerTick(t *testing.T) {
	f := newFixture(t)
	f.imap.Append(t, f.addr, "INBOX", capturetest.Mail{From: "a@corp.example", To: f.addr, Date: day0, MessageID: "s1@x"}.Bytes())
	a := f.connect(t, graph.CaptureSettings{})
	second := *f
	second.addr = capturetest.NewUser("paused")
	paused := second.connectAt(t, f.imap.Port, graph.TLSStart, f.imap.Password)
	set := graph.CaptureSettings{Paused: true}
	if _, err := f.s.UpdateAccount(context.Background(), f.ws, paused.ID, graph.AccountUpdate{Settings: &set}); err != nil {
		t.Fatal(err)
	}
	sched := capture.NewScheduler(f.svc, capture.SchedulerOptions{Interval: time.Hour})
	if err := sched.TickWorkspace(context.Background(), f.ws); err != nil {
		t.Fatal(err)
	}
	if st := f.status(t, a); st.State != graph.SyncOK || st.Messages != 1 {
		t.Fatalf("after a tick: %+v, want the account synced", st)
	}
	if st := f.status(t, paused); st.State != graph.SyncIdle {
		t.Errorf("a paused account was synced: %+v", st)
	}
	last := f.status(t, a).LastSyncAt
	if err := sched.TickWorkspace(context.Background(), f.ws); err != nil {
		t.Fatal(err)
	}
	if st := f.status(t, a); !st.LastSyncAt.Equal(last) {
		t.Errorf("synced again within the interval: %s then %s", last, st.LastSyncAt)
	}
}

// TestKilledSyncLapses: a sync whose process died (kill -9) holds its
// account until its claim lapses; then the next sync runs.
func TestKilledSyncLapses(t *testing.T) {
	f := newFixture(t)
	f.imap.Append(t, f.addr, "INBOX", capturetest.Mail{From: "a@corp.example", To: f.addr, Date: day0, MessageID: "k1@x"}.Bytes())
	a := f.connect(t, graph.CaptureSettings{})
	now := time.Now().UTC()
	if _, err := f.s.ClaimAccount(context.Background(), f.ws, a.ID, now, now.Add(2*time.Minute)); err != nil {
		t.Fatal(err) // the dead process's claim
	}
	if _, err := f.svc.Sync(context.Background(), f.ws, a.ID, nil); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Fatalf("a sync while the claim holds: %v, want a conflict", err)
	}
	later := capture.NewService(capture.Config{Store: f.s, Sealer: mustSealer(t), Network: capturetest.Network(t),
		RootCAs: f.imap.CA, Now: func() time.Time { return time.Now().Add(3 * time.Minute) }})
	if res, err := later.Sync(context.Background(), f.ws, a.ID, nil); err != nil || res.Messages != 1 {
		t.Fatalf("a sync after the claim lapsed: %+v %v", res, err)
	}
}
