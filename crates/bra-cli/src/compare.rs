//! `bra compare RUN_A RUN_B [--tolerance X]`: per-population mean rate and
//! CV of the inter-spike intervals of two output folders, side by side.

use std::path::Path;
use std::process::ExitCode;

/// (name, mean rate Hz, CV) of every population in `dir/summary.json`.
fn read(dir: &Path) -> Result<Vec<(String, f64, Option<f64>)>, String> {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let pops = v["populations"]
        .as_array()
        .ok_or_else(|| format!("{}: no `populations`", path.display()))?;
    Ok(pops
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or("").to_string(),
                p["mean_rate_hz"].as_f64().unwrap_or(0.0),
                p["cv_isi"].as_f64(),
            )
        })
        .collect())
}

/// Relative difference |a-b| / max(|a|,|b|) (0 when both are 0).
fn rel(a: f64, b: f64) -> f64 {
    let m = a.abs().max(b.abs());
    if m == 0.0 { 0.0 } else { (a - b).abs() / m }
}

/// Print the comparison; exit 1 when a rate or CV of a population present in
/// both differs by more than `tolerance` (relative), 2 when a folder cannot
/// be read.
pub fn run(a: &Path, b: &Path, tolerance: f64) -> ExitCode {
    let (ra, rb) = match (read(a), read(b)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "{:<20} {:>10} {:>10} {:>7}   {:>7} {:>7} {:>7}",
        "population", "rate A/Hz", "rate B/Hz", "rel", "CV A", "CV B", "rel"
    );
    let mut worse = false;
    let mut shared = 0;
    for (name, rate_a, cv_a) in &ra {
        let Some((_, rate_b, cv_b)) = rb.iter().find(|p| &p.0 == name) else {
            continue;
        };
        shared += 1;
        let dr = rel(*rate_a, *rate_b);
        let dc = match (cv_a, cv_b) {
            (Some(x), Some(y)) => Some(rel(*x, *y)),
            (None, None) => Some(0.0),
            _ => None,
        };
        let f = |c: &Option<f64>| c.map(|x| format!("{x:.3}")).unwrap_or_else(|| "-".into());
        let bad = dr > tolerance || dc.is_none_or(|d| d > tolerance);
        worse |= bad;
        println!(
            "{:<20} {:>10.3} {:>10.3} {:>6.1}%   {:>7} {:>7} {:>7}{}",
            name,
            rate_a,
            rate_b,
            dr * 100.0,
            f(cv_a),
            f(cv_b),
            dc.map(|d| format!("{:.1}%", d * 100.0))
                .unwrap_or_else(|| "n/a".into()),
            if bad { "  <- beyond tolerance" } else { "" }
        );
    }
    if shared == 0 {
        eprintln!(
            "error: no population is present in both {} and {}",
            a.display(),
            b.display()
        );
        return ExitCode::from(1);
    }
    println!("tolerance {:.1}% (relative)", tolerance * 100.0);
    if worse {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
