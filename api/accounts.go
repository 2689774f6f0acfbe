package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/capture"
	"github.com/nexohq/nexo/graph/jobs"
)

// Connected accounts (graph/capture): a member's mailboxes, calendars and
// address books. Each belongs to its member alone: no one else, owners
// included, sees it or what it captured (their effect on strengths and
// paths is everyone's). Passwords go in, never out.

// accountInput connects an account. Verify (default true) logs in first,
// so a wrong password is refused at once.
type accountInput struct {
	Kind     graph.AccountKind     `json:"kind"`
	Host     string                `json:"host"`
	Port     int                   `json:"port"`
	TLS      string                `json:"tls"`
	URL      string                `json:"url"`
	Username string                `json:"username"`
	Password string                `json:"password"`
	Settings graph.CaptureSettings `json:"settings"`
	Verify   *bool                 `json:"verify"`
}

// accountUpdate changes an account; a new password is checked unless
// verify is false.
type accountUpdate struct {
	Username *string                `json:"username"`
	Password *string                `json:"password"`
	Settings *graph.CaptureSettings `json:"settings"`
	Verify   *bool                  `json:"verify"`
}

func (s *Server) listAccounts(c *gin.Context) {
	l, err := s.store.FindAccounts(c, ws(c), who(c).User.ID)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(l, len(l), 0, len(l)))
}

func (s *Server) createAccount(c *gin.Context) {
	var in accountInput
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	a, err := s.capture.Connect(c, who(c).User, capture.ConnectInput{Kind: in.Kind, Host: in.Host, Port: in.Port,
		TLS: in.TLS, URL: in.URL, Username: in.Username, Password: in.Password, Settings: in.Settings,
		Verify: in.Verify == nil || *in.Verify})
	if err != nil {
		s.Error(c, err)
		return
	}
	c.Header("Location", "/api/v1/accounts/"+a.ID)
	c.JSON(http.StatusCreated, a)
}

// ownAccount finds an account of the caller; anyone else's is not found.
func (s *Server) ownAccount(c *gin.Context) (*graph.Account, error) {
	id, err := idParam(c, "account_id")
	if err != nil {
		return nil, err
	}
	a, err := s.store.FindAccount(c, ws(c), id)
	if err != nil {
		return nil, err
	}
	if a.UserID != who(c).User.ID {
		return nil, graph.Errorf(graph.ENOTFOUND, "Account not found.")
	}
	return a, nil
}

func (s *Server) getAccount(c *gin.Context) {
	a, err := s.ownAccount(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (s *Server) updateAccount(c *gin.Context) {
	a, err := s.ownAccount(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	var in accountUpdate
	if err := bind(c, &in); err != nil {
		s.Error(c, err)
		return
	}
	upd := graph.AccountUpdate{Settings: in.Settings, Username: in.Username}
	if in.Password != nil {
		if *in.Password == "" {
			s.Error(c, graph.FieldErrorf("password", "Password required."))
			return
		}
		if upd.Secret, err = s.capture.Seal(a, *in.Password); err != nil {
			s.Error(c, err)
			return
		}
		if in.Verify == nil || *in.Verify {
			check := *a
			if in.Username != nil {
				check.Username = *in.Username
			}
			if err := s.capture.Check(c, &check, *in.Password); err != nil {
				s.Error(c, err)
				return
			}
		}
	}
	a, err = s.store.UpdateAccount(c, ws(c), a.ID, upd)
	if err != nil {
		s.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (s *Server) deleteAccount(c *gin.Context) {
	a, err := s.ownAccount(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	if err := s.store.DeleteAccount(c, ws(c), a.ID); err != nil {
		s.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// syncAccount starts a sync now ("sync now"): 202 with the job to poll.
func (s *Server) syncAccount(c *gin.Context) {
	a, err := s.ownAccount(c)
	if err != nil {
		s.Error(c, err)
		return
	}
	if a.Status.State == graph.SyncRunning && a.Status.LeaseUntil.After(time.Now()) {
		s.Error(c, graph.Errorf(graph.ECONFLICT, "A sync of this account is already running."))
		return
	}
	run, err := s.jobs.Start(c, ws(c), graph.JobSync)
	if err != nil {
		s.Error(c, err)
		return
	}
	go s.runSync(run, a)
	c.Header("Location", "/api/v1/jobs/"+run.ID())
	c.JSON(http.StatusAccepted, run.Job())
}

// runSync syncs an account as a job; a cancel of the job, or the server
// stopping, stops the sync where it is (the next one resumes there).
func (s *Server) runSync(run *jobs.Run, a *graph.Account) {
	ctx, cancel := context.WithTimeout(run.Context(), 2*time.Hour)
	defer cancel()
	res, err := s.capture.Sync(ctx, a.WorkspaceID, a.ID, func(p capture.Progress) {
		run.Progress(p.Phase, p.Done, p.Total)
	})
	if res != nil && res.Captured+res.People+res.Contacts > 0 {
		s.changed(a.WorkspaceID)
	}
	if err != nil {
		if f, ok := err.(*capture.Failure); ok {
			// The account's status says why, in the same words.
			err = &graph.Error{Code: graph.EINVALID, Message: f.Message}
		}
		run.Finish(nil, err)
		return
	}
	run.Finish(res, nil)
}

// runMailImport captures an uploaded mbox with the caller's default
// privacy settings, as `nexo import FILE.mbox` does.
func (s *Server) runMailImport(run *jobs.Run, me *graph.User, f *os.File, size int64) {
	defer os.Remove(f.Name())
	defer f.Close()
	ctx, cancel := context.WithTimeout(run.Context(), time.Hour)
	defer cancel()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		run.Finish(nil, err)
		return
	}
	res, err := s.capture.ImportMail(ctx, me, capture.NewMbox(f, size), graph.CaptureSettings{}, func(p capture.Progress) {
		run.Progress(p.Phase, p.Done, p.Total)
	})
	if err != nil {
		if graph.ErrorCode(err) == graph.EINTERNAL && ctx.Err() == nil {
			s.logger.Error("mail import failed", slog.String("job", run.ID()), slog.String("error", err.Error()))
		}
		run.Finish(nil, err)
		return
	}
	if res.Captured+res.People > 0 {
		s.changed(me.WorkspaceID)
	}
	run.Finish(res, nil)
}
