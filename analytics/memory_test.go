package analytics_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/nexohq/nexo/analytics"
	"github.com/nexohq/nexo/analytics/synth"
)

// liveHeap returns the bytes the heap holds after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC() // the second one frees what the first one's finalizers released
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkNetworkMemory measures what one workspace's network costs a
// replica's memory: the heap it keeps once built as a replica serves it
// (communities and betweenness computed), for synthetic workspaces of 0.5, 1
// and 2 million ties (average degree 20; ties without interactions, so this
// is the floor per tie). MiB-snapshot is the snapshot alone, which the
// network keeps; MiB-peak the most the heap held while building.
//
//	go test ./analytics -run XXX -bench NetworkMemory -benchtime 1x
func BenchmarkNetworkMemory(b *testing.B) {
	for _, n := range []int{50_000, 100_000, 200_000} {
		b.Run(sizeName(n), func(b *testing.B) {
			for b.Loop() {
				base := liveHeap()
				s := synth.Snapshot(synth.Params{N: n, Seed: 1})
				snap := liveHeap() - base
				stop := peakHeap()
				net, err := analytics.NewNetwork(s, time.Unix(1_800_000_000, 0), nil)
				if err != nil {
					b.Fatal(err)
				}
				net.Communities()
				net.Betweenness()
				peak := stop() - base
				kept := liveHeap() - base
				ties := float64(net.NumTies())
				b.ReportMetric(ties, "ties")
				b.ReportMetric(float64(snap)/(1<<20), "MiB-snapshot")
				b.ReportMetric(float64(kept)/(1<<20), "MiB-kept")
				b.ReportMetric(float64(peak)/(1<<20), "MiB-peak")
				b.ReportMetric(float64(kept)/ties, "B/tie")
				runtime.KeepAlive(net)
			}
		})
	}
}

// peakHeap samples the heap every 20 ms until the returned function is
// called, which returns the most it saw.
func peakHeap() func() uint64 {
	done := make(chan uint64)
	stop := make(chan struct{})
	go func() {
		var most uint64
		var m runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			most = max(most, m.HeapAlloc)
			select {
			case <-stop:
				done <- most
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		stop <- struct{}{} // not close: the package's tests have a close of their own
		return <-done
	}
}
