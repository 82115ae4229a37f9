//! `orgsim plot DIR`: re-draw the charts and `report.html` of a result
//! folder from its CSV files alone (no simulation).

use std::path::{Path, PathBuf};

use super::Failure;
use crate::cli::PlotArgs;
use orgsim::report::charts::{self, ChartError, FolderKind, RunData};
use orgsim::report::html;

impl From<ChartError> for Failure {
    fn from(e: ChartError) -> Self {
        if e.is_bad_input() {
            Failure::BadInput(e.to_string())
        } else {
            Failure::Other(Box::new(e))
        }
    }
}

/// Draws every chart of the result folder `dir` and writes its report;
/// returns the files written.
pub fn render_folder(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    // A run folder is read once for its charts and its report (at 3,000
    // streams reading it took a fifth of `plot`).
    let mut written;
    if let FolderKind::Run = charts::folder_kind(dir)? {
        written = render_run(dir, &RunData::load(dir)?)?;
    } else {
        written = charts::render(dir)?;
        written.push(html::write_report(dir)?);
    }
    Ok(written)
}

/// Draws every chart of the `run` result folder `dir` from `data` (what
/// its files hold) and writes its report, embedding the charts as drawn;
/// returns the files written.
pub fn render_run(dir: &Path, data: &RunData) -> Result<Vec<PathBuf>, Failure> {
    let drawn = charts::render_run_charts(dir, data)?;
    let mut written = drawn.written;
    written.push(html::write_run_report_with(dir, data, &drawn.svgs)?);
    Ok(written)
}

/// Runs `orgsim plot` as `args` say.
pub fn plot(args: &PlotArgs) -> Result<(), Failure> {
    // A missing folder is reported by `render_folder`, not created; not
    // while another orgsim writes the folder.
    let _lock = if args.dir.is_dir() {
        super::folder::prepare(&args.dir, args.quiet)?;
        Some(super::output::lock(&args.dir)?)
    } else {
        None
    };
    let written = render_folder(&args.dir)?;
    if !args.quiet {
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        note!("wrote {} in {}", names.join(", "), args.dir.display());
    }
    Ok(())
}
