use crate::registry::{Ctx, Rule};
use bra_syntax::ast::Ident;
use bra_syntax::{Severity, Span};

/// SCID101: a circuit ID uses characters WBAI does not allow.
pub static RULE: Rule = Rule {
    code: "SCID101",
    name: "invalid-id",
    severity: Severity::Error,
    summary: "a circuit ID contains characters outside WBAI's ID alphabet",
    wbai: Some(101),
    doc: r#"## What it checks
Every circuit ID consists only of ASCII letters, digits and the characters
`.` `_` `~` `-` `/` `+` — no spaces, tabs, brackets, commas, quotes or other
symbols. Backtick-quoted IDs (`` `IO-DC` ``) may contain any character to the
parser; this rule holds them to WBAI's alphabet.

## Why
WBAI's automatic BRA review rejects circuit IDs outside this set (review code
101). IDs are keys: the BRA template joins its Circuits, Connections and FRG
sheets on them, the BIF ontology turns them into class IRIs, and the WholeBIF
dictionary (DHBA/MBA abbreviations such as `CA3`, `IO-DC`, `5-HT+`) stays
inside this alphabet. A space or a bracket breaks all three.

## Example
```bra
circuit `CA3 (pyramidal)` { uniform, transmitter = Glutamate, modulation = Excitatory }   // error
```
Give the circuit an ID in the alphabet and keep the long name as its title:
`circuit CA3_pyr "CA3 (pyramidal)" { ... }`, and rename every use of the old ID.

## References
WBAI BRA review code 101; WBAI BRA template v2-2, Circuits sheet (Circuit ID);
Yamakawa 2021, Neural Networks 144:478–495.
"#,
    run,
};

/// True for a character WBAI allows in a circuit ID.
pub fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '-' | '/' | '+')
}

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for c in &m.circuits {
        let Some(id) = &c.decl.item.name else {
            continue;
        };
        let runs = bad_runs(&id.name);
        if runs.is_empty() {
            continue;
        }
        let file = c.decl.file;
        let text = m
            .sources
            .try_get(file)
            .map(|f| f.slice(id.span))
            .unwrap_or("");
        let offset = name_offset(text, id);
        let what = describe(&id.name, &runs);
        let mut d = ctx.diag(format!("circuit ID `{}` contains {what}", id.name));
        for (k, (start, end)) in runs.iter().enumerate() {
            let span = match offset {
                Some(o) => Span::new(o + start, o + end),
                None => id.span,
            };
            let msg = format!(
                "{} cannot appear in a circuit ID",
                describe(&id.name, &[(*start, *end)])
            );
            d = if k == 0 {
                d.with_primary(file, span, msg)
            } else {
                d.with_label(file, span, msg)
            };
            if offset.is_none() {
                break;
            }
        }
        let fixed = sanitize(&id.name);
        let written = if Ident::is_plain(&fixed) {
            fixed.clone()
        } else {
            format!("`{fixed}`")
        };
        d = d.with_help(format!(
            "use only letters, digits and `. _ ~ - / +`: e.g. `circuit {written} \"{}\"` \
             (the full name goes in the title), and rename every use of the old ID",
            id.name
        ));
        ctx.emit(d);
    }
}

/// Byte ranges of the maximal runs of disallowed characters.
fn bad_runs(name: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, ch) in name.char_indices() {
        if allowed(ch) {
            continue;
        }
        let end = i + ch.len_utf8();
        match out.last_mut() {
            Some(last) if last.1 == i => last.1 = end,
            _ => out.push((i, end)),
        }
    }
    out
}

/// Where the ID's text starts inside its span (after a backtick), when the
/// source text matches the name.
fn name_offset(text: &str, id: &Ident) -> Option<usize> {
    let start = id.span.start as usize;
    if text == id.name {
        Some(start)
    } else if text.len() == id.name.len() + 2
        && text.starts_with('`')
        && text.get(1..text.len() - 1) == Some(id.name.as_str())
    {
        Some(start + 1)
    } else {
        None
    }
}

/// "a space", "`(` and `)`", ...
fn describe(name: &str, runs: &[(usize, usize)]) -> String {
    let mut chars: Vec<char> = Vec::new();
    for (s, e) in runs {
        for ch in name[*s..*e].chars() {
            if !chars.contains(&ch) {
                chars.push(ch);
            }
        }
    }
    let words: Vec<String> = chars.iter().map(|c| show(&c.to_string())).collect();
    match words.len() {
        1 => words[0].clone(),
        n => format!("{} and {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// How to name a run of characters in a message.
fn show(run: &str) -> String {
    if run.chars().all(|c| c == ' ') {
        if run.len() == 1 {
            "a space".to_string()
        } else {
            "spaces".to_string()
        }
    } else if run.chars().all(char::is_whitespace) {
        "whitespace".to_string()
    } else {
        format!("`{run}`")
    }
}

/// The ID with every run of disallowed characters made one `_`, and no `_`
/// at either end.
fn sanitize(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if allowed(ch) {
            out.push(ch);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_').to_string();
    if trimmed.is_empty() {
        "C1".to_string()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_fixes() {
        assert_eq!(bad_runs("CA3 (pyr)"), vec![(3, 5), (8, 9)]);
        assert_eq!(sanitize("CA3 (pyr)"), "CA3_pyr");
        assert!(bad_runs("IO-DC").is_empty());
        assert!(bad_runs("5-HT+/a.b~c_d").is_empty());
        assert_eq!(describe("a b", &bad_runs("a b")), "a space");
    }
}
