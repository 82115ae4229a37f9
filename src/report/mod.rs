//! Reporting: CSV files, the stdout tables and JSON, charts and report.html.

pub mod charts;
pub mod csv_files;
pub mod depends;
pub mod event_log;
pub mod explain;
pub mod explore_csv;
pub mod explore_html;
pub mod fit_html;
pub mod flow_csv;
pub mod flow_table;
pub mod forecast;
pub mod forecast_html;
pub mod html;
pub mod json;
pub mod layout;
pub mod manifest;
pub mod money;
pub mod over_time;
pub mod sweep_csv;
pub mod sweep_files;
pub mod sweep_folder;
pub mod sweep_json;
pub mod table;

/// Kept here for the writers of `report`; it lives in [`crate::util::atomic`].
pub use crate::util::atomic::write_atomic;
/// Kept here for older paths; they live in [`crate::util`].
pub use crate::util::{lock, staging};
