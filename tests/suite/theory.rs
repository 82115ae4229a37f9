//! Textbook checks of the exact queueing formulas in `orgsim::stats::queueing`
//! that the reduction tests and `orgsim validate` compare simulations against.

pub use orgsim::stats::queueing::*;

fn assert_close(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol * expected.abs().max(1.0),
        "{actual} is not within {tol} of {expected}"
    );
}

#[test]
fn mm1_textbook_values() {
    // λ = 0.9, μ = 1: ρ = 0.9, W = 1 / (1 - 0.9) = 10.
    assert_close(mm1_sojourn(0.9, 1.0), 10.0, 1e-12);
    // λ = 2, μ = 3 per hour: W = 1 hour, Wq = ρ / (μ - λ) = 2/3 hour.
    assert_close(mm1_sojourn(2.0, 3.0), 1.0, 1e-12);
    assert_close(mmc_wait(2.0, 3.0, 1), 2.0 / 3.0, 1e-12);
    assert_eq!(mm1_sojourn(1.0, 1.0), f64::INFINITY);
}

#[test]
fn mmc_with_one_server_is_mm1() {
    for (lambda, mu) in [(0.1, 1.0), (0.5, 1.0), (0.9, 1.0), (3.0, 4.0)] {
        // Erlang C with one server is ρ.
        assert_close(erlang_c(1, lambda / mu), lambda / mu, 1e-12);
        assert_close(mmc_sojourn(lambda, mu, 1), mm1_sojourn(lambda, mu), 1e-12);
    }
}

#[test]
fn erlang_b_table_values() {
    // Standard Erlang B table: B(5, 2) = 0.03670, B(10, 5) = 0.01838,
    // B(1, 1) = 1/2, B(2, 1) = 1/5.
    assert_close(erlang_b(5, 2.0), 0.036_697, 1e-5);
    assert_close(erlang_b(10, 5.0), 0.018_385, 1e-5);
    assert_close(erlang_b(1, 1.0), 0.5, 1e-15);
    assert_close(erlang_b(2, 1.0), 0.2, 1e-15);
    assert_eq!(erlang_b(0, 3.0), 1.0);
}

#[test]
fn erlang_c_textbook_values() {
    // c = 2, a = 1: C = 1/3. c = 3, a = 2: C = 4/9.
    assert_close(erlang_c(2, 1.0), 1.0 / 3.0, 1e-14);
    assert_close(erlang_c(3, 2.0), 4.0 / 9.0, 1e-14);
    // Unstable: everyone waits.
    assert_eq!(erlang_c(2, 2.0), 1.0);
    assert_eq!(erlang_c(2, 5.0), 1.0);
}

#[test]
fn erlang_c_matches_the_direct_formula() {
    // C = (a^c / c!) (c / (c - a)) / (Σ_{k<c} a^k / k! + (a^c / c!) (c / (c - a))),
    // evaluated naively where it does not overflow.
    fn direct(c: u32, a: f64) -> f64 {
        let mut term = 1.0; // a^k / k!
        let mut sum = 0.0;
        for k in 0..c {
            sum += term;
            term *= a / f64::from(k + 1);
        }
        let top = term * f64::from(c) / (f64::from(c) - a);
        top / (sum + top)
    }
    for c in 1..=30 {
        for rho in [0.05, 0.3, 0.6, 0.85, 0.95, 0.99] {
            let a = rho * f64::from(c);
            assert_close(erlang_c(c, a), direct(c, a), 1e-10);
        }
    }
}

#[test]
fn erlang_c_is_stable_for_large_systems() {
    // The factorials of the direct formula overflow here; the recursion does not.
    let p = erlang_c(500, 480.0);
    assert!(p.is_finite() && p > 0.0 && p < 1.0, "{p}");
    // Economies of scale: at the same utilization, more servers wait less.
    assert!(erlang_c(500, 450.0) < erlang_c(50, 45.0));
    assert!(erlang_c(50, 45.0) < erlang_c(5, 4.5));
}

#[test]
fn mm2_closed_form() {
    // For two servers W = 1 / (μ (1 - ρ²)) with ρ = λ / (2μ).
    for (lambda, mu) in [(1.0, 1.0), (0.5, 2.0), (3.0, 1.6), (1.9, 1.0)] {
        let rho: f64 = lambda / (2.0 * mu);
        assert_close(
            mmc_sojourn(lambda, mu, 2),
            1.0 / (mu * (1.0 - rho * rho)),
            1e-12,
        );
    }
    // λ = μ = 1: Wq = 1/3, W = 4/3.
    assert_close(mmc_wait(1.0, 1.0, 2), 1.0 / 3.0, 1e-14);
    assert_close(mmc_sojourn(1.0, 1.0, 2), 4.0 / 3.0, 1e-14);
    assert_eq!(mmc_wait(2.0, 1.0, 2), f64::INFINITY);
}

#[test]
fn mmc_textbook_example() {
    // M/M/3, λ = 2, μ = 1 (a = 2, C = 4/9): Wq = (4/9) / (3 - 2) = 4/9,
    // W = 13/9, and by Little's law Lq = 8/9, L = 26/9.
    assert_close(mmc_wait(2.0, 1.0, 3), 4.0 / 9.0, 1e-14);
    assert_close(mmc_sojourn(2.0, 1.0, 3), 13.0 / 9.0, 1e-14);
    // Pooling: one M/M/6 queue beats two separate M/M/3 queues at the same load.
    assert!(mmc_sojourn(4.0, 1.0, 6) < mmc_sojourn(2.0, 1.0, 3));
}

#[test]
fn tandem_by_hand() {
    // λ = 1 through an M/M/1 with μ = 2 (W = 1/(2-1) = 1) and an M/M/2 with
    // μ = 1 (W = 4/3): 7/3 in total.
    assert_close(
        jackson_tandem_sojourn(1.0, &[(2.0, 1), (1.0, 2)]),
        7.0 / 3.0,
        1e-14,
    );
    // Three identical M/M/1 stations at ρ = 0.5 with μ = 1: 3 × 2 = 6.
    assert_close(jackson_tandem_sojourn(0.5, &[(1.0, 1); 3]), 6.0, 1e-14);
    assert_eq!(jackson_tandem_sojourn(1.0, &[]), 0.0);
    assert_eq!(
        jackson_tandem_sojourn(1.0, &[(2.0, 1), (0.5, 1)]),
        f64::INFINITY
    );
}

#[test]
fn mva_classic_two_stations() {
    // D = (1, 1), N = 2: X = 2/3, R = 3, Q = (1, 1).
    let r = mva_closed(2, &[1.0, 1.0]);
    assert_close(r.throughput, 2.0 / 3.0, 1e-14);
    assert_close(r.response_time, 3.0, 1e-14);
    assert_eq!(r.queue_lengths.len(), 2);
    for q in &r.queue_lengths {
        assert_close(*q, 1.0, 1e-14);
    }
}

#[test]
fn mva_unbalanced_by_hand() {
    // D = (2, 1), N = 2. m = 1: R = (2, 1), X = 1/3, Q = (2/3, 1/3).
    // m = 2: R = (2·5/3, 1·4/3) = (10/3, 4/3), R = 14/3, X = 3/7, Q = (10/7, 4/7).
    let r = mva_closed(2, &[2.0, 1.0]);
    assert_close(r.throughput, 3.0 / 7.0, 1e-14);
    assert_close(r.response_time, 14.0 / 3.0, 1e-14);
    assert_close(r.queue_lengths[0], 10.0 / 7.0, 1e-14);
    assert_close(r.queue_lengths[1], 4.0 / 7.0, 1e-14);
}

#[test]
fn mva_general_properties() {
    // One station: the customers queue behind each other, X = 1/D, R = N D.
    let one = mva_closed(5, &[0.5]);
    assert_close(one.throughput, 2.0, 1e-14);
    assert_close(one.response_time, 2.5, 1e-14);
    assert_close(one.queue_lengths[0], 5.0, 1e-14);
    // K balanced stations of demand D: X(N) = N / (D (K + N - 1)).
    for (k, n) in [(3usize, 4u32), (4, 10), (2, 1)] {
        let r = mva_closed(n, &vec![0.7; k]);
        assert_close(
            r.throughput,
            f64::from(n) / (0.7 * (k as f64 + f64::from(n) - 1.0)),
            1e-12,
        );
    }
    // Little's law over the network and the bottleneck bound X <= 1 / D_max.
    let r = mva_closed(20, &[0.3, 0.5, 0.2]);
    assert_close(r.queue_lengths.iter().sum(), 20.0, 1e-12);
    assert_close(r.throughput * r.response_time, 20.0, 1e-12);
    assert!(r.throughput < 1.0 / 0.5 && r.throughput > 0.99 * (1.0 / 0.5));
    // No customers: nothing flows.
    let empty = mva_closed(0, &[1.0, 2.0]);
    assert_eq!(empty.throughput, 0.0);
    assert!(empty.response_time.is_nan());
    assert_eq!(empty.queue_lengths, vec![0.0, 0.0]);
}
