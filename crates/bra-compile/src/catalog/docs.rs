//! The catalog page (`docs/catalog.md`) and `bra explain` text, generated
//! from the entries so that the documentation is never written twice.

use std::fmt::Write as _;

use super::neurons::POS;
use super::{Entry, Kind, Param, ParamType, Preset, Traits, all};

/// Width of wrapped paragraphs in `bra explain` output.
const WIDTH: usize = 88;

/// The kinds in catalog order.
const KINDS: [Kind; 6] = [
    Kind::Neuron,
    Kind::Synapse,
    Kind::Connector,
    Kind::Law,
    Kind::Learning,
    Kind::Encoder,
];

/// Singular noun for a kind, as `bra explain` names it.
pub fn kind_noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Neuron => "neuron model or source",
        Kind::Synapse => "synapse",
        Kind::Connector => "connector",
        Kind::Law => "law",
        Kind::Learning => "learning rule",
        Kind::Encoder => "encoder",
    }
}

/// The text `bra explain NAME` prints for one entry.
pub fn explain(e: &Entry) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", e.name, e.summary);
    let mut facts = vec![format!("kind: {}", kind_noun(e.kind))];
    if !e.aliases.is_empty() {
        facts.push(format!("aliases: {}", e.aliases.join(", ")));
    }
    let traits = trait_names(&e.traits);
    if !traits.is_empty() {
        facts.push(format!("traits: {}", traits.join(", ")));
    }
    let _ = writeln!(out, "{}", facts.join("   "));
    out.push('\n');
    out.push_str(&wrap(e.doc, WIDTH, "  ", "  "));

    out.push('\n');
    if e.params.is_empty() {
        out.push_str("Parameters: none\n");
    } else {
        out.push_str("Parameters (positional arguments bind in this order):\n");
        let mut rows = vec![[
            "name".to_string(),
            "type".to_string(),
            "unit".to_string(),
            "default".to_string(),
            "range".to_string(),
            "description".to_string(),
        ]];
        for p in e.params {
            rows.push([
                p.name.to_string(),
                type_label(p).to_string(),
                unit_label(p).to_string(),
                default_label(p),
                range_label(p),
                p.doc.to_string(),
            ]);
        }
        out.push_str(&table(&rows));
    }

    if !e.presets.is_empty() {
        out.push_str("\nPresets:\n");
        let width = e.presets.iter().map(|p| p.name.len()).max().unwrap_or(0);
        for preset in e.presets {
            let _ = writeln!(
                out,
                "  {:width$}  {}",
                preset.name,
                preset_values(e, preset)
            );
            let _ = writeln!(out, "  {:width$}  {}", "", preset.doc);
        }
    }

    if !e.integrator.is_empty() {
        out.push_str("\nIntegrator:\n");
        out.push_str(&wrap(e.integrator, WIDTH, "  ", "  "));
    }

    out.push_str("\nReferences:\n");
    for r in e.references {
        out.push_str(&wrap(r, WIDTH, "  - ", "    "));
    }
    out
}

/// The whole catalog as a Markdown page, grouped by kind.
pub fn markdown() -> String {
    let entries = all();
    let mut out = String::new();
    out.push_str("# Catalog\n\n");
    out.push_str(
        "<!-- Generated from crates/bra-compile/src/catalog by `markdown()`; do not edit. \
         Regenerate with `BRA_UPDATE_DOCS=1 cargo test -p bra-compile --test catalog`. -->\n\n",
    );
    out.push_str(
        "Every neuron model, synapse, connector, law, learning rule and encoder that a spec can \
         name, with its parameters. The same catalog drives the checker (names, units, ranges), \
         the compiler (defaults, presets) and `bra explain NAME`, which prints one entry of this \
         page.\n\n",
    );
    out.push_str(
        "Conventions. Defaults and ranges are given in the unit shown; the compiler converts \
         every value to SI. Unit `1` is a plain number. Unit `same` means the parameter takes the \
         dimension of the quantity it is used for (a law filling a weight in mV takes mV); the \
         compiler checks it against that quantity. Ranges are inclusive; `> 0` excludes zero. \
         Type `real or law` accepts a number or a law drawing one value per neuron or synapse. A \
         `preset` argument applies a named set of values; arguments written in the spec override \
         it. Parameters bind to positional arguments in the order listed.\n\n",
    );

    for kind in KINDS {
        let names: Vec<String> = entries
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| format!("[`{}`](#{})", e.name, e.name))
            .collect();
        let _ = writeln!(out, "- **{}**: {}", kind.heading(), names.join(", "));
    }

    for kind in KINDS {
        let _ = write!(out, "\n## {}\n", kind.heading());
        for e in entries.iter().filter(|e| e.kind == kind) {
            entry_markdown(&mut out, e);
        }
    }
    out
}

fn entry_markdown(out: &mut String, e: &Entry) {
    let _ = write!(out, "\n### `{}`\n\n{}.\n\n", e.name, e.summary);
    let mut facts = Vec::new();
    if !e.aliases.is_empty() {
        let aliases: Vec<String> = e.aliases.iter().map(|a| format!("`{a}`")).collect();
        facts.push(format!("Aliases: {}.", aliases.join(", ")));
    }
    let traits = trait_names(&e.traits);
    if !traits.is_empty() {
        facts.push(format!("Traits: {}.", traits.join(", ")));
    }
    if !facts.is_empty() {
        let _ = write!(out, "{}\n\n", facts.join(" "));
    }
    let _ = write!(out, "{}\n\n", e.doc);

    if e.params.is_empty() {
        out.push_str("No parameters.\n");
    } else {
        out.push_str("| Parameter | Type | Unit | Default | Range | Description |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for p in e.params {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                p.name,
                type_label(p),
                cell(unit_label(p)),
                cell(&default_label(p)),
                cell(&range_label(p)),
                cell(p.doc)
            );
        }
    }

    if !e.presets.is_empty() {
        out.push_str("\n| Preset | Values | Description |\n|---|---|---|\n");
        for preset in e.presets {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                preset.name,
                cell(&preset_values(e, preset)),
                cell(preset.doc)
            );
        }
    }

    if !e.integrator.is_empty() {
        let _ = write!(out, "\n**Integrator.** {}\n", e.integrator);
    }

    out.push_str("\n**References.**\n\n");
    for r in e.references {
        let _ = writeln!(out, "- {r}");
    }
}

/// Escapes a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The capability flags that are set, by name.
fn trait_names(t: &Traits) -> Vec<&'static str> {
    [
        (t.spiking, "spiking"),
        (t.rate, "rate"),
        (t.source, "source"),
        (t.conductance, "conductance"),
        (t.grid, "grid"),
        (t.membrane, "membrane"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect()
}

fn type_label(p: &Param) -> &'static str {
    match p.ty {
        ParamType::Real => "real",
        ParamType::Int => "int",
        ParamType::Bool => "bool",
        ParamType::Choice(_) => "choice",
        ParamType::Path => "file",
        ParamType::RealOrLaw => "real or law",
    }
}

fn unit_label(p: &Param) -> &'static str {
    match p.ty {
        ParamType::Real | ParamType::RealOrLaw if p.unit.is_empty() => "1",
        ParamType::Real | ParamType::RealOrLaw => p.unit,
        _ => "—",
    }
}

/// A number as written in the docs: whole numbers without a fraction, very
/// small or large ones in exponent form, infinities as `∞`.
fn number(x: f64) -> String {
    if x == f64::INFINITY {
        "∞".to_string()
    } else if x == f64::NEG_INFINITY {
        "-∞".to_string()
    } else if x == 0.0 {
        "0".to_string()
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else if x.abs() < 1e-3 || x.abs() >= 1e6 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The name of choice `index` of a parameter, or the number if out of range.
fn choice_name(options: &[&str], index: f64) -> String {
    let i = index as usize;
    if index >= 0.0 && index.fract() == 0.0 && i < options.len() {
        options[i].to_string()
    } else {
        number(index)
    }
}

fn default_label(p: &Param) -> String {
    let Some(d) = p.default else {
        return "required".to_string();
    };
    match p.ty {
        ParamType::Bool => if d != 0.0 { "true" } else { "false" }.to_string(),
        ParamType::Choice(options) => choice_name(options, d),
        _ => number(d),
    }
}

fn range_label(p: &Param) -> String {
    match p.ty {
        ParamType::Bool => "true, false".to_string(),
        ParamType::Choice(options) => options.join(", "),
        ParamType::Path => "file path".to_string(),
        _ => {
            let lo_open = p.min == f64::NEG_INFINITY;
            let hi_open = p.max == f64::INFINITY;
            match (lo_open, hi_open) {
                (true, true) => "any".to_string(),
                (true, false) => format!("≤ {}", number(p.max)),
                (false, true) if p.min == POS => "> 0".to_string(),
                (false, true) => format!("≥ {}", number(p.min)),
                (false, false) if p.min == POS => format!("(0, {}]", number(p.max)),
                (false, false) => format!("[{}, {}]", number(p.min), number(p.max)),
            }
        }
    }
}

/// `a = 0.02 1/ms, b = 0.2, …` for a preset, with each parameter's unit.
fn preset_values(e: &Entry, preset: &Preset) -> String {
    preset
        .values
        .iter()
        .map(|(name, value)| match e.param(name) {
            Some(p) => match p.ty {
                ParamType::Bool => {
                    format!("{name} = {}", if *value != 0.0 { "true" } else { "false" })
                }
                ParamType::Choice(options) => format!("{name} = {}", choice_name(options, *value)),
                _ if p.unit.is_empty() || p.unit == "same" => {
                    format!("{name} = {}", number(*value))
                }
                _ => format!("{name} = {} {}", number(*value), p.unit),
            },
            None => format!("{name} = {}", number(*value)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Left-aligned columns separated by two spaces, each line indented by two;
/// the last column is not padded.
fn table(rows: &[[String; 6]]) -> String {
    let mut widths = [0usize; 6];
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::from("  ");
        for (i, c) in row.iter().enumerate() {
            line.push_str(c);
            if i + 1 < row.len() {
                let pad = widths[i] - c.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Greedy word wrap: the first line starts with `first`, later lines with
/// `rest`; each line ends with a newline.
fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(number(-65.0), "-65");
        assert_eq!(number(0.02), "0.02");
        assert_eq!(number(5e-10), "5e-10");
        assert_eq!(number(2.3e-4), "2.3e-4");
        assert_eq!(number(f64::INFINITY), "∞");
    }

    #[test]
    fn wrap_keeps_words_and_width() {
        let w = wrap("aa bb cc dd", 8, "  ", "  ");
        assert_eq!(w, "  aa bb\n  cc dd\n");
    }
}
