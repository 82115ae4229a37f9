//! Reporting: CSV files, the stdout tables and JSON, charts and report.html.

pub mod atomic;
pub mod charts;
pub mod csv_files;
pub mod explain;
pub mod html;
pub mod json;
pub mod manifest;
pub mod sweep_csv;
pub mod table;

pub use atomic::write_atomic;
