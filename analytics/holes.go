package analytics

import (
	"encoding/json"
	"math"
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
// effective_size (with and without weight). Time O(Σ_j deg(j)²), spread over
// GOMAXPROCS workers.
func (net *Network) StructuralHoles() []Holes {
	n := net.Len()
	out := make([]Holes, n)
	type scratch struct {
		stamp  []int32
		pu, pw []float64
		cu, cw []float64
	}
	newScratch := func() *scratch {
		s := &scratch{stamp: make([]int32, n), pu: make([]float64, n), pw: make([]float64, n)}
		for i := range s.stamp {
			s.stamp[i] = -1
		}
		return s
	}
	parallelChunks(n, newScratch, func(s *scratch, lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = net.holesOf(int32(i), s.stamp, s.pu, s.pw, &s.cu, &s.cw)
		}
	})
	return out
}

func (net *Network) holesOf(i int32, stamp []int32, pu, pw []float64, cu, cw *[]float64) Holes {
	off, adj, hw := net.off, net.adj, net.hw
	lo, hi := off[i], off[i+1]
	k := int(hi - lo)
	h := Holes{Degree: k}
	if k == 0 {
		nan := Float(math.NaN())
		h.Constraint, h.EffectiveSize, h.Efficiency, h.Hierarchy = nan, nan, nan, nan
		h.ConstraintWeighted, h.EffectiveSizeWeighted, h.EfficiencyWeighted, h.HierarchyWeighted = nan, nan, nan, nan
		return h
	}
	for x := lo; x < hi; x++ {
		q := adj[x]
		stamp[q] = i
		pu[q] = 1 / float64(k)
		pw[q] = hw[x] / net.wsum[i]
	}
	*cu, *cw = (*cu)[:0], (*cw)[:0]
	var conU, conW, esU, esW float64
	for x := lo; x < hi; x++ {
		j := adj[x]
		// p_qj is normalised on q's side (Σ_k w_qk) and m_jq on j's
		// (max_k w_jk), as in Burt's definitions.
		var indU, indW, redW float64
		shared := 0
		for y := off[j]; y < off[j+1]; y++ {
			q := adj[y]
			if stamp[q] != i {
				continue
			}
			shared++
			indU += pu[q] / float64(off[q+1]-off[q])
			indW += pw[q] * hw[y] / net.wsum[q]
			redW += pw[q] * hw[y] / net.wmax[j]
		}
		cU := (pu[j] + indU) * (pu[j] + indU)
		cW := (pw[j] + indW) * (pw[j] + indW)
		*cu = append(*cu, cU)
		*cw = append(*cw, cW)
		conU += cU
		conW += cW
		esU += 1 - float64(shared)/float64(k)
		esW += 1 - redW
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
	var pool []S
	var mu sync.Mutex
	parallelFor(n, func(lo, hi int) {
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
