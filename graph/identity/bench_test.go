package identity_test

import (
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/demo"
	"github.com/nexohq/nexo/graph/identity"
)

// BenchmarkPeople100k finds the candidates of the 100k demo workspace,
// generated in memory (no Neo4j): people, organisations, positions, ties.
// It reports the memory the finder allocates (MiB-alloc/op) and the most
// it holds at once beyond its input (MiB-peak, the heap sampled every
// 10 ms less the input's MiB-input).
//
//	go test ./graph/identity -run '^$' -bench People100k -benchtime 2x
func BenchmarkPeople100k(b *testing.B) {
	in := identity.Input{}
	me, err := demo.Generate(demo.Options{People: 100000, AsOf: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}, "owner",
		func(bt *graph.Batch) error {
			in.People = append(in.People, bt.People...)
			in.Organizations = append(in.Organizations, bt.Organizations...)
			in.Employments = append(in.Employments, bt.Employments...)
			for _, t := range bt.Ties {
				in.Ties = append(in.Ties, [2]string{t.PersonA, t.PersonB})
			}
			return nil
		})
	if err != nil {
		b.Fatal(err)
	}
	in.Members = []string{me}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := func() float64 {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	// The peak of the heap while the finder runs, sampled: what it holds
	// beyond its input.
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	spent := 0.0
	b.ResetTimer()
	for b.Loop() {
		cpu0 := cpu()
		res := identity.People(in)
		spent += cpu() - cpu0
		b.ReportMetric(float64(len(res.Pairs)), "pairs")
		b.ReportMetric(float64(res.Compared), "compared")
		// Each run starts from its input alone, not from the last run's
		// garbage: the peak is one run's.
		b.StopTimer()
		res = identity.Result{}
		runtime.GC()
		b.StartTimer()
	}
	b.StopTimer()
	close(stop)
	<-sampled
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MiB-alloc/op")
	b.ReportMetric(float64(before.HeapAlloc)/(1<<20), "MiB-input")
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), before.HeapAlloc))/(1<<20), "MiB-peak")
	// CPU seconds say more than wall time on a machine shared with others.
	b.ReportMetric(spent/float64(b.N), "cpu-s/op")
	b.Logf("%d people, %d ties", len(in.People), len(in.Ties))
}
