package analytics

import (
	"encoding/json"
	"math"
	"runtime"
	"strconv"
	"sync"
)

// Float is a float64 that marshals NaN and ±Inf as JSON null: a measure
// that is undefined for a person (the constraint of an isolated node).
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler; null reads as NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

// Valid reports whether f is a number (not NaN or infinite).
func (f Float) Valid() bool { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) }

// Holes holds Burt's structural-hole measures of one person, both from the
// bare graph and weighted by tie strength. Every measure is NaN for an
// isolated person; Hierarchy is also NaN with a single contact.
type Holes struct {
	Degree                int   `json:"degree"`
	Constraint            Float `json:"constraint"`
	EffectiveSize         Float `json:"effective_size"`
	Efficiency            Float `json:"efficiency"`
	Hierarchy             Float `json:"hierarchy"`
	ConstraintWeighted    Float `json:"constraint_weighted"`
	EffectiveSizeWeighted Float `json:"effective_size_weighted"`
	EfficiencyWeighted    Float `json:"efficiency_weighted"`
	HierarchyWeighted     Float `json:"hierarchy_weighted"`
}

// StructuralHoles computes, for every person i with contacts N(i), Burt's
// measures (Burt 1992, "Structural Holes", ch. 2), with the proportional tie
// strength p_ij = w_ij / Σ_k w_ik and the marginal strength
// m_jq = w_jq / max_k w_jk:
//
//	constraint     C_i = Σ_{j∈N(i)} c_ij,  c_ij = (p_ij + Σ_{q∈N(i), q≠j} p_iq p_qj)²
//	effective size E_i = Σ_{j∈N(i)} (1 − Σ_{q∈N(i), q≠j} p_iq m_jq)
//	efficiency     E_i / |N(i)|
//	hierarchy      H_i = Σ_j r_j ln r_j / (N ln N),  r_j = c_ij / (C_i/N), N = |N(i)|
//
// The unweighted measures take every w = 1, where effective size reduces to
// Borgatti's (1997) N − 2t/N with t the ties among i's contacts; the
// weighted ones use tie strength. Both agree with NetworkX's constraint and
// effective_size (with and without weight).
//
// Every sum over q runs over the triangles of the tie ij, and the sums that
// do not depend on the side they are seen from are gathered per tie:
//
//	A_ij = Σ_q w_iq w_qj / Σ_k w_qk    (so Σ_q p_iq p_qj = A_ij / Σ_k w_ik)
//	B_ij = Σ_q w_iq w_qj               (so Σ_q p_iq m_jq = B_ij / (Σ_k w_ik · max_k w_jk))
//	D_ij = Σ_q 1/deg(q),  T_ij = the number of triangles
//
// by listing each triangle once, with ties oriented from the lower
// (degree, index) end to the higher (Chiba & Nishizeki 1985): time
// O(m·√m) at worst instead of Σ_j deg(j)², and memory access that stays
// within the two adjacency rows being read. Spread over GOMAXPROCS workers.
func (net *Network) StructuralHoles() []Holes {
	n, m := net.Len(), len(net.ea)
	off, adj, hw := net.off, net.adj, net.hw
	deg := func(u int32) int32 { return off[u+1] - off[u] }
	higher := func(u, v int32) bool { du, dv := deg(u), deg(v); return dv > du || dv == du && v > u }

	// The oriented adjacency: fAdj[fOff[u]:fOff[u+1]] are the neighbours of
	// u ranked above it (sorted by index), fw their strengths, and fpos maps
	// every edge to its place there.
	fOff := make([]int32, n+1)
	parallelFor(n, func(lo, hi int) {
		for u := int32(lo); u < int32(hi); u++ {
			c := int32(0)
			for x := off[u]; x < off[u+1]; x++ {
				if higher(u, adj[x]) {
					c++
				}
			}
			fOff[u+1] = c
		}
	})
	for u := range n {
		fOff[u+1] += fOff[u]
	}
	fAdj, fw, fpos := make([]int32, m), make([]float64, m), make([]int32, m)
	parallelFor(n, func(lo, hi int) {
		for u := int32(lo); u < int32(hi); u++ {
			f := fOff[u]
			for x := off[u]; x < off[u+1]; x++ {
				if v := adj[x]; higher(u, v) {
					fAdj[f], fw[f], fpos[net.he[x]] = v, hw[x], f
					f++
				}
			}
		}
	})
	invDeg, invWsum := make([]float64, n), make([]float64, n)
	for u := range int32(n) {
		if d := deg(u); d > 0 {
			invDeg[u], invWsum[u] = 1/float64(d), 1/net.wsum[u]
		}
	}

	type scratch struct {
		mark []uint64 // a bit per person: ranked above u and knows u ...
		at   []int32  // ... at fAdj[at[w]]
		acc  []triSums
	}
	// Each worker sums into its own copy of the per-tie sums (32 bytes a
	// tie); the workers are as many as fit in holesScratchBudget.
	workers := max(1, holesScratchBudget/(32*max(1, m)))
	var mu sync.Mutex
	var all []*scratch
	parallelChunksN(n, workers, func() *scratch {
		s := &scratch{mark: make([]uint64, (n+63)/64), at: make([]int32, n), acc: make([]triSums, m)}
		mu.Lock()
		all = append(all, s)
		mu.Unlock()
		return s
	}, func(s *scratch, lo, hi int) {
		for u := int32(lo); u < int32(hi); u++ {
			for f := fOff[u]; f < fOff[u+1]; f++ {
				w := fAdj[f]
				s.mark[w/64] |= 1 << (w % 64)
				s.at[w] = f
			}
			for f := fOff[u]; f < fOff[u+1]; f++ {
				v, wuv := fAdj[f], fw[f]
				for g := fOff[v]; g < fOff[v+1]; g++ {
					w := fAdj[g]
					if s.mark[w/64]&(1<<(w%64)) == 0 {
						continue
					}
					h := s.at[w] // the triangle u, v, w
					wuw, wvw := fw[h], fw[g]
					s.acc[f].add(wuw*wvw, invWsum[w], invDeg[w])
					s.acc[h].add(wuv*wvw, invWsum[v], invDeg[v])
					s.acc[g].add(wuv*wuw, invWsum[u], invDeg[u])
				}
			}
			for f := fOff[u]; f < fOff[u+1]; f++ {
				s.mark[fAdj[f]/64] = 0
			}
		}
	})
	acc := make([]triSums, m)
	if len(all) > 0 {
		acc = all[0].acc
		for _, s := range all[1:] {
			for e := range acc {
				acc[e].a += s.acc[e].a
				acc[e].b += s.acc[e].b
				acc[e].d += s.acc[e].d
				acc[e].t += s.acc[e].t
			}
		}
	}

	out := make([]Holes, n)
	type cs struct{ cu, cw []float64 }
	parallelChunks(n, func() *cs { return &cs{} }, func(s *cs, lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = net.holesOf(int32(i), acc, fpos, &s.cu, &s.cw)
		}
	})
	return out
}

// holesScratchBudget bounds the memory of StructuralHoles' per-worker sums:
// 512 MiB, e.g. 16 workers at 1M ties, 1 at 16M.
const holesScratchBudget = 512 << 20

// triSums are the sums over the triangles of one tie (see StructuralHoles).
type triSums struct{ a, b, d, t float64 }

func (s *triSums) add(ww, invWsum, invDeg float64) {
	s.a += ww * invWsum
	s.b += ww
	s.d += invDeg
	s.t++
}

func (net *Network) holesOf(i int32, acc []triSums, fpos []int32, cu, cw *[]float64) Holes {
	lo, hi := net.off[i], net.off[i+1]
	k := int(hi - lo)
	h := Holes{Degree: k}
	if k == 0 {
		nan := Float(math.NaN())
		h.Constraint, h.EffectiveSize, h.Efficiency, h.Hierarchy = nan, nan, nan, nan
		h.ConstraintWeighted, h.EffectiveSizeWeighted, h.EfficiencyWeighted, h.HierarchyWeighted = nan, nan, nan, nan
		return h
	}
	*cu, *cw = (*cu)[:0], (*cw)[:0]
	pu, invWsumI := 1/float64(k), 1/net.wsum[i]
	var conU, conW, esU, esW float64
	for x := lo; x < hi; x++ {
		t := &acc[fpos[net.he[x]]]
		pw := net.hw[x] * invWsumI
		cU := (pu + pu*t.d) * (pu + pu*t.d)
		cW := (pw + t.a*invWsumI) * (pw + t.a*invWsumI)
		*cu = append(*cu, cU)
		*cw = append(*cw, cW)
		conU += cU
		conW += cW
		esU += 1 - t.t*pu
		esW += 1 - t.b*invWsumI/net.wmax[net.adj[x]]
	}
	h.Constraint, h.ConstraintWeighted = Float(conU), Float(conW)
	h.EffectiveSize, h.EffectiveSizeWeighted = Float(esU), Float(esW)
	h.Efficiency, h.EfficiencyWeighted = Float(esU/float64(k)), Float(esW/float64(k))
	h.Hierarchy, h.HierarchyWeighted = hierarchy(*cu, conU), hierarchy(*cw, conW)
	return h
}

func hierarchy(c []float64, total float64) Float {
	k := len(c)
	if k < 2 || total == 0 {
		return Float(math.NaN())
	}
	mean := total / float64(k)
	var sum float64
	for _, cij := range c {
		if r := cij / mean; r > 0 {
			sum += r * math.Log(r)
		}
	}
	return Float(sum / (float64(k) * math.Log(float64(k))))
}

// parallelChunks is parallelFor with per-worker scratch space.
func parallelChunks[S any](n int, newScratch func() S, fn func(s S, lo, hi int)) {
	parallelChunksN(n, runtime.GOMAXPROCS(0), newScratch, fn)
}

// parallelChunksN is parallelChunks with at most workers goroutines, and so
// at most workers scratch spaces.
func parallelChunksN[S any](n, workers int, newScratch func() S, fn func(s S, lo, hi int)) {
	var pool []S
	var mu sync.Mutex
	parallelForN(n, workers, func(lo, hi int) {
		mu.Lock()
		var s S
		if len(pool) > 0 {
			s = pool[len(pool)-1]
			pool = pool[:len(pool)-1]
		} else {
			s = newScratch()
		}
		mu.Unlock()
		fn(s, lo, hi)
		mu.Lock()
		pool = append(pool, s)
		mu.Unlock()
	})
}
