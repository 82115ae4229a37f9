//! `utilization`: the busy share of each team's people (left) and of its
//! leader (right), grouped by topology, with 95% CI error bars; the
//! executive is a row of the leaders' side.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::Stat;
use super::numbers;
use super::style::HouseMesh;
use super::style::{self, Entry, Px, Swatch, anchored, size};
use super::{ChartError, RunData};
use crate::model::{Metric, MetricId};

/// A row of the chart.
enum Row {
    /// A topology's heading.
    Heading(usize, String),
    /// A team: its people and its leader.
    Team {
        topology: usize,
        name: String,
        people: Option<Stat>,
        leader: Option<Stat>,
    },
    /// The executive of a topology (leaders' side only).
    Executive(usize, Stat),
    /// A topology with more than [`MAX_TEAMS`] teams: the distribution of
    /// its teams' mean utilization (people's side only), as the minimum,
    /// quartiles and maximum, over `teams` teams.
    Distribution {
        topology: usize,
        teams: usize,
        quartiles: [f64; 5],
    },
}

/// Teams of a topology drawn one row each; a topology with more is drawn
/// as the distribution over all its teams and its [`BUSIEST`] busiest
/// teams, sorted (every team stays in summary.csv): a thousand rows would
/// make a chart 45,000 pixels tall that nobody reads.
pub(super) const MAX_TEAMS: usize = 30;
/// Teams shown one by one, busiest first, above [`MAX_TEAMS`].
pub(super) const BUSIEST: usize = 20;

/// The minimum, quartiles and maximum of `values` (finite, not empty),
/// interpolated between order statistics as `stats::percentile` does.
fn five_numbers(values: &mut [f64]) -> [f64; 5] {
    values.sort_by(f64::total_cmp);
    [0.0, 0.25, 0.5, 0.75, 1.0].map(|p| crate::stats::percentile(values, p))
}

/// The name of `team`'s `metric`.
fn team_metric(team: &str, metric: Metric) -> String {
    MetricId::team(team, metric).name()
}

fn rows(data: &RunData) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, t) in data.topologies.iter().enumerate() {
        let teams = data.teams(t);
        if teams.is_empty() {
            continue;
        }
        rows.push(Row::Heading(i, t.clone()));
        let people = |team: &str| data.stat(t, &team_metric(team, Metric::TeamUtilization));
        let mut teams = teams;
        if teams.len() > MAX_TEAMS {
            let mut means: Vec<f64> = (teams.iter())
                .filter_map(|team| people(team).map(|s| s.mean))
                .filter(|m| m.is_finite())
                .collect();
            if !means.is_empty() {
                rows.push(Row::Distribution {
                    topology: i,
                    teams: means.len(),
                    quartiles: five_numbers(&mut means),
                });
            }
            // Busiest first; between equals, file order (a stable sort).
            // Each key is looked up once: a look-up per comparison made
            // the sort of 3,000 teams cost more than drawing the chart.
            let mut keyed: Vec<(f64, String)> = (teams.into_iter())
                .map(|team| (people(&team).map_or(f64::NEG_INFINITY, |s| s.mean), team))
                .collect();
            keyed.sort_by(|a, b| b.0.total_cmp(&a.0));
            keyed.truncate(BUSIEST);
            teams = keyed.into_iter().map(|(_, team)| team).collect();
        }
        for team in teams {
            rows.push(Row::Team {
                topology: i,
                people: data.stat(t, &team_metric(&team, Metric::TeamUtilization)),
                leader: data.stat(t, &team_metric(&team, Metric::TeamLeaderUtilization)),
                name: team,
            });
        }
        if let Some(s) = data
            .stat(t, Metric::ExecutiveUtilization.name())
            .filter(|s| s.mean.is_finite())
        {
            rows.push(Row::Executive(i, s));
        }
    }
    rows
}

const ROW_H: f64 = 30.0;
const FIXED_H: f64 = 76.0 + 32.0 + 34.0 + 66.0 + 12.0;

/// The chart's logical height: enough for every row.
pub(super) fn height(data: &RunData) -> u32 {
    let n = rows(data).len() as f64;
    (FIXED_H + ROW_H * n).max(f64::from(style::HEIGHT)).round() as u32
}

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &RunData,
) -> Result<(), ChartError> {
    let rows = rows(data);
    let area = style::header(
        root,
        px,
        "Utilization: busy share of working time",
        &format!(
            "mean of {} replications; error bars: 95% confidence interval{}",
            data.replications(),
            if rows.iter().any(|r| matches!(r, Row::Distribution { .. })) {
                format!(
                    "; above {MAX_TEAMS} teams: all teams' means (box: quartiles, line: range) and the {BUSIEST} busiest (every team in summary.csv)"
                )
            } else {
                String::new()
            }
        ),
    )?;
    let entries: Vec<Entry> = data
        .topologies
        .iter()
        .enumerate()
        .map(|(i, t)| Entry::new(t.as_str(), style::topology_color(i), Swatch::Box))
        .collect();
    let label_font = px.font(size::LABEL);
    let heading_font = px.bold(size::LABEL);
    let mut name_w = 0;
    for r in &rows {
        let w = match r {
            Row::Heading(_, t) => style::text_width(root, t, &heading_font)?,
            Row::Team { name, .. } => style::text_width(root, name, &label_font)? + px.u(16.0),
            Row::Executive(..) => style::text_width(root, "executive", &label_font)? + px.u(16.0),
            Row::Distribution { teams, .. } => {
                style::text_width(root, &distribution_label(*teams), &label_font)? + px.u(16.0)
            }
        };
        name_w = name_w.max(w);
    }
    let left_labels = name_w as f64 / px.0 + 24.0;
    let area = style::legend_rows(&area, px, 16.0 + left_labels, &entries)?;
    let (w, _) = area.dim_in_pixel();
    let split = (f64::from(w) / px.0 * 0.6).round();
    let (left, right) = area.split_horizontally(px.u(split));

    let n = rows.len().max(1) as f64;
    let top_of = |k: usize| n - 1.0 - k as f64;
    let x_max = |pick: &dyn Fn(&Row) -> Option<Stat>| {
        rows.iter()
            .filter_map(pick)
            .map(|s| s.high.max(s.mean))
            .filter(|v| v.is_finite())
            .fold(1.0_f64, f64::max)
    };
    let people = |r: &Row| match r {
        Row::Team { people, .. } => *people,
        Row::Distribution { quartiles, .. } => Some(Stat {
            mean: quartiles[4],
            sd: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
            n: 0,
        }),
        _ => None,
    };
    let leaders = |r: &Row| match r {
        Row::Team { leader, .. } => *leader,
        Row::Executive(_, s) => Some(*s),
        Row::Heading(..) | Row::Distribution { .. } => None,
    };

    for (side, panel) in [(0, &left), (1, &right)] {
        let pick: &dyn Fn(&Row) -> Option<Stat> = if side == 0 { &people } else { &leaders };
        let x_top = x_max(pick);
        let title = if side == 0 {
            "people of the team"
        } else {
            "leader (decisions), executive"
        };
        let (pw, _) = panel.dim_in_pixel();
        panel.draw_text(
            title,
            &anchored(px.bold(size::LABEL), HPos::Center, VPos::Top),
            (
                if side == 0 {
                    (pw as i32 + px.i(left_labels + 16.0)) / 2
                } else {
                    pw as i32 / 2
                },
                px.i(2.0),
            ),
        )?;
        let panel = panel.split_vertically(px.u(30.0)).1;
        let mut chart = ChartBuilder::on(&panel)
            .margin_left(px.u(if side == 0 { 16.0 } else { 34.0 }))
            .margin_right(px.u(if side == 0 { 30.0 } else { 36.0 }))
            .margin_top(px.u(4.0))
            .margin_bottom(px.u(8.0))
            .x_label_area_size(px.u(58.0))
            .y_label_area_size(px.u(if side == 0 { left_labels } else { 0.0 }))
            .build_cartesian_2d(0.0..x_top * 1.001, -0.5..n - 0.5)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(6)
            .x_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
            .x_desc(if side == 0 {
                "busy share of the people's time"
            } else {
                "busy share of the leader's time"
            })
            .house(px)
            .draw()?;

        for (k, r) in rows.iter().enumerate() {
            let y = top_of(k);
            let (x0, y0) = chart.backend_coord(&(0.0, y));
            if side == 0 {
                match r {
                    Row::Heading(i, t) => {
                        root.draw_text(
                            t,
                            &anchored(
                                heading_font.clone().color(&style::topology_color(*i)),
                                HPos::Left,
                                VPos::Center,
                            ),
                            (x0 - px.i(left_labels - 4.0), y0),
                        )?;
                    }
                    Row::Team { name, .. } => {
                        root.draw_text(
                            name,
                            &anchored(label_font.clone(), HPos::Right, VPos::Center),
                            (x0 - px.i(10.0), y0),
                        )?;
                    }
                    Row::Distribution { teams, .. } => {
                        root.draw_text(
                            &distribution_label(*teams),
                            &anchored(label_font.clone(), HPos::Right, VPos::Center),
                            (x0 - px.i(10.0), y0),
                        )?;
                    }
                    Row::Executive(..) => {
                        root.draw_text(
                            "executive",
                            &anchored(
                                label_font.clone().color(&style::MUTED),
                                HPos::Right,
                                VPos::Center,
                            ),
                            (x0 - px.i(10.0), y0),
                        )?;
                    }
                }
            }
            let topology = match r {
                Row::Heading(..) => continue,
                Row::Distribution {
                    topology,
                    quartiles,
                    ..
                } => {
                    if side == 0 {
                        let at = |x: f64, dy: f64| chart.backend_coord(&(x, y + dy));
                        draw_distribution(root, &at, px, *topology, quartiles)?;
                    }
                    continue;
                }
                Row::Team { topology, .. } | Row::Executive(topology, _) => *topology,
            };
            let Some(s) = pick(r).filter(|s| s.mean.is_finite()) else {
                continue;
            };
            let color = style::topology_color(topology);
            let half = 0.32;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - half), (s.mean, y + half)],
                color.filled(),
            )))?;
            if s.low.is_finite() && s.high.is_finite() && s.high > s.low {
                style::error_bar(
                    root,
                    px,
                    chart.backend_coord(&(s.low.max(0.0), y)),
                    chart.backend_coord(&(s.high, y)),
                    10.0,
                )?;
            }
            let end = if s.high.is_finite() {
                s.high.max(s.mean)
            } else {
                s.mean
            };
            let (ex, ey) = chart.backend_coord(&(end, y));
            let (right_edge, _) = chart.backend_coord(&(x_top, y));
            let text = numbers::pct(s.mean, 0);
            let tw = style::text_width(root, &text, &px.font(size::NOTE))? as i32;
            if ex + px.i(6.0) + tw <= right_edge + px.i(30.0) {
                root.draw_text(
                    &text,
                    &anchored(px.font(size::NOTE), HPos::Left, VPos::Center),
                    (ex + px.i(6.0), ey),
                )?;
            } else {
                let (mx, _) = chart.backend_coord(&(s.mean, y));
                root.draw_text(
                    &text,
                    &anchored(px.bold(size::NOTE).color(&WHITE), HPos::Right, VPos::Center),
                    (mx - px.i(6.0), ey),
                )?;
            }
        }
    }
    Ok(())
}

/// The label of a distribution row.
fn distribution_label(teams: usize) -> String {
    format!("all {teams} teams")
}

/// A box from the lower to the upper quartile with the median across it,
/// a line from the minimum to the maximum, and the median's value.
/// `at(x, dy)` is the pixel of utilization `x`, `dy` rows above the row's middle.
fn draw_distribution<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    at: &dyn Fn(f64, f64) -> (i32, i32),
    px: Px,
    topology: usize,
    q: &[f64; 5],
) -> Result<(), ChartError> {
    let color = style::topology_color(topology);
    let stroke = color.stroke_width(px.u(2.0));
    root.draw(&PathElement::new(
        vec![at(q[0], 0.0), at(q[4], 0.0)],
        stroke,
    ))?;
    root.draw(&Rectangle::new(
        [at(q[1], 0.32), at(q[3], -0.32)],
        WHITE.filled(),
    ))?;
    root.draw(&Rectangle::new([at(q[1], 0.32), at(q[3], -0.32)], stroke))?;
    root.draw(&PathElement::new(
        vec![at(q[2], 0.32), at(q[2], -0.32)],
        stroke,
    ))?;
    let (ex, ey) = at(q[4], 0.0);
    root.draw_text(
        &format!("median {}", numbers::pct(q[2], 0)),
        &anchored(px.font(size::NOTE), HPos::Left, VPos::Center),
        (ex + px.i(6.0), ey),
    )?;
    Ok(())
}

/// E.g. "People are busy 64.9% of their time in matrix and 64.4% in
/// single-threaded; the busiest team is eng in matrix (74%), the busiest
/// leader eng's in matrix (52%)."
pub(super) fn caption(data: &RunData) -> String {
    let overall: Vec<String> = data
        .topologies
        .iter()
        .filter_map(|t| {
            data.mean(t, Metric::Utilization.name())
                .map(|u| format!("{} in {t}", numbers::pct(u, 1)))
        })
        .collect();
    let mut s = if overall.is_empty() {
        "Utilization per team and leader".to_string()
    } else {
        format!("People are busy {} of their time", join_and(&overall))
    };
    let mut busiest_team: Option<(f64, String, String)> = None;
    let mut busiest_leader: Option<(f64, String, String)> = None;
    for t in &data.topologies {
        for team in data.teams(t) {
            let better = |best: &Option<(f64, String, String)>, v: f64| {
                best.as_ref().is_none_or(|b| v > b.0)
            };
            if let Some(u) = data.mean(t, &format!("team:{team}:utilization"))
                && better(&busiest_team, u)
            {
                busiest_team = Some((u, team.clone(), t.clone()));
            }
            if let Some(u) = data.mean(t, &format!("team:{team}:leader_utilization"))
                && better(&busiest_leader, u)
            {
                busiest_leader = Some((u, team.clone(), t.clone()));
            }
        }
    }
    if let Some((u, team, t)) = busiest_team {
        s.push_str(&format!(
            "; the busiest team is {team} in {t} ({})",
            numbers::pct(u, 0)
        ));
    }
    if let Some((u, team, t)) = busiest_leader {
        s.push_str(&format!(
            " and the busiest leader {team}'s in {t} ({})",
            numbers::pct(u, 0)
        ));
    }
    s.push('.');
    s
}

/// "a, b and c".
fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
