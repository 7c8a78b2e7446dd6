//! `bra train SPEC`: run the training experiment a spec declares.
//!
//! It compiles the spec (which must check clean), applies the overrides
//! given on the command line, trains with the rule of the readout
//! component, shows one progress step per epoch, and writes into the output
//! folder `metrics.json`, `timing.json`, `learning_curve.png` and
//! `weights/<name>.npy`, each atomically.

use crate::compile::compile_checked;
use bra_compile::ir::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `bra train` options.
#[derive(clap::Args)]
pub struct TrainArgs {
    /// The spec (with a `train { … }` block).
    pub spec: PathBuf,
    /// Output folder (metrics.json, learning_curve.png, weights/*.npy).
    #[arg(short, long, default_value = "train-out")]
    pub output: PathBuf,
    /// Seed, overriding the spec.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Epochs, overriding the spec.
    #[arg(long)]
    pub epochs: Option<u64>,
    /// Train this component as the readout instead of the spec's `readout`.
    #[arg(long, value_name = "COMPONENT")]
    pub readout: Option<String>,
    /// Override or add a setting of the train block, e.g. `--set patterns=1000`,
    /// `--set learn_internal=false`, `--set features=rate`, `--set epoch_duration=10s`
    /// (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// A setting's value from the command line: true/false, a number (with an
/// optional unit, converted to SI) or text.
pub fn parse_setting(text: &str) -> Result<Value, String> {
    let t = text.trim();
    match t {
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        _ => {}
    }
    let split = t
        .find(|c: char| {
            !(c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')
        })
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let Ok(v) = num.trim().parse::<f64>() else {
        return Ok(Value::Text(t.to_string()));
    };
    let unit = unit.trim();
    if unit.is_empty() {
        if v.fract() == 0.0 && v.abs() < 9e15 && !num.contains(['.', 'e', 'E']) {
            return Ok(Value::Int(v as i64));
        }
        return Ok(Value::Real(v));
    }
    let u = bra_units::parse_unit(unit).map_err(|e| format!("`{text}`: {}", e.message))?;
    Ok(Value::Real(v * u.scale))
}

/// Run it.
pub fn run(args: TrainArgs) -> ExitCode {
    let mut net = match compile_checked(&args.spec) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let Some(mut training) = net.training.take() else {
        eprintln!(
            "error: {} has no `train {{ … }}` block",
            args.spec.display()
        );
        eprintln!(
            "  help: add e.g. `train {{ dataset = \"data.csv\", encoding = poisson_rate(), epochs = 10, readout = Out }}`"
        );
        return ExitCode::from(1);
    };
    if let Some(s) = args.seed {
        training.seed = s;
    }
    if let Some(e) = args.epochs {
        training.epochs = e;
    }
    if let Some(name) = &args.readout {
        match net.population(name) {
            Some(p) => training.readout = Some(p.id),
            None => {
                let names: Vec<&str> = net.populations.iter().map(|p| p.name.as_str()).collect();
                eprintln!(
                    "error: no component named `{name}` (components: {})",
                    names.join(", ")
                );
                return ExitCode::from(1);
            }
        }
    }
    for kv in &args.set {
        let Some((k, v)) = kv.split_once('=') else {
            eprintln!("error: `--set {kv}`: write KEY=VALUE");
            return ExitCode::from(2);
        };
        match parse_setting(v) {
            Ok(val) => {
                training.settings.insert(k.trim().to_string(), val);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let (seed, epochs) = (training.seed, training.epochs);
    net.training = Some(training);
    let rule = match bra_learn::train::rule(&net) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let base = args.spec.parent().unwrap_or(Path::new("."));
    let bar = indicatif::ProgressBar::new(epochs);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:32} epoch {pos}/{len}  ETA {eta}  {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(format!("{rule}: training…"));
    let mut on_epoch = |m: &bra_learn::experiment::EpochMetrics| {
        bar.set_position(m.epoch);
        bar.set_message(format!(
            "train {:.3}  test {:.3}{}",
            m.train_accuracy,
            m.test_accuracy,
            m.loss.map(|l| format!("  loss {l:.4}")).unwrap_or_default()
        ));
    };
    let result = bra_learn::train::train(&net, base, &mut on_epoch);
    bar.finish_and_clear();
    let result = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let files = match bra_learn::train::write_outputs(&result, &net.project, seed, &args.output) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let wall: f64 = result.epochs.iter().map(|m| m.wall_s).sum();
    match result.epochs.last() {
        Some(m) => println!(
            "{}: {} for {} epoch(s), seed {seed}, {wall:.1} s: train accuracy {:.4}, test accuracy {:.4}",
            net.project,
            result.rule,
            result.epochs.len(),
            m.train_accuracy,
            m.test_accuracy
        ),
        None => println!("{}: {} ran no epoch", net.project, result.rule),
    }
    for n in &result.notes {
        println!("  {n}");
    }
    println!(
        "wrote {} file(s) to {}: {}",
        files.len(),
        args.output.display(),
        files.join(", ")
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../specs")
            .join(name)
    }

    fn args(out: &Path) -> TrainArgs {
        TrainArgs {
            spec: spec("tempotron.bra"),
            output: out.to_path_buf(),
            seed: Some(3),
            epochs: Some(4),
            readout: None,
            set: vec!["patterns=40".into()],
        }
    }

    #[test]
    fn settings_parse_with_units() {
        assert_eq!(parse_setting("true"), Ok(Value::Bool(true)));
        assert_eq!(parse_setting("1000"), Ok(Value::Int(1000)));
        assert_eq!(parse_setting("0.5"), Ok(Value::Real(0.5)));
        assert_eq!(parse_setting("lzc"), Ok(Value::Text("lzc".into())));
        match parse_setting("10 ms") {
            Ok(Value::Real(v)) => assert!((v - 0.01).abs() < 1e-15),
            other => panic!("{other:?}"),
        }
    }

    /// Two runs with the same seed write byte-identical metrics and weights.
    #[test]
    fn training_is_deterministic_for_a_seed() {
        let root = std::env::temp_dir().join(format!("bra-train-det-{}", std::process::id()));
        let (a, b) = (root.join("a"), root.join("b"));
        assert_eq!(run(args(&a)), ExitCode::SUCCESS);
        assert_eq!(run(args(&b)), ExitCode::SUCCESS);
        for f in ["metrics.json", "weights/Afferents_to_Out.npy"] {
            let x = std::fs::read(a.join(f)).expect("first run wrote it");
            let y = std::fs::read(b.join(f)).expect("second run wrote it");
            assert!(!x.is_empty());
            assert_eq!(x, y, "{f} differs between runs");
        }
        assert!(a.join("learning_curve.png").exists());
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(a.join("metrics.json")).expect("metrics"))
                .expect("json");
        assert_eq!(m["rule"], "tempotron");
        assert_eq!(m["seed"], 3);
        assert!(m["epochs"].as_array().is_some_and(|e| !e.is_empty()));
        let mut c = args(&root.join("c"));
        c.seed = Some(4);
        assert_eq!(run(c), ExitCode::SUCCESS);
        let z = std::fs::read(root.join("c/weights/Afferents_to_Out.npy")).expect("third run");
        assert_ne!(
            std::fs::read(a.join("weights/Afferents_to_Out.npy")).expect("first"),
            z,
            "another seed gives other weights"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
