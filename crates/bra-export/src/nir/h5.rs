//! NIR graphs in HDF5, in the layout of Python's `nir.write` / `nir.read`
//! (NIR 1.0.x): `version` (string), `node/type = "NIRGraph"`,
//! `node/nodes/<name>/{type, <param>…, metadata/…}`, `node/edges` (an
//! `(n, 2)` array of strings) and `node/metadata/…`. Strings are
//! variable-length UTF-8 scalars, as h5py's `string_dtype()` writes them;
//! parameters are float64 (the `shape` of `Input`/`Output` is int64), and
//! arrays of 1,024 elements or more are gzip-compressed as `nir.write` does.

use super::{Array, Graph, Meta, NIR_VERSION, Node};
use hdf5::types::{FixedAscii, FixedUnicode, TypeDescriptor, VarLenAscii, VarLenUnicode};
use hdf5::{Dataset, File, Group};
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

/// Arrays at least this long are gzip-compressed (when the library can).
const COMPRESS_FROM: usize = 1024;

fn e(what: &str, err: hdf5::Error) -> String {
    format!("{what}: {err}")
}

fn vlu(s: &str) -> Result<VarLenUnicode, String> {
    VarLenUnicode::from_str(s).map_err(|err| format!("cannot store the string `{s}`: {err}"))
}

fn write_str(g: &Group, name: &str, s: &str) -> Result<(), String> {
    let ds = g
        .new_dataset::<VarLenUnicode>()
        .shape(())
        .create(name)
        .map_err(|x| e(&format!("cannot create `{name}`"), x))?;
    ds.write_scalar(&vlu(s)?)
        .map_err(|x| e(&format!("cannot write `{name}`"), x))
}

fn write_array(g: &Group, name: &str, a: &Array, int: bool) -> Result<(), String> {
    let shape = a.shape.clone();
    let compress = a.len() >= COMPRESS_FROM && hdf5::filters::deflate_available();
    let ctx = |x| e(&format!("cannot write `{name}`"), x);
    if int {
        let mut b = g.new_dataset::<i64>().shape(shape);
        if compress {
            b = b.deflate(4);
        }
        let ds = b.create(name).map_err(ctx)?;
        let data: Vec<i64> = a.data.iter().map(|x| *x as i64).collect();
        ds.write_raw(&data).map_err(ctx)
    } else {
        let mut b = g.new_dataset::<f64>().shape(shape);
        if compress {
            b = b.deflate(4);
        }
        let ds = b.create(name).map_err(ctx)?;
        ds.write_raw(&a.data).map_err(ctx)
    }
}

fn write_meta(g: &Group, md: &BTreeMap<String, Meta>) -> Result<(), String> {
    if md.is_empty() {
        return Ok(()); // nir.write skips empty metadata
    }
    let m = g
        .create_group("metadata")
        .map_err(|x| e("cannot create `metadata`", x))?;
    for (k, v) in md {
        match v {
            Meta::Text(s) => write_str(&m, k, s)?,
            Meta::Real(x) => {
                let ds = m
                    .new_dataset::<f64>()
                    .shape(())
                    .create(k.as_str())
                    .map_err(|x| e(&format!("cannot create `{k}`"), x))?;
                ds.write_scalar(x)
                    .map_err(|x| e(&format!("cannot write `{k}`"), x))?;
            }
        }
    }
    Ok(())
}

fn write_node(g: &Group, node: &Node) -> Result<(), String> {
    write_str(g, "type", &node.kind)?;
    for (k, a) in &node.params {
        let int = k == "shape" && (node.kind == "Input" || node.kind == "Output");
        write_array(g, k, a, int)?;
    }
    if let Some(sub) = &node.graph {
        write_graph(g, sub)?;
    }
    write_meta(g, &node.metadata)
}

fn write_graph(g: &Group, graph: &Graph) -> Result<(), String> {
    let nodes = g
        .create_group("nodes")
        .map_err(|x| e("cannot create `nodes`", x))?;
    for (name, node) in &graph.nodes {
        if name.contains('/') || name == "." || name.is_empty() {
            return Err(format!(
                "the node name `{name}` cannot be an HDF5 group name"
            ));
        }
        let ng = nodes
            .create_group(name)
            .map_err(|x| e(&format!("cannot create node `{name}`"), x))?;
        write_node(&ng, node).map_err(|m| format!("node `{name}`: {m}"))?;
    }
    let mut flat = Vec::with_capacity(graph.edges.len() * 2);
    for (a, b) in &graph.edges {
        flat.push(vlu(a)?);
        flat.push(vlu(b)?);
    }
    let ds = g
        .new_dataset::<VarLenUnicode>()
        .shape([graph.edges.len(), 2])
        .create("edges")
        .map_err(|x| e("cannot create `edges`", x))?;
    ds.write_raw(&flat)
        .map_err(|x| e("cannot write `edges`", x))
}

/// Write `graph` to a new HDF5 file at `path` (replacing it).
pub fn write(graph: &Graph, path: &Path) -> Result<(), String> {
    let f = File::create(path).map_err(|x| e(&format!("cannot create {}", path.display()), x))?;
    write_str(&f, "version", NIR_VERSION)?;
    let node = f
        .create_group("node")
        .map_err(|x| e("cannot create `node`", x))?;
    write_str(&node, "type", "NIRGraph")?;
    write_graph(&node, graph)?;
    write_meta(&node, &graph.metadata)?;
    f.close()
        .map_err(|x| e(&format!("cannot close {}", path.display()), x))
}

/// Read string values of a dataset (any HDF5 string type).
fn read_strings(ds: &Dataset) -> Result<Vec<String>, String> {
    let desc = ds
        .dtype()
        .and_then(|t| t.to_descriptor())
        .map_err(|x| e("unreadable type", x))?;
    let ctx = |x| e("cannot read strings", x);
    Ok(match desc {
        TypeDescriptor::VarLenUnicode => ds
            .read_raw::<VarLenUnicode>()
            .map_err(ctx)?
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        TypeDescriptor::VarLenAscii => ds
            .read_raw::<VarLenAscii>()
            .map_err(ctx)?
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        TypeDescriptor::FixedAscii(_) => ds
            .read_raw::<FixedAscii<1024>>()
            .map_err(ctx)?
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        TypeDescriptor::FixedUnicode(_) => ds
            .read_raw::<FixedUnicode<1024>>()
            .map_err(ctx)?
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        other => return Err(format!("expected strings, found {other}")),
    })
}

fn is_string(ds: &Dataset) -> bool {
    matches!(
        ds.dtype().and_then(|t| t.to_descriptor()),
        Ok(TypeDescriptor::VarLenUnicode
            | TypeDescriptor::VarLenAscii
            | TypeDescriptor::FixedAscii(_)
            | TypeDescriptor::FixedUnicode(_))
    )
}

fn read_str(g: &Group, name: &str) -> Result<String, String> {
    let ds = g
        .dataset(name)
        .map_err(|_| format!("no dataset `{name}`"))?;
    read_strings(&ds)
        .map_err(|m| format!("`{name}`: {m}"))?
        .into_iter()
        .next()
        .ok_or_else(|| format!("`{name}` is empty"))
}

fn read_array(ds: &Dataset, name: &str) -> Result<Array, String> {
    let data = ds
        .read_raw::<f64>()
        .map_err(|x| e(&format!("`{name}` is not numeric"), x))?;
    Ok(Array {
        shape: ds.shape(),
        data,
    })
}

fn read_meta(g: &Group) -> Result<BTreeMap<String, Meta>, String> {
    let mut out = BTreeMap::new();
    if !g.link_exists("metadata") {
        return Ok(out);
    }
    let Ok(m) = g.group("metadata") else {
        return Ok(out);
    };
    for k in m.member_names().map_err(|x| e("metadata", x))? {
        let Ok(ds) = m.dataset(&k) else { continue };
        if is_string(&ds) {
            if let Some(s) = read_strings(&ds)?.into_iter().next() {
                out.insert(k, Meta::Text(s));
            }
        } else if ds.size() == 1
            && let Ok(v) = ds.read_raw::<f64>()
            && let Some(x) = v.first()
        {
            out.insert(k, Meta::Real(*x));
        }
        // Other metadata (arrays, booleans) is informational: not kept.
    }
    Ok(out)
}

fn read_node(g: &Group) -> Result<Node, String> {
    let kind = read_str(g, "type")?;
    let mut node = Node::new(&kind);
    if kind == "NIRGraph" {
        node.graph = Some(Box::new(read_graph(g)?));
    } else {
        for k in g.member_names().map_err(|x| e("members", x))? {
            if k == "type" || k == "metadata" {
                continue;
            }
            let Ok(ds) = g.dataset(&k) else {
                continue;
            };
            if is_string(&ds) {
                continue;
            }
            node.params.insert(k.clone(), read_array(&ds, &k)?);
        }
    }
    node.metadata = read_meta(g)?;
    Ok(node)
}

fn read_graph(g: &Group) -> Result<Graph, String> {
    let mut graph = Graph::default();
    let nodes = g
        .group("nodes")
        .map_err(|_| "no group `nodes`".to_string())?;
    for name in nodes.member_names().map_err(|x| e("nodes", x))? {
        let ng = nodes
            .group(&name)
            .map_err(|_| format!("node `{name}` is not a group"))?;
        let node = read_node(&ng).map_err(|m| format!("node `{name}`: {m}"))?;
        graph.nodes.insert(name, node);
    }
    let ds = g
        .dataset("edges")
        .map_err(|_| "no dataset `edges`".to_string())?;
    if ds.size() > 0 {
        let flat = read_strings(&ds).map_err(|m| format!("`edges`: {m}"))?;
        if flat.len() % 2 != 0 {
            return Err(format!(
                "`edges` holds {} strings, not (source, target) pairs",
                flat.len()
            ));
        }
        for p in flat.chunks(2) {
            graph.edges.push((p[0].clone(), p[1].clone()));
        }
    }
    graph.metadata = read_meta(g)?;
    Ok(graph)
}

/// A NIR file read back: its graph and the `version` it declares.
pub struct Read {
    /// The top-level graph.
    pub graph: Graph,
    /// The file's `version`, when present.
    pub version: Option<String>,
}

/// Read a NIR file.
pub fn read(path: &Path) -> Result<Read, String> {
    let f = File::open(path).map_err(|x| {
        format!(
            "cannot open {} as HDF5 (is it a NIR file?): {x}",
            path.display()
        )
    })?;
    let version = read_str(&f, "version").ok();
    let node = f
        .group("node")
        .map_err(|_| format!("{}: no group `node`; not a NIR file", path.display()))?;
    let kind = read_str(&node, "type").map_err(|m| format!("{}: node: {m}", path.display()))?;
    if kind != "NIRGraph" {
        return Err(format!(
            "{}: the top-level node is a `{kind}`, not a NIRGraph",
            path.display()
        ));
    }
    let graph = read_graph(&node).map_err(|m| format!("{}: {m}", path.display()))?;
    Ok(Read { graph, version })
}
