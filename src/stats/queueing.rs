//! Exact results of queueing theory that the reduction tests (README, "Trusting the numbers")
//! compare simulations against: M/M/1, M/M/c (Erlang C), Jackson tandem
//! networks and exact mean-value analysis of closed networks.
//!
//! Rates are per unit time; `lambda` is the arrival rate, `mu` the service
//! rate of one server, `c` the number of servers. An unstable open system
//! (`lambda >= c * mu`) has infinite waits.

/// Erlang's B formula: the probability that an arrival finds all `c` servers
/// busy in an M/M/c/c loss system with offered load `a = lambda / mu`,
/// by the stable recursion `B(0) = 1`, `B(k) = a B(k-1) / (k + a B(k-1))`.
pub fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

/// Erlang's C formula: the probability that an arrival has to wait in an
/// M/M/c queue with offered load `a = lambda / mu`, computed from Erlang B
/// as `C = c B / (c - a (1 - B))`. It is 1 when the queue is unstable
/// (`a >= c`): eventually everyone waits.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let cf = f64::from(c);
    if a >= cf {
        return 1.0;
    }
    let b = erlang_b(c, a);
    cf * b / (cf - a * (1.0 - b))
}

/// Mean time in queue `Wq` of an M/M/c queue: `C(c, a) / (c mu - lambda)`;
/// infinite when unstable.
pub fn mmc_wait(lambda: f64, mu: f64, c: u32) -> f64 {
    let capacity = f64::from(c) * mu;
    if lambda >= capacity {
        return f64::INFINITY;
    }
    erlang_c(c, lambda / mu) / (capacity - lambda)
}

/// Mean time in system (sojourn, lead time) `W = Wq + 1/mu` of an M/M/c
/// queue; infinite when unstable.
pub fn mmc_sojourn(lambda: f64, mu: f64, c: u32) -> f64 {
    mmc_wait(lambda, mu, c) + 1.0 / mu
}

/// Mean time in system of an M/M/1 queue, `1 / (mu - lambda)`; infinite
/// when unstable.
pub fn mm1_sojourn(lambda: f64, mu: f64) -> f64 {
    if lambda >= mu {
        return f64::INFINITY;
    }
    1.0 / (mu - lambda)
}

/// Mean end-to-end time of a Jackson tandem network: Poisson arrivals at rate
/// `lambda` pass through every station in turn, each station given as
/// `(mu per server, servers)`. By Burke's theorem each station is an
/// independent M/M/c queue, so the sojourn is the sum of theirs.
pub fn jackson_tandem_sojourn(lambda: f64, stations: &[(f64, u32)]) -> f64 {
    stations
        .iter()
        .map(|&(mu, c)| mmc_sojourn(lambda, mu, c))
        .sum()
}

/// What exact mean-value analysis predicts for a closed network.
#[derive(Debug, Clone, PartialEq)]
pub struct MvaResult {
    /// Completions per unit time (cycles of one customer through all stations).
    pub throughput: f64,
    /// Mean time for one cycle through all stations (the lead time).
    pub response_time: f64,
    /// Mean number of customers at each station, in the order of the demands.
    pub queue_lengths: Vec<f64>,
}

/// Exact mean-value analysis (Reiser and Lavenberg) of a closed network of
/// `n` customers circulating through single-server FCFS stations with
/// exponential service and total service demand `demands[k]` per cycle at
/// station `k`, with no think time. For `m = 1..=n`:
/// `R_k(m) = D_k (1 + Q_k(m-1))`, `X(m) = m / Σ R_k(m)`, `Q_k(m) = X(m) R_k(m)`.
///
/// With no customers the throughput is 0, the queues are empty and the
/// response time is NaN (no one to measure).
pub fn mva_closed(n: u32, demands: &[f64]) -> MvaResult {
    let mut queue_lengths = vec![0.0; demands.len()];
    let mut throughput = 0.0;
    let mut response_time = f64::NAN;
    for m in 1..=n {
        let residence: Vec<f64> = demands
            .iter()
            .zip(&queue_lengths)
            .map(|(d, q)| d * (1.0 + q))
            .collect();
        response_time = residence.iter().sum();
        throughput = f64::from(m) / response_time;
        queue_lengths = residence.iter().map(|r| throughput * r).collect();
    }
    MvaResult {
        throughput,
        response_time,
        queue_lengths,
    }
}
