//! Distributions in a scenario file: a bare number (a constant) or a table
//! `{ dist = "<kind>", <parameters> }`, turned into an [`engine::Dist`].
//!
//! [`engine::Dist`]: crate::engine::Dist

use toml::Value;

use super::path::TomlPath;
use super::reader::{Bound, Ctx, Tbl, describe};
use super::suggest;
use crate::engine::{Dist, DistError};

/// Every distribution kind and its parameters, in the order the README's "Writing a scenario" lists them.
const KINDS: &[(&str, &[&str])] = &[
    ("constant", &["value"]),
    ("exponential", &["mean"]),
    ("uniform", &["min", "max"]),
    ("triangular", &["min", "mode", "max"]),
    ("pert", &["min", "mode", "max"]),
    ("normal", &["mean", "sd"]),
    ("lognormal", &["mean", "sd"]),
    ("gamma", &["mean", "cv"]),
    ("weibull", &["shape", "scale"]),
    ("empirical", &["values"]),
];

fn kind_names() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|(name, _)| *name)
}

/// Reads the distribution `v` at `path`, reporting every problem found.
pub(crate) fn dist(ctx: &mut Ctx<'_>, v: &Value, path: &TomlPath) -> Option<Dist> {
    match v {
        Value::Integer(_) | Value::Float(_) => {
            let x = ctx.number(v, path, Bound::NonNeg)?;
            constructed(ctx, path, Dist::constant(x), true)
        }
        Value::Table(table) => dist_table(
            ctx,
            &Tbl {
                table,
                path: path.clone(),
            },
        ),
        other => {
            ctx.report(
                path,
                format!(
                    "expected a distribution (a number, or a table like {{ dist = \"exponential\", mean = 2 }}), found {}",
                    describe(other)
                ),
            );
            None
        }
    }
}

/// The distribution under `key` of `t`; when absent, the constant `default`
/// (or a "missing" problem when there is no default).
pub(crate) fn dist_field(
    ctx: &mut Ctx<'_>,
    t: &Tbl<'_>,
    key: &str,
    default: Option<f64>,
) -> Option<Dist> {
    match (t.get(key), default) {
        (Some(v), _) => dist(ctx, v, &t.at(key)),
        (None, Some(x)) => Dist::constant(x).ok(),
        (None, None) => {
            ctx.missing(t, key);
            None
        }
    }
}

fn dist_table(ctx: &mut Ctx<'_>, t: &Tbl<'_>) -> Option<Dist> {
    let Some(kind_value) = t.get("dist") else {
        ctx.report_missing(
            &t.at("dist"),
            format!(
                "missing required key `dist`: the kind of distribution, one of {}",
                suggest::list(kind_names())
            ),
        );
        return None;
    };
    let kind = ctx.string(kind_value, &t.at("dist"))?;
    let Some(&(kind, params)) = KINDS.iter().find(|(name, _)| *name == kind) else {
        let near = suggest::did_you_mean(kind, kind_names());
        let known = if near.is_empty() {
            format!(" (known: {})", suggest::list(kind_names()))
        } else {
            String::new()
        };
        ctx.report(
            &t.at("dist"),
            format!("unknown distribution `{kind}`{near}{known}"),
        );
        return None;
    };
    let mut allowed = vec!["dist"];
    allowed.extend_from_slice(params);
    ctx.check_keys(t, &allowed);

    if kind == "empirical" {
        let values = empirical_values(ctx, t)?;
        return constructed(ctx, &t.path, Dist::empirical(values), false);
    }

    // Every parameter is read (and every missing one reported) before giving up.
    let mut nums = Vec::with_capacity(params.len());
    for &param in params {
        nums.push(match t.get(param) {
            Some(v) => any_number(ctx, v, &t.at(param)),
            None => {
                let takes = if params.len() > 1 {
                    format!(" (it takes {})", suggest::list(params.iter().copied()))
                } else {
                    String::new()
                };
                ctx.report_missing(
                    &t.at(param),
                    format!("missing parameter `{param}` of the {kind} distribution{takes}"),
                );
                None
            }
        });
    }
    let nums: Vec<f64> = nums.into_iter().collect::<Option<_>>()?;
    let built = match (kind, nums.as_slice()) {
        ("constant", &[value]) => Dist::constant(value),
        ("exponential", &[mean]) => Dist::exponential(mean),
        ("uniform", &[min, max]) => Dist::uniform(min, max),
        ("triangular", &[min, mode, max]) => Dist::triangular(min, mode, max),
        ("pert", &[min, mode, max]) => Dist::pert(min, mode, max),
        ("normal", &[mean, sd]) => Dist::normal(mean, sd),
        ("lognormal", &[mean, sd]) => Dist::lognormal(mean, sd),
        ("gamma", &[mean, cv]) => Dist::gamma(mean, cv),
        ("weibull", &[shape, scale]) => Dist::weibull(shape, scale),
        _ => {
            ctx.report(
                &t.path,
                format!("internal error: no constructor for `{kind}`"),
            );
            return None;
        }
    };
    constructed(ctx, &t.path, built, false)
}

/// A number of any sign: the distribution's constructor checks the range
/// (and finiteness) and names the parameter at fault.
fn any_number(ctx: &mut Ctx<'_>, v: &Value, path: &TomlPath) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        other => {
            ctx.report(
                path,
                format!("expected a number, found {}", describe(other)),
            );
            None
        }
    }
}

/// The most values an `empirical` distribution may list.
pub const MAX_EMPIRICAL_VALUES: usize = 100_000;

fn empirical_values(ctx: &mut Ctx<'_>, t: &Tbl<'_>) -> Option<Vec<f64>> {
    let Some(v) = t.get("values") else {
        ctx.report_missing(
            &t.at("values"),
            "missing parameter `values` of the empirical distribution (an array of observed numbers)",
        );
        return None;
    };
    let path = t.at("values");
    let items = ctx.array(v, &path, "an array of numbers")?;
    if items.len() > MAX_EMPIRICAL_VALUES {
        ctx.report(
            &path,
            format!(
                "lists {} values, more than the {MAX_EMPIRICAL_VALUES} allowed (a sample of them describes the distribution as well)",
                items.len()
            ),
        );
        return None;
    }
    let values: Vec<Option<f64>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| ctx.number(item, &path.index(i), Bound::NonNeg))
        .collect();
    values.into_iter().collect()
}

/// The constructor's result, its error reported at `<path>.<param>` for a
/// table (`bare` = false), or at `path` itself for a bare number.
fn constructed(
    ctx: &mut Ctx<'_>,
    path: &TomlPath,
    built: Result<Dist, DistError>,
    bare: bool,
) -> Option<Dist> {
    match built {
        Ok(d) => Some(d),
        Err(e) => {
            let at = if bare || e.param.is_empty() {
                path.clone()
            } else {
                path.key(e.param)
            };
            ctx.report(&at, e.message);
            None
        }
    }
}
