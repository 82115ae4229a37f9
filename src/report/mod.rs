//! Reporting: CSV files, the stdout tables and JSON, charts and report.html.

pub mod atomic;
pub mod charts;
pub mod csv_files;
pub mod explain;
pub mod explore_csv;
pub mod explore_html;
pub mod html;
pub mod json;
pub mod lock;
pub mod manifest;
pub mod staging;
pub mod sweep_csv;
pub mod table;

pub use atomic::write_atomic;
