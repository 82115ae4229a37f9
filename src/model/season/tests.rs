//! The rate profile, its inverse and the load at the busiest part.

use super::*;

fn profile(period: f64, multipliers: &[f64]) -> RateProfile {
    RateProfile::new(period, multipliers.to_vec()).expect("a valid profile")
}

#[test]
fn invalid_profiles_are_refused() {
    let new = |p, m: &[f64]| RateProfile::new(p, m.to_vec());
    assert_eq!(new(0.0, &[1.0]), Err(RateProfileError::Period));
    assert_eq!(new(f64::NAN, &[1.0]), Err(RateProfileError::Period));
    assert_eq!(new(10.0, &[]), Err(RateProfileError::Empty));
    assert_eq!(new(10.0, &[1.0, -0.5]), Err(RateProfileError::Negative));
    assert_eq!(new(10.0, &[0.0, 0.0]), Err(RateProfileError::AllZero));
}

#[test]
fn operational_time_integrates_the_multipliers() {
    let p = profile(100.0, &[1.0, 1.5, 0.5, 1.0]);
    assert_eq!(p.mean(), 1.0);
    assert_eq!(p.peak(), 1.5);
    assert_eq!(p.part_length(), 25.0);
    assert_eq!(p.operational(25.0), 25.0);
    assert_eq!(p.operational(30.0), 32.5);
    assert_eq!(p.operational(60.0), 25.0 + 37.5 + 5.0);
    assert_eq!(p.operational(100.0), 100.0);
    assert_eq!(p.operational(230.0), 232.5);
    assert_eq!(p.multiplier_at(130.0), 1.5);
    assert_eq!(p.multiplier_at(99.0), 1.0);
}

#[test]
fn real_time_inverts_operational_time_and_skips_zero_parts() {
    let p = profile(12.0, &[2.0, 0.0, 0.5, 0.0]);
    for t in [
        0.0,
        0.1,
        1.5,
        2.9,
        4.0,
        7.3,
        8.9,
        10.0,
        12.2,
        15.0,
        1e6 + 0.7,
    ] {
        let u = p.operational(t);
        let back = p.real_time(u);
        if p.multiplier_at(t) > 0.0 {
            assert!((back - t).abs() < 1e-9 * t.max(1.0), "{t} -> {u} -> {back}");
        } else {
            // Within a part of multiplier 0 the first day with M(t) = u
            // is where the last positive part ended.
            assert!(back <= t && p.operational(back) == u, "{t} -> {back}");
        }
    }
    // The operational time at the end of the ×2 part (6) is reached on
    // day 3; the next instant of operational time is in the ×0.5 part.
    assert_eq!(p.real_time(6.0), 3.0);
    assert!(p.real_time(6.0 + 1e-9) > 6.0);
    assert_eq!(p.real_time(7.5), 9.0);
    assert_eq!(p.real_time(7.5 + 6.0), 15.0);
    // A whole period of operational time (7.5) is first reached where
    // the ×0.5 part ends (day 9), not at the next period's start.
    assert_eq!(p.real_time(7.5), 9.0);
    assert_eq!(p.real_time(15.0), 21.0);
}

#[test]
fn phases_cut_a_shared_period_at_every_part_boundary() {
    let text = |second: &str| {
        format!(
            r#"
name = "t"
[simulation]
warmup = 0
horizon = 100
replications = 1
seed = 1
[[workload.streams]]
name = "a"
interarrival = 1
rate_profile = {{ period = 60, multipliers = [1, 3] }}
item = "x"
[[workload.streams]]
name = "b"
interarrival = 2
{second}
item = "x"
[workload.items.x]
tasks = [{{ name = "t", skill = "dev", effort = 0.5 }}]
[organization]
people = {{ dev = 2 }}
[[topologies]]
name = "m"
kind = "matrix"
"#
        )
    };
    let load = |t: String| {
        crate::scenario::load_str("t.toml", &t, &[])
            .expect("valid")
            .model
    };
    let shared = load(text(
        "rate_profile = { period = 60, multipliers = [2, 1, 0] }",
    ));
    let (phases, bound) = phases(&shared);
    assert!(!bound);
    let cuts: Vec<(f64, f64, Vec<f64>)> = phases
        .into_iter()
        .map(|p| (p.from, p.to, p.multipliers))
        .collect();
    assert_eq!(
        cuts,
        [
            (0.0, 20.0, vec![1.0, 2.0]),
            (20.0, 30.0, vec![1.0, 1.0]),
            (30.0, 40.0, vec![3.0, 1.0]),
            (40.0, 60.0, vec![3.0, 0.0]),
        ]
    );
    // Average: a sends 1 item/day × mean multiplier 2 × 0.5 days = 1
    // pd/day, b 0.5 × 1 × 0.5 = 0.25: utilization (1 + 0.25) / 2 = 0.625.
    // Busiest phase (30–40): a at ×3 = 1.5 pd/day, b at ×1 = 0.25,
    // utilization 0.875 < 1, so no warning.
    let average = capacity::analyse(&shared);
    assert!((average[0].pools[0].utilization() - 0.625).abs() < 1e-12);
    let peak = &peak_loads(&shared)[0];
    assert_eq!((peak.phase.from, peak.phase.to), (30.0, 40.0));
    assert!((peak.utilization - 0.875).abs() < 1e-12);
    assert!(peak_warnings(&shared, peak, &average[0]).is_empty());

    // Different periods: one phase with every stream at its peak, a bound.
    let apart = load(text("rate_profile = { period = 50, multipliers = [4, 0] }"));
    let (phases, bound) = super::phases(&apart);
    assert!(bound);
    assert_eq!(phases.len(), 1);
    assert_eq!(phases[0].multipliers, [3.0, 4.0]);
    // Average (1 + 0.5) / 2 = 0.75; the bound: (1.5 + 1) / 2 = 1.25 ≥ 1,
    // flagged as overloaded at the peak, naming the team.
    let average = capacity::analyse(&apart);
    assert!((average[0].pools[0].utilization() - 0.75).abs() < 1e-12);
    let peak = &peak_loads(&apart)[0];
    assert!((peak.utilization - 1.25).abs() < 1e-12);
    let warnings = &average[0].warnings;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].kind, WarningKind::PeakOverloaded);
    assert!(
        warnings[0]
            .message
            .contains("if every stream's peak fell at once"),
        "{}",
        warnings[0].message
    );
}
