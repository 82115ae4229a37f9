//! The integration test suite of orgsim: one binary, one module per concern.

mod bundled_scenarios;
mod cli;
mod determinism;
mod invariants;
mod mechanisms;
mod reductions;
mod scenario_errors;
mod support;
mod theory;
mod topologies;
