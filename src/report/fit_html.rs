//! `fit-report.html`: the fit report page of `orgsim fit` (what was
//! fitted, the fidelity table and its charts inline), in the look of the
//! run report, from the fit folder's files alone.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::charts::ChartError;
use super::charts::fit::{FitChart, FitData};
use super::html::{escape, figure, page};
use crate::util::atomic::write_atomic;

/// The page's file name.
pub const FILE: &str = "fit-report.html";

/// The page of the fit folder `dir`: `report_md` (the text report, in the
/// small Markdown `orgsim fit` writes: headings, lists, one table) turned
/// into HTML, with the fidelity charts after the table; `charts` says
/// whether to draw them.
pub fn report(dir: &Path, report_md: &str, charts: bool) -> Result<String, ChartError> {
    let data = FitData::load(dir)?;
    let mut body = String::new();
    let mut lines = report_md.lines().peekable();
    let mut list = false;
    let mut title = String::from("Fit of the log");
    let close = |body: &mut String, list: &mut bool| {
        if *list {
            body.push_str("</ul>\n");
            *list = false;
        }
    };
    while let Some(line) = lines.next() {
        if let Some(h) = line.strip_prefix("# ") {
            close(&mut body, &mut list);
            title = h.to_string();
            let _ = writeln!(
                body,
                "<p class=\"kicker\">orgsim fit</p>\n<h1>{}</h1>",
                escape(h)
            );
        } else if let Some(h) = line.strip_prefix("## ") {
            close(&mut body, &mut list);
            let _ = writeln!(body, "<h2>{}</h2>", escape(h));
        } else if let Some(item) = line.strip_prefix("- ") {
            if !list {
                body.push_str("<ul class=\"assume\">\n");
                list = true;
            }
            let _ = writeln!(body, "<li>{}</li>", escape(item));
        } else if line.starts_with('|') {
            close(&mut body, &mut list);
            let cells = |l: &str| -> Vec<String> {
                l.trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .collect()
            };
            body.push_str("<table>\n<thead><tr>");
            for c in cells(line) {
                let _ = write!(body, "<th>{}</th>", escape(&c));
            }
            body.push_str("</tr></thead>\n<tbody>\n");
            while let Some(l) = lines.next_if(|l| l.starts_with('|')) {
                if l.starts_with("|---") {
                    continue;
                }
                body.push_str("<tr>");
                for c in cells(l) {
                    let _ = write!(body, "<td>{}</td>", escape(&c));
                }
                body.push_str("</tr>\n");
            }
            body.push_str("</tbody>\n</table>\n");
            if charts {
                for chart in FitChart::plan(&data) {
                    let _ = writeln!(body, "<h3>{}</h3>", escape(chart.heading()));
                    figure(
                        &mut body,
                        chart.heading(),
                        &chart.svg(&data)?,
                        &chart.caption(&data),
                        chart.stem(),
                    );
                }
            }
        } else if line.trim().is_empty() {
            close(&mut body, &mut list);
        } else {
            close(&mut body, &mut list);
            let _ = writeln!(body, "<p>{}</p>", escape(line));
        }
    }
    close(&mut body, &mut list);
    Ok(page(&title, &body))
}

/// Writes [`FILE`] into `dir` (see [`report`]); returns its path.
pub fn write(dir: &Path, report_md: &str, charts: bool) -> Result<PathBuf, ChartError> {
    let html = report(dir, report_md, charts)?;
    let path = dir.join(FILE);
    write_atomic(&path, html.as_bytes()).map_err(|e| ChartError::io(&path, e))?;
    Ok(path)
}
