package capture_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

func TestImportMailFiles(t *testing.T) {
	s := neo4jtest.Open(t)
	w, me := workspaceAs(t, s, "me@home.example")
	ctx := context.Background()
	sealer := mustSealer(t)
	svc := capture.NewService(capture.Config{Store: s, Sealer: sealer, StepSize: 2})

	mbox := "From x Mon Jan  5 10:00:00 2026\nFrom: me@home.example\nTo: Ana <ana@globex.example>\nMessage-ID: <1@x>\nX-Gmail-Labels: Sent\n\nhi\n\n" +
		"From x Mon Jan  5 11:00:00 2026\nFrom: Ana <ana@globex.example>\nTo: me@home.example\nMessage-ID: <2@x>\n\nhello\n\n" +
		"From x Mon Jan  5 12:00:00 2026\nFrom: Ana <ana@globex.example>\nTo: me@home.example\nMessage-ID: <3@x>\nX-Gmail-Labels: Private\n\nsecret\n\n" +
		"From x Mon Jan  5 13:00:00 2026\nFrom: bob@globex.example\nTo: me@home.example\nMessage-ID: <4@x>\n\nhey\n\n" +
		"From x Mon Jan  5 14:00:00 2026\nFrom: ana@globex.example\nTo: me@ho"
	set := graph.CaptureSettings{ExcludeFolders: []string{"Private"}}
	res, err := svc.ImportMail(ctx, me, capture.NewMbox(strings.NewReader(mbox), int64(len(mbox))), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != 5 || res.Captured != 2 || res.People != 1 || res.Skipped != 2 || len(res.Warnings) != 1 {
		t.Errorf("mbox: %+v, want 5 read, 2 captured, Ana created, the Private one and the cut one skipped, a warning", res)
	}
	l, _, err := s.FindPeople(ctx, w.ID, graph.PersonFilter{Email: "ana@globex.example"})
	if err != nil || len(l) != 1 || l[0].Company != "Globex" {
		t.Fatalf("Ana: %+v %v", l, err)
	}

	t.Run("Again", func(t *testing.T) {
		res, err := svc.ImportMail(ctx, me, capture.NewMbox(strings.NewReader(mbox), 0), set, nil)
		if err != nil || res.Captured != 0 || res.People != 0 {
			t.Errorf("the same mbox again: %+v %v, want nothing new", res, err)
		}
	})

	t.Run("Maildir", func(t *testing.T) {
		dir := t.TempDir()
		write := func(sub, name, body string) {
			p := filepath.Join(dir, sub)
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(p, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write(".Sent/cur", "1:2,S", "From: me@home.example\r\nTo: bob@globex.example\r\nDate: Tue, 6 Jan 2026 09:00:00 +0000\r\nMessage-ID: <5@x>\r\n\r\nreply\r\n")
		write("new", "2", "From: bob@globex.example\r\nTo: me@home.example\r\nDate: Tue, 6 Jan 2026 10:00:00 +0000\r\nMessage-ID: <6@x>\r\n\r\nthanks\r\n")
		write("tmp", "3", "From: eve@x.example\r\n\r\nbeing delivered\r\n")
		closer, src, err := capture.OpenMailFile(dir, graph.CaptureSettings{})
		if err != nil {
			t.Fatal(err)
		}
		defer closer.Close()
		res, err := svc.ImportMail(ctx, me, src, graph.CaptureSettings{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Bob wrote before (held from the mbox); now the member answered: he
		// becomes a person with all three messages.
		if res.Messages != 2 || res.People != 1 || res.Captured != 3 {
			t.Errorf("maildir: %+v, want Bob created with 3 interactions", res)
		}
	})
}
