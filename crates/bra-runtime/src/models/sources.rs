//! Source populations: `poisson`, `current_source` and `spike_times`.
//!
//! Sources take no synaptic input (any port is refused with an error) and
//! integrate nothing.
//!
//! * [`Poisson`]: each neuron is an independent homogeneous Poisson process
//!   of rate `rate` while `start <= t < stop`. Each step draws the number of
//!   spikes in the part of `[t, t + dt)` that lies in the window from a
//!   Poisson law (inversion of one counter-based uniform keyed by neuron and
//!   step, so trains are identical for any thread count); a count above one
//!   is emitted as that many spikes of the neuron in the step (NEST's
//!   multiplicity). For `rate·dt << 1` this is the Bernoulli draw with
//!   probability `rate·dt`, without its bias at high rates. State: `rate`
//!   (Hz, per neuron, drawn when the parameter is a law).
//! * [`CurrentSource`]: a population that emits no spikes and whose state
//!   variable `i` holds the current it delivers in the step just computed:
//!   `amplitude` while `start <= t < stop`, else 0 (A). The engine reads `i`
//!   to drive the external current of its targets. It reports
//!   `spiking() == true` (it is not a rate unit) but never spikes.
//! * [`SpikeTimes`]: replays spike times read from `path` — a CSV or `.npy`
//!   file — or given as a list. Each spike is emitted in the step that
//!   contains its time, with its exact offset inside the step. Several spikes
//!   of one neuron in one step are emitted separately (multiplicity). State:
//!   `count`, the number of spikes each neuron has emitted.
//!
//! **Spike-time files.** Times are in seconds (the engine's stimulus reader
//! uses the same convention). CSV: one time per line (every neuron of the
//! population fires at it) or `neuron,time` per line; separators `,`, `;`,
//! tab or spaces; blank lines and `#` comments are skipped; the first line
//! may be a header. `.npy`: a 1-D array of times, or an `(n, 2)` array of
//! `[neuron, time]` rows; little- or big-endian `f8`, `f4`, `i8`, `i4`, `i2`,
//! `u8`, `u4`, `u2`, `u1`, `i1`, C or Fortran order. Relative paths are
//! resolved against the working directory (the model is not told the spec's
//! directory). Malformed input is an error that names the file and line.

use super::Params;
use super::common::Knobs;
use crate::model::{NeuronModel, Port, Spike, StepIo};
use crate::rng::Key;
use bra_compile::ir::Value;
use std::path::Path;

/// Build a `poisson`, `spike_times` or `current_source` population.
pub fn build(p: &Params, ports: &[Port]) -> Result<Box<dyn NeuronModel>, String> {
    if !ports.is_empty() {
        return Err(format!(
            "`{}` is a source and takes no synaptic input; remove the flows into it",
            p.1
        ));
    }
    let start = Knobs::fixed(p, "start", Some(0.0))?;
    let stop = Knobs::fixed(p, "stop", Some(f64::INFINITY))?;
    if start.is_nan() || stop.is_nan() {
        return Err(format!("`{}`: start and stop must be numbers", p.1));
    }
    match p.1 {
        "poisson" => {
            let rate = match p.value("rate") {
                Some(v @ Value::Law(_)) => v.clone(),
                Some(v) => match v.as_real() {
                    Some(r) if r >= 0.0 && r.is_finite() => Value::Real(r),
                    _ => return Err("`poisson` needs a finite rate >= 0".into()),
                },
                None => return Err("`poisson` needs the parameter `rate`".into()),
            };
            Ok(Box::new(Poisson { rate, start, stop }))
        }
        "current_source" => Ok(Box::new(CurrentSource {
            amplitude: Knobs::fixed(p, "amplitude", None)?,
            start,
            stop,
        })),
        "spike_times" => {
            let events = match p.value("path") {
                Some(Value::List(times)) => {
                    let mut ev = Vec::with_capacity(times.len());
                    for (k, t) in times.iter().enumerate() {
                        if !(t.is_finite() && *t >= 0.0) {
                            return Err(format!(
                                "`spike_times`: time {k} of the list is {t}; times must be finite and >= 0"
                            ));
                        }
                        ev.push((*t, None));
                    }
                    ev
                }
                Some(Value::Text(path)) => read_spike_file(Path::new(path))?,
                _ => return Err("`spike_times` needs `path` (a file or a list of times)".into()),
            };
            Ok(Box::new(SpikeTimes::new(events)))
        }
        other => Err(format!("`{other}` is not a source model")),
    }
}

/// Length of the overlap of `[t, t + dt)` with `[start, stop)`.
#[inline]
fn overlap(t: f64, dt: f64, start: f64, stop: f64) -> f64 {
    ((t + dt).min(stop) - t.max(start)).max(0.0)
}

/// Independent Poisson spike trains.
#[derive(Clone, Debug)]
pub struct Poisson {
    rate: Value,
    start: f64,
    stop: f64,
}

/// The number of events of a Poisson law of mean `lambda` whose CDF first
/// exceeds `u` (inversion; `u` uniform in [0, 1)).
#[inline]
pub(crate) fn poisson_count(lambda: f64, u: f64) -> u32 {
    poisson_count_from((-lambda).exp(), lambda, u)
}

/// [`poisson_count`] given `p0 = e^{-lambda}` (computed once for many draws
/// of the same mean).
#[inline]
pub(crate) fn poisson_count_from(p0: f64, lambda: f64, u: f64) -> u32 {
    let mut p = p0;
    let mut cdf = p;
    let mut k = 0u32;
    while u >= cdf && k < 10_000 && p > 0.0 {
        k += 1;
        p *= lambda / k as f64;
        cdf += p;
    }
    k
}

impl NeuronModel for Poisson {
    fn name(&self) -> &'static str {
        "poisson"
    }

    fn state_names(&self) -> Vec<String> {
        vec!["rate".to_string()]
    }

    /// `rate` from the parameter (drawn per neuron when it is a law, and
    /// kept >= 0).
    fn init(&self, i: usize, rng: Key, out: &mut [f64]) {
        out[0] = crate::connect::value_of(&self.rate, rng, i as u64, 0x706f_6973).max(0.0);
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], spikes: &mut Vec<Spike>) {
        let window = overlap(io.t, io.dt, self.start, self.stop);
        if window <= 0.0 {
            return;
        }
        let offset = (self.start - io.t).max(0.0);
        let Some(rates) = vars.first() else { return };
        for (i, rate) in rates.iter().enumerate() {
            let u = io.rng.uniform((io.first + i) as u64, io.step);
            for _ in 0..poisson_count(rate * window, u) {
                spikes.push(Spike {
                    neuron: i as u32,
                    offset,
                });
            }
        }
    }
}

/// A constant current between `start` and `stop`, exposed as state variable `i`.
#[derive(Clone, Debug)]
pub struct CurrentSource {
    amplitude: f64,
    start: f64,
    stop: f64,
}

impl CurrentSource {
    /// The current for the step starting at `t`.
    fn at(&self, t: f64) -> f64 {
        if t >= self.start && t < self.stop {
            self.amplitude
        } else {
            0.0
        }
    }
}

impl NeuronModel for CurrentSource {
    fn name(&self) -> &'static str {
        "current_source"
    }

    fn state_names(&self) -> Vec<String> {
        vec!["i".to_string()]
    }

    /// `i` for the first step (t = 0).
    fn init(&self, _i: usize, _rng: Key, out: &mut [f64]) {
        out[0] = self.at(0.0);
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], _spikes: &mut Vec<Spike>) {
        let i = self.at(io.t);
        if let Some(v) = vars.first_mut() {
            v.iter_mut().for_each(|x| *x = i);
        }
    }
}

/// Spike times replayed from a file or a list.
#[derive(Clone, Debug)]
pub struct SpikeTimes {
    /// `(time s, neuron)` sorted by time; `None` = every neuron.
    events: Vec<(f64, Option<u64>)>,
}

impl SpikeTimes {
    /// Replay `(time, neuron)` events (`None`: every neuron).
    pub fn new(mut events: Vec<(f64, Option<u64>)>) -> SpikeTimes {
        events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        SpikeTimes { events }
    }
}

impl NeuronModel for SpikeTimes {
    fn name(&self) -> &'static str {
        "spike_times"
    }

    fn state_names(&self) -> Vec<String> {
        vec!["count".to_string()]
    }

    fn init(&self, _i: usize, _rng: Key, out: &mut [f64]) {
        out[0] = 0.0;
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], spikes: &mut Vec<Spike>) {
        let Some(count) = vars.first_mut() else {
            return;
        };
        let n = count.len() as u64;
        let first = io.first as u64;
        // The step holds times in [t, t + dt), with a tolerance of 1e-9 dt so
        // that a time written on the grid (0.3 ms at dt = 0.1 ms) falls in its
        // own step despite rounding.
        let eps = 1e-9 * io.dt;
        let lo = io.t - eps;
        let hi = io.t + io.dt - eps;
        let a = self.events.partition_point(|e| e.0 < lo);
        for &(time, who) in self.events[a..].iter().take_while(|e| e.0 < hi) {
            let offset = (time - io.t).clamp(0.0, io.dt);
            match who {
                None => {
                    for (i, c) in count.iter_mut().enumerate() {
                        spikes.push(Spike {
                            neuron: i as u32,
                            offset,
                        });
                        *c += 1.0;
                    }
                }
                Some(j) if j >= first && j < first + n => {
                    let i = (j - first) as usize;
                    spikes.push(Spike {
                        neuron: i as u32,
                        offset,
                    });
                    count[i] += 1.0;
                }
                Some(_) => {}
            }
        }
    }
}

/// Read a spike-time file (CSV or `.npy`, times in seconds).
pub fn read_spike_file(path: &Path) -> Result<Vec<(f64, Option<u64>)>, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read spike times from {}: {e}", path.display()))?;
    if bytes.starts_with(b"\x93NUMPY") {
        read_npy(path, &bytes)
    } else {
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            format!(
                "{}: not UTF-8 text; spike times must be CSV or .npy",
                path.display()
            )
        })?;
        read_csv(path, text)
    }
}

fn check_time(t: f64) -> bool {
    t.is_finite() && t >= 0.0
}

/// A neuron index written as a number (`3` or `3.0`).
fn neuron_index(s: &str) -> Option<u64> {
    if let Ok(i) = s.parse::<u64>() {
        return Some(i);
    }
    let x = s.parse::<f64>().ok()?;
    (x >= 0.0 && x.fract() == 0.0 && x < 4.0e9).then_some(x as u64)
}

fn read_csv(path: &Path, text: &str) -> Result<Vec<(f64, Option<u64>)>, String> {
    let mut out = Vec::new();
    let mut seen_data = false;
    let mut header_skipped = false;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{}:{}", path.display(), n + 1);
        let fields: Vec<&str> = line
            .split([',', ';', '\t', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let parsed = match fields.as_slice() {
            [t] => t.parse::<f64>().ok().map(|t| (t, None)),
            [i, t] => match (neuron_index(i), t.parse::<f64>()) {
                (Some(i), Ok(t)) => Some((t, Some(i))),
                _ => None,
            },
            _ => None,
        };
        match parsed {
            Some((t, who)) => {
                if !check_time(t) {
                    return Err(format!("{}: time {t} s is not a finite time >= 0", at()));
                }
                out.push((t, who));
                seen_data = true;
            }
            // A header: the first line, with no number in it.
            None if !seen_data
                && !header_skipped
                && fields.iter().all(|f| f.parse::<f64>().is_err()) =>
            {
                header_skipped = true
            }
            None => {
                return Err(format!(
                    "{}: expected `time` or `neuron,time` (seconds), found `{line}`",
                    at()
                ));
            }
        }
    }
    Ok(out)
}

/// The element type of a `.npy` array.
#[derive(Clone, Copy)]
enum Dtype {
    F8,
    F4,
    I8,
    I4,
    I2,
    I1,
    U8,
    U4,
    U2,
    U1,
}

impl Dtype {
    fn size(self) -> usize {
        match self {
            Dtype::F8 | Dtype::I8 | Dtype::U8 => 8,
            Dtype::F4 | Dtype::I4 | Dtype::U4 => 4,
            Dtype::I2 | Dtype::U2 => 2,
            Dtype::I1 | Dtype::U1 => 1,
        }
    }

    fn read(self, b: &[u8], big: bool) -> f64 {
        macro_rules! get {
            ($t:ty, $n:expr) => {{
                let mut a = [0u8; $n];
                a.copy_from_slice(&b[..$n]);
                if big {
                    <$t>::from_be_bytes(a) as f64
                } else {
                    <$t>::from_le_bytes(a) as f64
                }
            }};
        }
        match self {
            Dtype::F8 => get!(f64, 8),
            Dtype::F4 => get!(f32, 4),
            Dtype::I8 => get!(i64, 8),
            Dtype::I4 => get!(i32, 4),
            Dtype::I2 => get!(i16, 2),
            Dtype::I1 => b[0] as i8 as f64,
            Dtype::U8 => get!(u64, 8),
            Dtype::U4 => get!(u32, 4),
            Dtype::U2 => get!(u16, 2),
            Dtype::U1 => b[0] as f64,
        }
    }
}

/// The value of `'key':` in a `.npy` header dictionary, up to the next
/// top-level comma or closing brace.
fn header_field<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let k = header
        .find(&format!("'{key}'"))
        .or_else(|| header.find(&format!("\"{key}\"")))?;
    let rest = &header[k + key.len() + 2..];
    let rest = rest[rest.find(':')? + 1..].trim_start();
    if rest.starts_with('(') {
        let end = rest.find(')')?;
        Some(&rest[..=end])
    } else {
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        Some(rest[..end].trim())
    }
}

fn read_npy(path: &Path, bytes: &[u8]) -> Result<Vec<(f64, Option<u64>)>, String> {
    let bad = |why: &str| format!("{}: not a readable .npy file: {why}", path.display());
    if bytes.len() < 10 {
        return Err(bad("truncated header"));
    }
    let major = bytes[6];
    let (hlen, start): (usize, usize) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 => {
            if bytes.len() < 12 {
                return Err(bad("truncated header"));
            }
            (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            )
        }
        v => return Err(bad(&format!("format version {v} is not supported"))),
    };
    let end = start
        .checked_add(hlen)
        .filter(|e| *e <= bytes.len())
        .ok_or_else(|| bad("truncated header"))?;
    let header = std::str::from_utf8(&bytes[start..end]).map_err(|_| bad("header not text"))?;
    let descr = header_field(header, "descr")
        .ok_or_else(|| bad("no 'descr' in the header"))?
        .trim_matches(|c| c == '\'' || c == '"');
    let (big, code) = match descr.as_bytes().first() {
        Some(b'<') | Some(b'|') | Some(b'=') => (false, &descr[1..]),
        Some(b'>') => (true, &descr[1..]),
        _ => (false, descr),
    };
    let dtype = match code {
        "f8" => Dtype::F8,
        "f4" => Dtype::F4,
        "i8" => Dtype::I8,
        "i4" => Dtype::I4,
        "i2" => Dtype::I2,
        "i1" => Dtype::I1,
        "u8" => Dtype::U8,
        "u4" => Dtype::U4,
        "u2" => Dtype::U2,
        "u1" => Dtype::U1,
        other => {
            return Err(bad(&format!(
                "element type `{other}` is not supported (use float64)"
            )));
        }
    };
    let fortran = header_field(header, "fortran_order")
        .ok_or_else(|| bad("no 'fortran_order' in the header"))?
        .starts_with("True");
    let shape_text =
        header_field(header, "shape").ok_or_else(|| bad("no 'shape' in the header"))?;
    let shape: Vec<usize> = shape_text
        .trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| bad("bad shape")))
        .collect::<Result<_, _>>()?;
    let (rows, cols) = match shape.as_slice() {
        [n] => (*n, 1),
        [n, 2] => (*n, 2),
        [n, 1] => (*n, 1),
        _ => {
            return Err(format!(
                "{}: expected an array of shape (n,) (times) or (n, 2) (neuron, time), found {shape_text}",
                path.display()
            ));
        }
    };
    let size = dtype.size();
    let data = &bytes[end..];
    let need = rows
        .checked_mul(cols)
        .and_then(|x| x.checked_mul(size))
        .ok_or_else(|| bad("shape too large"))?;
    if data.len() < need {
        return Err(bad(&format!(
            "{} bytes of data for shape {shape_text}, {need} needed",
            data.len()
        )));
    }
    let get = |r: usize, c: usize| {
        let k = if fortran { c * rows + r } else { r * cols + c };
        dtype.read(&data[k * size..(k + 1) * size], big)
    };
    let mut out = Vec::with_capacity(rows);
    for r in 0..rows {
        let (who, t) = if cols == 2 {
            let i = get(r, 0);
            if !(i >= 0.0 && i.fract() == 0.0 && i < 4.0e9) {
                return Err(format!(
                    "{}: row {r}: neuron index {i} is not a whole number >= 0",
                    path.display()
                ));
            }
            (Some(i as u64), get(r, 1))
        } else {
            (None, get(r, 0))
        };
        if !check_time(t) {
            return Err(format!(
                "{}: row {r}: time {t} s is not a finite time >= 0",
                path.display()
            ));
        }
        out.push((t, who));
    }
    Ok(out)
}
