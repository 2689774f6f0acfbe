#!/usr/bin/env python3
"""Times Nexo's analytics against NetworkX and igraph on the same graphs.

    bash scripts/bench/bench.sh            # sets up .venv, then runs this
    scripts/bench/.venv/bin/python scripts/bench/compare.py --sizes 1000,10000,100000

For each size it generates a planted-partition graph (average degree 20,
communities of 20-200 people, 15% of ties across; analytics/synth) with the
Go tool nexobench, runs the same measures in each library on the same CSV,
checks that the values agree, and prints seconds and ratios (library time /
Nexo time: above 1 means Nexo is faster).

Betweenness is timed per source where running it whole would take too long:
each library computes the exact dependencies from the same S sources (Go:
BetweennessFromSources, igraph: betweenness(sources=...), NetworkX: the
same Brandes accumulation via betweenness_centrality_subset), and the time is
scaled by n/S to the whole graph. Where the whole run is affordable it is
timed whole as well.
"""
import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import time

import igraph as ig
import networkx as nx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "out")


def sh(*args, **kw):
    return subprocess.run(args, check=True, cwd=ROOT, **kw)


def load(path):
    edges = []
    with open(path) as f:
        r = csv.reader(f)
        next(r)
        for s, t, w in r:
            edges.append((s, t, float(w)))
    return edges


def pairs_for(edges, n, count, seed):
    """Random (s, t) pairs with t a few random steps from s, so that most
    have paths within 4 ties, as intro-path queries do."""
    adj = {}
    for s, t, _ in edges:
        adj.setdefault(s, []).append(t)
        adj.setdefault(t, []).append(s)
    nodes = sorted(adj)
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        s = rng.choice(nodes)
        t = s
        for _ in range(rng.choice([2, 3, 4])):
            t = rng.choice(adj[t])
        if t != s:
            out.append((s, t))
    return out


def timed(fn):
    start = time.perf_counter()
    v = fn()
    return time.perf_counter() - start, v


def run_networkx(edges, sources, pairs, whole_btw, nx_pairs):
    """whole_btw: also time the whole exact betweenness (NetworkX needs about
    half a minute at 1,000 people, so only there)."""
    res = {}
    res["build"], G = timed(lambda: nx.Graph([(s, t, {"weight": w, "cost": -math.log(w)}) for s, t, w in edges]))
    res["constraint"], cons = timed(lambda: nx.constraint(G, weight="weight"))
    src = [f"p{i}" for i in sources]
    res["betweenness_sources"], bsrc = timed(
        lambda: nx.betweenness_centrality_subset(G, src, list(G), normalized=False))
    if whole_btw:
        res["betweenness_exact"], _ = timed(lambda: nx.betweenness_centrality(G, normalized=False))
    scores = []
    if nx_pairs:
        def paths():
            # Yen (shortest_simple_paths) ignores the hop limit and can
            # enumerate thousands of long cheap paths first; enumerating the
            # paths within 4 ties and sorting them is NetworkX's fastest
            # exact route to the same answer.
            for s, t in pairs[:nx_pairs]:
                got = sorted((math.prod(G[a][b]["weight"] for a, b in zip(p, p[1:]))
                              for p in nx.all_simple_paths(G, s, t, cutoff=4)), reverse=True)
                scores.append(got[:5])
        res["paths_total"], _ = timed(paths)
        res["paths_mean"] = res["paths_total"] / nx_pairs
    return res, cons, bsrc, scores


def run_igraph(edges, sources, whole_btw):
    res = {}
    def build():
        g = ig.Graph.TupleList(((s, t, w) for s, t, w in edges), directed=False, edge_attrs=["weight"])
        return g
    res["build"], g = timed(build)
    res["constraint"], cons = timed(lambda: g.constraint(weights="weight"))
    idx = {name: i for i, name in enumerate(g.vs["name"])}
    src = [idx[f"p{i}"] for i in sources]
    res["betweenness_sources"], bsrc = timed(lambda: g.betweenness(sources=src, directed=False))
    if whole_btw:
        res["betweenness_exact"], _ = timed(lambda: g.betweenness(directed=False))
    cons = {name: cons[i] for name, i in idx.items()}
    bsrc = {name: bsrc[i] for name, i in idx.items()}
    return res, cons, bsrc


def run_louvain(edges, go, with_nx):
    """Louvain in each library on the same graph: seconds, modularity and
    circles. igraph scores every partition, Nexo's included, so the
    modularities share one yardstick; Nexo's own value must agree with it."""
    g = ig.Graph.TupleList(((s, t, w) for s, t, w in edges), directed=False, edge_attrs=["weight"])
    names = g.vs["name"]
    nexo = [go["louvain_of"][name] for name in names]
    q = g.modularity(nexo, weights="weight")
    res = {"nexo": (go["seconds"]["louvain"], q, len(set(nexo)))}
    random.seed(1)  # python-igraph draws from Python's random
    secs, cl = timed(lambda: g.community_multilevel(weights="weight"))
    res["igraph"] = (secs, g.modularity(cl.membership, weights="weight"), len(cl))
    if with_nx:
        G = nx.Graph([(s, t, {"weight": w}) for s, t, w in edges])
        secs, comms = timed(lambda: nx.community.louvain_communities(G, weight="weight", seed=1))
        of = {v: i for i, c in enumerate(comms) for v in c}
        res["networkx"] = (secs, g.modularity([of[name] for name in names], weights="weight"), len(comms))
    return res, abs(q - go["louvain_modularity"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--nx-pairs", type=int, default=20, help="intro-path queries NetworkX answers (Yen is slow)")
    ap.add_argument("--nx-louvain-max", type=int, default=10000, help="largest n for NetworkX's Louvain")
    ap.add_argument("--louvain-only", action="store_true", help="compare Louvain alone")
    ap.add_argument("--constraint-only", action="store_true", help="compare constraint alone")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    sh("go", "build", "-o", os.path.join(OUT, "nexobench"), "./scripts/bench/nexobench")
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        path = os.path.join(OUT, f"g{n}.csv")
        if not os.path.exists(path):
            sh(os.path.join(OUT, "nexobench"), "gen", "-n", str(n), "-seed", "1", "-o", path)
        edges = load(path)
        pairs = pairs_for(edges, n, args.pairs, n)
        pairs_path = os.path.join(OUT, f"pairs{n}.csv")
        with open(pairs_path, "w") as f:
            csv.writer(f, lineterminator="\n").writerows(pairs)
        nsrc = min(args.sources, n)
        sources = [i * n // nsrc for i in range(nsrc)]
        whole = n <= 10000  # Nexo and igraph run exact betweenness whole up to here
        print(f"n={n}: {len(edges)} ties, {nsrc} betweenness sources, {len(pairs)} path queries", file=sys.stderr)
        if args.louvain_only or args.constraint_only:
            go = json.loads(sh(os.path.join(OUT, "nexobench"), "time", "-edges", path, "-sources", "1",
                               "-exact-max", "0", capture_output=True, text=True).stdout)
        else:
            go = json.loads(sh(os.path.join(OUT, "nexobench"), "time", "-edges", path, "-pairs", pairs_path,
                               "-sources", str(nsrc), "-exact-max", str(n if whole else 0),
                               capture_output=True, text=True).stdout)
        print(f"  nexo: {go['seconds']}", file=sys.stderr)
        if args.constraint_only:
            g = ig.Graph.TupleList(((s, t, w) for s, t, w in edges), directed=False, edge_attrs=["weight"])
            ig_sec, ig_cons = timed(lambda: g.constraint(weights="weight"))
            G = nx.Graph([(s, t, {"weight": w}) for s, t, w in edges])
            nx_sec, nx_cons = timed(lambda: nx.constraint(G, weight="weight"))
            worst = max(max(abs(v - nx_cons[name]), abs(v - ig_cons[g.vs.find(name=name).index]))
                        for name, v in go["constraint_weighted"].items())
            rows.append((n, "constraint (all nodes)", go["seconds"]["constraint"], nx_sec, ig_sec))
            print(f"n={n}: constraint agrees within {worst:.2e}", file=sys.stderr)
            continue
        lv, lv_diff = run_louvain(edges, go, n <= args.nx_louvain_max)
        print(f"  louvain (seconds, modularity, circles): {lv}", file=sys.stderr)
        def louvain_row():
            qs = ", ".join(f"{lib} {q:.4f}" for lib, (_, q, _) in lv.items())
            rows.append((n, f"louvain (Q: {qs})", lv["nexo"][0], lv.get("networkx", (None,))[0], lv["igraph"][0]))
        if args.louvain_only:
            louvain_row()
            print(f"n={n}: Nexo's modularity agrees with igraph's within {lv_diff:.2e}", file=sys.stderr)
            continue
        ig_t, ig_cons, ig_bsrc = run_igraph(edges, sources, whole)
        print(f"  igraph: {ig_t}", file=sys.stderr)
        nx_pairs = args.nx_pairs if n <= 10000 else 0
        nx_t, nx_cons, nx_bsrc, nx_scores = run_networkx(edges, sources, pairs, n <= 1000, nx_pairs)
        print(f"  networkx: {nx_t}", file=sys.stderr)
        # Agreement on the values the Go tool printed.
        worst = lv_diff
        for name, v in go["constraint_weighted"].items():
            worst = max(worst, abs(v - nx_cons[name]), abs(v - ig_cons[name]))
        for name, v in go["betweenness_from_sources"].items():
            worst = max(worst, abs(v - nx_bsrc[name]) / max(1, v), abs(v - ig_bsrc[name]) / max(1, v))
        for got, want in zip(go["path_scores"], nx_scores):
            for a, b in zip(got, want):
                worst = max(worst, abs(a - b))
            if len(got) != len(want):
                worst = math.inf
        gs = go["seconds"]
        scale = n / nsrc
        def row(metric, gsec, nsec, isec):
            rows.append((n, metric, gsec, nsec, isec))
        row("constraint (all nodes)", gs["constraint"], nx_t["constraint"], ig_t["constraint"])
        row("betweenness exact (per-source x n/S)", gs["betweenness_sources"] * scale,
            nx_t["betweenness_sources"] * scale, ig_t["betweenness_sources"] * scale)
        if whole:
            row("betweenness exact (whole)", gs["betweenness_exact"], nx_t.get("betweenness_exact"), ig_t["betweenness_exact"])
        row(f"betweenness sampled (R&K eps=0.01, {go['samples']} samples)", gs["betweenness_sampled"], None, None)
        row("local bridges with span", gs["local_bridges"], None, None)
        louvain_row()
        row("intro paths k=5 <=4 hops (mean/query; nx: all_simple_paths)", gs["paths_mean"], nx_t.get("paths_mean"), None)
        print(f"n={n}: values agree within {worst:.2e}; Go intro paths p50 {go['PathP50']*1e3:.2f} ms, "
              f"p99 {go['PathP99']*1e3:.2f} ms, {go['paths_found']}/{go['path_queries']} queries found paths; "
              f"Go on {go['cores']} cores", file=sys.stderr)
    print(f"{'n':>7}  {'measure':<62} {'nexo s':>9} {'networkx s':>11} {'igraph s':>9} {'nx/nexo':>8} {'ig/nexo':>8}")
    for n, metric, g, x, i in rows:
        f = lambda v: f"{v:9.4f}" if v is not None else f"{'-':>9}"
        r = lambda v: f"{v / g:8.1f}" if v is not None else f"{'-':>8}"
        print(f"{n:>7}  {metric:<62} {f(g)} {f(x):>11} {f(i)} {r(x)} {r(i)}")


if __name__ == "__main__":
    main()
