//! Synthetic specs of any size, for benchmarks and scaling tests.
//!
//! [`generate`] writes a check-clean architecture with `10_000 × scale`
//! uniform circuits (nested in one ROI collection), one component per
//! circuit, `25_000 × scale` connections each realised by a flow (so
//! `50_000 × scale` connections and flows), an input and an output circuit
//! outside the ROI, and a two-level FRG.

use std::fmt::Write;

/// Circuits (and components) per unit of scale.
pub const CIRCUITS: usize = 10_000;
/// Connections (and as many flows) per unit of scale.
pub const CONNECTIONS: usize = 25_000;

/// The text of a synthetic spec at this scale (`scale = 1` is 10,000
/// circuits, 10,000 components, 50,000 connections and flows).
pub fn generate(scale: usize) -> String {
    let n = CIRCUITS * scale.max(1);
    let m = CONNECTIONS * scale.max(1);
    let mut s = String::with_capacity(n * 400);
    let _ = writeln!(
        s,
        "project SYN \"synthetic scaling spec\" {{\n  bra_version = \"2.2\", taxon = Rat\n  tlf = \"propagate activity\"\n  roi = [Net]\n}}\n"
    );
    let _ = writeln!(
        s,
        "reference syn2026 {{ doi = \"10.0000/synthetic\", type = Article }}\n"
    );
    let glu = "uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift";
    let _ = writeln!(s, "circuit In {{ {glu} }}\ncircuit Out {{ {glu} }}");
    let _ = writeln!(
        s,
        "circuit Net \"synthetic network\" {{\n  source = collection"
    );
    for i in 0..n {
        let _ = writeln!(s, "  circuit C{i} {{ {glu}, size = 1000 }}");
    }
    let _ = writeln!(s, "}}\n");
    // Pairs: the chain i -> i+1 first (so every circuit lies on the path
    // from In to Out), then strides 7, 31, 127, ... until m pairs.
    let mut pairs: Vec<(usize, usize)> = (0..n.saturating_sub(1)).map(|i| (i, i + 1)).collect();
    let strides = [7usize, 31, 127, 509, 2039, 8191];
    'outer: for &st in &strides {
        for i in 0..n {
            if pairs.len() >= m {
                break 'outer;
            }
            let j = (i + st) % n;
            if j != i + 1 {
                pairs.push((i, j));
            }
        }
    }
    pairs.truncate(m);
    let _ = writeln!(s, "connection In -> C0 {{ reference = syn2026 }}");
    let _ = writeln!(s, "connection C{} -> Out {{ reference = syn2026 }}", n - 1);
    for (a, b) in &pairs {
        let _ = writeln!(s, "connection C{a} -> C{b} {{ reference = syn2026 }}");
    }
    s.push('\n');
    for i in 0..n {
        let _ = writeln!(
            s,
            "component C{i} {{ neurons = lif(tau_m: 20 ms, v_th: -50 mV) * 100 }}"
        );
    }
    s.push('\n');
    for (a, b) in &pairs {
        let _ = writeln!(
            s,
            "flow C{a} -> C{b} {{ connect = fixed_probability(p: 0.02), weight = 0.25 mV, delay = 1.5 ms }}"
        );
    }
    s.push('\n');
    let groups = n.div_ceil(100);
    let roots: Vec<String> = (0..groups).map(|g| format!("g{g}")).collect();
    let _ = writeln!(
        s,
        "function propagate \"propagate activity\" {{ parts = [{}] }}",
        roots.join(", ")
    );
    for g in 0..groups {
        let parts: Vec<String> = (g * 100..((g + 1) * 100).min(n))
            .map(|i| format!("C{i}"))
            .collect();
        let _ = writeln!(s, "function g{g} {{ parts = [{}] }}", parts.join(", "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_synthetic_spec_has_the_promised_size_and_resolves() {
        let text = generate(1);
        let loaded = crate::load_str("syn.bra", &text);
        assert!(
            loaded.diagnostics.is_empty(),
            "{:?}",
            loaded.diagnostics.first()
        );
        let model = crate::Model::build(loaded.sources, &loaded.files);
        assert_eq!(model.circuits.len(), CIRCUITS + 3);
        assert_eq!(model.components.len(), CIRCUITS);
        assert_eq!(model.connections.len(), CONNECTIONS + 2);
        assert_eq!(model.flows.len(), CONNECTIONS);
        assert!(model.unresolved.is_empty() && model.duplicates.is_empty());
    }
}
