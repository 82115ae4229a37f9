//! The metric catalogue (`orgsim::model::metric`) against real output: every
//! metric name a run writes is one the catalogue knows, and round-trips;
//! every metric the catalogue lists is written, in every scope it claims.
//!
//! The compile-time half is not tested here: `Metric::info`,
//! `report::charts::style::category_color` and the value match in
//! `model::tally::item_metrics` are exhaustive, so a new metric or category
//! that one of them does not handle does not compile.

use std::collections::BTreeSet;
use std::path::Path;

use orgsim::model::metric::{Family, Metric, MetricId, Scope};
use orgsim::model::{Category, topology};
use orgsim::report::charts::style;
use orgsim::report::layout;

use crate::support::{orgsim, text};

#[test]
fn every_metric_of_a_real_summary_is_in_the_catalogue_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "run",
            "prime-video",
            "--reps",
            "2",
            "--set",
            "simulation.horizon=100",
            "--threads",
            "2",
            "--no-plots",
            "--quiet",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let folder = dir.path().join("o");
    let scenario = orgsim::scenario::load_str(
        "prime-video.toml",
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/prime-video.toml"),
        )
        .unwrap(),
        &[],
    )
    .unwrap();
    let streams: Vec<&str> = scenario
        .model
        .workload
        .streams
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert!(streams.len() >= 2, "the test needs per-stream metrics");

    let mut reader = csv::Reader::from_path(folder.join(layout::SUMMARY_CSV)).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        layout::SUMMARY_COLUMNS
    );
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    for spec in &scenario.model.topologies {
        let names: Vec<&str> = rows
            .iter()
            .filter(|(t, _)| *t == spec.name)
            .map(|(_, m)| m.as_str())
            .collect();
        let teams: Vec<String> = topology::build(&scenario.model, spec)
            .teams
            .iter()
            .map(|t| t.name.clone())
            .collect();
        // Every name written parses, names a stream or team that exists,
        // and prints back to itself.
        let mut seen = BTreeSet::new();
        for name in &names {
            let id = MetricId::parse(name)
                .unwrap_or_else(|| panic!("{}: `{name}` is not in the catalogue", spec.name));
            assert_eq!(id.name(), *name);
            match id.scope {
                Scope::All => assert_ne!(id.metric.family(), Family::Team, "{name}"),
                Scope::Stream(s) => {
                    assert!(streams.contains(&s), "{name}");
                    assert_eq!(id.metric.family(), Family::Item, "{name}");
                }
                Scope::Team(t) => {
                    assert!(teams.iter().any(|x| x == t), "{name}");
                    assert_eq!(id.metric.family(), Family::Team, "{name}");
                }
            }
            assert!(seen.insert(name.to_string()), "{name} written twice");
        }
        // Every metric of the catalogue is written, in every scope it has
        // (the cost metrics only with the rates of `[economics]`).
        let mut expected: Vec<String> = Metric::ITEM
            .iter()
            .chain(&Metric::ORGANIZATION)
            .filter(|&&m| orgsim::model::economics::reported(scenario.model.economics.as_ref(), m))
            .map(|m| m.name().to_string())
            .collect();
        for s in &streams {
            expected.extend(Metric::ITEM.iter().map(|&m| MetricId::stream(s, m).name()));
        }
        for t in &teams {
            expected.extend(Metric::TEAM.iter().map(|&m| MetricId::team(t, m).name()));
        }
        assert_eq!(names, expected, "{}", spec.name);
    }

    // replications.csv has one column per metric, the same names.
    let mut reader = csv::Reader::from_path(folder.join(layout::REPLICATIONS_CSV)).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .skip(2)
        .map(str::to_string)
        .collect();
    for name in &header {
        assert!(MetricId::parse(name).is_some(), "{name}");
    }
}

#[test]
fn every_category_has_a_distinct_colour_a_label_and_a_mean() {
    let colours: BTreeSet<(u8, u8, u8)> = Category::ALL
        .iter()
        .map(|&c| {
            let rgb = style::category_color(c);
            (rgb.0, rgb.1, rgb.2)
        })
        .collect();
    assert_eq!(colours.len(), Category::COUNT);
    let stacked: BTreeSet<Category> = style::STACK.into_iter().collect();
    assert_eq!(stacked.len(), Category::COUNT);
    for c in Category::ALL {
        assert!(!c.label().is_empty());
        assert_eq!(Metric::Mean(c).name(), format!("{}_mean", c.name()));
        assert!(Metric::ITEM.contains(&Metric::Mean(c)));
    }
    let coordination: Vec<&str> = Category::ALL
        .into_iter()
        .filter(|c| c.is_coordination())
        .map(Category::label)
        .collect();
    assert_eq!(
        coordination,
        ["handoff", "cadence", "decision", "escalation"]
    );
}
