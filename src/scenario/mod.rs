//! Scenario files: the TOML schema, `--set` overrides, validation with
//! messages that name the file, the TOML path and the line, and the bundled
//! scenarios.

pub mod schema;

pub use schema::*;
