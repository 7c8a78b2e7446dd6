//! From a checked model to the compiled network IR.

use crate::catalog::{self, Entry, Kind, ParamType};
use crate::ir::*;
use bra_model::{Decl, Model};
use bra_syntax::ast::{Call, Expr, ExprKind, Ident};
use bra_syntax::{Diagnostic, FileId, Span};
use bra_units::Dimension;
use std::collections::BTreeMap;

/// IR format version written into every network.
pub const IR_VERSION: u32 = 1;

/// Default time step when the spec sets none: 0.1 ms.
pub const DEFAULT_DT: f64 = 1e-4;
/// Default duration when the spec sets none: 1 s.
pub const DEFAULT_DURATION: f64 = 1.0;
/// Default seed when the spec sets none.
pub const DEFAULT_SEED: u64 = 42;

struct Compiler<'m> {
    model: &'m Model,
    diags: Vec<Diagnostic>,
}

/// Compile a model. The network is built as far as possible even when there
/// are errors (so that every error is reported at once); callers must not run
/// a network whose diagnostics hold an error.
pub fn compile(model: &Model) -> (Network, Vec<Diagnostic>) {
    let mut c = Compiler {
        model,
        diags: Vec::new(),
    };
    let net = c.network();
    let mut diags = c.diags;
    bra_syntax::diag::sort(&mut diags);
    (net, diags)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl<'m> Compiler<'m> {
    fn origin(&self, file: FileId, span: Span) -> Origin {
        let f = self.model.sources.try_get(file);
        let (line, column) = f.map(|f| f.line_col(span.start)).unwrap_or((0, 0));
        Origin {
            file: f.map(|f| f.path.clone()).unwrap_or_default(),
            line,
            column,
            span: [span.start, span.end],
        }
    }

    fn error(
        &mut self,
        code: &str,
        msg: impl Into<String>,
        file: FileId,
        span: Span,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, msg).with_primary(file, span, label));
        self.diags.last_mut().expect("just pushed")
    }

    fn network(&mut self) -> Network {
        let m = self.model;
        let project = m
            .project()
            .and_then(|p| p.item.name.as_ref().map(|n| n.name.clone()))
            .unwrap_or_default();
        let run = self.run_settings();
        let mut populations = Vec::new();
        for comp in &m.components {
            if let Some(p) = self.population(
                &comp.decl,
                u32::try_from(populations.len()).unwrap_or(u32::MAX),
                comp.circuit,
            ) {
                populations.push(p);
            }
        }
        let index: BTreeMap<String, usize> = populations
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i))
            .collect();
        let mut projections = Vec::new();
        for flow in &m.flows {
            let id = u32::try_from(projections.len()).unwrap_or(u32::MAX);
            if let Some(p) = self.projection(&flow.decl, id, &populations, &index, run.dt) {
                projections.push(p);
            }
        }
        // A GAIN sheet with a non-zero `coupling` is coupled to its
        // neighbours within `radius` by the sheet itself: expand that into a
        // self-projection (delta synapse, one-step delay), unless the spec
        // already writes the coupling as a self-flow.
        for pop in &populations {
            let coupling = pop
                .model
                .params
                .get("coupling")
                .and_then(Value::as_real)
                .unwrap_or(0.0);
            if pop.model.kind != "gain_sheet" || coupling == 0.0 {
                continue;
            }
            if projections
                .iter()
                .any(|p| p.pre == pop.id && p.post == pop.id)
            {
                continue;
            }
            let radius = pop
                .model
                .params
                .get("radius")
                .cloned()
                .unwrap_or(Value::Real(1.0));
            let wrap = pop
                .model
                .params
                .get("wrap")
                .cloned()
                .unwrap_or(Value::Bool(false));
            let (Some(connector), Some(synapse)) = (
                default_instance(Kind::Connector, "grid_neighbourhood"),
                default_instance(Kind::Synapse, "delta"),
            ) else {
                continue;
            };
            let mut connector = connector;
            connector.params.insert("radius".into(), radius);
            connector.params.insert("wrap".into(), wrap);
            projections.push(Projection {
                id: u32::try_from(projections.len()).unwrap_or(u32::MAX),
                name: format!("{} coupling", pop.name),
                pre: pop.id,
                post: pop.id,
                connector,
                weight: Value::Real(coupling),
                weight_dim: "voltage".into(),
                delay: Value::Real(run.dt),
                synapse,
                plasticity: None,
                effect: if coupling < 0.0 {
                    Effect::Inhibitory
                } else {
                    Effect::Excitatory
                },
                origin: pop.origin.clone(),
            });
        }
        let mut inputs = Vec::new();
        for stim in &m.stimuli {
            let id = u32::try_from(inputs.len()).unwrap_or(u32::MAX);
            if let Some(i) = self.input(&stim.decl, id, &populations, &index) {
                inputs.push(i);
            }
        }
        let recorders = self.recorders(&populations, &index);
        let training = self.training(&index);
        Network {
            ir_version: IR_VERSION,
            project,
            populations,
            projections,
            inputs,
            recorders,
            run,
            training,
        }
    }

    fn training(&mut self, index: &BTreeMap<String, usize>) -> Option<Training> {
        let d = self.model.trainings.first()?.clone();
        if let Some(extra) = self.model.trainings.get(1) {
            let (f, s) = (extra.file, extra.item.keyword_span);
            self.error(
                "E208",
                "more than one `train` block",
                f,
                s,
                "second train block",
            )
            .help = Some("keep one train block per spec".into());
        }
        let dataset = match d.prop("dataset").map(|e| (&e.kind, e.span)) {
            Some((ExprKind::Str(s), _)) => s.clone(),
            Some((_, span)) => {
                self.error(
                    "E207",
                    "`dataset` is a file path in quotes",
                    d.file,
                    span,
                    "not a path",
                )
                .help = Some("write e.g. `dataset = \"../shared/data/digits.csv\"`".into());
                return None;
            }
            None => {
                self.error(
                    "E203",
                    "the train block needs a `dataset`",
                    d.file,
                    d.item.keyword_span,
                    "no dataset",
                )
                .help = Some(
                    "write e.g. `dataset = \"../shared/data/digits.csv\"` (CSV or .npy)".into(),
                );
                return None;
            }
        };
        let mut settings = BTreeMap::new();
        let (mut split, mut epochs, mut seed) = (0.8, 10u64, DEFAULT_SEED);
        let (mut label, mut encoding, mut features, mut readout) = (None, None, None, None);
        for e in d.item.entries() {
            let bra_syntax::ast::Entry::Property(p) = e else {
                continue;
            };
            let v = &p.value;
            match p.key.name.as_str() {
                "dataset" => {}
                "label" => label = d.prop_word("label").map(|(w, _)| w.to_string()),
                "split" => match &v.kind {
                    ExprKind::Number(n) if n.unit.is_none() && n.value > 0.0 && n.value < 1.0 => {
                        split = n.value
                    }
                    _ => {
                        self.error(
                            "E205",
                            "`split` is the training fraction, between 0 and 1",
                            d.file,
                            v.span,
                            "out of range",
                        );
                    }
                },
                "epochs" | "seed" => match &v.kind {
                    ExprKind::Number(n)
                        if n.unit.is_none()
                            && n.value >= 0.0
                            && n.value.fract() == 0.0
                            && n.value < 1e12 =>
                    {
                        if p.key.name == "epochs" {
                            epochs = n.value as u64;
                        } else {
                            seed = n.value as u64;
                        }
                    }
                    _ => {
                        self.error(
                            "E207",
                            format!("`{}` is a whole number", p.key.name),
                            d.file,
                            v.span,
                            "not a whole number",
                        );
                    }
                },
                "encoding" => {
                    encoding = self
                        .instance(d.file, v, Kind::Encoder, "`encoding`")
                        .map(|(i, _, _)| i)
                }
                "features" => {
                    features = self
                        .instance(d.file, v, Kind::Encoder, "`features`")
                        .map(|(i, _, _)| i)
                }
                "readout" => match &v.kind {
                    ExprKind::Ident(id) => match index.get(&id.name) {
                        Some(&k) => readout = Some(k as u32),
                        None => {
                            self.error(
                                "E101",
                                format!("no component named `{}`", id.name),
                                d.file,
                                id.span,
                                "readout not declared",
                            );
                        }
                    },
                    _ => {
                        self.error(
                            "E207",
                            "`readout` names a component",
                            d.file,
                            v.span,
                            "not a component",
                        );
                    }
                },
                key => {
                    let value = match &v.kind {
                        ExprKind::Number(n) => match &n.unit {
                            Some(u) => bra_units::parse_unit(&u.text)
                                .ok()
                                .map(|unit| Value::Real(n.value * unit.scale)),
                            None if n.value.fract() == 0.0 && n.value.abs() < 9e15 => {
                                Some(Value::Int(n.value as i64))
                            }
                            None => Some(Value::Real(n.value)),
                        },
                        ExprKind::Bool(b) => Some(Value::Bool(*b)),
                        ExprKind::Str(s) => Some(Value::Text(s.clone())),
                        ExprKind::Ident(i) => Some(Value::Text(i.name.clone())),
                        _ => None,
                    };
                    match value {
                        Some(val) => {
                            settings.insert(key.to_string(), val);
                        }
                        None => {
                            self.error(
                                "E207",
                                format!("`{key}` takes a number, a name, a string or true/false"),
                                d.file,
                                v.span,
                                "unsupported value",
                            );
                        }
                    }
                }
            }
        }
        Some(Training {
            dataset,
            label,
            split,
            epochs,
            seed,
            encoding,
            features,
            readout,
            settings,
            origin: self.origin(d.file, d.item.keyword_span),
        })
    }

    // ------------------------------------------------------------ values

    /// A quantity in SI with the expected dimension; reports and returns None on error.
    fn quantity(&mut self, file: FileId, e: &Expr, dim: Dimension, what: &str) -> Option<f64> {
        let ExprKind::Number(n) = &e.kind else {
            self.error(
                "E207",
                format!("`{what}` takes a number, found {}", describe(e)),
                file,
                e.span,
                "expected a number here",
            )
            .help = Some(example_for(dim));
            return None;
        };
        let (unit, text, span) = match &n.unit {
            Some(u) => match bra_units::parse_unit(&u.text) {
                Ok(unit) => (unit, u.text.clone(), u.span),
                Err(err) => {
                    let d = self.error(
                        "E110",
                        format!("cannot read the unit `{}`: {}", u.text, err.message),
                        file,
                        u.span,
                        "not a unit bra knows",
                    );
                    d.help = err.help;
                    return None;
                }
            },
            None => (bra_units::Unit::ONE, String::new(), e.span),
        };
        if let Err(mm) = bra_units::expect_dimension(&text, unit, dim) {
            let label = if mm.found.is_dimensionless() {
                "this number has no unit".to_string()
            } else {
                format!("this unit measures {}", mm.found)
            };
            self.error(
                "E204",
                format!("`{what}`: {}", mm.message),
                file,
                span,
                label,
            )
            .help = Some(mm.help);
            return None;
        }
        Some(n.value * unit.scale)
    }

    /// Fill a catalog entry's parameters from a call.
    fn instance(
        &mut self,
        file: FileId,
        e: &Expr,
        kind: Kind,
        role: &str,
    ) -> Option<(Instance, &'static Entry, Option<String>)> {
        let (callee, args): (&Ident, &[bra_syntax::ast::Arg]) = match &e.kind {
            ExprKind::Call(Call { callee, args }) => (callee, args),
            ExprKind::Ident(id) => (id, &[]),
            _ => {
                self.error(
                    "E207",
                    format!(
                        "{role} must be a catalog call such as `{}`, found {}",
                        example_call(kind),
                        describe(e)
                    ),
                    file,
                    e.span,
                    "expected a call",
                )
                .help = Some(format!(
                    "`bra explain {}` lists the parameters",
                    example_name(kind)
                ));
                return None;
            }
        };
        let Some(entry) = catalog::lookup(kind, &callee.name) else {
            let other = catalog::find(&callee.name);
            let d = self.error(
                "E201",
                format!(
                    "no {} named `{}` in the catalog",
                    kind_noun(kind),
                    callee.name
                ),
                file,
                callee.span,
                format!("unknown {}", kind_noun(kind)),
            );
            d.help = Some(match (catalog::suggest(kind, &callee.name), other) {
                (_, Some(o)) => format!(
                    "`{}` is a {}, not a {}; `bra explain {}`",
                    o.name,
                    kind_noun(o.kind),
                    kind_noun(kind),
                    o.name
                ),
                (Some(s), _) => format!("did you mean `{s}`?"),
                (None, _) => format!("`bra explain --list {}` lists them", kind_noun(kind)),
            });
            return None;
        };
        let mut values: BTreeMap<String, Value> = BTreeMap::new();
        let mut given: Vec<&str> = Vec::new();
        let mut preset = None;
        // Preset first, so explicit arguments override it.
        if let Some(arg) = args
            .iter()
            .find(|a| a.name.as_ref().is_some_and(|n| n.name == "preset"))
        {
            let name = match &arg.value.kind {
                ExprKind::Ident(i) => Some(i.name.clone()),
                ExprKind::Str(s) => Some(s.clone()),
                _ => None,
            };
            match name.as_deref().and_then(|n| entry.preset(n)) {
                Some(p) => {
                    for (k, v) in p.values {
                        if let Some(param) = entry.param(k) {
                            values.insert(k.to_string(), real_value(param, *v));
                        }
                    }
                    preset = Some(p.name.to_string());
                }
                None => {
                    let names: Vec<&str> = entry.presets.iter().map(|p| p.name).collect();
                    self.error(
                        "E209",
                        format!(
                            "`{}` has no preset `{}`",
                            entry.name,
                            name.unwrap_or_default()
                        ),
                        file,
                        arg.value.span,
                        "unknown preset",
                    )
                    .help = Some(if names.is_empty() {
                        format!("`{}` has no presets", entry.name)
                    } else {
                        format!("presets of `{}`: {}", entry.name, names.join(", "))
                    });
                }
            }
        }
        let mut positional = entry.params.iter();
        for arg in args {
            let param = match &arg.name {
                Some(n) if n.name == "preset" => continue,
                Some(n) => match entry.param(&n.name) {
                    Some(p) => p,
                    None => {
                        let names: Vec<&str> = entry.params.iter().map(|p| p.name).collect();
                        let best = names
                            .iter()
                            .map(|c| (strsim::jaro_winkler(c, &n.name), *c))
                            .filter(|(s, _)| *s >= 0.8)
                            .max_by(|a, b| a.0.total_cmp(&b.0));
                        self.error(
                            "E202",
                            format!("`{}` has no parameter `{}`", entry.name, n.name),
                            file,
                            n.span,
                            "unknown parameter",
                        )
                        .help = Some(match best {
                            Some((_, b)) => format!("did you mean `{b}`?"),
                            None => format!("parameters of `{}`: {}", entry.name, names.join(", ")),
                        });
                        continue;
                    }
                },
                None => match positional.find(|p| !given.contains(&p.name)) {
                    Some(p) => p,
                    None => {
                        self.error(
                            "E202",
                            format!("too many arguments for `{}`", entry.name),
                            file,
                            arg.value.span,
                            "extra argument",
                        )
                        .help = Some(format!(
                            "`{}` takes {} parameter{}",
                            entry.name,
                            entry.params.len(),
                            plural(entry.params.len())
                        ));
                        continue;
                    }
                },
            };
            if given.contains(&param.name) {
                self.error(
                    "E202",
                    format!("parameter `{}` given twice", param.name),
                    file,
                    arg.value.span,
                    "repeated here",
                );
                continue;
            }
            given.push(param.name);
            if let Some(v) = self.param_value(file, param, &arg.value, entry) {
                values.insert(param.name.to_string(), v);
            }
        }
        let mut missing = Vec::new();
        for p in entry.params {
            if values.contains_key(p.name) {
                continue;
            }
            match p.default {
                Some(d) => {
                    values.insert(p.name.to_string(), real_value(p, d));
                }
                None => missing.push(p.name),
            }
        }
        if !missing.is_empty() {
            self.error(
                "E203",
                format!(
                    "`{}` needs {}",
                    entry.name,
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                file,
                e.span,
                format!("missing parameter{}", plural(missing.len())),
            )
            .help = Some(format!(
                "write e.g. `{}({}: …)`; `bra explain {}` documents each",
                entry.name, missing[0], entry.name
            ));
        }
        Some((
            Instance {
                kind: entry.name.to_string(),
                params: values,
            },
            entry,
            preset,
        ))
    }

    fn param_value(
        &mut self,
        file: FileId,
        p: &catalog::Param,
        e: &Expr,
        entry: &Entry,
    ) -> Option<Value> {
        let what = format!("{}.{}", entry.name, p.name);
        // A `same`-unit parameter outside a law (a learning rule's weight
        // bounds) takes the dimension of the flow's weight: accept the unit
        // written and convert it to SI.
        let dim = if p.unit == "same" {
            match &e.kind {
                ExprKind::Number(n) => n
                    .unit
                    .as_ref()
                    .and_then(|u| bra_units::parse_unit(&u.text).ok())
                    .map(|u| u.dim)
                    .unwrap_or(Dimension::DIMENSIONLESS),
                _ => p.dim,
            }
        } else {
            p.dim
        };
        match p.ty {
            ParamType::Real => {
                let v = self.quantity(file, e, dim, &what)?;
                self.in_range(file, p, v, e, &what);
                Some(Value::Real(v))
            }
            ParamType::RealOrLaw => match &e.kind {
                ExprKind::Call(_) => self.law(file, e, p.dim, &what).map(Value::Law),
                _ => {
                    let v = self.quantity(file, e, p.dim, &what)?;
                    self.in_range(file, p, v, e, &what);
                    Some(Value::Real(v))
                }
            },
            ParamType::Int => match &e.kind {
                ExprKind::Number(n) if n.unit.is_none() && n.value.fract() == 0.0 => {
                    let v = n.value;
                    self.in_range(file, p, v, e, &what);
                    Some(Value::Int(v as i64))
                }
                _ => {
                    self.error(
                        "E207",
                        format!("`{what}` takes a whole number, found {}", describe(e)),
                        file,
                        e.span,
                        "expected a whole number",
                    );
                    None
                }
            },
            ParamType::Bool => match &e.kind {
                ExprKind::Bool(b) => Some(Value::Bool(*b)),
                _ => {
                    self.error(
                        "E207",
                        format!("`{what}` takes true or false, found {}", describe(e)),
                        file,
                        e.span,
                        "expected true or false",
                    );
                    None
                }
            },
            ParamType::Choice(options) => {
                let word = match &e.kind {
                    ExprKind::Ident(i) => Some(i.name.as_str()),
                    ExprKind::Str(s) => Some(s.as_str()),
                    _ => None,
                };
                match word.and_then(|w| options.iter().find(|o| o.eq_ignore_ascii_case(w))) {
                    Some(o) => Some(Value::Text(o.to_string())),
                    None => {
                        self.error(
                            "E207",
                            format!("`{what}` must be one of {}", options.join(", ")),
                            file,
                            e.span,
                            format!("found {}", describe(e)),
                        );
                        None
                    }
                }
            }
            ParamType::Path => match &e.kind {
                ExprKind::Str(s) => Some(Value::Text(s.clone())),
                ExprKind::List(items) => {
                    let mut out = Vec::new();
                    for x in items {
                        out.push(self.quantity(file, x, Dimension::TIME, &what)?);
                    }
                    Some(Value::List(out))
                }
                _ => {
                    self.error(
                        "E207",
                        format!(
                            "`{what}` takes a file path in quotes, found {}",
                            describe(e)
                        ),
                        file,
                        e.span,
                        "expected a path",
                    );
                    None
                }
            },
        }
    }

    fn in_range(&mut self, file: FileId, p: &catalog::Param, si: f64, e: &Expr, what: &str) {
        let scale = if p.unit.is_empty() || p.unit == "same" {
            1.0
        } else {
            bra_units::parse_unit(p.unit)
                .map(|u| u.scale)
                .unwrap_or(1.0)
        };
        let v = si / scale;
        if v < p.min || v > p.max {
            let unit = if p.unit == "same" { "" } else { p.unit };
            let range = match (p.min.is_finite(), p.max.is_finite()) {
                (true, true) => format!("between {} and {} {unit}", p.min, p.max),
                (true, false) => format!("at least {} {unit}", p.min),
                (false, true) => format!("at most {} {unit}", p.max),
                (false, false) => "finite".to_string(),
            };
            self.error(
                "E205",
                format!("`{what}` = {v} {unit} is out of range"),
                file,
                e.span,
                format!("must be {}", range.trim_end()),
            )
            .help = Some(format!("{}: {}", p.name, p.doc));
        }
    }

    /// A law (`normal(mean: 0.5 mV, sd: 0.1 mV)`), its `same`-unit
    /// parameters checked against `dim`.
    fn law(&mut self, file: FileId, e: &Expr, dim: Dimension, what: &str) -> Option<Law> {
        let ExprKind::Call(call) = &e.kind else {
            let v = self.quantity(file, e, dim, what)?;
            return Some(Law {
                law: "constant".into(),
                params: BTreeMap::from([("value".to_string(), v)]),
                inner: None,
            });
        };
        let Some(entry) = catalog::lookup(Kind::Law, &call.callee.name) else {
            let d = self.error(
                "E201",
                format!("no law named `{}`", call.callee.name),
                file,
                call.callee.span,
                "unknown law",
            );
            d.help = Some(match catalog::suggest(Kind::Law, &call.callee.name) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "laws: constant, uniform, normal, lognormal, clipped".to_string(),
            });
            return None;
        };
        let mut params = BTreeMap::new();
        let mut inner = None;
        let mut positional = entry.params.iter();
        for arg in &call.args {
            if inner.is_none() && arg.name.is_none() && matches!(arg.value.kind, ExprKind::Call(_))
            {
                inner = self.law(file, &arg.value, dim, what).map(Box::new);
                continue;
            }
            let param = match &arg.name {
                Some(n) => entry.param(&n.name),
                None => positional.next(),
            };
            let Some(param) = param else {
                let at = arg.name.as_ref().map(|n| n.span).unwrap_or(arg.value.span);
                let names: Vec<&str> = entry.params.iter().map(|p| p.name).collect();
                self.error(
                    "E202",
                    format!("`{}` has no such parameter", entry.name),
                    file,
                    at,
                    "unknown parameter",
                )
                .help = Some(format!(
                    "parameters of `{}`: {}",
                    entry.name,
                    names.join(", ")
                ));
                continue;
            };
            let pdim = if param.unit == "same" { dim } else { param.dim };
            if let Some(v) = self.quantity(
                file,
                &arg.value,
                pdim,
                &format!("{what}: {}.{}", entry.name, param.name),
            ) {
                params.insert(param.name.to_string(), v);
            }
        }
        for p in entry.params {
            if !params.contains_key(p.name) {
                if let Some(d) = p.default {
                    let scale = if p.unit == "same" || p.unit.is_empty() {
                        1.0
                    } else {
                        bra_units::parse_unit(p.unit)
                            .map(|u| u.scale)
                            .unwrap_or(1.0)
                    };
                    params.insert(p.name.to_string(), d * scale);
                } else if matches!(p.ty, ParamType::Real | ParamType::RealOrLaw)
                    && !(entry.name == "clipped" && inner.is_some() && p.name == "law")
                {
                    self.error(
                        "E203",
                        format!("`{}` needs `{}`", entry.name, p.name),
                        file,
                        e.span,
                        "missing parameter",
                    );
                }
            }
        }
        if let (Some(lo), Some(hi)) = (params.get("low"), params.get("high"))
            && entry.name == "uniform"
            && lo > hi
        {
            self.error(
                "E205",
                format!("`{}`: low is above high", entry.name),
                file,
                e.span,
                "empty range",
            );
        }
        if let Some(sd) = params.get("sd").or(params.get("sigma"))
            && *sd < 0.0
        {
            self.error(
                "E205",
                format!("`{}`: the spread is negative", entry.name),
                file,
                e.span,
                "must be ≥ 0",
            );
        }
        Some(Law {
            law: entry.name.to_string(),
            params,
            inner,
        })
    }

    // ------------------------------------------------------------ items

    fn population(
        &mut self,
        d: &Decl,
        id: u32,
        circuit: Option<bra_model::CircuitId>,
    ) -> Option<Population> {
        let name = d.name();
        let Some(neurons) = d.prop("neurons") else {
            self.error(
                "E208",
                format!("component `{name}` has no `neurons`"),
                d.file,
                d.name_span(),
                "no neuron model",
            )
            .help = Some("write e.g. `neurons = lif(tau_m: 20 ms) * 100` in the component".into());
            return None;
        };
        let (model_expr, count) = match &neurons.kind {
            ExprKind::Mul(a, b) => (a.as_ref(), Some(b.as_ref())),
            _ => (neurons, None),
        };
        let (model, entry, preset) =
            self.instance(d.file, model_expr, Kind::Neuron, "`neurons`")?;
        let shape = if entry.traits.grid {
            let rows = model
                .params
                .get("rows")
                .and_then(Value::as_real)
                .unwrap_or(0.0) as u64;
            let cols = model
                .params
                .get("cols")
                .and_then(Value::as_real)
                .unwrap_or(0.0) as u64;
            Some([rows, cols])
        } else {
            None
        };
        let size = match (count, shape) {
            (Some(c), shape) => {
                let n = match &c.kind {
                    ExprKind::Number(n)
                        if n.unit.is_none()
                            && n.value.fract() == 0.0
                            && n.value >= 1.0
                            && n.value <= 1e12 =>
                    {
                        n.value as u64
                    }
                    _ => {
                        self.error(
                            "E208",
                            "a population size is a whole number from 1 to 10^12",
                            d.file,
                            c.span,
                            format!("found {}", describe(c)),
                        )
                        .help = Some("write e.g. `lif() * 100`".into());
                        return None;
                    }
                };
                if let Some([r, cc]) = shape
                    && r * cc != n
                {
                    self.error(
                        "E208",
                        format!(
                            "the grid is {r} × {cc} = {} neurons, but the size says {n}",
                            r * cc
                        ),
                        d.file,
                        c.span,
                        "does not match the grid",
                    )
                    .help = Some(
                        "drop `* N` for a grid model (its size is rows × cols) or make them agree"
                            .into(),
                    );
                }
                n
            }
            (None, Some([r, c])) => r * c,
            (None, None) => 1,
        };
        let learning = match d.prop("learning") {
            Some(e) => self
                .instance(d.file, e, Kind::Learning, "`learning`")
                .map(|(i, _, _)| i),
            None => None,
        };
        if let Some(l) = &learning
            && l.kind == "tempotron"
            && entry.traits.source
        {
            self.error(
                "E206",
                format!(
                    "Tempotron learning on `{}`, a source population",
                    entry.name
                ),
                d.file,
                d.prop("learning").map(|e| e.span).unwrap_or(d.name_span()),
                "a source has no membrane to learn with",
            )
            .help = Some(
                "put the Tempotron on the component that reads the source (a LIF population)"
                    .into(),
            );
        }
        let mut init = BTreeMap::new();
        for e in d.item.entries() {
            if let bra_syntax::ast::Entry::Property(p) = e
                && let Some(var) = p.key.name.strip_suffix("_init")
            {
                let dim = match var {
                    "v" | "u" | "v_th" | "theta" => Dimension::VOLTAGE,
                    "w" => Dimension::CURRENT,
                    _ => Dimension::DIMENSIONLESS,
                };
                let what = format!("{var}_init");
                let value = match &p.value.kind {
                    ExprKind::Call(_) => self.law(d.file, &p.value, dim, &what).map(Value::Law),
                    _ => self.quantity(d.file, &p.value, dim, &what).map(Value::Real),
                };
                if let Some(v) = value {
                    init.insert(var.to_string(), v);
                }
            }
        }
        let modulation = circuit.and_then(|c| {
            self.model.circuits[c.index()]
                .decl
                .prop_word("modulation")
                .map(|(w, _)| w.to_string())
        });
        Some(Population {
            id,
            name,
            circuit: circuit
                .map(|c| self.model.circuits[c.index()].decl.name())
                .unwrap_or_default(),
            model,
            preset,
            size,
            shape,
            learning,
            modulation,
            init,
            origin: self.origin(d.file, d.name_span()),
        })
    }

    fn projection(
        &mut self,
        d: &Decl,
        id: u32,
        pops: &[Population],
        index: &BTreeMap<String, usize>,
        dt: f64,
    ) -> Option<Projection> {
        let from = d.item.from.as_ref()?;
        let to = d.item.to.as_ref()?;
        let pre = &pops[*index.get(&from.name)?];
        let post = &pops[*index.get(&to.name)?];
        let pre_entry = catalog::lookup(Kind::Neuron, &pre.model.kind)?;
        let post_entry = catalog::lookup(Kind::Neuron, &post.model.kind)?;
        let connector = match d.prop("connect") {
            Some(e) => self.instance(d.file, e, Kind::Connector, "`connect`")?.0,
            None => default_instance(Kind::Connector, "all_to_all")?,
        };
        if connector.kind == "grid_neighbourhood" {
            match (pre.shape, post.shape) {
                (Some(a), Some(b)) if a == b => {}
                (a, b) => {
                    let show = |s: Option<[u64; 2]>| {
                        s.map(|[r, c]| format!("{r} × {c}"))
                            .unwrap_or_else(|| "not a grid".into())
                    };
                    self.error("E206", format!("a grid neighbourhood between `{}` ({}) and `{}` ({})", pre.name, show(a), post.name, show(b)), d.file, d.prop("connect").map(|e| e.span).unwrap_or(d.item.keyword_span), "needs two grids of the same shape")
                        .help = Some("give both populations the same rows and cols, or use fixed_probability / fixed_indegree".into());
                }
            }
        }
        let synapse = match d.prop("synapse") {
            Some(e) => self.instance(d.file, e, Kind::Synapse, "`synapse`")?.0,
            None => default_instance(Kind::Synapse, "delta")?,
        };
        let conductance =
            matches!(synapse.params.get("mode"), Some(Value::Text(m)) if m == "conductance");
        if conductance && !post_entry.traits.conductance {
            self.error(
                "E206",
                format!(
                    "a conductance synapse onto `{}`, a {} population",
                    post.name, post_entry.name
                ),
                d.file,
                d.prop("synapse")
                    .map(|e| e.span)
                    .unwrap_or(d.item.keyword_span),
                "this model has no reversal potentials",
            )
            .help = Some(if post_entry.traits.rate {
                "rate units take current-like (dimensionless) input: use mode: current".into()
            } else {
                "use a current synapse, or a conductance-based model such as lif_cond".into()
            });
        }
        let weight_dims: &[Dimension] = if conductance {
            &[Dimension::CONDUCTANCE]
        } else if post_entry.traits.rate {
            &[Dimension::DIMENSIONLESS]
        } else {
            &[
                Dimension::VOLTAGE,
                Dimension::CURRENT,
                Dimension::DIMENSIONLESS,
            ]
        };
        let (weight, weight_dim) = match d.prop("weight") {
            Some(e) => self.weight(d.file, e, weight_dims)?,
            None => {
                self.error(
                    "E203",
                    format!("flow `{}` has no `weight`", d.name()),
                    d.file,
                    d.item.keyword_span,
                    "no weight",
                )
                .help = Some(
                    "write e.g. `weight = 0.5 mV` (or `normal(mean: 0.5 mV, sd: 0.1 mV)`)".into(),
                );
                return None;
            }
        };
        let delay = match d.prop("delay") {
            Some(e) => match &e.kind {
                ExprKind::Call(_) => Value::Law(self.law(d.file, e, Dimension::TIME, "delay")?),
                _ => {
                    let v = self.quantity(d.file, e, Dimension::TIME, "delay")?;
                    if v < 0.0 {
                        self.error(
                            "E205",
                            "a delay cannot be negative",
                            d.file,
                            e.span,
                            "negative delay",
                        );
                    } else if v + 1e-15 < dt {
                        self.diags.push(
                            Diagnostic::warning("W210", format!("delay {:.4} ms is below the time step {:.4} ms", v * 1e3, dt * 1e3))
                                .with_primary(d.file, e.span, "rounded up to one step")
                                .with_help("a spike cannot arrive before the next step; set the delay to at least dt, or lower dt"),
                        );
                    }
                    Value::Real(v)
                }
            },
            None => Value::Real(dt),
        };
        let modulatory = matches!(d.prop_word("kind"), Some(("modulatory", _)));
        let sign = match &weight {
            Value::Real(v) => *v,
            Value::Law(l) => l
                .params
                .get("mean")
                .or(l.params.get("low"))
                .or(l.params.get("value"))
                .copied()
                .unwrap_or(0.0),
            _ => 0.0,
        };
        let effect = if modulatory || pre.modulation.as_deref() == Some("Modulatory") {
            Effect::Modulatory
        } else if sign < 0.0 {
            Effect::Inhibitory
        } else {
            Effect::Excitatory
        };
        // A conductance synapse whose reversal potential is not written takes
        // the target model's excitatory or inhibitory reversal potential, by
        // the flow's effect (a GABAergic flow onto lif_cond reverses at e_in).
        let mut synapse = synapse;
        let e_rev_written = matches!(
            d.prop("synapse").map(|e| &e.kind),
            Some(ExprKind::Call(c)) if c.named("e_rev").is_some()
        );
        if conductance && !e_rev_written {
            let key = if effect == Effect::Inhibitory {
                "e_in"
            } else {
                "e_ex"
            };
            if let Some(v) = post.model.params.get(key) {
                synapse.params.insert("e_rev".to_string(), v.clone());
            }
        }
        let plasticity = match d.prop("learning") {
            Some(e) => self
                .instance(d.file, e, Kind::Learning, "`learning`")
                .map(|(i, _, _)| i),
            None => post
                .learning
                .as_ref()
                .filter(|l| matches!(l.kind.as_str(), "stdp" | "triplet_stdp" | "reward_stdp"))
                .filter(|_| effect == Effect::Excitatory)
                .cloned(),
        };
        if let Some(p) = &plasticity
            && p.kind.contains("stdp")
            && (pre_entry.traits.rate || post_entry.traits.rate)
        {
            self.error(
                "E206",
                format!(
                    "{} between rate units (`{}` -> `{}`)",
                    p.kind, pre.name, post.name
                ),
                d.file,
                d.item.keyword_span,
                "STDP needs spike times on both sides",
            )
            .help =
                Some("use a gradient or energy-based rule (bptt, ep, rtrl) for rate units".into());
        }
        Some(Projection {
            id,
            name: d.name(),
            pre: pre.id,
            post: post.id,
            connector,
            weight,
            weight_dim,
            delay,
            synapse,
            plasticity,
            effect,
            origin: self.origin(d.file, d.item.keyword_span.join(to.span)),
        })
    }

    fn weight(&mut self, file: FileId, e: &Expr, dims: &[Dimension]) -> Option<(Value, String)> {
        // Take the dimension from the written unit (of the number, or of the
        // law's first quantity), then check it is one the synapse accepts.
        let first_unit = first_number(e)
            .and_then(|n| n.unit.as_ref())
            .and_then(|u| bra_units::parse_unit(&u.text).ok());
        let dim = first_unit
            .map(|u| u.dim)
            .unwrap_or(Dimension::DIMENSIONLESS);
        if !dims.contains(&dim) {
            let want: Vec<String> = dims
                .iter()
                .map(|d| d.name().unwrap_or("?").to_string())
                .collect();
            let at = first_number(e)
                .and_then(|n| n.unit.as_ref())
                .map(|u| u.span)
                .unwrap_or(e.span);
            self.error("E204", format!("a weight here must be a {}", want.join(" or a ")), file, at, format!("this is a {}", dim.name().unwrap_or("quantity of another dimension")))
                .help = Some("conductance synapses take nS; current synapses take mV (a jump of the membrane potential) or pA; rate units take plain numbers".into());
            return None;
        }
        let dim_name = if dim == Dimension::VOLTAGE {
            "voltage"
        } else if dim == Dimension::CURRENT {
            "current"
        } else if dim == Dimension::CONDUCTANCE {
            "conductance"
        } else {
            "dimensionless"
        };
        let v = match &e.kind {
            ExprKind::Call(_) => self.law(file, e, dim, "weight").map(Value::Law),
            _ => self.quantity(file, e, dim, "weight").map(Value::Real),
        }?;
        Some((v, dim_name.to_string()))
    }

    fn input(
        &mut self,
        d: &Decl,
        id: u32,
        pops: &[Population],
        index: &BTreeMap<String, usize>,
    ) -> Option<Input> {
        let to = d.item.to.as_ref()?;
        let target = &pops[*index.get(&to.name)?];
        let source_expr = d.prop("source").or_else(|| {
            d.item.entries().iter().find_map(|e| match e {
                bra_syntax::ast::Entry::Bare(
                    x @ Expr {
                        kind: ExprKind::Call(_),
                        ..
                    },
                ) => Some(x),
                _ => None,
            })
        });
        let Some(source_expr) = source_expr else {
            self.error(
                "E208",
                format!("stimulus `{}` names no source", d.name()),
                d.file,
                d.name_span(),
                "no source",
            )
            .help = Some("write e.g. `stimulus cue -> EC2 { poisson(rate: 20 Hz) }`".into());
            return None;
        };
        let (source, entry, _) =
            self.instance(d.file, source_expr, Kind::Neuron, "a stimulus source")?;
        if !entry.traits.source {
            self.error(
                "E206",
                format!("`{}` is not a source model", entry.name),
                d.file,
                source_expr.span,
                "a stimulus needs a source",
            )
            .help = Some("sources: poisson, spike_times, current_source".into());
            return None;
        }
        let spiking = entry.traits.spiking;
        let all = [
            Dimension::VOLTAGE,
            Dimension::CURRENT,
            Dimension::CONDUCTANCE,
            Dimension::DIMENSIONLESS,
        ];
        let (weight, weight_dim) = match (spiking, d.prop("weight")) {
            (true, Some(e)) => {
                let (w, dim) = self.weight(d.file, e, &all)?;
                (Some(w), Some(dim))
            }
            (true, None) => (Some(Value::Real(1e-3)), Some("voltage".to_string())),
            (false, _) => (None, None),
        };
        let synapse = match (spiking, d.prop("synapse")) {
            (true, Some(e)) => Some(self.instance(d.file, e, Kind::Synapse, "`synapse`")?.0),
            (true, None) => default_instance(Kind::Synapse, "delta"),
            (false, _) => None,
        };
        Some(Input {
            id,
            name: d.name(),
            target: target.id,
            source,
            weight,
            weight_dim,
            synapse,
            origin: self.origin(d.file, d.name_span()),
        })
    }

    fn run_settings(&mut self) -> Run {
        let Some(sim) = self.model.simulations.first() else {
            return Run {
                duration: DEFAULT_DURATION,
                dt: DEFAULT_DT,
                seed: DEFAULT_SEED,
                origin: None,
            };
        };
        let sim = sim.clone();
        if let Some(extra) = self.model.simulations.get(1) {
            let (f, s) = (extra.file, extra.item.keyword_span);
            self.error(
                "E208",
                "more than one `simulate` block",
                f,
                s,
                "second simulate block",
            )
            .help = Some("keep one simulate block per spec".into());
        }
        let duration = sim
            .prop("duration")
            .and_then(|e| self.quantity(sim.file, e, Dimension::TIME, "duration"))
            .unwrap_or(DEFAULT_DURATION);
        let dt = sim
            .prop("dt")
            .and_then(|e| self.quantity(sim.file, e, Dimension::TIME, "dt"))
            .unwrap_or(DEFAULT_DT);
        if (dt <= 0.0 || dt > 0.01)
            && let Some(e) = sim.prop("dt")
        {
            self.error(
                "E205",
                "dt must be above 0 and at most 10 ms",
                sim.file,
                e.span,
                "out of range",
            );
        }
        if duration <= 0.0
            && let Some(e) = sim.prop("duration")
        {
            self.error(
                "E205",
                "the duration must be positive",
                sim.file,
                e.span,
                "out of range",
            );
        }
        let seed = match sim.prop("seed").map(|e| (&e.kind, e.span)) {
            Some((ExprKind::Number(n), _))
                if n.unit.is_none()
                    && n.value >= 0.0
                    && n.value.fract() == 0.0
                    && n.value < 1.8e19 =>
            {
                n.value as u64
            }
            Some((_, span)) => {
                self.error(
                    "E207",
                    "the seed is a whole number ≥ 0",
                    sim.file,
                    span,
                    "not a seed",
                );
                DEFAULT_SEED
            }
            None => DEFAULT_SEED,
        };
        Run {
            duration,
            dt: if dt > 0.0 { dt } else { DEFAULT_DT },
            seed,
            origin: Some(self.origin(sim.file, sim.item.keyword_span)),
        }
    }

    fn recorders(&mut self, pops: &[Population], index: &BTreeMap<String, usize>) -> Vec<Recorder> {
        let mut out = Vec::new();
        let Some(sim) = self.model.simulations.first().cloned() else {
            return out;
        };
        let Some(rec) = sim.prop("record") else {
            return out;
        };
        let items: Vec<&Expr> = match &rec.kind {
            ExprKind::List(items) => items.iter().collect(),
            _ => vec![rec],
        };
        for item in items {
            let ExprKind::Call(call) = &item.kind else {
                self.error(
                    "E210",
                    format!(
                        "a recording is written `spikes(A, B)` or `v(A[0..10])`, found {}",
                        describe(item)
                    ),
                    sim.file,
                    item.span,
                    "not a recording",
                );
                continue;
            };
            let variable = call.callee.name.clone();
            for arg in &call.args {
                let (name_id, range) = match &arg.value.kind {
                    ExprKind::Ident(i) => (i, None),
                    ExprKind::Index(base, idx) => match (&base.kind, &idx.kind) {
                        (ExprKind::Ident(i), ExprKind::Range(lo, hi)) => {
                            (i, Some((lo.as_deref(), hi.as_deref(), idx.span)))
                        }
                        (ExprKind::Ident(i), ExprKind::Number(_)) => {
                            (i, Some((Some(idx.as_ref()), None, idx.span)))
                        }
                        _ => {
                            self.error("E210", "expected a component, or a component with a range such as `CA1[0..10]`", sim.file, arg.value.span, "not a population");
                            continue;
                        }
                    },
                    _ => {
                        self.error(
                            "E210",
                            "expected a component name",
                            sim.file,
                            arg.value.span,
                            "not a population",
                        );
                        continue;
                    }
                };
                let Some(&pi) = index.get(&name_id.name) else {
                    self.error(
                        "E101",
                        format!("no component named `{}`", name_id.name),
                        sim.file,
                        name_id.span,
                        "recorded here, but not declared",
                    );
                    continue;
                };
                let pop = &pops[pi];
                let entry = catalog::lookup(Kind::Neuron, &pop.model.kind);
                let ok = match (variable.as_str(), entry) {
                    ("spikes", Some(e)) => e.traits.spiking,
                    ("v", Some(e)) => e.traits.membrane,
                    (_, Some(_)) => true,
                    (_, None) => false,
                };
                if !ok {
                    self.error(
                        "E210",
                        format!("`{}` cannot record `{variable}`", pop.name),
                        sim.file,
                        call.callee.span,
                        format!("{} has no `{variable}`", pop.model.kind),
                    );
                    continue;
                }
                let indices = match range {
                    None => None,
                    Some((lo, hi, span)) => {
                        let num = |e: Option<&Expr>| match e.map(|e| &e.kind) {
                            Some(ExprKind::Number(n))
                                if n.value >= 0.0 && n.value.fract() == 0.0 =>
                            {
                                Some(n.value as u64)
                            }
                            _ => None,
                        };
                        let start = lo.map_or(Some(0), |e| num(Some(e))).unwrap_or(0);
                        let end = match (lo, hi) {
                            (Some(_), None) if !matches!(call.args.first().map(|a| &a.value.kind), Some(ExprKind::Index(_, i)) if matches!(i.kind, ExprKind::Range(..))) => {
                                start + 1
                            }
                            _ => hi
                                .map_or(Some(pop.size), |e| num(Some(e)))
                                .unwrap_or(pop.size),
                        };
                        if start >= end || end > pop.size {
                            self.error(
                                "E205",
                                format!(
                                    "neurons {start}..{end} are not in `{}` (size {})",
                                    pop.name, pop.size
                                ),
                                sim.file,
                                span,
                                "out of range",
                            );
                            continue;
                        }
                        Some([start, end])
                    }
                };
                out.push(Recorder {
                    variable: variable.clone(),
                    population: pop.id,
                    indices,
                    origin: self.origin(sim.file, arg.value.span),
                });
            }
        }
        out
    }
}

fn first_number(e: &Expr) -> Option<&bra_syntax::ast::Number> {
    match &e.kind {
        ExprKind::Number(n) => Some(n),
        ExprKind::Call(c) => c.args.iter().find_map(|a| first_number(&a.value)),
        _ => None,
    }
}

fn real_value(p: &catalog::Param, v: f64) -> Value {
    match p.ty {
        ParamType::Int => Value::Int(v as i64),
        ParamType::Bool => Value::Bool(v != 0.0),
        ParamType::Choice(opts) => {
            Value::Text(opts.get(v as usize).copied().unwrap_or("").to_string())
        }
        _ => {
            let scale = if p.unit.is_empty() || p.unit == "same" {
                1.0
            } else {
                bra_units::parse_unit(p.unit)
                    .map(|u| u.scale)
                    .unwrap_or(1.0)
            };
            Value::Real(v * scale)
        }
    }
}

/// An entry with every default, for a `synapse`/`connect` the spec leaves out.
fn default_instance(kind: Kind, name: &str) -> Option<Instance> {
    let e = catalog::lookup(kind, name)?;
    Some(Instance {
        kind: e.name.to_string(),
        params: e
            .params
            .iter()
            .filter_map(|p| p.default.map(|d| (p.name.to_string(), real_value(p, d))))
            .collect(),
    })
}

fn describe(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number(n) => match &n.unit {
            Some(u) => format!("`{} {}`", n.raw, u.text),
            None => format!("`{}`", n.raw),
        },
        ExprKind::Str(_) => "a string".into(),
        ExprKind::Bool(b) => format!("`{b}`"),
        ExprKind::Ident(i) => format!("`{}`", i.name),
        ExprKind::List(_) => "a list".into(),
        ExprKind::Call(c) => format!("a call to `{}`", c.callee.name),
        ExprKind::Mul(..) => "a product".into(),
        ExprKind::Index(..) => "an index".into(),
        ExprKind::Range(..) => "a range".into(),
    }
}

fn example_for(dim: Dimension) -> String {
    match dim.example_unit() {
        Some(u) => format!("write a number with its unit, e.g. `10 {u}`"),
        None => "write a plain number".into(),
    }
}

fn kind_noun(k: Kind) -> &'static str {
    match k {
        Kind::Neuron => "neuron model",
        Kind::Synapse => "synapse",
        Kind::Connector => "connector",
        Kind::Law => "law",
        Kind::Learning => "learning rule",
        Kind::Encoder => "encoder",
    }
}

fn example_name(k: Kind) -> &'static str {
    match k {
        Kind::Neuron => "lif",
        Kind::Synapse => "exponential",
        Kind::Connector => "fixed_probability",
        Kind::Law => "normal",
        Kind::Learning => "stdp",
        Kind::Encoder => "poisson_rate",
    }
}

fn example_call(k: Kind) -> &'static str {
    match k {
        Kind::Neuron => "lif(tau_m: 20 ms)",
        Kind::Synapse => "exponential(tau: 5 ms)",
        Kind::Connector => "fixed_probability(p: 0.1)",
        Kind::Law => "normal(mean: 0.5 mV, sd: 0.1 mV)",
        Kind::Learning => "stdp(a_plus: 0.005)",
        Kind::Encoder => "poisson_rate(max_rate: 100 Hz)",
    }
}
