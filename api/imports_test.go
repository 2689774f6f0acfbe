package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nexohq/nexo/api"
)

// upload posts a multipart import and returns the status and decoded body.
func (c *client) upload(name string, content []byte, fields map[string]string, out any) int {
	c.tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if content != nil {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.url+"/api/v1/imports", &body)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		json.Unmarshal(raw, out)
	}
	return resp.StatusCode
}

type job struct {
	ID, State, Phase string
	Result           struct{ Created, Unchanged, Rows int }
	Error            *struct{ Code, Message string }
}

// wait polls a job until it ends.
func (c *client) wait(id string) job {
	c.tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		var j job
		if code := c.do("GET", "/api/v1/jobs/"+id, nil, &j); code != 200 {
			c.tb.Fatalf("job %s: got %d", id, code)
		}
		if j.State != api.JobRunning {
			return j
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.tb.Fatalf("job %s did not end", id)
	return job{}
}

func TestImportUpload(t *testing.T) {
	c := newServer(t, func(o *api.Options) { o.MaxImportBytes = 64 << 10 })
	csv, err := os.ReadFile("../graph/importer/testdata/linkedin_en.csv")
	if err != nil {
		t.Fatal(err)
	}
	var j job
	if code := c.upload("Connections.csv", csv, nil, &j); code != 202 || j.ID == "" {
		t.Fatalf("upload: got %d %+v", code, j)
	}
	first := c.wait(j.ID)
	if first.State != api.JobSucceeded || first.Result.Created == 0 {
		t.Fatalf("first import: %+v", first)
	}
	var people struct{ Total int }
	c.do("GET", "/api/v1/people?limit=1", nil, &people)

	// The same file again changes nothing.
	c.upload("Connections.csv", csv, map[string]string{"format": "linkedin"}, &j)
	again := c.wait(j.ID)
	var after struct{ Total int }
	c.do("GET", "/api/v1/people?limit=1", nil, &after)
	if again.State != api.JobSucceeded || again.Result.Created != 0 || after.Total != people.Total {
		t.Fatalf("second import: %+v, people %d → %d", again, people.Total, after.Total)
	}

	t.Run("ErrNotACSV", func(t *testing.T) {
		c.upload("x.bin", []byte("\x00\x01\x02 not a contacts file"), nil, &j)
		if got := c.wait(j.ID); got.State != api.JobFailed || got.Error == nil || got.Error.Message == "" {
			t.Fatalf("got %+v, want a failed job that says why", got)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		big := []byte(strings.Repeat("a", 70<<10))
		if code := c.upload("big.csv", big, nil, nil); code != 413 {
			t.Fatalf("got %d, want 413", code)
		}
	})
	t.Run("ErrNoFile", func(t *testing.T) {
		if code := c.upload("", nil, map[string]string{"format": "linkedin"}, nil); code != 400 {
			t.Fatalf("got %d, want 400", code)
		}
	})
	t.Run("ErrUnknownFormat", func(t *testing.T) {
		if code := c.upload("c.csv", csv, map[string]string{"format": "myspace"}, nil); code != 422 {
			t.Fatalf("got %d, want 422", code)
		}
	})
	t.Run("Export", func(t *testing.T) {
		req, _ := http.NewRequest("GET", c.url+"/api/v1/export", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !bytes.Contains(b, []byte("Okonkwo-Vale")) {
			t.Fatalf("export: %d, %d bytes", resp.StatusCode, len(b))
		}
	})
}
