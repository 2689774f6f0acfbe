package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/importer"
)

func init() {
	register(newImportCmd)
	register(newExportCmd)
}

func newImportCmd() *cobra.Command {
	var cf clientFlags
	var format, charset string
	var dryRun, noAutoMerge bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import contacts or interactions: LinkedIn (CSV or export ZIP), Google CSV, vCard, interactions CSV, .ics, Nexo backup",
		Long: `Import a file into your workspace, all or nothing. The format is recognised from the content
unless --type names it. Importing the same file twice changes nothing; a re-import updates
imported fields but never what you wrote yourself (notes, manual strengths, fields you edited).

Formats: linkedin (Connections.csv or the whole data-export ZIP), google (Google Contacts CSV),
vcard (.vcf), interactions (CSV: date,person,kind,notes,initiated_by), ics (calendar events with
attendees become meetings), nexo (a backup made with nexo export).

A backup is a restore, for owners only (the token's member must be an owner of the workspace).
Into the workspace it came from it keeps the ids; into another one (say, a new workspace made
with nexo token create --workspace NAME) it remaps every id and merges the backup's owner's own
person into yours. Members it lists come in as members at most, and notes and logged
interactions are written as yours: a file never speaks for anyone else.

Mail: an mbox file (Google Takeout, Thunderbird) or a Maildir folder is captured like a connected
mailbox: metadata only, lists and bulk mail skipped, correspondents become people once the exchange
is two-way. It is read as a stream, whatever its size.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := importer.ParseFormat(format)
			if err != nil {
				return err
			}
			if f == importer.FormatAuto && isMailFile(args[0]) {
				return importMail(cmd, cf, args[0], dryRun)
			}
			var rep *importer.Report
			if server := firstNonEmpty(cf.server, os.Getenv("NEXO_URL")); server != "" {
				rep, err = importViaServer(cmd.Context(), cf, server, args[0], f, charset, dryRun, noAutoMerge, cmd.ErrOrStderr())
			} else {
				rep, err = importDirect(cmd.Context(), cf, args[0], f, charset, dryRun, noAutoMerge, cmd.ErrOrStderr())
			}
			if err != nil {
				return err
			}
			return printReport(cmd.OutOrStdout(), cf.format, rep)
		},
	}
	cf.add(cmd)
	cmd.Flags().StringVar(&format, "type", "auto", "the file's format: auto, linkedin, google, vcard, interactions, ics or nexo")
	cmd.Flags().StringVar(&charset, "charset", "", "the file's encoding when not UTF-8 (e.g. windows-1252)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "report what would change without writing")
	cmd.Flags().BoolVar(&noAutoMerge, "no-auto-merge", false, "leave people who share an email, profile or UID with someone for you to merge")
	return cmd
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func importDirect(ctx context.Context, cf clientFlags, path string, f importer.Format, charset string, dryRun, noAutoMerge bool,
	stderr io.Writer) (*importer.Report, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return nil, err
	}
	m, user, err := principalFromToken(ctx, cf, stderr)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	bar := &progressLine{w: stderr, start: time.Now()}
	rep, err := importer.Import(ctx, m.Store, user.WorkspaceID, user, file, f, importer.Options{Size: st.Size(),
		Charset: charset, DryRun: dryRun, NoAutoMerge: noAutoMerge, Progress: func(p importer.Progress) {
			switch p.Phase {
			case importer.PhaseWriting:
				bar.show(string(p.Phase), p.Written, p.ToWrite, "entities")
			case importer.PhaseReading:
				bar.show(string(p.Phase), kib(p.Bytes), kib(p.TotalBytes), "KiB")
			case importer.PhaseIndexing: // the workspace's people, to match against
				bar.show(string(p.Phase), 0, 0, "")
			default:
				bar.show(string(p.Phase), p.Rows, 0, "rows")
			}
		}})
	bar.done()
	return rep, err
}

// principalFromToken opens the store and finds the member the token belongs to.
func principalFromToken(ctx context.Context, cf clientFlags, stderr io.Writer) (*Main, *graph.User, error) {
	token, err := findToken(cf.token, stderr)
	if err != nil {
		return nil, nil, err
	}
	m, err := storeCommand(ctx)
	if err != nil {
		return nil, nil, err
	}
	tok, err := m.Store.FindTokenByHash(ctx, graph.HashToken(token))
	if err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("token: %w", err)
	}
	user, err := m.Store.FindUser(ctx, tok.WorkspaceID, tok.UserID)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	if !user.Role.CanWrite() {
		m.Close()
		return nil, nil, graph.Errorf(graph.EFORBIDDEN, "Viewers cannot import.")
	}
	return m, user, nil
}

// importViaServer uploads the file to a running server and follows the job.
func importViaServer(ctx context.Context, cf clientFlags, server, path string, f importer.Format, charset string,
	dryRun, noAutoMerge bool, stderr io.Writer) (*importer.Report, error) {
	fields := map[string]string{"format": string(f), "charset": charset, "dry_run": fmt.Sprint(dryRun),
		"auto_merge": fmt.Sprint(!noAutoMerge)}
	raw, err := upload(ctx, cf, server, path, fields, stderr)
	if err != nil {
		return nil, err
	}
	var rep importer.Report
	return &rep, json.Unmarshal(raw, &rep)
}

// upload sends a file to POST /api/v1/imports with the given form fields
// and follows the job, showing its progress; it returns the job's result.
// Ctrl-C cancels the job on the server.
func upload(ctx context.Context, cf clientFlags, server, path string, fields map[string]string,
	stderr io.Writer) (json.RawMessage, error) {
	cf.server = server
	c, err := cf.connect(ctx, stderr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range fields {
			if v != "" {
				mw.WriteField(k, v)
			}
		}
		fw, err := mw.CreateFormFile("file", filepath.Base(path))
		if err == nil {
			_, err = io.Copy(fw, file)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/api/v1/imports", pr)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var job struct {
		ID, State, Phase string
		Done, Total      int
		Result           json.RawMessage
		Error            *struct{ Code, Message, Field string }
	}
	if resp.StatusCode != http.StatusAccepted {
		return nil, apiError(resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, &job); err != nil {
		return nil, err
	}
	bar := &progressLine{w: stderr, start: time.Now()}
	for job.State == "running" {
		select {
		case <-ctx.Done():
			// Ctrl-C: the import runs on the server; cancel it there, or it
			// would go on writing after the command has returned.
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = c.do(stop, "DELETE", "/api/v1/jobs/"+job.ID, nil, nil, nil)
			bar.done()
			return nil, fmt.Errorf("import canceled (job %s): %w", job.ID, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
		if err := c.do(ctx, "GET", "/api/v1/jobs/"+job.ID, nil, nil, &job); err != nil && ctx.Err() == nil {
			return nil, err
		}
		// The server counts entities while writing, the file's bytes else.
		switch job.Phase {
		case "": // not begun yet
			bar.show("starting", 0, 0, "")
		case string(importer.PhaseIndexing): // the workspace's people, to match against
			bar.show(job.Phase, 0, 0, "")
		case string(importer.PhaseWriting):
			bar.show(job.Phase, job.Done, job.Total, "entities")
		default:
			bar.show(job.Phase, kib(job.Done), kib(job.Total), "KiB")
		}
	}
	bar.done()
	if job.Error != nil {
		return nil, &graph.Error{Code: job.Error.Code, Message: job.Error.Message, Field: job.Error.Field}
	}
	if job.State == "canceled" {
		return nil, graph.Errorf(graph.ECONFLICT, "The import was canceled (job %s); nothing was written.", job.ID)
	}
	return job.Result, nil
}

func printReport(w io.Writer, format string, rep *importer.Report) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	verb := "Imported"
	if rep.DryRun {
		verb = "Would import"
	}
	fmt.Fprintf(tw, "%s %s (%s): %d created, %d updated, %d merged, %d unchanged, %d skipped, %s.\n",
		verb, count(rep.Rows, "row", "rows"), rep.Format, rep.Created, rep.Updated, rep.Merged, rep.Unchanged, rep.Skipped,
		count(rep.Warnings, "warning", "warnings"))
	wc := rep.Written
	fmt.Fprintf(tw, "Written: %s, %s, %s, %s, %s, %s.\n", count(wc.People, "person", "people"),
		count(wc.Organizations, "organisation", "organisations"), count(wc.Employments, "position", "positions"),
		count(wc.Ties, "tie", "ties"), count(wc.Interactions, "interaction", "interactions"), count(wc.Notes, "note", "notes"))
	for _, m := range rep.Merges {
		fmt.Fprintf(tw, "Merged %s into %s: they share an identifier (undo: nexo unmerge %s).\n", m.AbsorbedName, m.SurvivorID, m.ID)
	}
	if len(rep.Details) > 0 {
		fmt.Fprintln(tw, "ROW\tOUTCOME\tREASON")
		for _, d := range rep.Details {
			fmt.Fprintf(tw, "%d\t%s\t%s\n", d.Row, d.Outcome, d.Reason)
		}
		if rep.Truncated {
			fmt.Fprintln(tw, "…\t\t(more rows; --format json has the first ones too)")
		}
	}
	return tw.Flush()
}

func newExportCmd() *cobra.Command {
	var cf clientFlags
	var out string
	cmd := &cobra.Command{
		Use:   "export [-o FILE]",
		Short: "Write a complete backup of your workspace (JSON Lines; an owner restores it with nexo import)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := cf.connect(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer c.Close()
			var buf bytes.Buffer
			req, err := http.NewRequestWithContext(cmd.Context(), "GET", c.base+"/api/v1/export", nil)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", "Bearer "+c.token)
			resp, err := c.http.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				io.Copy(&buf, resp.Body)
				return fmt.Errorf("export: HTTP %d: %s", resp.StatusCode, buf.String())
			}
			w := cmd.OutOrStdout()
			if out != "" && out != "-" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			n, err := io.Copy(w, resp.Body)
			if err == nil && out != "" && out != "-" {
				fmt.Fprintf(cmd.ErrOrStderr(), "Wrote %d bytes to %s.\n", n, out)
			}
			return err
		},
	}
	cf.add(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	return cmd
}
