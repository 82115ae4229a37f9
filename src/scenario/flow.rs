//! The flow keys several tables share: `wip_limit` (on a stream, a
//! topology or a custom team) and `class` (on a stream or an item type);
//! docs/model.md, "WIP limits" and "Classes of service".

use super::reader::{Ctx, Tbl, describe};
use super::suggest;
use crate::model::spec::ServiceClass;

const CLASSES: &[&str] = &["standard", "expedite"];

/// `wip_limit = N` in `t`: `Some(None)` when absent, `None` when invalid
/// (reported: not an integer, or below 1).
pub(crate) fn wip_limit(ctx: &mut Ctx<'_>, t: &Tbl<'_>) -> Option<Option<u32>> {
    let Some(v) = t.get("wip_limit") else {
        return Some(None);
    };
    let path = t.at("wip_limit");
    match v.as_integer() {
        Some(n) if n >= 1 => match u32::try_from(n) {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                ctx.report(&path, format!("must be at most {}, got {n}", u32::MAX));
                None
            }
        },
        Some(n) => {
            ctx.report(
                &path,
                format!(
                    "a WIP limit must be at least 1, got {n} (leave `wip_limit` out for no limit)"
                ),
            );
            None
        }
        None => {
            ctx.report(
                &path,
                format!("expected an integer >= 1, found {}", describe(v)),
            );
            None
        }
    }
}

/// `class = "standard" | "expedite"` in `t` (default standard); `None`
/// when invalid (reported).
pub(crate) fn class(ctx: &mut Ctx<'_>, t: &Tbl<'_>) -> Option<ServiceClass> {
    let Some(v) = t.get("class") else {
        return Some(ServiceClass::Standard);
    };
    let path = t.at("class");
    match ctx.string(v, &path)? {
        "standard" => Some(ServiceClass::Standard),
        "expedite" => Some(ServiceClass::Expedite),
        other => {
            ctx.report(
                &path,
                format!(
                    "unknown class of service `{other}`{} (expected {})",
                    suggest::did_you_mean(other, CLASSES.iter().copied()),
                    suggest::list(CLASSES.iter().copied())
                ),
            );
            None
        }
    }
}
