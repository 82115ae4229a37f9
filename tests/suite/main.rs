//! The integration test suite of orgsim: one binary, one module per concern.

mod bad_input;
mod bundled_scenarios;
mod charts;
mod cli;
mod closed_split;
mod determinism;
mod docs_numbers;
mod edges;
mod explore;
mod fuzz;
mod golden;
mod hardening;
mod honest_report;
mod invariants;
mod mechanisms;
mod output_safety;
mod reductions;
mod reliability;
mod report_html;
mod scenario_errors;
mod stability;
mod statistics;
mod support;
mod sweep;
mod theory;
mod topologies;
