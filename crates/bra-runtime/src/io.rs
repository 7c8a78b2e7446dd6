//! Writing a run's outputs: spikes and state as NumPy `.npy`, the run
//! summary as JSON, and a raster plot. Every file is written to a temporary
//! name in its folder and renamed into place, so no output is ever
//! half-written, even when a run is interrupted.

use crate::engine::{Engine, Outcome};
use crate::stats::{self, PopStats};
use ndarray::{Array1, Array2};
use ndarray_npy::WritableElement;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Write bytes to `path` atomically.
pub fn write_atomic(
    path: &Path,
    f: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let res = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        f(&mut file)?;
        file.flush()?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    res.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}

fn npy1<T: WritableElement + Clone>(path: &Path, data: Vec<T>) -> Result<(), String> {
    let a = Array1::from(data);
    write_atomic(path, |f| {
        ndarray_npy::WriteNpyExt::write_npy(&a, f).map_err(std::io::Error::other)
    })
}

fn npy2(path: &Path, rows: usize, cols: usize, data: Vec<f64>) -> Result<(), String> {
    let a = Array2::from_shape_vec((rows, cols), data).map_err(|e| e.to_string())?;
    write_atomic(path, |f| {
        ndarray_npy::WriteNpyExt::write_npy(&a, f).map_err(std::io::Error::other)
    })
}

/// Read weights saved by [`write_outputs`] (`weights/<projection>.npy`).
pub fn read_weights(path: &Path) -> Result<Vec<[f64; 3]>, String> {
    let a: Array2<f64> =
        ndarray_npy::read_npy(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if a.ncols() != 3 {
        return Err(format!(
            "{}: expected rows of (pre, post, weight), got {} columns",
            path.display(),
            a.ncols()
        ));
    }
    Ok(a.outer_iter().map(|r| [r[0], r[1], r[2]]).collect())
}

/// A file name made safe from a component name (`IO-DC` stays, `a/b` → `a_b`).
pub fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The run summary written as `summary.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The project ID.
    pub project: String,
    /// How the run ended.
    pub outcome: Outcome,
    /// Simulated time, s.
    pub simulated_s: f64,
    /// Steps run.
    pub steps: u64,
    /// Time step, s.
    pub dt: f64,
    /// Seed.
    pub seed: u64,
    /// Threads.
    pub threads: usize,
    /// Synapses.
    pub synapses: usize,
    /// Bytes of synapse storage.
    pub synapse_bytes: usize,
    /// Wall-clock time of the run phase, s.
    pub run_wall_s: f64,
    /// Simulated seconds per wall-clock second.
    pub realtime_factor: f64,
    /// Per-population statistics (recorded populations).
    pub populations: Vec<PopStats>,
    /// The files written, relative to the output folder.
    pub files: Vec<String>,
}

/// Write every output of a finished (or stopped) run into `dir`.
pub fn write_outputs(
    engine: &Engine,
    outcome: &Outcome,
    project: &str,
    threads: usize,
    run_wall_s: f64,
    dir: &Path,
) -> Result<Summary, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let simulated = engine.steps_done() as f64 * engine.dt;
    // The statistics are computed on another thread while the files are written.
    let (pops, written) = std::thread::scope(|scope| {
        let stats = scope.spawn(|| {
            engine
                .spikes
                .iter()
                .enumerate()
                .filter_map(|(p, rec)| {
                    let pop = &engine.pops[p];
                    rec.as_ref()
                        .map(|rec| stats::population(&pop.name, pop.size, rec, simulated))
                })
                .collect::<Vec<PopStats>>()
        });
        let written = write_spikes(engine, dir);
        // A panic in the statistics is a bug: raise it here.
        let pops = stats
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (pops, written)
    });
    let mut files = written?;
    let steps = engine.steps_done() as usize;
    for r in &engine.state {
        let pop = &engine.pops[r.pop];
        let path =
            PathBuf::from("state").join(format!("{}.{}.npy", safe(&pop.name), safe(&r.var_name)));
        let cols = r.hi - r.lo;
        let rows = r.data.len().checked_div(cols).unwrap_or(0);
        npy2(
            &dir.join(&path),
            rows.min(steps),
            cols,
            r.data[..rows.min(steps) * cols].to_vec(),
        )?;
        files.push(path.display().to_string());
    }
    if !engine.state.is_empty() {
        let path = PathBuf::from("state").join("time.npy");
        npy1(
            &dir.join(&path),
            (0..steps)
                .map(|k| (k + 1) as f64 * engine.dt)
                .collect::<Vec<f64>>(),
        )?;
        files.push(path.display().to_string());
    }
    for pr in engine.projs.iter().filter(|p| p.plastic.is_some()) {
        let rows = pr.weights_si();
        let path = PathBuf::from("weights").join(format!("{}.npy", pr.file_stem()));
        let flat: Vec<f64> = rows
            .iter()
            .flat_map(|(i, j, w)| [*i as f64, *j as f64, *w])
            .collect();
        npy2(&dir.join(&path), rows.len(), 3, flat)?;
        files.push(path.display().to_string());
    }
    files.push("summary.json".into());
    let summary = Summary {
        project: project.to_string(),
        outcome: outcome.clone(),
        simulated_s: simulated,
        steps: engine.steps_done(),
        dt: engine.dt,
        seed: engine.seed,
        threads,
        synapses: engine.synapse_count(),
        synapse_bytes: engine.synapse_bytes(),
        run_wall_s,
        realtime_factor: if run_wall_s > 0.0 {
            simulated / run_wall_s
        } else {
            0.0
        },
        populations: pops,
        files,
    };
    let json = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    write_atomic(&dir.join("summary.json"), |f| f.write_all(json.as_bytes()))?;
    Ok(summary)
}

/// Write every recorded population's spikes (`spikes/<pop>.times.npy`,
/// `.ids.npy`); returns the files written.
fn write_spikes(engine: &Engine, dir: &Path) -> Result<Vec<String>, String> {
    let mut files = Vec::new();
    for (p, rec) in engine.spikes.iter().enumerate() {
        let Some(rec) = rec else { continue };
        let base = safe(&engine.pops[p].name);
        let t_path = PathBuf::from("spikes").join(format!("{base}.times.npy"));
        let i_path = PathBuf::from("spikes").join(format!("{base}.ids.npy"));
        npy1(
            &dir.join(&t_path),
            rec.iter().map(|s| s.0).collect::<Vec<f64>>(),
        )?;
        npy1(
            &dir.join(&i_path),
            rec.iter().map(|s| s.1).collect::<Vec<u32>>(),
        )?;
        files.push(t_path.display().to_string());
        files.push(i_path.display().to_string());
    }
    Ok(files)
}

/// One population's rows in the raster: (population, its spikes, neuron
/// stride, first row, rows).
type Group<'a> = (usize, &'a Vec<(f64, u32)>, usize, usize, usize);

/// Draw a raster plot of the recorded spikes (every population stacked) as
/// `raster.png` and `raster.svg`.
pub fn raster(engine: &Engine, dir: &Path) -> Result<Vec<String>, String> {
    use plotters::prelude::*;
    static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
    let _ = plotters::style::register_font("sans-serif", plotters::style::FontStyle::Normal, FONT);
    let t_end = (engine.steps_done() as f64 * engine.dt).max(engine.dt);
    // Rows: populations stacked; large populations are subsampled to 200 rows.
    let mut groups = Vec::new();
    let mut offset = 0usize;
    for (p, rec) in engine.spikes.iter().enumerate() {
        let Some(rec) = rec else { continue };
        let size = engine.pops[p].size;
        let stride = size.div_ceil(200).max(1);
        let rows = size.div_ceil(stride);
        groups.push((p, rec, stride, offset, rows));
        offset += rows;
    }
    let total_rows = offset.max(1);
    let colors = [
        RGBColor(31, 119, 180),
        RGBColor(214, 39, 40),
        RGBColor(44, 160, 44),
        RGBColor(148, 103, 189),
        RGBColor(255, 127, 14),
        RGBColor(23, 190, 207),
    ];
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, plotters::coord::Shift>,
        groups: &[Group],
        engine: &Engine,
        t_end: f64,
        total_rows: usize,
        colors: &[RGBColor],
    ) -> Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .caption("Spike raster", ("sans-serif", 18))
            .build_cartesian_2d(0.0..t_end * 1e3, 0.0..total_rows as f64)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("time (ms)")
            .y_desc("neuron (by population)")
            .disable_y_mesh()
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, (p, rec, stride, off, _rows)) in groups.iter().enumerate() {
            let color = colors[k % colors.len()];
            let pts = rec
                .iter()
                .filter(|(_, i)| (*i as usize).is_multiple_of(*stride))
                .take(200_000)
                .map(|(t, i)| {
                    Circle::new(
                        (t * 1e3, (*off + *i as usize / stride) as f64 + 0.5),
                        1,
                        color.filled(),
                    )
                });
            chart
                .draw_series(pts)
                .map_err(|e| e.to_string())?
                .label(engine.pops[*p].name.clone())
                .legend(move |(x, y)| Circle::new((x, y), 3, color.filled()));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())
    }
    let png = dir.join("raster.png");
    let svg = dir.join("raster.svg");
    let tmp_png = dir.join(".raster.png.tmp.png");
    draw(
        BitMapBackend::new(&tmp_png, (1200, 700)).into_drawing_area(),
        &groups,
        engine,
        t_end,
        total_rows,
        &colors,
    )?;
    std::fs::rename(&tmp_png, &png).map_err(|e| e.to_string())?;
    let tmp_svg = dir.join(".raster.svg.tmp.svg");
    draw(
        SVGBackend::new(&tmp_svg, (1200, 700)).into_drawing_area(),
        &groups,
        engine,
        t_end,
        total_rows,
        &colors,
    )?;
    std::fs::rename(&tmp_svg, &svg).map_err(|e| e.to_string())?;
    Ok(vec!["raster.png".into(), "raster.svg".into()])
}
