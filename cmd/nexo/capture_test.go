package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture/capturetest"
)

func runCLIInput(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// TestConnectMailbox follows the README: connect a mailbox, sync it, see
// the accounts; then import an mbox, and check the secret key file.
func TestConnectMailbox(t *testing.T) {
	im := capturetest.Dovecot(t)
	_, owner, _, token := reportWorkspace(t)
	data := t.TempDir()
	t.Setenv("NEXO_DATA_DIR", data)
	t.Setenv("NEXO_SECRET_KEY", "")
	t.Setenv("NEXO_OUTBOUND_ALLOW", "127.0.0.1")
	t.Setenv("NEXO_CAPTURE_CA", os.Getenv("NEXO_TEST_IMAP_CA"))
	t.Setenv("NEXO_TOKEN", token)
	me := capturetest.NewUser("cli")
	at := time.Now().UTC().Add(-72 * time.Hour)
	im.Append(t, me, "Sent", capturetest.Mail{From: me, To: "Ana <ana@globex.example>", Date: at, Subject: "hi", MessageID: "c1@x"}.Bytes())
	im.Append(t, me, "INBOX", capturetest.Mail{From: "Ana <ana@globex.example>", To: me, Date: at.Add(time.Hour), Subject: "re",
		MessageID: "c2@x", InReplyTo: "c1@x"}.Bytes())

	out, _, err := runCLIInput(t, im.Password+"\n", "connect", "imap", "--host", im.Host, "--port", strconv.Itoa(im.TLSPort),
		"--user", me, "--password-stdin")
	if err != nil || !strings.Contains(out, "Connected imap "+me) {
		t.Fatalf("connect: %v %s", err, out)
	}
	st, err := os.Stat(filepath.Join(data, "secret.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret key file: %v %v, want one of mode 0600", st, err)
	}
	out, errOut, err := runCLIInput(t, "", "sync")
	if err != nil || !strings.Contains(out, "2 messages read, 2 captured, 1 person created, 0 skipped") {
		t.Fatalf("sync: %v\n%s\n%s", err, out, errOut)
	}
	if strings.Contains(errOut, "\r") {
		t.Errorf("progress redrawn with \\r on a stream that is no terminal: %q", errOut)
	}
	out, _, err = runCLIInput(t, "", "accounts", "--format", "json")
	var l []graph.Account
	if err != nil || json.Unmarshal([]byte(out), &l) != nil || len(l) != 1 || l[0].Status.State != graph.SyncOK ||
		l[0].UserID != owner.ID || strings.Contains(out, im.Password) {
		t.Fatalf("accounts: %v %s", err, out)
	}

	t.Run("WrongPassword", func(t *testing.T) {
		_, _, err := runCLIInput(t, "nope\n", "connect", "imap", "--host", im.Host, "--port", strconv.Itoa(im.TLSPort),
			"--user", capturetest.NewUser("cli"), "--password-stdin")
		if err == nil || !strings.Contains(errorText(err), "refused the user name or password") {
			t.Errorf("connect with a wrong password: %v", err)
		}
	})

	t.Run("ImportMbox", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "takeout.mbox")
		mbox := fmt.Sprintf("From x Mon Jan  5 10:00:00 2026\nFrom: %s\nTo: bo@initech.example\nMessage-ID: <i1@x>\n\nhi\n\n"+
			"From x Mon Jan  5 11:00:00 2026\nFrom: Bo <bo@initech.example>\nTo: %s\nMessage-ID: <i2@x>\n\nhey\n", me, me)
		if err := os.WriteFile(path, []byte(mbox), 0o600); err != nil {
			t.Fatal(err)
		}
		out, _, err := runCLIInput(t, "", "import", path)
		if err != nil || !strings.Contains(out, "2 messages read: 2 interactions captured, 1 person created") {
			t.Fatalf("import: %v %s", err, out)
		}
	})
}

func TestSecretKey(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{DataDir: dir}
	k1, err := secretKey(cfg)
	if err != nil || len(k1) < 32 {
		t.Fatalf("first start: %v, %d bytes", err, len(k1))
	}
	path := filepath.Join(dir, "secret.key")
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v, want mode 0600", st, err)
	}
	if k2, err := secretKey(cfg); err != nil || string(k2) != string(k1) {
		t.Errorf("second start: another key or %v", err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := secretKey(cfg); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Errorf("a key file others can read: %v, want refused", err)
	}
	if _, err := secretKey(Config{DataDir: dir, SecretKey: "short"}); err == nil {
		t.Error("a short NEXO_SECRET_KEY was taken")
	}
	if k, err := secretKey(Config{DataDir: dir, SecretKey: strings.Repeat("k", 40)}); err != nil || string(k) != strings.Repeat("k", 40) {
		t.Errorf("NEXO_SECRET_KEY: %q %v", k, err)
	}
}
