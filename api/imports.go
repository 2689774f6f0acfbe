package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/importer"
	"github.com/nexohq/nexo/graph/jobs"
)

// createImport accepts a multipart upload (field "file"; optional fields
// "format", "charset", "dry_run"), spools it to a temporary file and imports
// it in the background. It answers 202 with the job to poll.
func (s *Server) createImport(c *gin.Context) {
	r := c.Request
	if r.ContentLength > s.maxImport {
		s.Error(c, graph.Errorf(graph.ETOOLARGE, "Upload larger than %d bytes.", s.maxImport))
		return
	}
	r.Body = http.MaxBytesReader(c.Writer, r.Body, s.maxImport+1<<20) // + room for the multipart envelope
	mr, err := r.MultipartReader()
	if err != nil {
		s.Error(c, badRequest("Send the file as multipart/form-data, in a field named file."))
		return
	}
	var format importer.Format
	var charset string
	var dryRun, noAutoMerge bool
	var tmp *os.File
	defer func() {
		if tmp != nil && err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var size int64
	for {
		part, perr := mr.NextPart()
		if perr == io.EOF {
			break
		}
		if perr != nil {
			err = uploadErr(perr, s.maxImport)
			s.Error(c, err)
			return
		}
		switch part.FormName() {
		case "format":
			b, _ := io.ReadAll(io.LimitReader(part, 100))
			if format, err = importer.ParseFormat(string(b)); err != nil {
				s.Error(c, err)
				return
			}
		case "charset":
			b, _ := io.ReadAll(io.LimitReader(part, 100))
			charset = string(b)
		case "dry_run":
			b, _ := io.ReadAll(io.LimitReader(part, 10))
			dryRun = string(b) == "true" || string(b) == "1"
		case "auto_merge":
			b, _ := io.ReadAll(io.LimitReader(part, 10))
			noAutoMerge = string(b) == "false" || string(b) == "0"
		case "file":
			if tmp, err = os.CreateTemp("", "nexo-import-*"); err != nil {
				s.Error(c, err)
				return
			}
			if size, err = io.Copy(tmp, io.LimitReader(part, s.maxImport+1)); err != nil {
				err = uploadErr(err, s.maxImport)
				s.Error(c, err)
				return
			}
			if size > s.maxImport {
				err = graph.Errorf(graph.ETOOLARGE, "File larger than %d bytes.", s.maxImport)
				s.Error(c, err)
				return
			}
		}
	}
	if tmp == nil {
		err = &graph.Error{Code: ebadrequest, Field: "file", Message: "No file: send it in a multipart field named file."}
		s.Error(c, err)
		return
	}
	if size == 0 {
		err = &graph.Error{Code: graph.EINVALID, Field: "file", Message: "The file is empty."}
		s.Error(c, err)
		return
	}
	p := who(c)
	if err = ownersRestore(p.User, tmp, format); err != nil {
		s.Error(c, err)
		return
	}
	run, err := s.jobs.Start(c, ws(c), graph.JobImport)
	if err != nil {
		if graph.ErrorCode(err) == graph.ERATELIMITED {
			c.Header("Retry-After", "5")
		}
		s.Error(c, err)
		return
	}
	if head := make([]byte, 5); format == importer.FormatAuto && !dryRun {
		// An mbox is mail, captured by graph/capture under the member's privacy rules.
		if n, _ := tmp.ReadAt(head, 0); capture.IsMbox(head[:n]) {
			go s.runMailImport(run, p.User, tmp, size)
			c.Header("Location", "/api/v1/jobs/"+run.ID())
			c.JSON(http.StatusAccepted, run.Job())
			return
		}
	}
	go s.runImport(run, p.User, tmp, size, format, charset, dryRun, noAutoMerge)
	c.Header("Location", "/api/v1/jobs/"+run.ID())
	c.JSON(http.StatusAccepted, run.Job())
}

// ownersRestore refuses a backup (Nexo's export) from anyone but an owner
// before a job starts, so that a member hears 403 at once: a restore writes
// every member's data. The importer checks it again.
func ownersRestore(u *graph.User, f *os.File, format importer.Format) error {
	if u.Role == graph.RoleOwner || (format != importer.FormatAuto && format != importer.FormatNexo) {
		return nil
	}
	if format == importer.FormatAuto {
		head := make([]byte, importer.SniffLen)
		n, err := f.ReadAt(head, 0)
		if err != nil && err != io.EOF {
			return err
		}
		if f, _ := importer.Sniff(head[:n]); f != importer.FormatNexo {
			return nil
		}
	}
	return graph.Errorf(graph.EFORBIDDEN, "Only an owner of the workspace can restore a backup: a restore writes every member's data.")
}

func uploadErr(err error, limit int64) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return graph.Errorf(graph.ETOOLARGE, "Upload larger than %d bytes.", limit)
	}
	return badRequest("The upload could not be read: %v.", err)
}

// runImport imports a spooled upload and records progress and the report on
// the job; a cancel of the job, or the server stopping, cancels the import.
func (s *Server) runImport(run *jobs.Run, me *graph.User, f *os.File, size int64, format importer.Format, charset string, dryRun, noAutoMerge bool) {
	defer os.Remove(f.Name())
	defer f.Close()
	ctx, cancel := context.WithTimeout(run.Context(), time.Hour)
	defer cancel()
	job := run.Job()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		run.Finish(nil, err)
		return
	}
	start := time.Now()
	rep, err := importer.Import(ctx, s.store, job.WorkspaceID, me, f, format, importer.Options{Size: size,
		MaxBytes: s.maxImport, Charset: charset, DryRun: dryRun, NoAutoMerge: noAutoMerge, Progress: func(p importer.Progress) {
			done, total := int(p.Bytes), int(p.TotalBytes)
			if p.Phase == importer.PhaseWriting {
				done, total = p.Written, p.ToWrite
			}
			run.Progress(string(p.Phase), done, total)
		}})
	if err != nil {
		if graph.ErrorCode(err) == graph.EINTERNAL && ctx.Err() == nil {
			s.logger.Error("import failed", slog.String("job", job.ID), slog.String("error", err.Error()))
		}
		run.Finish(nil, err)
		return
	}
	s.logger.Info("import done", slog.String("job", job.ID), slog.String("workspace", job.WorkspaceID),
		slog.Int("rows", rep.Rows), slog.Duration("took", time.Since(start)))
	if !dryRun {
		s.changed(job.WorkspaceID)
	}
	run.Finish(rep, nil)
}

// export streams the workspace as Nexo's JSON Lines backup. Other members'
// private notes and interaction notes are left out: the backup holds what
// its downloader may see.
func (s *Server) export(c *gin.Context) {
	w, err := s.store.FindWorkspace(c, ws(c))
	if err != nil {
		s.Error(c, err)
		return
	}
	c.Header("Content-Type", "application/x-ndjson")
	c.Header("Content-Disposition", `attachment; filename="nexo-`+w.ID+`.jsonl"`)
	c.Status(http.StatusOK)
	if err := importer.ExportBy(c, privateView{Store: s.store, userID: who(c).User.ID}, ws(c), who(c).User.ID, c.Writer); err != nil {
		// Headers are sent; all we can do is log and cut the stream short.
		s.logger.Error("export failed", slog.String("workspace", ws(c)), slog.String("error", err.Error()))
	}
}

// privateView is the store as one member sees it: others' notes are hidden.
type privateView struct {
	graph.Store
	userID string
}

// Walk skips other members' notes and captured interactions, and blanks
// their interaction notes.
func (v privateView) Walk(ctx context.Context, ws string, what graph.Kinds, fn func(any) error) error {
	return v.Store.Walk(ctx, ws, what, func(x any) error {
		switch e := x.(type) {
		case *graph.Note:
			if e.AuthorID != v.userID {
				return nil
			}
		case *graph.Interaction:
			if !e.VisibleTo(v.userID) {
				return nil // another member's captured mail or meeting
			}
			if e.LoggedBy != "" && e.LoggedBy != v.userID {
				e.Notes = ""
			}
		}
		return fn(x)
	})
}
