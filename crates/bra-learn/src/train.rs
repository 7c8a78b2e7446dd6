//! `bra train`: run the training experiment a compiled network declares,
//! with the rule its readout component declares, and write what it
//! produced.
//!
//! The rule (`learning = …` on the readout) picks the trainer: gradient-
//! and energy-based rules ([`crate::grad::RULES`]) go to [`crate::grad`],
//! spike-based local rules ([`crate::spike::RULES`]) to [`crate::spike`].
//! Outputs ([`write_outputs`]) are `metrics.json` (per-epoch accuracies and
//! loss, the notes, the tensors written — no wall-clock times, so the file
//! is identical for identical runs), `timing.json`, `learning_curve.png`
//! and `weights/<name>.npy`, each written atomically.

use crate::experiment::{Progress, TrainResult};
use crate::{grad, spike};
use bra_compile::ir::Network;
use serde::Serialize;
use std::path::Path;

/// The rule of the network's readout, and whether a trainer knows it.
pub fn rule(net: &Network) -> Result<String, String> {
    let training = net
        .training
        .as_ref()
        .ok_or("the spec has no `train { … }` block")?;
    let pop = spike::readout_population(net, training)?;
    let rule = pop
        .learning
        .as_ref()
        .ok_or_else(|| {
            format!(
                "the readout `{}` declares no learning rule; write `learning = …` on it",
                pop.name
            )
        })?
        .kind
        .clone();
    if grad::RULES.contains(&rule.as_str()) || spike::RULES.contains(&rule.as_str()) {
        Ok(rule)
    } else {
        Err(format!(
            "`{rule}` is not a rule `bra train` runs (gradient-based: {}; spike-based: {})",
            grad::RULES.join(", "),
            spike::RULES.join(", ")
        ))
    }
}

/// Train the network as its `train` block says. `base` is the folder that
/// the dataset path is relative to (the spec's folder); `progress` is
/// called after every epoch.
pub fn train(net: &Network, base: &Path, progress: Progress) -> Result<TrainResult, String> {
    let training = net
        .training
        .as_ref()
        .ok_or("the spec has no `train { … }` block")?;
    let rule = rule(net)?;
    if grad::RULES.contains(&rule.as_str()) {
        grad::train(net, training, base, progress)
    } else {
        spike::train(net, training, base, progress)
    }
}

/// One epoch as written in `metrics.json`.
#[derive(Serialize)]
struct EpochRow {
    epoch: u64,
    train_accuracy: f64,
    test_accuracy: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    loss: Option<f64>,
}

/// A tensor as listed in `metrics.json`.
#[derive(Serialize)]
struct TensorRow<'a> {
    name: &'a str,
    shape: &'a [usize],
    file: String,
}

/// `metrics.json`.
#[derive(Serialize)]
struct Metrics<'a> {
    project: &'a str,
    rule: &'a str,
    seed: u64,
    epochs: Vec<EpochRow>,
    final_train_accuracy: Option<f64>,
    final_test_accuracy: Option<f64>,
    notes: &'a [String],
    tensors: Vec<TensorRow<'a>>,
}

/// File name of a tensor under `weights/`.
pub fn tensor_file(name: &str) -> String {
    format!(
        "weights/{}.npy",
        bra_runtime::io::safe(&name.replace(" -> ", "_to_"))
    )
}

/// Write `metrics.json`, `timing.json`, `learning_curve.png` and
/// `weights/*.npy` into `dir`; returns the files written (relative to `dir`).
pub fn write_outputs(
    result: &TrainResult,
    project: &str,
    seed: u64,
    dir: &Path,
) -> Result<Vec<String>, String> {
    use bra_runtime::io::write_atomic;
    std::fs::create_dir_all(dir.join("weights"))
        .map_err(|e| format!("cannot create {}: {e}", dir.join("weights").display()))?;
    let mut files = Vec::new();
    let mut rows = Vec::new();
    for t in &result.tensors {
        let file = tensor_file(&t.name);
        let a = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&t.shape), t.data.clone())
            .map_err(|e| format!("tensor `{}`: {e}", t.name))?;
        write_atomic(&dir.join(&file), |f| {
            ndarray_npy::WriteNpyExt::write_npy(&a, f).map_err(std::io::Error::other)
        })?;
        rows.push(TensorRow {
            name: &t.name,
            shape: &t.shape,
            file: file.clone(),
        });
        files.push(file);
    }
    let metrics = Metrics {
        project,
        rule: &result.rule,
        seed,
        epochs: result
            .epochs
            .iter()
            .map(|m| EpochRow {
                epoch: m.epoch,
                train_accuracy: m.train_accuracy,
                test_accuracy: m.test_accuracy,
                loss: m.loss,
            })
            .collect(),
        final_train_accuracy: result.epochs.last().map(|m| m.train_accuracy),
        final_test_accuracy: result.epochs.last().map(|m| m.test_accuracy),
        notes: &result.notes,
        tensors: rows,
    };
    let json = serde_json::to_string_pretty(&metrics).map_err(|e| e.to_string())? + "\n";
    write_atomic(&dir.join("metrics.json"), |f| {
        std::io::Write::write_all(f, json.as_bytes())
    })?;
    files.insert(0, "metrics.json".into());
    let timing = serde_json::json!({
        "epoch_wall_s": result.epochs.iter().map(|m| m.wall_s).collect::<Vec<_>>(),
        "total_wall_s": result.epochs.iter().map(|m| m.wall_s).sum::<f64>(),
    });
    let json = serde_json::to_string_pretty(&timing).map_err(|e| e.to_string())? + "\n";
    write_atomic(&dir.join("timing.json"), |f| {
        std::io::Write::write_all(f, json.as_bytes())
    })?;
    files.insert(1, "timing.json".into());
    if !result.epochs.is_empty() {
        learning_curve(result, project, &dir.join("learning_curve.png"))?;
        files.insert(2, "learning_curve.png".into());
    }
    Ok(files)
}

/// A labelled, coloured line of the learning curve.
type Series = (&'static str, plotters::style::RGBColor, Vec<(f64, f64)>);

/// Draw accuracy (train, test) and loss against epoch as a PNG.
pub fn learning_curve(result: &TrainResult, title: &str, path: &Path) -> Result<(), String> {
    use plotters::prelude::*;
    static FONT: &[u8] = include_bytes!("../../bra-runtime/assets/DejaVuSans.ttf");
    let _ = plotters::style::register_font("sans-serif", plotters::style::FontStyle::Normal, FONT);
    let e = &result.epochs;
    let x_max = e.last().map_or(1, |m| m.epoch).max(2) as f64;
    let y_max = e
        .iter()
        .filter_map(|m| m.loss)
        .fold(1.0f64, f64::max)
        .min(1e6);
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(".learning_curve.png.tmp.png");
    {
        let root = BitMapBackend::new(&tmp, (900, 560)).into_drawing_area();
        let err = |e: &dyn std::fmt::Display| e.to_string();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .caption(
                format!("{title}: {} learning curve", result.rule),
                ("sans-serif", 20),
            )
            .build_cartesian_2d(1.0..x_max, 0.0..y_max * 1.02)
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc("epoch")
            .y_desc("accuracy / loss")
            .draw()
            .map_err(|e| err(&e))?;
        let series: [Series; 3] = [
            (
                "train accuracy",
                RGBColor(31, 119, 180),
                e.iter()
                    .map(|m| (m.epoch as f64, m.train_accuracy))
                    .collect(),
            ),
            (
                "test accuracy",
                RGBColor(214, 39, 40),
                e.iter()
                    .map(|m| (m.epoch as f64, m.test_accuracy))
                    .collect(),
            ),
            (
                "loss",
                RGBColor(110, 110, 110),
                e.iter()
                    .filter_map(|m| m.loss.map(|l| (m.epoch as f64, l)))
                    .collect(),
            ),
        ];
        for (label, color, pts) in series {
            if pts.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                .map_err(|e| err(&e))?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color));
            if pts.len() <= 60 {
                chart
                    .draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))
                    .map_err(|e| err(&e))?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}
