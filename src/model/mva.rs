//! Exact mean-value analysis (MVA) of a single-class closed queueing
//! network: a fixed number of items cycling through multi-server stations
//! and one pure delay. It estimates a closed stream's throughput for the
//! single-threaded split (docs/model.md, *Closed streams in the split*).

/// A first-come-first-served station of identical servers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Station {
    /// Servers (people), at least 1.
    pub servers: u32,
    /// Service demand: mean busy time of one server per item cycle (days).
    pub demand: f64,
}

/// What [`solve`] finds for the whole population.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Items completed per day.
    pub throughput: f64,
    /// Mean time an item spends at each station per cycle (queue + service).
    pub residence: Vec<f64>,
    /// Mean busy share of one server of each station.
    pub utilization: Vec<f64>,
}

/// Populations above this are solved at this size: by then the throughput
/// has all but reached its bottleneck bound, and the recursion is linear in
/// the population.
pub const MAX_POPULATION: u32 = 100_000;

/// Solves the network for `population` items, with a delay of `delay` days
/// per cycle (an infinite-server station: time that no server is needed for).
///
/// It generalizes `stats::queueing::mva_closed` (single servers, no delay,
/// which `orgsim validate` uses). The recursion over the population is
/// Reiser and Lavenberg's, with the
/// load-dependent rate min(j, c)/demand of a c-server station; a station
/// keeps its mean queue and the probabilities of its c − 1 lowest
/// occupancies (Bruell and Balbo's form), so that one step costs O(total
/// servers). It is exact for a product-form network (exponential service
/// at the multi-server stations); for other service times it is the usual
/// approximation.
pub fn solve(stations: &[Station], delay: f64, population: u32) -> Solution {
    let m = stations.len();
    if m == 0 {
        // A pure delay: every item is always in it.
        return Solution {
            throughput: if delay > 0.0 {
                f64::from(population) / delay
            } else {
                f64::INFINITY
            },
            residence: vec![],
            utilization: vec![],
        };
    }
    let mut queue = vec![0.0; m];
    // p[i][j]: probability that j items are at station i, for j < servers.
    let mut p: Vec<Vec<f64>> = stations
        .iter()
        .map(|s| {
            let mut v = vec![0.0; s.servers.max(1) as usize];
            v[0] = 1.0;
            v
        })
        .collect();
    let mut residence = vec![0.0; m];
    let mut throughput = 0.0;
    let n_max = population.min(MAX_POPULATION);
    // The bottleneck bound min c/D, which X(n) rises to: once there, stop.
    let bound = stations
        .iter()
        .filter(|s| s.demand > 0.0)
        .map(|s| f64::from(s.servers.max(1)) / s.demand)
        .fold(f64::INFINITY, f64::min);
    for n in 1..=n_max {
        if throughput >= bound * (1.0 - 1e-12) {
            break;
        }
        for (i, st) in stations.iter().enumerate() {
            let c = st.servers.max(1) as usize;
            let idle_servers: f64 = (0..c.saturating_sub(1))
                .map(|j| (c - 1 - j) as f64 * p[i][j])
                .sum();
            residence[i] = st.demand / c as f64 * (1.0 + queue[i] + idle_servers);
        }
        let cycle = delay + residence.iter().sum::<f64>();
        throughput = if cycle > 0.0 {
            f64::from(n) / cycle
        } else {
            f64::INFINITY
        };
        for (i, st) in stations.iter().enumerate() {
            let c = st.servers.max(1) as usize;
            queue[i] = throughput * residence[i];
            // Downwards, so that p[j − 1] is still the previous population's.
            for j in (1..c).rev() {
                p[i][j] = st.demand * throughput / j as f64 * p[i][j - 1];
            }
            // Σ_j min(j, c)·p(j) = X·D: the busy servers' mean.
            let below: f64 = (1..c).map(|j| (c - j) as f64 / c as f64 * p[i][j]).sum();
            p[i][0] = (1.0 - throughput * st.demand / c as f64 - below).max(0.0);
        }
    }
    let utilization = stations
        .iter()
        .map(|s| throughput * s.demand / f64::from(s.servers.max(1)))
        .collect();
    Solution {
        throughput,
        residence,
        utilization,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12 * b.abs().max(1.0)
    }

    /// Two single-server stations (demands 1 and 2) and a delay of 3, with
    /// 2 items, by the textbook recursion on paper:
    /// n = 1: R = (1, 2), X = 1/6, Q = (1/6, 1/3);
    /// n = 2: R = (7/6, 8/3), X = 2/(3 + 7/6 + 8/3) = 12/41.
    #[test]
    fn single_server_network_by_hand() {
        let s = [
            Station {
                servers: 1,
                demand: 1.0,
            },
            Station {
                servers: 1,
                demand: 2.0,
            },
        ];
        let one = solve(&s, 3.0, 1);
        assert!(close(one.throughput, 1.0 / 6.0));
        let two = solve(&s, 3.0, 2);
        assert!(close(two.throughput, 12.0 / 41.0), "{}", two.throughput);
        assert!(close(two.residence[0], 7.0 / 6.0));
        assert!(close(two.residence[1], 8.0 / 3.0));
        assert!(close(two.utilization[1], 24.0 / 41.0));
    }

    /// A two-server station (demand 2) and a delay of 1, with 3 items: the
    /// state is the number j at the station, a birth–death chain with birth
    /// rate (3 − j)/1 and death rate min(j, 2)/2, so π_{j+1}/π_j =
    /// 2(3 − j)/min(j + 1, 2) = 6, 2, 1 and π ∝ (1, 6, 12, 12); the
    /// throughput is the delay's completion rate E[3 − j] = (3 + 12 + 12)/31
    /// = 27/31.
    #[test]
    fn multi_server_network_against_its_birth_death_chain() {
        let s = [Station {
            servers: 2,
            demand: 2.0,
        }];
        let sol = solve(&s, 1.0, 3);
        assert!(close(sol.throughput, 27.0 / 31.0), "{}", sol.throughput);
        // Little: items at the station = 3 − X·delay; its residence is that over X.
        let at_station = 3.0 - 27.0 / 31.0;
        assert!(close(sol.residence[0], at_station / (27.0 / 31.0)));
        // Busy servers: E[min(j, 2)] = (6 + 24 + 24)/31 over 2 servers.
        assert!(close(sol.utilization[0], 27.0 / 31.0));
    }

    #[test]
    fn agrees_with_the_single_server_analysis_of_the_validation() {
        let demands = [2.0, 1.0, 0.5];
        let stations: Vec<Station> = demands
            .iter()
            .map(|&demand| Station { servers: 1, demand })
            .collect();
        for n in 0..12 {
            let a = crate::stats::queueing::mva_closed(n, &demands).throughput;
            let b = solve(&stations, 0.0, n).throughput;
            assert!(close(a, b), "N = {n}: {a} vs {b}");
        }
    }

    #[test]
    fn throughput_rises_to_the_bottleneck_bound() {
        let s = [
            Station {
                servers: 3,
                demand: 6.0,
            },
            Station {
                servers: 1,
                demand: 1.0,
            },
        ];
        let mut last = 0.0;
        for n in 1..60 {
            let x = solve(&s, 0.5, n).throughput;
            assert!(x >= last - 1e-12, "X({n}) = {x} < X({}) = {last}", n - 1);
            assert!(x <= 0.5 + 1e-12 && x <= f64::from(n) / 7.5 + 1e-12);
            last = x;
        }
        assert!(last > 0.499, "{last}");
        // A huge population is cut at MAX_POPULATION and stays at the bound.
        let big = solve(&s, 0.5, u32::MAX).throughput;
        assert!(big <= 0.5 + 1e-12 && big > 0.4999, "{big}");
        // Without stations the items only cycle through the delay.
        assert!(close(solve(&[], 4.0, 10).throughput, 2.5));
    }
}
