use super::support::{prop_values, word, written};
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;
use std::collections::HashMap;
use std::sync::OnceLock;

/// SCID108: a circuit says its ID comes from DHBA, but the WholeBIF
/// dictionary has no such DHBA ID.
pub static RULE: Rule = Rule {
    code: "SCID108",
    name: "dhba-id-unknown",
    severity: Severity::Warning,
    summary: "a circuit's `source` is DHBA but its ID is not a DHBA ID of the WholeBIF dictionary",
    wbai: None,
    doc: r#"## What it checks
A circuit with `source = DHBA` has an ID that the WholeBIF circuit
dictionary lists with source DHBA. When it does not, the warning names the
closest DHBA IDs of the dictionary.

The dictionary is the WholeBIF `BrainRegions.csv` (3,435 circuit IDs, of
which 3,315 from DHBA) bundled with `bra`; `bra check --dictionary FILE`
reads another file with the same header (`Circuit ID,Source of ID,Names`).

## Why
DHBA (the Allen Developing Human Brain Atlas) fixes what an abbreviation
means; WholeBIF collects the IDs that WBAI's BRAs use, so that two BRAs that
both say `CA3` mean the same region. An ID that claims to come from DHBA but
is not one — a typo (`CA33`), another case (`str` for `STR`), a layer suffix
of one's own — silently breaks that sharing. WBAI's review asks for a known
source of every ID (review codes 107 and 108).

## Example
```bra
circuit CA33 "CA3 pyramidal cells" { uniform, transmitter = Glutamate, modulation = Excitatory, source = DHBA }   // warning
```
Fix the ID (`CA3`), or say where it really comes from (`source = makeshift`
for an ID coined in this BRA).

## References
WholeBIF-RDB circuit dictionary (`BrainRegions.csv`, MIT licence); Allen
Developing Human Brain Atlas ontology; WBAI BRA review codes 107 and 108;
WBAI BRA template v2-2, Circuits sheet (Source of ID).
"#,
    run,
};

/// The WholeBIF circuit dictionary: circuit ID → (source of ID, names).
#[derive(Clone, Debug, Default)]
pub struct Dictionary {
    /// Where it came from (for messages).
    pub origin: String,
    entries: Vec<(String, String, String)>,
    index: HashMap<String, usize>,
}

/// The bundled copy (WholeBIF-RDB `data/BrainRegions.csv`, MIT licence; see
/// `crates/bra-check/data/`).
const BUNDLED: &str = include_str!("../../../data/WholeBIF_BrainRegions.csv");

impl Dictionary {
    /// The dictionary bundled with `bra`.
    pub fn bundled() -> &'static Dictionary {
        static D: OnceLock<Dictionary> = OnceLock::new();
        D.get_or_init(|| {
            Dictionary::parse(BUNDLED, "the bundled WholeBIF dictionary").unwrap_or_default()
        })
    }

    /// Read a dictionary in WholeBIF's CSV form: a header with `Circuit ID`
    /// and `Source of ID` (and optionally `Names`), one row per ID. A leading
    /// byte-order mark is ignored. The error says what is wrong and where.
    pub fn parse(text: &str, origin: &str) -> Result<Dictionary, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let rows = csv_rows(text)?;
        let mut rows = rows.into_iter();
        let header = rows
            .next()
            .ok_or_else(|| "the file is empty (expected a header row)".to_string())?;
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let id_col = col("Circuit ID").ok_or("the header has no `Circuit ID` column")?;
        let src_col = col("Source of ID").ok_or("the header has no `Source of ID` column")?;
        let names_col = col("Names");
        let mut d = Dictionary {
            origin: origin.to_string(),
            ..Dictionary::default()
        };
        for row in rows {
            let Some(id) = row.get(id_col).map(|s| s.trim()).filter(|s| !s.is_empty()) else {
                continue;
            };
            let source = row.get(src_col).map(|s| s.trim()).unwrap_or("");
            let names = names_col
                .and_then(|c| row.get(c))
                .map(|s| s.trim())
                .unwrap_or("");
            if !d.index.contains_key(id) {
                d.index.insert(id.to_string(), d.entries.len());
                d.entries
                    .push((id.to_string(), source.to_string(), names.replace('\n', " ")));
            }
        }
        if d.entries.is_empty() {
            return Err("the file lists no circuit IDs".to_string());
        }
        Ok(d)
    }

    /// Number of IDs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when it lists no ID.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The source of ID and names of an ID.
    pub fn get(&self, id: &str) -> Option<(&str, &str)> {
        self.index.get(id).map(|&k| {
            let e = &self.entries[k];
            (e.1.as_str(), e.2.as_str())
        })
    }

    /// The `n` DHBA IDs closest to `id` (same letters in another case first,
    /// then by edit distance), with their names.
    pub fn closest_dhba(&self, id: &str, n: usize) -> Vec<(&str, &str)> {
        let lower = id.to_lowercase();
        let mut scored: Vec<(usize, &str, &str)> = self
            .entries
            .iter()
            .filter(|e| e.1 == "DHBA")
            .map(|e| {
                let l = e.0.to_lowercase();
                let d = if l == lower {
                    0
                } else {
                    1 + strsim::levenshtein(&lower, &l)
                };
                (d, e.0.as_str(), e.2.as_str())
            })
            .collect();
        scored.sort();
        scored.into_iter().take(n).map(|(_, i, s)| (i, s)).collect()
    }
}

/// RFC 4180 rows (quoted cells may hold commas, quotes and line breaks).
fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    let mut quoted = false;
    let mut started_quote_line = 0;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                c => {
                    if c == '\n' {
                        line += 1;
                    }
                    cell.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() => {
                quoted = true;
                started_quote_line = line;
            }
            ',' => row.push(std::mem::take(&mut cell)),
            '\r' => {}
            '\n' => {
                line += 1;
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            c => cell.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "line {started_quote_line}: a quoted cell is never closed"
        ));
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    Ok(rows)
}

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let dict: &Dictionary = match &ctx.config.dictionary {
        Some(d) => d,
        None => Dictionary::bundled(),
    };
    if dict.is_empty() {
        return;
    }
    for c in &m.circuits {
        let Some(src) = prop_values(&c.decl, "source")
            .into_iter()
            .find(|e| word(e) == Some("DHBA"))
        else {
            continue;
        };
        let id = c.decl.name();
        if id.is_empty() {
            continue;
        }
        let file = c.decl.file;
        let known = dict.get(&id);
        if known.is_some_and(|(s, _)| s == "DHBA") {
            continue;
        }
        let mut d = match known {
            Some((other, _)) => ctx
                .diag(format!(
                    "circuit `{id}` says its ID comes from DHBA, but the WholeBIF dictionary lists `{id}` with source `{other}`"
                ))
                .with_primary(file, src.span, format!("the dictionary says `{other}`")),
            None => ctx
                .diag(format!(
                    "circuit `{id}` says its ID comes from DHBA, but DHBA has no ID `{id}` in the WholeBIF dictionary"
                ))
                .with_primary(file, src.span, "not a DHBA ID"),
        };
        d = d.with_label(file, c.decl.name_span(), "this ID");
        let close = dict.closest_dhba(&id, 3);
        let listed: Vec<String> = close
            .iter()
            .map(|(i, names)| {
                if names.is_empty() {
                    format!("`{}`", written(i))
                } else {
                    format!("`{}` ({names})", written(i))
                }
            })
            .collect();
        let help = match known {
            Some((other, _)) => format!(
                "write `source = {}` as the dictionary does, or use a DHBA ID: {}",
                written(other),
                listed.join(", ")
            ),
            None => format!(
                "the closest DHBA IDs are {}; or, for an ID coined in this BRA, write `source = makeshift`",
                listed.join(", ")
            ),
        };
        d = d.with_help(help).with_note(format!(
            "checked against {} ({} IDs); `bra check --dictionary FILE` uses another",
            dict.origin,
            dict.len()
        ));
        ctx.emit(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn check(src: &str, config: &Config) -> Vec<bra_syntax::Diagnostic> {
        let mut loaded = bra_model::load_str("spec.bra", src);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let files = std::mem::take(&mut loaded.files);
        let model = bra_model::Model::build(std::mem::take(&mut loaded.sources), &files);
        crate::check_with(&model, config)
            .into_iter()
            .filter(|d| d.code == "SCID108")
            .collect()
    }

    const CA: &str =
        "circuit X { uniform, transmitter = Glutamate, modulation = Excitatory, source = DHBA }\n";

    #[test]
    fn bundled_dictionary_reads_whole() {
        let d = Dictionary::bundled();
        assert_eq!(d.len(), 3435, "every row of BrainRegions.csv");
        assert_eq!(d.get("CA3").map(|x| x.0), Some("DHBA"));
        // A quoted cell with a line break inside.
        assert_eq!(d.get("Cx.L5PT").map(|x| x.0), Some("makeshift"));
        assert_eq!(d.get("dmPFC").map(|x| x.0), Some("[Krueger, 2019]"));
    }

    #[test]
    fn fires_with_the_closest_ids_and_not_on_known_ones() {
        let cfg = Config::default();
        let diags = check(&CA.replace('X', "CA33"), &cfg);
        assert_eq!(diags.len(), 1);
        let help = diags[0].help.clone().unwrap_or_default();
        assert!(help.contains("`CA3`"), "{help}");
        assert_eq!(diags[0].severity, Severity::Warning);
        assert!(check(&CA.replace('X', "CA3"), &cfg).is_empty());
        // Other sources are not looked up.
        assert!(check(&CA.replace("DHBA", "makeshift").replace('X', "CA33"), &cfg).is_empty());
        // Case matters, and the right case is offered first.
        let d = check(&CA.replace('X', "ca3"), &cfg);
        assert!(d[0].help.as_deref().unwrap_or("").contains("`CA3`"));
        // Listed, but not as DHBA.
        let d = check(&CA.replace('X', "brainstem"), &cfg);
        assert!(d[0].message.contains("`collection`"), "{}", d[0].message);
    }

    #[test]
    fn a_dictionary_of_ones_own_replaces_the_bundled_one() {
        let own = Dictionary::parse(
            "\u{feff}Circuit ID,Source of ID,Names\nCA33,DHBA,\"made, up\"\n",
            "mine.csv",
        )
        .expect("parses");
        let mut cfg = Config::default();
        cfg.dictionary = Some(std::sync::Arc::new(own));
        assert!(check(&CA.replace('X', "CA33"), &cfg).is_empty());
        let d = check(&CA.replace('X', "CA3"), &cfg);
        assert_eq!(d.len(), 1);
        assert!(d[0].notes[0].contains("mine.csv"), "{:?}", d[0].notes);
        assert!(Dictionary::parse("ID,Source\n", "x").is_err());
        assert!(Dictionary::parse("Circuit ID,Source of ID\n\"open\n", "x").is_err());
        assert!(Dictionary::parse("", "x").is_err());
    }
}
