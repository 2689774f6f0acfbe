package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nexohq/nexo/api"
	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/neo4j"
	"github.com/nexohq/nexo/graph/neo4j/neo4jtest"
)

// The freshness benchmarks: how soon a write reaches the analytics answers
// of a replica that did not take it, on a demo workspace (-bench.workspace
// reuses one loaded with `nexo demo --people 100000`, as the issue's
// figures do).
var (
	benchWorkspace = flag.String("bench.workspace", "", "live benchmarks: an existing demo workspace (default: a new demo of -bench.people)")
	benchPeople    = flag.Int("bench.people", 2000, "live benchmarks: size of the demo they load when -bench.workspace is not given")
	benchDuration  = flag.Duration("bench.duration", time.Minute, "BenchmarkWriteStream: how long it writes")
	benchRate      = flag.Int("bench.rate", 20, "BenchmarkWriteStream: writes per second")
	benchReads     = flag.Int("bench.reads", 20, "BenchmarkWriteStream: intro-path questions per second")
	benchLog       = flag.String("bench.log", "", "live benchmarks: a file for replica B's debug log")
)

// replica is one `nexo serve` of a benchmark: a server of its own (its own
// analytics) on the shared store.
type replica struct {
	url, token string
	srv        *api.Server
	hc         *http.Client
}

func newReplica(b *testing.B, s *neo4j.Store, token string, log io.Writer) *replica {
	srv := api.New(api.Options{Store: s, Version: "bench", RateLimit: -1,
		Logger: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return &replica{url: hs.URL, token: token, srv: srv,
		hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 5 * time.Minute}}
}

// do sends a request and decodes the answer into out; it fails b unless
// the status is want.
func (r *replica) do(b *testing.B, want int, method, path string, body, out any) {
	var rd io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, r.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.hc.Do(req)
	if err != nil {
		b.Error(err)
		return
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		b.Errorf("%s %s: got %d %s", method, path, resp.StatusCode, raw)
		return
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			b.Error(err)
		}
	}
}

type pathsAnswer struct {
	Paths []struct {
		People []string
		Score  float64
	}
	Freshness api.Freshness
}

// benchSetup loads (or finds) the demo workspace and returns two replicas
// on it, A for writes and B for questions, with B's analytics loaded.
func benchSetup(b *testing.B) (s *neo4j.Store, ws string, owner *graph.User, a, r *replica) {
	s = neo4jtest.Open(b)
	ws, owner = neo4jtest.Demo(b, s, *benchWorkspace, *benchPeople)
	token := tokenFor(b, owner)
	var log io.Writer = io.Discard
	if *benchLog != "" {
		f, err := os.Create(*benchLog)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		log = f
	}
	a, r = newReplica(b, s, token, io.Discard), newReplica(b, s, token, log)
	start := time.Now()
	var st pathsAnswer
	r.do(b, 200, "GET", "/api/v1/intro-paths?to="+owner.PersonID, nil, &st) // loads B's network
	b.Logf("replica B: network of %d people, %d ties ready in %.1f s", st.Freshness.People, st.Freshness.Ties,
		time.Since(start).Seconds())
	return s, ws, owner, a, r
}

// twoHop finds a target two ties from me and the tie that leads to it from
// my contact, so that changing that tie's strength changes my best path.
func twoHop(b *testing.B, s *neo4j.Store, ws, me string) (target string, tie *graph.Tie) {
	ctx := context.Background()
	mine, _, err := s.FindTies(ctx, ws, graph.TieFilter{PersonID: me, Limit: graph.MaxLimit})
	if err != nil {
		b.Fatal(err)
	}
	direct := map[string]bool{me: true}
	for _, t := range mine {
		direct[t.PersonA], direct[t.PersonB] = true, true
	}
	for _, t := range mine {
		contact := t.PersonA
		if contact == me {
			contact = t.PersonB
		}
		theirs, _, err := s.FindTies(ctx, ws, graph.TieFilter{PersonID: contact, Limit: 50})
		if err != nil {
			b.Fatal(err)
		}
		for _, u := range theirs {
			other := u.PersonA
			if other == contact {
				other = u.PersonB
			}
			if !direct[other] {
				return other, u
			}
		}
	}
	b.Fatal("no person two ties from me")
	return "", nil
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	d = slices.Clone(d)
	slices.Sort(d)
	return d[min(len(d)-1, int(p*float64(len(d))))]
}

// BenchmarkWriteToAnswer measures how long one write through replica A
// takes to reach replica B's intro-path answers. Each iteration sets the
// manual strength of a tie on my best path to a two-hop target (alternately
// weak and strong) through A's API, then asks B until the answer's version
// includes the write; the path's score is checked to have moved. B hears
// of the write only through the change feed, as a separate process would.
//
//	scripts/test.sh -run '^$' -bench WriteToAnswer -benchtime 50x ./api -args -bench.workspace ID
func BenchmarkWriteToAnswer(b *testing.B) {
	s, ws, owner, a, r := benchSetup(b)
	target, tie := twoHop(b, s, ws, owner.PersonID)
	ctx := context.Background()
	var lat []time.Duration
	strength := []float64{0.05, 0.95}
	i := 0
	for b.Loop() {
		w := strength[i%2]
		i++
		start := time.Now()
		a.do(b, 200, "PATCH", "/api/v1/ties/"+tie.ID, map[string]any{"strength": w}, nil)
		v, err := s.FeedVersion(ctx, ws)
		if err != nil {
			b.Fatal(err)
		}
		var ans pathsAnswer
		for {
			r.do(b, 200, "GET", "/api/v1/intro-paths?to="+target, nil, &ans)
			if ans.Freshness.Version >= v || b.Failed() {
				break
			}
			if time.Since(start) > time.Minute {
				b.Fatalf("write not answered after a minute (version %d, want %d)", ans.Freshness.Version, v)
			}
			time.Sleep(2 * time.Millisecond)
		}
		lat = append(lat, time.Since(start))
		if len(ans.Paths) == 0 {
			b.Fatal("no path to the target")
		}
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Milliseconds()), "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Milliseconds()), "p99-ms")
	b.ReportMetric(float64(slices.Max(lat).Milliseconds()), "max-ms")
}

// BenchmarkWriteStream writes through replica A at -bench.rate writes per
// second for -bench.duration (tie strengths, interactions with my
// contacts, now and then a new person with a tie) while replica B answers
// -bench.reads intro-path questions per second to people all over the
// network. It reports how far behind the writes B's answers were (the age
// of the oldest write an answer did not include yet) and the latency of
// the answers.
//
//	scripts/test.sh -run '^$' -bench WriteStream -benchtime 1x ./api -args -bench.workspace ID
func BenchmarkWriteStream(b *testing.B) {
	s, ws, owner, a, r := benchSetup(b)
	ctx := context.Background()
	mine, _, err := s.FindTies(ctx, ws, graph.TieFilter{PersonID: owner.PersonID, Limit: graph.MaxLimit})
	if err != nil || len(mine) == 0 {
		b.Fatalf("my ties: %v", err)
	}
	people, _, err := s.FindPeople(ctx, ws, graph.PersonFilter{Limit: graph.MaxLimit})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var mu sync.Mutex
		// When each version was seen committed: read right after a write.
		type seen struct {
			at      time.Time
			version uint64
		}
		var committed []seen
		var behind, lat []time.Duration
		worst, slow := 0, 0
		stop := time.Now().Add(*benchDuration)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // the writers: one write per tick, whatever their latency
			defer wg.Done()
			rng := rand.New(rand.NewPCG(1, 2))
			tick := time.NewTicker(time.Second / time.Duration(*benchRate))
			defer tick.Stop()
			sem := make(chan struct{}, 8)
			var ww sync.WaitGroup
			for time.Now().Before(stop) && !b.Failed() {
				<-tick.C
				t := mine[rng.IntN(len(mine))]
				n, w, name := rng.IntN(10), 0.05+0.9*rng.Float64(), fmt.Sprintf("Stream %d", rng.IntN(1e9))
				sem <- struct{}{}
				ww.Add(1)
				go func() {
					defer func() { <-sem; ww.Done() }()
					switch {
					case n < 5:
						a.do(b, 200, "PATCH", "/api/v1/ties/"+t.ID, map[string]any{"strength": w}, nil)
					case n < 9:
						other := t.PersonA
						if other == owner.PersonID {
							other = t.PersonB
						}
						a.do(b, 201, "POST", "/api/v1/interactions", map[string]any{"kind": "coffee", "with": []string{other},
							"at": time.Now().UTC().Format("2006-01-02")}, nil)
					default:
						var p graph.Person
						a.do(b, 201, "POST", "/api/v1/people", map[string]any{"name": name}, &p)
						a.do(b, 201, "POST", "/api/v1/ties", map[string]any{"person_a": owner.PersonID, "person_b": p.ID}, nil)
					}
					v, err := s.FeedVersion(ctx, ws)
					if err != nil {
						b.Error(err)
						return
					}
					mu.Lock()
					committed = append(committed, seen{time.Now(), v})
					mu.Unlock()
				}()
			}
			ww.Wait()
		}()
		// The reader: questions at a fixed rate, whatever their latency.
		rng := rand.New(rand.NewPCG(3, 4))
		tick := time.NewTicker(time.Second / time.Duration(*benchReads))
		for time.Now().Before(stop) {
			<-tick.C
			target := people[rng.IntN(len(people))].ID
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				var ans pathsAnswer
				r.do(b, 200, "GET", "/api/v1/intro-paths?to="+target, nil, &ans)
				done := time.Now()
				// Behind by the age of the oldest write not included.
				var oldest time.Time
				mu.Lock()
				for _, c := range committed {
					if c.version > ans.Freshness.Version && c.at.Before(start) && (oldest.IsZero() || c.at.Before(oldest)) {
						oldest = c.at
					}
				}
				lat = append(lat, done.Sub(start))
				if done.Sub(start) > 50*time.Millisecond && slow < 12 && testing.Verbose() {
					slow++
					b.Logf("slow answer at %s: %v", start.Format("15:04:05.000"), done.Sub(start))
				}
				if !oldest.IsZero() {
					behind = append(behind, start.Sub(oldest))
					if start.Sub(oldest) > 2*time.Second && worst < 5 {
						worst++
						b.Logf("answer at %s of version %d: %.1f s behind a write seen at %s",
							start.Format("15:04:05.000"), ans.Freshness.Version, start.Sub(oldest).Seconds(),
							oldest.Format("15:04:05.000"))
					}
				} else {
					behind = append(behind, 0)
				}
				mu.Unlock()
			}()
		}
		tick.Stop()
		wg.Wait()
		b.ReportMetric(float64(len(committed)), "writes")
		b.ReportMetric(float64(len(lat)), "answers")
		b.ReportMetric(percentile(behind, 0.99).Seconds(), "behind-p99-s")
		b.ReportMetric(slices.Max(behind).Seconds(), "behind-max-s")
		b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "paths-p50-ms")
		b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "paths-p99-ms")
	}
}
