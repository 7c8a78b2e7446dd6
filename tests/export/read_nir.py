"""Load a NIR file with the reference reader and print what it holds as JSON.

Usage: read_nir.py FILE.nir

`nir.read` (with its default type checking: every edge's shapes must agree)
builds the graph; the output lists, for every node, its NIR type, its input
and output shapes as NIR infers them, every array parameter (shape and
values) and its metadata, then the edges, the graph's metadata and the
file's version. tests/export_nir.rs compares this with the network bra
exported.
"""

import json
import sys

import numpy as np

import nir
from nir.serialization import read_version


def plain(x):
    if isinstance(x, np.ndarray):
        return {"shape": list(x.shape), "values": x.astype(float).ravel().tolist()}
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, bytes):
        return x.decode("utf8")
    return x


def types(t):
    return {k: [int(d) for d in np.atleast_1d(v)] for k, v in (t or {}).items()}


def main(path):
    g = nir.read(path)
    nodes = {}
    for name, node in sorted(g.nodes.items()):
        params = {}
        for k, v in vars(node).items():
            if k in ("input_type", "output_type", "metadata"):
                continue
            if isinstance(v, np.ndarray):
                params[k] = plain(v)
        nodes[name] = {
            "type": type(node).__name__,
            "input_type": types(node.input_type),
            "output_type": types(node.output_type),
            "params": params,
            "metadata": {k: plain(v) for k, v in (node.metadata or {}).items()},
        }
    out = {
        "version": read_version(path),
        "nodes": nodes,
        "edges": [[a, b] for a, b in g.edges],
        "metadata": {k: plain(v) for k, v in (g.metadata or {}).items()},
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
