#!/usr/bin/env python3
"""Regenerates the reference values the analytics tests compare against.

The values come from NetworkX (independent of our Go code) on the Florentine
families, the Krackhardt kite, Zachary's karate club and a small graph with
bridges, components and an isolated node. Hierarchy and neighbourhood overlap,
which NetworkX lacks, are computed here from their textbook formulas on top of
NetworkX's local_constraint and neighbour sets.

    python3 -m venv scripts/bench/.venv
    scripts/bench/.venv/bin/pip install -r scripts/bench/requirements.txt
    scripts/bench/.venv/bin/python scripts/analytics/fixtures.py

writes analytics/testdata/<name>.csv (source,target,weight) and <name>.json.
"""
import csv
import json
import math
import os
import random

import networkx as nx

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "analytics", "testdata")
K, MAX_HOPS = 5, 4


def seeded_weights(G, seed):
    rng = random.Random(seed)
    for u, v in sorted(G.edges(), key=lambda e: (str(e[0]), str(e[1]))):
        G[u][v]["weight"] = round(rng.uniform(0.05, 1.0), 3)
    return G


def florentine():
    return seeded_weights(nx.florentine_families_graph(), 1)


def kite():
    G = nx.relabel_nodes(nx.krackhardt_kite_graph(), {i: f"k{i}" for i in range(10)})
    return seeded_weights(G, 2)


def karate():
    G = nx.karate_club_graph()
    top = max(w for _, _, w in G.edges(data="weight"))
    H = nx.Graph()
    for u, v, w in G.edges(data="weight"):
        H.add_edge(f"m{u}", f"m{v}", weight=w / top)
    return H


def islands():
    G = nx.Graph()
    for u, v, w in [("a", "b", 0.9), ("b", "c", 0.8), ("a", "c", 0.5), ("c", "d", 0.3),
                    ("d", "e", 0.6), ("e", "f", 0.7), ("f", "g", 0.4), ("g", "d", 0.2),
                    ("h", "i", 1.0), ("b", "j", 0.25)]:
        G.add_edge(u, v, weight=w)
    G.add_node("z")
    return G


def num(x):
    return None if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))) else x


def hierarchy(G, v, weight):
    nbrs = list(G[v])
    k = len(nbrs)
    if k < 2:
        return None
    c = [nx.algorithms.structuralholes.local_constraint(G, v, j, weight=weight) for j in nbrs]
    total = sum(c)
    mean = total / k
    return sum((x / mean) * math.log(x / mean) for x in c if x > 0) / (k * math.log(k))


def overlap(G, u, v):
    shared = len(set(G[u]) & set(G[v]))
    den = (G.degree(u) - 1) + (G.degree(v) - 1) - shared
    return 0.0 if den <= 0 else shared / den


def best_paths(G, s, t):
    """The K best paths of at most MAX_HOPS ties by product of weights, by
    enumerating every simple path within the hop limit (exact on these small
    graphs; Yen's order among equal costs is not compared)."""
    if s not in G or t not in G:
        return []
    scored = []
    for p in nx.all_simple_paths(G, s, t, cutoff=MAX_HOPS):
        score = math.prod(G[a][b]["weight"] for a, b in zip(p, p[1:]))
        scored.append((-score, [str(x) for x in p]))
    scored.sort()
    return [{"nodes": p, "score": -c} for c, p in scored[:K]]


def fixture(name, G, pairs):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "target", "weight"])
        for u, v, d in G.edges(data=True):
            w.writerow([u, v, d["weight"]])
        for v in G.nodes():
            if G.degree(v) == 0:
                w.writerow([v, "", ""])
    cu = nx.constraint(G)
    cw = nx.constraint(G, weight="weight")
    eu = nx.effective_size(G)
    # nodes=list(G) selects NetworkX's iterative path: its vectorised one
    # (taken when scipy is installed and nodes is None) normalises m_jq by the
    # wrong row's maximum in 3.6 (networkx PR #8906), so weighted effective
    # sizes differ from Burt's definition.
    ew = nx.effective_size(G, nodes=list(G), weight="weight")
    bu = nx.betweenness_centrality(G, normalized=False)
    bn = nx.betweenness_centrality(G, normalized=True)
    nodes = {}
    for v in G.nodes():
        k = G.degree(v)
        nodes[str(v)] = {
            "degree": k,
            "constraint": num(cu[v]),
            "effective_size": num(eu[v]),
            "constraint_weighted": num(cw[v]),
            "effective_size_weighted": num(ew[v]),
            "efficiency": num(eu[v] / k) if k else None,
            "efficiency_weighted": num(ew[v] / k) if k else None,
            "hierarchy": num(hierarchy(G, v, None)),
            "hierarchy_weighted": num(hierarchy(G, v, "weight")),
            "betweenness": bu[v],
            "betweenness_norm": bn[v],
        }
    out = {
        "name": name,
        "nodes": nodes,
        "overlap": [{"source": str(u), "target": str(v), "overlap": overlap(G, u, v)} for u, v in G.edges()],
        "bridges": sorted(sorted([str(u), str(v)]) for u, v in nx.bridges(G)),
        "local_bridges": sorted([*sorted([str(u), str(v)]), num(s)] for u, v, s in nx.local_bridges(G, with_span=True)),
        "paths": [{"from": str(s), "to": str(t), "k": K, "max_hops": MAX_HOPS, "paths": best_paths(G, s, t)}
                  for s, t in pairs],
    }
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    fixture("florentine", florentine(), [("Medici", "Strozzi"), ("Pazzi", "Lamberteschi"), ("Acciaiuoli", "Ginori")])
    fixture("kite", kite(), [("k0", "k9"), ("k3", "k8")])
    fixture("karate", karate(), [("m0", "m33"), ("m16", "m26"), ("m11", "m9")])
    fixture("islands", islands(), [("a", "g"), ("a", "h"), ("j", "f")])


if __name__ == "__main__":
    main()
