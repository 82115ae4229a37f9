//! Global sensitivity analysis on the unit hypercube: which input of a model
//! decides its output.
//!
//! Two methods, as SALib implements them and with the same estimators:
//!
//! - **Sobol' indices** on a Saltelli design: `n` base points of a scrambled
//!   Sobol' sequence in `2d` dimensions give the matrices A and B, and for
//!   every input `i` the matrix AB_i (A with column `i` taken from B). The
//!   first-order index S1_i (the share of the output's variance that input `i`
//!   explains alone) uses Saltelli et al. (2010) with f(B) centred on the
//!   outputs' mean, the total index ST_i (the
//!   share it takes part in, alone or in interaction) Jansen (1999). Both are
//!   divided by the variance of the outputs at A and B together.
//! - **Morris elementary effects** on `r` one-at-a-time trajectories over a
//!   `p`-level grid: μ* (the mean absolute effect, for screening) and σ (its
//!   spread: non-linearity or interaction).
//!
//! Confidence intervals come from the percentile bootstrap over the base
//! points (Sobol') or the trajectories (Morris), with a seeded generator, so
//! the same inputs give the same intervals. The designs live on [0, 1)^d: the
//! caller maps each coordinate through its input's quantile function.

use rand::{Rng, SeedableRng};

use crate::engine::SimRng;

use super::percentile;

/// The largest number of base points a Saltelli design may have: the
/// scrambled Sobol' sequence used has 2^16 points.
pub const MAX_BASE_POINTS: usize = 1 << 16;

/// The largest number of inputs a Saltelli design may have (the sequence has
/// 256 dimensions and the design uses two per input).
pub const MAX_INPUTS: usize = 128;

/// An estimate with its 95% bootstrap confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate from all the data.
    pub estimate: f64,
    /// The 2.5th percentile of the bootstrap estimates.
    pub ci95_low: f64,
    /// The 97.5th percentile of the bootstrap estimates.
    pub ci95_high: f64,
}

impl Estimate {
    /// Whether `x` lies in the confidence interval.
    pub fn covers(&self, x: f64) -> bool {
        self.ci95_low <= x && x <= self.ci95_high
    }

    /// Half the width of the confidence interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }

    fn from_bootstrap(estimate: f64, mut replicates: Vec<f64>) -> Self {
        replicates.retain(|x| x.is_finite());
        replicates.sort_by(f64::total_cmp);
        Self {
            estimate,
            ci95_low: percentile(&replicates, 0.025),
            ci95_high: percentile(&replicates, 0.975),
        }
    }
}

/// The rows of a Saltelli design of `n` base points and `d` inputs, in
/// SALib's order: for each base point `j`, the rows A_j, AB_j^1, …, AB_j^d,
/// B_j (`n · (d + 2)` rows of `d` coordinates in [0, 1)). `seed` picks one of
/// the independent scramblings of the sequence.
///
/// # Panics
///
/// If `n` is 0 or above [`MAX_BASE_POINTS`], or `d` is 0 or above
/// [`MAX_INPUTS`]: the caller validates the study's size first.
pub fn saltelli_design(n: usize, d: usize, seed: u32) -> Vec<Vec<f64>> {
    assert!((1..=MAX_BASE_POINTS).contains(&n), "base points {n}");
    assert!((1..=MAX_INPUTS).contains(&d), "inputs {d}");
    let coordinate =
        |j: usize, dim: usize| f64::from(sobol_burley::sample(j as u32, dim as u32, seed));
    let mut rows = Vec::with_capacity(n * (d + 2));
    for j in 0..n {
        let a: Vec<f64> = (0..d).map(|i| coordinate(j, i)).collect();
        let b: Vec<f64> = (0..d).map(|i| coordinate(j, d + i)).collect();
        rows.push(a.clone());
        for i in 0..d {
            let mut ab = a.clone();
            ab[i] = b[i];
            rows.push(ab);
        }
        rows.push(b);
    }
    rows
}

/// First-order and total Sobol' indices, one estimate per input.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// S1 of each input.
    pub first: Vec<Estimate>,
    /// ST of each input.
    pub total: Vec<Estimate>,
}

/// The Sobol' indices of the `d` inputs from the outputs `y` of a
/// [`saltelli_design`] (in its row order), with `resamples` bootstrap
/// resamples of the base points drawn from `seed`. Estimates are NaN when an
/// output is not finite or the outputs do not vary.
///
/// # Panics
///
/// If `y.len()` is not a multiple of `d + 2`.
pub fn sobol_indices(y: &[f64], d: usize, resamples: usize, seed: u64) -> SobolIndices {
    let stride = d + 2;
    assert_eq!(y.len() % stride, 0, "outputs of a Saltelli design");
    let n = y.len() / stride;
    let all: Vec<usize> = (0..n).collect();
    let point = sobol_point(y, d, &all);
    let mut rng = SimRng::seed_from_u64(seed);
    let mut boot_first = vec![Vec::with_capacity(resamples); d];
    let mut boot_total = vec![Vec::with_capacity(resamples); d];
    let mut pick = vec![0; n];
    for _ in 0..resamples {
        for p in pick.iter_mut() {
            *p = (rng.next_u64() % n as u64) as usize;
        }
        let (s1, st) = sobol_point(y, d, &pick);
        for i in 0..d {
            boot_first[i].push(s1[i]);
            boot_total[i].push(st[i]);
        }
    }
    let estimates = |point: &[f64], boot: Vec<Vec<f64>>| {
        point
            .iter()
            .zip(boot)
            .map(|(&x, b)| Estimate::from_bootstrap(x, b))
            .collect()
    };
    SobolIndices {
        first: estimates(&point.0, boot_first),
        total: estimates(&point.1, boot_total),
    }
}

/// S1 and ST over the base points `rows` (with repetition when resampled).
fn sobol_point(y: &[f64], d: usize, rows: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let stride = d + 2;
    let a = |j: usize| y[j * stride];
    let ab = |j: usize, i: usize| y[j * stride + 1 + i];
    let b = |j: usize| y[j * stride + d + 1];
    let m = rows.len() as f64;
    // The variance of the outputs at A and B together.
    let mean = rows.iter().map(|&j| a(j) + b(j)).sum::<f64>() / (2.0 * m);
    let var = rows
        .iter()
        .map(|&j| (a(j) - mean).powi(2) + (b(j) - mean).powi(2))
        .sum::<f64>()
        / (2.0 * m - 1.0);
    let mut first = Vec::with_capacity(d);
    let mut total = Vec::with_capacity(d);
    for i in 0..d {
        // Centring f(B) leaves the estimator's expectation as it is (the
        // factor it multiplies has mean zero) and removes the variance a
        // large mean output would add.
        let v1 = rows
            .iter()
            .map(|&j| (b(j) - mean) * (ab(j, i) - a(j)))
            .sum::<f64>()
            / m;
        let vt = rows.iter().map(|&j| (a(j) - ab(j, i)).powi(2)).sum::<f64>() / (2.0 * m);
        if var > 0.0 && var.is_finite() {
            first.push(v1 / var);
            total.push(vt / var);
        } else {
            first.push(f64::NAN);
            total.push(f64::NAN);
        }
    }
    (first, total)
}

/// A Morris design: `r` trajectories of `d + 1` points each over a grid of
/// `levels` values per input.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    /// The points, trajectory by trajectory (`r · (d + 1)` rows of `d`
    /// coordinates in [0, 1]).
    pub rows: Vec<Vec<f64>>,
    /// For each trajectory and step, the input that step moves and by how
    /// much (±Δ): `steps[t * d + k] = (input, delta)`.
    pub steps: Vec<(usize, f64)>,
    /// Inputs per point.
    pub inputs: usize,
}

/// `r` Morris trajectories for `d` inputs on a grid of `levels` values per
/// input (an even number, 4 by convention), with the step Δ = levels /
/// (2 (levels − 1)). Each trajectory starts at a random grid point and moves
/// every input once, in a random order, by +Δ or −Δ (whichever stays in
/// [0, 1], at random when both do).
///
/// # Panics
///
/// If `r` or `d` is 0, or `levels` is odd or below 2.
pub fn morris_design(r: usize, d: usize, levels: usize, seed: u64) -> MorrisDesign {
    assert!(r > 0 && d > 0, "trajectories {r}, inputs {d}");
    assert!(levels >= 2 && levels % 2 == 0, "levels {levels}");
    let top = (levels - 1) as f64;
    let delta = levels as f64 / (2.0 * top);
    let mut rng = SimRng::seed_from_u64(seed);
    let mut below = |n: usize| (rng.next_u64() % n as u64) as usize;
    let mut rows = Vec::with_capacity(r * (d + 1));
    let mut steps = Vec::with_capacity(r * d);
    for _ in 0..r {
        let mut x: Vec<f64> = (0..d).map(|_| below(levels) as f64 / top).collect();
        let mut order: Vec<usize> = (0..d).collect();
        for k in (1..d).rev() {
            order.swap(k, below(k + 1));
        }
        rows.push(x.clone());
        for &i in &order {
            let up = x[i] + delta <= 1.0 + 1e-12;
            let down = x[i] - delta >= -1e-12;
            let step = match (up, down) {
                (true, true) if below(2) == 0 => -delta,
                (true, _) => delta,
                _ => -delta,
            };
            x[i] = (x[i] + step).clamp(0.0, 1.0);
            rows.push(x.clone());
            steps.push((i, step));
        }
    }
    MorrisDesign {
        rows,
        steps,
        inputs: d,
    }
}

/// Morris screening measures of each input.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    /// μ*: the mean absolute elementary effect.
    pub mu_star: Vec<Estimate>,
    /// μ: the mean elementary effect (its sign says the direction).
    pub mu: Vec<f64>,
    /// σ: the standard deviation of the elementary effects.
    pub sigma: Vec<Estimate>,
}

/// The elementary effects of a [`morris_design`] whose outputs are `y` (in
/// its row order), in units of output per unit of the [0, 1] coordinate, with
/// bootstrap intervals over the trajectories.
///
/// # Panics
///
/// If `y` does not have one output per row of the design.
pub fn morris_indices(
    design: &MorrisDesign,
    y: &[f64],
    resamples: usize,
    seed: u64,
) -> MorrisIndices {
    assert_eq!(y.len(), design.rows.len(), "one output per design row");
    let d = design.inputs;
    let r = y.len() / (d + 1);
    // effects[i][t]: the elementary effect of input i in trajectory t.
    let mut effects = vec![vec![0.0; r]; d];
    for t in 0..r {
        for k in 0..d {
            let (i, step) = design.steps[t * d + k];
            let before = y[t * (d + 1) + k];
            let after = y[t * (d + 1) + k + 1];
            effects[i][t] = (after - before) / step;
        }
    }
    let measures = |rows: &[usize], e: &[f64]| {
        let m = rows.len() as f64;
        let mean = rows.iter().map(|&t| e[t]).sum::<f64>() / m;
        let mean_abs = rows.iter().map(|&t| e[t].abs()).sum::<f64>() / m;
        let sd = if rows.len() > 1 {
            (rows.iter().map(|&t| (e[t] - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt()
        } else {
            f64::NAN
        };
        (mean, mean_abs, sd)
    };
    let all: Vec<usize> = (0..r).collect();
    let mut rng = SimRng::seed_from_u64(seed);
    let picks: Vec<Vec<usize>> = (0..resamples)
        .map(|_| {
            (0..r)
                .map(|_| (rng.next_u64() % r as u64) as usize)
                .collect()
        })
        .collect();
    let mut out = MorrisIndices {
        mu_star: Vec::with_capacity(d),
        mu: Vec::with_capacity(d),
        sigma: Vec::with_capacity(d),
    };
    for e in &effects {
        let (mean, mean_abs, sd) = measures(&all, e);
        let (boot_abs, boot_sd): (Vec<f64>, Vec<f64>) = picks
            .iter()
            .map(|p| {
                let (_, a, s) = measures(p, e);
                (a, s)
            })
            .unzip();
        out.mu.push(mean);
        out.mu_star
            .push(Estimate::from_bootstrap(mean_abs, boot_abs));
        out.sigma.push(Estimate::from_bootstrap(sd, boot_sd));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// The Ishigami function on [−π, π]^3, from the unit cube.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// Ishigami's analytic indices for a = 7, b = 0.1.
    fn ishigami_exact() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0_f64, 0.1_f64);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    /// Sobol's G function with coefficients `a`, and its exact indices.
    fn g_function(u: &[f64], a: &[f64]) -> f64 {
        u.iter()
            .zip(a)
            .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
            .product()
    }

    fn g_exact(a: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let vi: Vec<f64> = a.iter().map(|a| 1.0 / (3.0 * (1.0 + a).powi(2))).collect();
        let prod: f64 = vi.iter().map(|v| 1.0 + v).product();
        let v = prod - 1.0;
        let first = vi.iter().map(|x| x / v).collect();
        let total = vi.iter().map(|x| x * prod / (1.0 + x) / v).collect();
        (first, total)
    }

    /// Holds the exact value inside the 95% bootstrap interval, and the
    /// interval narrower than `max_half_width`.
    fn assert_index(label: &str, e: &Estimate, exact: f64, max_half_width: f64) {
        assert!(
            e.covers(exact),
            "{label}: {} [{}, {}] against exact {exact}",
            e.estimate,
            e.ci95_low,
            e.ci95_high
        );
        assert!(e.half_width() < max_half_width, "{label}: {e:?}");
    }

    #[test]
    fn saltelli_design_has_the_documented_layout() {
        let rows = saltelli_design(8, 3, 0);
        assert_eq!(rows.len(), 8 * 5);
        for j in 0..8 {
            let (a, b) = (&rows[j * 5], &rows[j * 5 + 4]);
            for i in 0..3 {
                let ab = &rows[j * 5 + 1 + i];
                for k in 0..3 {
                    assert_eq!(ab[k], if k == i { b[k] } else { a[k] });
                }
            }
        }
        assert!(rows.iter().flatten().all(|x| (0.0..1.0).contains(x)));
        assert_ne!(saltelli_design(8, 3, 1), rows, "seeds scramble differently");
    }

    #[test]
    fn sobol_indices_of_the_ishigami_function() {
        // SALib's own regression test accepts N = 10,000 within 0.05.
        let rows = saltelli_design(10_000, 3, 0);
        let y: Vec<f64> = rows.iter().map(|u| ishigami(u)).collect();
        let s = sobol_indices(&y, 3, 500, 11);
        let (first, total) = ishigami_exact();
        assert!((first[0] - 0.3139).abs() < 1e-4 && (total[2] - 0.2437).abs() < 1e-4);
        for i in 0..3 {
            assert_index(&format!("S1[{i}]"), &s.first[i], first[i], 0.05);
            assert_index(&format!("ST[{i}]"), &s.total[i], total[i], 0.05);
            assert!((s.first[i].estimate - first[i]).abs() < 0.05);
            assert!((s.total[i].estimate - total[i]).abs() < 0.05);
        }
    }

    #[test]
    fn sobol_indices_of_the_g_function() {
        let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];
        let rows = saltelli_design(8192, a.len(), 3);
        let y: Vec<f64> = rows.iter().map(|u| g_function(u, &a)).collect();
        let s = sobol_indices(&y, a.len(), 500, 12);
        let (first, total) = g_exact(&a);
        for i in 0..a.len() {
            assert_index(&format!("S1[{i}]"), &s.first[i], first[i], 0.05);
            assert_index(&format!("ST[{i}]"), &s.total[i], total[i], 0.05);
        }
        // The inputs with a = 99 barely matter: their indices are below 1%.
        for i in 4..8 {
            assert!(s.total[i].estimate.abs() < 0.01, "ST[{i}]");
        }
    }

    #[test]
    fn sobol_indices_of_a_constant_are_not_numbers() {
        let y = vec![2.0; 10 * 4];
        let s = sobol_indices(&y, 2, 10, 1);
        assert!(s.first.iter().chain(&s.total).all(|e| e.estimate.is_nan()));
    }

    #[test]
    fn morris_design_moves_one_input_at_a_time_by_delta() {
        let d = morris_design(20, 4, 4, 5);
        let delta = 4.0 / 6.0;
        assert_eq!(d.rows.len(), 20 * 5);
        for t in 0..20 {
            let mut moved = [false; 4];
            for k in 0..4 {
                let (before, after) = (&d.rows[t * 5 + k], &d.rows[t * 5 + k + 1]);
                let (i, step) = d.steps[t * 4 + k];
                assert!(!moved[i], "an input moves once per trajectory");
                moved[i] = true;
                assert!((step.abs() - delta).abs() < 1e-12);
                for j in 0..4 {
                    let expected = if j == i { before[j] + step } else { before[j] };
                    assert!((after[j] - expected).abs() < 1e-12);
                }
                assert!(after.iter().all(|x| (0.0..=1.0).contains(x)));
            }
        }
    }

    #[test]
    fn morris_recovers_known_elementary_effects() {
        // f = 3 x0 − 2 x1 + 0 x2 + x3²: the linear inputs have constant
        // effects (μ* = |c|, σ = 0); x3's effect depends on where it is taken.
        let f = |x: &[f64]| 3.0 * x[0] - 2.0 * x[1] + x[3] * x[3];
        let design = morris_design(50, 4, 4, 9);
        let y: Vec<f64> = design.rows.iter().map(|x| f(x)).collect();
        let m = morris_indices(&design, &y, 200, 2);
        for (i, c) in [(0, 3.0), (1, -2.0_f64), (2, 0.0)] {
            assert!((m.mu_star[i].estimate - c.abs()).abs() < 1e-9, "mu*[{i}]");
            assert!((m.mu[i] - c).abs() < 1e-9, "mu[{i}]");
            assert!(m.sigma[i].estimate.abs() < 1e-9, "sigma[{i}]");
        }
        // x3 moves between 0 and 2/3 or 1/3 and 1: effects 2/3 or 4/3, each
        // trajectory's one or the other, so μ* lies between them and σ > 0.
        let e = m.mu_star[3];
        assert!(e.estimate > 2.0 / 3.0 - 1e-9 && e.estimate < 4.0 / 3.0 + 1e-9);
        assert!(e.ci95_low <= e.estimate && e.estimate <= e.ci95_high);
        assert!(m.sigma[3].estimate > 0.1);
    }
}
