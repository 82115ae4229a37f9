//! The integration test suite of orgsim: one binary, one module per concern.

mod scenario_errors;
mod theory;
