package identity_test

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/nexohq/nexo/graph"
	"github.com/nexohq/nexo/graph/demo"
	"github.com/nexohq/nexo/graph/identity"
)

// BenchmarkPeople100k finds the candidates of the 100k demo workspace,
// generated in memory (no Neo4j): people, organisations, positions, ties.
//
//	go test ./graph/identity -run '^$' -bench People100k -benchtime 1x -benchmem
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
	cpu0 := cpu()
	b.ResetTimer()
	for b.Loop() {
		res := identity.People(in)
		b.ReportMetric(float64(len(res.Pairs)), "pairs")
		b.ReportMetric(float64(res.Compared), "compared")
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MiB-alloc/op")
	b.ReportMetric(float64(after.HeapInuse)/(1<<20), "MiB-heap")
	// CPU seconds say more than wall time on a machine shared with others.
	b.ReportMetric((cpu()-cpu0)/float64(b.N), "cpu-s/op")
	b.Logf("%d people, %d ties", len(in.People), len(in.Ties))
}
