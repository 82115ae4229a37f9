//! The single-threaded split with closed streams (docs/model.md, *Closed
//! streams in the split*): a closed stream's demand is its estimated
//! throughput with the people it gets, so it no longer starves the open ones.

use orgsim::model::capacity;
use orgsim::model::mva::{self, Station};
use orgsim::model::spec::Arrivals;
use orgsim::model::topology::{self, closed_stream_throughput, expected_demand, largest_remainder};
use orgsim::scenario::{Override, Scenario};

use crate::support::{assert_theory, run, scenario, values};

/// A user's case: four open streams and a closed `reporting` stream with
/// `backlog = { wip = 4 }`, 60 people.
fn acme() -> Scenario {
    acme_with(&[])
}

fn acme_with(overrides: &[&str]) -> Scenario {
    let o: Vec<Override> = overrides
        .iter()
        .map(|s| Override::parse(s).unwrap())
        .collect();
    orgsim::scenario::load_str(
        "acme-payments.toml",
        include_str!("../cases/acme-payments.toml"),
        &o,
    )
    .unwrap()
}

#[test]
fn a_closed_stream_does_not_starve_the_open_streams_teams() {
    let sc = acme();
    assert_open_teams_keep_up(&sc);
    // The closed team no longer takes most of the people (16 of 20 backend
    // people before): it gets what its 4 items in flight can keep busy.
    let org = topology::build(&sc.model, &sc.model.topologies[1]);
    let reporting = org.teams.iter().find(|t| t.name == "reporting").unwrap();
    let backend = sc.model.skill("backend").unwrap().index();
    assert!(
        reporting.people[backend] <= 5,
        "reporting has {:?}",
        reporting.people
    );
}

#[test]
fn a_closed_stream_that_could_keep_everyone_busy_leaves_the_open_teams_enough() {
    // With 400 items in flight the closed stream's team is busy whatever it
    // gets, so the fixed point alone would push the open teams to the edge
    // (onboarding's one frontend person at utilization 1.09).
    let sc = acme_with(&["workload.streams.reporting.backlog.wip=400"]);
    assert_open_teams_keep_up(&sc);
    let org = topology::build(&sc.model, &sc.model.topologies[1]);
    let reporting = org.teams.iter().find(|t| t.name == "reporting").unwrap();
    let backend = sc.model.skill("backend").unwrap().index();
    assert!(reporting.people[backend] >= 10, "{:?}", reporting.people);
}

/// In the single-threaded topology of `sc`, no team owning an open stream
/// is offered as much work as it has people, for any skill whose people
/// suffice for the open streams' demand overall.
fn assert_open_teams_keep_up(sc: &Scenario) {
    let reports = capacity::analyse(&sc.model);
    let st = reports
        .iter()
        .find(|r| r.organization.name == "single-threaded")
        .unwrap();
    let org = &st.organization;
    let open: Vec<bool> = sc
        .model
        .workload
        .streams
        .iter()
        .map(|s| matches!(s.arrivals, Arrivals::Open(_)))
        .collect();
    let mut checked = 0;
    for (s, skill) in sc.model.people.iter().enumerate() {
        // The open streams' demand for the skill, wherever it is served.
        let open_demand: f64 = st
            .pools
            .iter()
            .filter(|p| p.skill == s)
            .map(|p| p.offered)
            .sum();
        if open_demand >= f64::from(skill.count) {
            continue; // the people do not suffice overall
        }
        for p in st.pools.iter().filter(|p| p.skill == s) {
            let team = &org.teams[p.team];
            if team.owns.iter().any(|&k| open[k]) {
                checked += 1;
                assert!(
                    p.utilization() < 1.0,
                    "team `{}` has {} {} people for {:.2} person-days/day of open work (utilization {:.2})",
                    team.name,
                    p.people,
                    skill.skill,
                    p.offered,
                    p.utilization()
                );
            }
        }
    }
    assert!(checked >= 15, "only {checked} open-team pools checked");
    assert!(
        st.warnings
            .iter()
            .all(|w| !w.message.contains("utilization")),
        "{:#?}",
        st.warnings
    );
}

#[test]
fn the_split_is_a_fixed_point_of_the_closed_streams_throughput() {
    // The split is the largest-remainder split of the demand the streams
    // make when the closed stream completes what its own team lets it.
    let sc = acme();
    let spec = sc
        .model
        .topologies
        .iter()
        .find(|t| t.name == "single-threaded")
        .unwrap();
    let org = topology::build(&sc.model, spec);
    let k = sc
        .model
        .workload
        .streams
        .iter()
        .position(|s| s.name == "reporting")
        .unwrap();
    let rates: Vec<f64> = sc
        .model
        .workload
        .streams
        .iter()
        .enumerate()
        .map(|(j, s)| match &s.arrivals {
            Arrivals::Open(d) => sc.model.workload.load / d.mean(),
            Arrivals::Closed { .. } => {
                closed_stream_throughput(&sc.model, spec, j, &org.teams[j].people, false)
            }
        })
        .collect();
    // 4 items over a cycle of some 20 days.
    println!(
        "reporting: estimated throughput {:.4} items/day with {:?}",
        rates[k], org.teams[k].people
    );
    assert!(rates[k] > 0.1 && rates[k] < 0.3, "{}", rates[k]);
    let demand = expected_demand(&sc.model, &rates);
    for (s, p) in sc.model.people.iter().enumerate() {
        let weights: Vec<f64> = demand.iter().map(|d| d[s]).collect();
        let split = largest_remainder(p.count, &weights);
        let got: Vec<u32> = org.teams.iter().map(|t| t.people[s]).collect();
        assert_eq!(got, split, "skill {}", p.skill);
    }
}

/// One closed stream of two exponential tasks in a row, every coordination
/// mechanism off: a product-form closed network (2 servers, then 1), which
/// exact MVA solves exactly. The simulated throughput must agree.
#[test]
fn closed_stream_throughput_matches_the_simulated_product_form_network() {
    let toml = r#"
name = "closed-network"
[simulation]
warmup = 200
horizon = 4000
replications = 20
seed = 5
[[workload.streams]]
name = "closed"
backlog = { wip = 3 }
item = "job"
[workload.items.job]
tasks = [
  { name = "a", skill = "x", effort = { dist = "exponential", mean = 1.5 } },
  { name = "b", skill = "y", effort = { dist = "exponential", mean = 0.8 }, after = ["a"] },
]
[organization]
people = { x = 2, y = 1 }
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#;
    let sc = scenario(toml);
    let spec = &sc.model.topologies[0];
    let org = topology::build(&sc.model, spec);
    assert_eq!(org.teams[0].people, vec![2, 1]);
    let estimate = closed_stream_throughput(&sc.model, spec, 0, &org.teams[0].people, false);
    let exact = mva::solve(
        &[
            Station {
                servers: 2,
                demand: 1.5,
            },
            Station {
                servers: 1,
                demand: 0.8,
            },
        ],
        0.0,
        3,
    )
    .throughput;
    assert!((estimate - exact).abs() < 1e-12);
    let exp = run(toml);
    assert_theory(
        "closed network throughput",
        values(&exp, "single-threaded", "throughput"),
        exact,
        0.02,
    );
}
