//! `bra simulate`: compile a spec, build the network, run it, write outputs.

use crate::compile::compile_checked;
use bra_runtime::{Engine, Outcome};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Options of one run.
pub struct Options<'a> {
    /// The spec.
    pub spec: &'a Path,
    /// Output folder.
    pub out: &'a Path,
    /// Override of the simulated duration (text with unit, e.g. `2 s`).
    pub duration: Option<&'a str>,
    /// Override of the seed.
    pub seed: Option<u64>,
    /// Threads (0 = all cores).
    pub threads: usize,
    /// Also draw a raster plot.
    pub plot: bool,
    /// Memory budget for the estimate check.
    pub budget: &'a str,
    /// A folder of saved weights (`weights/*.npy` of an earlier run) to start from.
    pub weights: Option<&'a Path>,
}

/// Parse a time such as `2 s`, `500ms`, `0.5`, into seconds.
pub fn parse_time(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| {
            !(c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')
        })
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("cannot read `{text}` as a time; write e.g. `2 s` or `500 ms`"))?;
    let unit = unit.trim();
    let scale = if unit.is_empty() {
        1.0
    } else {
        let u = bra_units::parse_unit(unit).map_err(|e| format!("`{text}`: {}", e.message))?;
        bra_units::expect_dimension(unit, u, bra_units::Dimension::TIME)
            .map_err(|e| format!("`{text}`: {}", e.message))?;
        u.scale
    };
    let s = v * scale;
    if !(s.is_finite() && s > 0.0) {
        return Err(format!("`{text}`: the duration must be positive"));
    }
    Ok(s)
}

/// `bra simulate SPEC -o DIR [...]`
pub fn run(o: Options) -> ExitCode {
    let started = Instant::now();
    let mut net = match compile_checked(o.spec) {
        Ok(n) => n,
        Err(code) => return code,
    };
    if let Some(d) = o.duration {
        match parse_time(d) {
            Ok(s) => net.run.duration = s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(s) = o.seed {
        net.run.seed = s;
    }
    let est = bra_compile::estimate::estimate(&net);
    let budget = bra_compile::estimate::parse_bytes(o.budget).unwrap_or(u64::MAX);
    if est.total_bytes() > budget {
        eprintln!(
            "error[R001]: the network needs about {}, over the budget of {}; nothing was allocated",
            bra_compile::estimate::human_bytes(est.total_bytes()),
            bra_compile::estimate::human_bytes(budget)
        );
        eprintln!(
            "  help: `bra compile --estimate` shows the breakdown; raise --budget if the machine has the memory"
        );
        return ExitCode::from(1);
    }
    let threads = if o.threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        o.threads
    };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start {threads} threads: {e}");
            return ExitCode::from(2);
        }
    };
    let base = o.spec.parent().unwrap_or(Path::new("."));
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // Ctrl-C stops the run at the next step; everything recorded so far is written.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed));
    }
    let result = pool.install(|| -> Result<(Engine, Outcome, f64), String> {
        let mut engine = Engine::build(&net, base).map_err(|e| e.to_string())?;
        if let Some(dir) = o.weights {
            let dir = if dir.join("weights").is_dir() {
                dir.join("weights")
            } else {
                dir.to_path_buf()
            };
            let mut loaded = 0;
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            let mut files: Vec<_> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "npy"))
                .collect();
            files.sort();
            for f in files {
                let stem = f
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let rows = bra_runtime::io::read_weights(&f)?;
                engine
                    .load_weights(&stem, &rows)
                    .map_err(|e| format!("{}: {e}", f.display()))?;
                loaded += 1;
            }
            if loaded == 0 {
                return Err(format!("no weights (*.npy) in {}", dir.display()));
            }
            eprintln!(
                "loaded the weights of {loaded} projection(s) from {}",
                dir.display()
            );
        }
        let steps = engine.steps;
        let bar = indicatif::ProgressBar::new(steps);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:32} {percent:>3}%  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let t0 = Instant::now();
        let dt = engine.dt;
        let every = (steps / 200).max(1);
        let outcome = engine.run(Some(stop.clone()), every, &mut |k| {
            bar.set_position(k);
            let wall = t0.elapsed().as_secs_f64();
            if wall > 0.0 {
                bar.set_message(format!(
                    "{:.3} s simulated, {:.2}× real time",
                    k as f64 * dt,
                    k as f64 * dt / wall
                ));
            }
        });
        let wall = t0.elapsed().as_secs_f64();
        bar.finish_and_clear();
        Ok((engine, outcome, wall))
    });
    let (engine, outcome, wall) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let summary =
        match bra_runtime::io::write_outputs(&engine, &outcome, &net.project, threads, wall, o.out)
        {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
    if o.plot
        && let Err(e) = bra_runtime::io::raster(&engine, o.out)
    {
        eprintln!("warning: could not draw the raster plot: {e}");
    }
    eprintln!(
        "{} s simulated in {:.2} s ({:.1}× real time, {} threads, {} synapses); total {:.2} s",
        summary.simulated_s,
        wall,
        summary.realtime_factor,
        threads,
        summary.synapses,
        started.elapsed().as_secs_f64()
    );
    for p in &summary.populations {
        eprintln!(
            "  {:<20} {:>8} neurons {:>9} spikes {:>8.2} Hz  CV {}",
            p.name,
            p.size,
            p.spikes,
            p.mean_rate_hz,
            p.cv_isi
                .map(|c| format!("{c:.2}"))
                .unwrap_or_else(|| "-".into())
        );
    }
    eprintln!("outputs in {}", o.out.display());
    match outcome {
        Outcome::Completed => ExitCode::SUCCESS,
        Outcome::Interrupted { steps } => {
            eprintln!(
                "interrupted after {steps} steps; outputs hold everything recorded until then"
            );
            ExitCode::from(130)
        }
        Outcome::Fault(f) => {
            eprintln!("error[R010]: the run stopped: {f}");
            eprintln!(
                "  help: lower dt, check the weights and parameters of `{}`; outputs hold everything recorded until then",
                f.population
            );
            ExitCode::from(1)
        }
    }
}
