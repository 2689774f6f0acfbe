package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/outbound"
)

// Connected accounts (graph/capture): the secret key that seals their
// passwords, the network they are reached through, the scheduler, and the
// commands connect, sync and accounts.

func init() {
	register(newConnectCmd)
	register(newSyncCmd)
	register(newAccountsCmd)
}

// secretKey returns the key that seals account passwords: NEXO_SECRET_KEY,
// or the key file in the data folder, made (mode 0600) on first use.
// Losing it makes stored passwords unreadable: accounts then ask for them
// again; nothing else is lost.
func secretKey(cfg Config) ([]byte, error) {
	if k := cfg.SecretKey; k != "" {
		if len(k) < 32 {
			return nil, errors.New("NEXO_SECRET_KEY must be at least 32 characters (e.g. openssl rand -base64 32)")
		}
		return []byte(k), nil
	}
	path := filepath.Join(cfg.DataDir, "secret.key")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, err
		}
		b = []byte(base64.StdEncoding.EncodeToString(raw) + "\n")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return secretKey(cfg) // another nexo made it meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("create the secret key file: %w", err)
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("read the secret key file: %w", err)
	} else if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s is readable by others (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	k := strings.TrimSpace(string(b))
	if len(k) < 32 {
		return nil, fmt.Errorf("%s holds no key (fewer than 32 characters)", path)
	}
	return []byte(k), nil
}

// newCaptureService builds the capture service of a running program; its
// connections to mail and calendar servers go through out. The secret key
// is read (or made) when an account first needs it, or at once with eager
// (serve: a key that cannot be read stops the start).
func newCaptureService(m *Main, out *outbound.Policy, eager bool) (*capture.Service, error) {
	cfg := capture.Config{Store: m.schedulerStore(), Logger: m.Logger, Network: out,
		Key: func() ([]byte, error) { return secretKey(m.Config) }}
	if eager {
		key, err := secretKey(m.Config)
		if err != nil {
			return nil, err
		}
		if cfg.Sealer, err = capture.NewSealer(key); err != nil {
			return nil, err
		}
	}
	if m.Config.CaptureCA != "" {
		pem, err := os.ReadFile(m.Config.CaptureCA)
		if err != nil {
			return nil, fmt.Errorf("NEXO_CAPTURE_CA: %w", err)
		}
		if cfg.RootCAs, err = x509.SystemCertPool(); err != nil {
			cfg.RootCAs = x509.NewCertPool()
		}
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("NEXO_CAPTURE_CA: no certificate in %s", m.Config.CaptureCA)
		}
	}
	return capture.NewService(cfg), nil
}

func newConnectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connect imap|caldav|carddav",
		Short: "Connect a mailbox, calendar or address book to capture interactions automatically",
		Long: `Connect one of your accounts. Nexo logs in first and refuses a wrong password at once; the
password is encrypted at rest and never shown again. Give it on standard input (--password-stdin)
or at the prompt; for Gmail, Outlook or iCloud use an app password.

Only metadata is captured (who, when, who wrote, the conversation); subjects only with --subjects.
Mailing lists and bulk or automated mail are skipped; unknown correspondents become people once the
exchange is two-way (--create-people). Then run nexo sync, or let nexo serve sync every 15 minutes.`,
	}
	var cf clientFlags
	var host, tlsMode, url, user, createPeople string
	var port, maxRecipients int
	var passwordStdin, subjects bool
	var sent, exclude []string
	kind := func(k graph.AccountKind) *cobra.Command {
		sub := &cobra.Command{Use: string(k), Args: cobra.NoArgs}
		switch k {
		case graph.AccountIMAP:
			sub.Short = "Connect an IMAP mailbox: nexo connect imap --host imap.example.com --user me@example.com"
			sub.Flags().StringVar(&host, "host", "", "the IMAP server")
			sub.Flags().IntVar(&port, "port", 0, "its port (default 993, or 143 with --tls starttls)")
			sub.Flags().StringVar(&tlsMode, "tls", "tls", "tls or starttls")
			sub.Flags().StringArrayVar(&sent, "sent-folder", nil, "the folder of sent mail, when the server does not mark one")
		default:
			sub.Short = "Connect a " + strings.ToUpper(string(k)[:3]) + "DAV server: nexo connect " + string(k) + " --url https://dav.example.com/"
			sub.Flags().StringVar(&url, "url", "", "the server, your principal, or one collection")
		}
		sub.Flags().StringVar(&user, "user", "", "your user name")
		sub.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input")
		sub.Flags().BoolVar(&subjects, "subjects", false, "keep subjects and meeting titles (only you see them)")
		sub.Flags().StringVar(&createPeople, "create-people", graph.CreateTwoWay, "never, two-way or all")
		sub.Flags().IntVar(&maxRecipients, "max-recipients", 0, "skip messages to more people than this (default 20)")
		sub.Flags().StringArrayVar(&exclude, "exclude", nil, "an address, @domain or folder never to capture (repeat)")
		cf.add(sub)
		sub.RunE = func(cmd *cobra.Command, _ []string) error {
			password, err := readPassword(cmd, passwordStdin)
			if err != nil {
				return err
			}
			set := graph.CaptureSettings{Subjects: subjects, CreatePeople: createPeople, MaxRecipients: maxRecipients,
				SentFolders: sent}
			for _, e := range exclude {
				switch {
				case strings.HasPrefix(e, "@"):
					set.ExcludeDomains = append(set.ExcludeDomains, e[1:])
				case strings.Contains(e, "@"):
					set.ExcludeAddresses = append(set.ExcludeAddresses, e)
				default:
					set.ExcludeFolders = append(set.ExcludeFolders, e)
				}
			}
			c, err := cf.connect(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer c.Close()
			var a graph.Account
			err = c.do(cmd.Context(), "POST", "/api/v1/accounts", nil, map[string]any{"kind": k, "host": host, "port": port,
				"tls": tlsMode, "url": url, "username": user, "password": password, "settings": set}, &a)
			if err != nil {
				return err
			}
			if cf.format == "json" {
				return printJSON(cmd.OutOrStdout(), a)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Connected %s (%s). Run nexo sync to read it now.\n", describeAccount(&a), a.ID)
			return nil
		}
		return sub
	}
	cmd.AddCommand(kind(graph.AccountIMAP), kind(graph.AccountCalDAV), kind(graph.AccountCardDAV))
	return cmd
}

// readPassword reads a password from standard input (one line) or, on a
// terminal, asks for it without echoing it.
func readPassword(cmd *cobra.Command, fromStdin bool) (string, error) {
	in := cmd.InOrStdin()
	if !fromStdin {
		if f, ok := in.(*os.File); !ok || !isTerminal(f) {
			return "", errors.New("give the password with --password-stdin (e.g. printf '%s' \"$APP_PASSWORD\" | nexo connect ...)")
		}
		fmt.Fprint(cmd.ErrOrStderr(), "Password (not shown): ")
		restore := noEcho(in.(*os.File))
		defer fmt.Fprintln(cmd.ErrOrStderr())
		defer restore()
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	p := strings.TrimRight(line, "\r\n")
	if p == "" {
		return "", errors.New("no password given")
	}
	return p, nil
}

func describeAccount(a *graph.Account) string {
	if a.Kind == graph.AccountIMAP {
		return fmt.Sprintf("imap %s@%s", a.Username, a.Host)
	}
	return fmt.Sprintf("%s %s", a.Kind, a.URL)
}

func printJSON(w io.Writer, v any) error {
	enc := newJSONEncoder(w)
	return enc.Encode(v)
}

func newSyncCmd() *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{
		Use:   "sync [ACCOUNT]",
		Short: "Sync your connected accounts now (all of them, or one by id)",
		Long: `Read what is new in your connected mailboxes, calendars and address books and capture it.
Progress shows as a bar on a terminal and as plain lines otherwise. A sync that stops (Ctrl-C, a
dropped connection) resumes where it stopped the next time; nothing is counted twice.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.connect(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer c.Close()
			var l struct{ Items []graph.Account }
			if err := c.do(cmd.Context(), "GET", "/api/v1/accounts", nil, nil, &l); err != nil {
				return err
			}
			if len(args) == 1 {
				l.Items = filterAccounts(l.Items, args[0])
				if len(l.Items) == 0 {
					return fmt.Errorf("no account %q: nexo accounts lists yours", args[0])
				}
			}
			if len(l.Items) == 0 {
				return errors.New("no connected accounts: connect one with nexo connect imap|caldav|carddav")
			}
			var results []*capture.Result
			failed := 0
			for _, a := range l.Items {
				res, err := syncOne(cmd.Context(), c, &a, cmd.ErrOrStderr())
				if err != nil {
					failed++
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", describeAccount(&a), errorText(err))
					continue
				}
				results = append(results, res)
				if cf.format != "json" {
					fmt.Fprintf(cmd.OutOrStdout(), "%s: %s read, %d captured, %s created, %d skipped\n",
						describeAccount(&a), count(res.Messages, "message", "messages"), res.Captured,
						count(res.People, "person", "people"), res.Skipped)
				}
			}
			if cf.format == "json" {
				if err := printJSON(cmd.OutOrStdout(), results); err != nil {
					return err
				}
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d accounts failed; nexo accounts shows why", failed, len(l.Items))
			}
			return nil
		},
	}
	cf.add(cmd)
	return cmd
}

func filterAccounts(l []graph.Account, key string) []graph.Account {
	var out []graph.Account
	for _, a := range l {
		if a.ID == key || strings.EqualFold(a.Username, key) {
			out = append(out, a)
		}
	}
	return out
}

// syncOne starts a sync job and follows it to its end.
func syncOne(ctx context.Context, c *apiClient, a *graph.Account, stderr io.Writer) (*capture.Result, error) {
	var job api.Job
	if err := c.do(ctx, "POST", "/api/v1/accounts/"+a.ID+"/sync", nil, nil, &job); err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "Syncing %s\n", describeAccount(a))
	bar := &progressLine{w: stderr}
	for job.State == api.JobRunning {
		time.Sleep(200 * time.Millisecond)
		if err := c.do(ctx, "GET", "/api/v1/jobs/"+job.ID, nil, nil, &job); err != nil {
			return nil, err
		}
		bar.show(job.Phase, job.Done, job.Total, "messages")
	}
	bar.done()
	if job.Error != nil {
		return nil, &graph.Error{Code: job.Error.Code, Message: job.Error.Message}
	}
	var res capture.Result
	return &res, json.Unmarshal(job.Result, &res)
}

func newAccountsCmd() *cobra.Command {
	return apiCommand("accounts", "List your connected accounts with their status (last sync, counts, last error)", cobra.NoArgs, nil,
		func(ctx context.Context, c *apiClient, _ []string) (any, func(io.Writer), error) {
			var l struct{ Items []graph.Account }
			if err := c.do(ctx, "GET", "/api/v1/accounts", nil, nil, &l); err != nil {
				return nil, nil, err
			}
			return l.Items, func(w io.Writer) {
				fmt.Fprintln(w, "ID\tACCOUNT\tSTATE\tLAST SYNC\tMESSAGES\tCAPTURED\tPEOPLE\tSKIPPED\tLAST ERROR")
				for _, a := range l.Items {
					last := "never"
					if !a.Status.LastSyncAt.IsZero() {
						last = a.Status.LastSyncAt.Local().Format("2006-01-02 15:04")
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", a.ID, describeAccount(&a), a.Status.State, last,
						a.Status.Messages, a.Status.Captured, a.Status.People, a.Status.Skipped, a.Status.LastError)
				}
			}, nil
		})
}

func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc
}

// noEcho turns the terminal's echo off until the returned function runs.
func noEcho(f *os.File) func() {
	run := func(arg string) {
		c := exec.Command("stty", arg)
		c.Stdin = f
		_ = c.Run()
	}
	run("-echo")
	return func() { run("echo") }
}

// isMailFile reports whether path is a Maildir folder or an mbox file.
func isMailFile(path string) bool {
	st, err := os.Stat(path)
	if err != nil {
		return false
	}
	if st.IsDir() {
		return true
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 5)
	n, _ := io.ReadFull(f, head)
	return capture.IsMbox(head[:n])
}

// importMail captures an mbox or Maildir: through a running server for an
// mbox (an upload, as any import), or directly against the store.
func importMail(cmd *cobra.Command, cf clientFlags, path string, dryRun bool) error {
	if dryRun {
		return errors.New("--dry-run is not available for mail files (importing one twice adds nothing)")
	}
	ctx, stderr := cmd.Context(), cmd.ErrOrStderr()
	var res *capture.Result
	if server := firstNonEmpty(cf.server, os.Getenv("NEXO_URL")); server != "" {
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			return errors.New("a Maildir folder is imported without --server (nexo reads it from this machine's disk)")
		}
		rep, err := uploadMail(ctx, cf, server, path, stderr)
		if err != nil {
			return err
		}
		res = rep
	} else {
		m, user, err := principalFromToken(ctx, cf, stderr)
		if err != nil {
			return err
		}
		defer m.Close()
		svc := capture.NewService(capture.Config{Store: m.Store, Logger: m.Logger})
		closer, src, err := capture.OpenMailFile(path, graph.CaptureSettings{})
		if err != nil {
			return err
		}
		defer closer.Close()
		bar := &progressLine{w: stderr}
		res, err = svc.ImportMail(ctx, user, src, graph.CaptureSettings{}, func(p capture.Progress) {
			bar.show(p.Phase, p.Done>>10, p.Total>>10, "KiB")
		})
		bar.done()
		if err != nil {
			return err
		}
	}
	if cf.format == "json" {
		return printJSON(cmd.OutOrStdout(), res)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s read: %s captured, %s created, %d skipped.\n", count(res.Messages, "message", "messages"),
		count(res.Captured, "interaction", "interactions"), count(res.People, "person", "people"), res.Skipped)
	for _, w := range res.Warnings {
		fmt.Fprintf(cmd.OutOrStdout(), "Warning: %s\n", w)
	}
	return nil
}

// uploadMail uploads an mbox to a running server, which captures it.
func uploadMail(ctx context.Context, cf clientFlags, server, path string, stderr io.Writer) (*capture.Result, error) {
	raw, err := upload(ctx, cf, server, path, nil, stderr)
	if err != nil {
		return nil, err
	}
	var res capture.Result
	return &res, json.Unmarshal(raw, &res)
}
