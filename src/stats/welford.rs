//! Streaming mean and variance (Welford's algorithm), for statistics that are
//! accumulated one observation at a time during a run.

/// A running count, mean and sum of squared deviations, numerically stable
/// and mergeable. Every pushed value counts, so a NaN or infinity poisons the
/// result (filter them out first if they mean "missing").
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Welford {
    n: usize,
    mean: f64,
    m2: f64,
}

impl Welford {
    /// An accumulator that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one observation.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// The number of observations so far.
    pub fn count(&self) -> usize {
        self.n
    }

    /// The mean of the observations; NaN before the first.
    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean }
    }

    /// The sample variance of the observations (divisor `n - 1`); NaN with
    /// fewer than two.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }

    /// The sample standard deviation, `variance().sqrt()`.
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }

    /// Folds in the observations of `other`, as if they had been pushed
    /// here (Chan, Golub and LeVeque's pairwise update).
    pub fn merge(&mut self, other: &Welford) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n = self.n + other.n;
        let (na, nb, nn) = (self.n as f64, other.n as f64, n as f64);
        let delta = other.mean - self.mean;
        self.mean += delta * nb / nn;
        self.m2 += other.m2 + delta * delta * na * nb / nn;
        self.n = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    fn two_pass(x: &[f64]) -> (f64, f64) {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var)
    }

    fn sample() -> Vec<f64> {
        // A deterministic, irregular sample with a large offset.
        (0..1000)
            .map(|i| 1e6 + ((i * 7919) % 1013) as f64 * 0.37 - (i % 17) as f64)
            .collect()
    }

    #[test]
    fn agrees_with_two_pass() {
        let x = sample();
        let mut w = Welford::new();
        x.iter().for_each(|&v| w.push(v));
        let (mean, var) = two_pass(&x);
        assert_eq!(w.count(), 1000);
        assert!(close(w.mean(), mean, 1e-12));
        assert!(close(w.variance(), var, 1e-9));
        assert!(close(w.sd(), var.sqrt(), 1e-9));
    }

    #[test]
    fn small_known_sample() {
        let mut w = Welford::new();
        for v in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            w.push(v);
        }
        assert!(close(w.mean(), 5.0, 1e-15));
        assert!(close(w.variance(), 32.0 / 7.0, 1e-14));
    }

    #[test]
    fn merge_equals_pushing_everything() {
        let x = sample();
        let mut all = Welford::new();
        x.iter().for_each(|&v| all.push(v));
        let (left, right) = x.split_at(337);
        let mut a = Welford::new();
        let mut b = Welford::new();
        left.iter().for_each(|&v| a.push(v));
        right.iter().for_each(|&v| b.push(v));
        a.merge(&b);
        assert_eq!(a.count(), all.count());
        assert!(close(a.mean(), all.mean(), 1e-12));
        assert!(close(a.variance(), all.variance(), 1e-9));
    }

    #[test]
    fn merge_with_empty() {
        let mut a = Welford::new();
        a.push(1.0);
        a.push(3.0);
        let before = a;
        a.merge(&Welford::new());
        assert_eq!(a, before);
        let mut e = Welford::new();
        e.merge(&before);
        assert_eq!(e, before);
    }

    #[test]
    fn degenerate_counts() {
        let mut w = Welford::new();
        assert_eq!(w.count(), 0);
        assert!(w.mean().is_nan() && w.variance().is_nan());
        w.push(3.5);
        assert_eq!(w.mean(), 3.5);
        assert!(w.variance().is_nan());
        w.push(3.5);
        assert_eq!(w.variance(), 0.0);
    }
}
