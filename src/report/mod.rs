//! Reporting: CSV files, the stdout tables and JSON.

pub mod atomic;
pub mod csv_files;
pub mod json;
pub mod manifest;
pub mod table;

pub use atomic::write_atomic;
