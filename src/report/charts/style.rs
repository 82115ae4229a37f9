//! The look shared by every chart: size, fonts (embedded DejaVu, no system
//! fonts), the colour-blind-safe palette, the title block and legends drawn
//! outside the data.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartError;
use crate::model::Category;

/// Logical width of every chart (SVG pixels).
pub const WIDTH: u32 = 1000;
/// Logical height of a chart unless it needs more rows.
pub const HEIGHT: u32 = 600;
/// PNG pixels per logical pixel: 1.5 × 96 dpi = 144 dpi, sharp on paper and
/// on high-density screens.
pub const PNG_SCALE: f64 = 1.5;

/// The font family every chart uses; plotters' own labels use it too.
pub const FAMILY: &str = "sans-serif";
/// What the SVG files say instead of the bare `sans-serif`, so that a browser
/// uses the same (or a same-width) face as the PNGs.
pub const SVG_FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

static FONTS: Once = Once::new();

/// Registers the embedded DejaVu Sans under [`FAMILY`] (once per process):
/// without it, drawing text fails with `FontUnavailable`.
pub fn register_fonts() {
    FONTS.call_once(|| {
        // The embedded fonts are valid OpenType: registration cannot fail.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Sizes in logical pixels, scaled for the backend being drawn.
#[derive(Debug, Clone, Copy)]
pub struct Px(pub f64);

impl Px {
    /// `v` logical pixels as backend pixels.
    pub fn u(self, v: f64) -> u32 {
        (v * self.0).round().max(0.0) as u32
    }
    /// `v` logical pixels as signed backend pixels.
    pub fn i(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }
    /// The backend size of a `WIDTH × height` chart.
    pub fn size(self, height: u32) -> (u32, u32) {
        (self.u(f64::from(WIDTH)), self.u(f64::from(height)))
    }
    /// A regular font of `size` logical pixels.
    pub fn font(self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FAMILY, size * self.0).into_font()).color(&TEXT)
    }
    /// A bold font of `size` logical pixels.
    pub fn bold(self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FAMILY, size * self.0, FontStyle::Bold).into_font()).color(&TEXT)
    }
    /// A line style of `width` logical pixels.
    pub fn stroke(self, color: RGBColor, width: f64) -> ShapeStyle {
        color.stroke_width(self.u(width).max(1))
    }
}

/// Font sizes (logical pixels, plotters' convention: about 1.24 × the em).
pub mod size {
    /// Chart title.
    pub const TITLE: f64 = 26.0;
    /// The line under the title.
    pub const SUBTITLE: f64 = 17.0;
    /// Axis descriptions.
    pub const AXIS: f64 = 18.0;
    /// Tick labels, legend entries and category names.
    pub const LABEL: f64 = 17.0;
    /// Numbers written on the data.
    pub const NOTE: f64 = 15.0;
}

/// Body text.
pub const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text (subtitles, notes).
pub const MUTED: RGBColor = RGBColor(0x5f, 0x5f, 0x5f);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xe3, 0xe3, 0xe3);
/// Axis lines.
pub const AXIS_LINE: RGBColor = RGBColor(0x88, 0x88, 0x88);

/// The Okabe–Ito palette, in the order topologies get it (yellow last: it
/// is hard to see as a line on white).
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of the `i`-th topology (scenario order), the same in every chart.
pub fn topology_color(i: usize) -> RGBColor {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// `c` mixed with white: `t` = 0 is `c`, 1 is white.
pub fn lighten(c: RGBColor, t: f64) -> RGBColor {
    let mix = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * t).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// The critical-path categories in the order they are stacked: work,
/// queue and blocked, the coordination categories, then the rest.
pub const STACK: [Category; Category::COUNT] = [
    Category::Work,
    Category::Queue,
    Category::Blocked,
    Category::Handoff,
    Category::Cadence,
    Category::Decision,
    Category::Escalation,
    Category::Interrupted,
    Category::Review,
    Category::Rework,
];

// `STACK` holds every category once (its length is `Category::COUNT`).
const _: () = {
    let mut seen = [false; Category::COUNT];
    let mut i = 0;
    while i < Category::COUNT {
        assert!(!seen[STACK[i] as usize]);
        seen[STACK[i] as usize] = true;
        i += 1;
    }
};

/// The fixed colour of a category: work, queue and blocked in cool hues, the
/// coordination categories (handoff, cadence, decision, escalation) in warm
/// hues so that the coordination tax stands out, the rest in neutral tones.
/// An exhaustive match: a new category does not compile until it has one.
pub fn category_color(c: Category) -> RGBColor {
    match c {
        Category::Work => RGBColor(0x00, 0x72, 0xB2),
        Category::Queue => RGBColor(0x56, 0xB4, 0xE9),
        Category::Handoff => RGBColor(0xE6, 0x9F, 0x00),
        Category::Cadence => RGBColor(0xD5, 0x5E, 0x00),
        Category::Decision => RGBColor(0xCC, 0x79, 0xA7),
        Category::Escalation => RGBColor(0x8E, 0x2C, 0x1E),
        Category::Interrupted => RGBColor(0xA0, 0xA0, 0xA0),
        Category::Review => RGBColor(0x00, 0x9E, 0x73),
        Category::Rework => RGBColor(0x55, 0x55, 0x55),
        // A queue before the queue: a cool hue, darker than `queue`.
        Category::Blocked => RGBColor(0x6A, 0x5A, 0xCD),
    }
}

/// The colours of the states of a cumulative flow diagram.
pub const CFD_STATES: [(&str, RGBColor); 4] = [
    ("done", RGBColor(0x00, 0x9E, 0x73)),
    ("in progress", RGBColor(0x00, 0x72, 0xB2)),
    ("in backlog", RGBColor(0x56, 0xB4, 0xE9)),
    ("in intake", RGBColor(0xE6, 0x9F, 0x00)),
];

/// The largest font size at most `size` (and at least 60% of it) at which
/// `text` fits in `width` backend pixels.
pub fn fitting<'a, DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    width: i32,
    size: f64,
    make: impl Fn(f64) -> TextStyle<'a>,
) -> Result<TextStyle<'a>, ChartError> {
    let mut s = size;
    loop {
        let style = make(s);
        if s <= size * 0.6 || text_width(root, text, &style)? as i32 <= width {
            return Ok(style);
        }
        s -= 0.5;
    }
}

/// Draws the title block (bold title, grey subtitle; both shrunk to fit the
/// width) and returns the area below it.
pub fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let left = px.i(24.0);
    let width = root.dim_in_pixel().0 as i32 - 2 * left;
    let title_style = fitting(root, title, width, size::TITLE, |s| px.bold(s))?;
    root.draw_text(
        title,
        &title_style.pos(Pos::new(HPos::Left, VPos::Top)),
        (left, px.i(14.0)),
    )?;
    let mut height = 52.0;
    if !subtitle.is_empty() {
        let sub_style = fitting(root, subtitle, width, size::SUBTITLE, |s| {
            px.font(s).color(&MUTED)
        })?;
        root.draw_text(
            subtitle,
            &sub_style.pos(Pos::new(HPos::Left, VPos::Top)),
            (left, px.i(48.0)),
        )?;
        height = 76.0;
    }
    Ok(root.split_vertically(px.u(height)).1)
}

/// How a legend entry shows its colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A filled square (bars, areas).
    Box,
    /// A thick line (lines).
    Line,
}

/// A legend entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What the entry names.
    pub label: String,
    /// Its colour.
    pub color: RGBColor,
    /// How the colour is shown.
    pub swatch: Swatch,
}

impl Entry {
    /// An entry.
    pub fn new(label: impl Into<String>, color: RGBColor, swatch: Swatch) -> Self {
        Self {
            label: label.into(),
            color,
            swatch,
        }
    }
}

/// Draws `entries` in one or more rows across the top of `area` (outside the
/// plot, so a legend never covers data), starting at `left` logical pixels,
/// and returns the area below the legend.
pub fn legend_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    px: Px,
    left: f64,
    entries: &[Entry],
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let font = px.font(size::LABEL);
    let (width, _) = area.dim_in_pixel();
    let row_h = 26.0;
    let (mut x, mut row) = (px.i(left), 0.0);
    for e in entries {
        let (tw, _) = area.estimate_text_size(&e.label, &font)?;
        let needed = px.i(26.0) + tw as i32 + px.i(26.0);
        if x + needed > width as i32 - px.i(16.0) && x > px.i(left) {
            x = px.i(left);
            row += row_h;
        }
        let cy = px.i(row + row_h / 2.0);
        draw_swatch(area, px, (x, cy), e)?;
        area.draw_text(
            &e.label,
            &font.pos(Pos::new(HPos::Left, VPos::Center)),
            (x + px.i(26.0), cy),
        )?;
        x += needed;
    }
    Ok(area.split_vertically(px.u(row + row_h + 6.0)).1)
}

/// Draws `entries` in a column starting at `(x, y)` backend pixels of `area`.
pub fn legend_column<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    px: Px,
    (x, y): (i32, i32),
    entries: &[Entry],
) -> Result<(), ChartError> {
    let font = px.font(size::LABEL);
    for (k, e) in entries.iter().enumerate() {
        let cy = y + px.i(26.0 * k as f64 + 13.0);
        draw_swatch(area, px, (x, cy), e)?;
        area.draw_text(
            &e.label,
            &font.pos(Pos::new(HPos::Left, VPos::Center)),
            (x + px.i(26.0), cy),
        )?;
    }
    Ok(())
}

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    px: Px,
    (x, cy): (i32, i32),
    e: &Entry,
) -> Result<(), ChartError> {
    match e.swatch {
        Swatch::Box => {
            area.draw(&Rectangle::new(
                [(x, cy - px.i(8.0)), (x + px.i(18.0), cy + px.i(8.0))],
                e.color.filled(),
            ))?;
        }
        Swatch::Line => {
            area.draw(&PathElement::new(
                vec![(x, cy), (x + px.i(20.0), cy)],
                px.stroke(e.color, 3.0),
            ))?;
        }
    }
    Ok(())
}

/// A text style anchored at `h`, `v`.
pub fn anchored<'a>(style: TextStyle<'a>, h: HPos, v: VPos) -> TextStyle<'a> {
    style.pos(Pos::new(h, v))
}

/// Width in backend pixels of `text` in `style`.
pub fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
) -> Result<u32, ChartError> {
    Ok(area.estimate_text_size(text, style)?.0)
}

/// An error bar between two backend points (vertical or horizontal), with
/// caps of `cap` logical pixels, and no marker at the mean.
pub fn error_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    from: (i32, i32),
    to: (i32, i32),
    cap: f64,
) -> Result<(), ChartError> {
    let ink = px.stroke(TEXT, 1.75);
    let h = px.i(cap / 2.0);
    root.draw(&PathElement::new(vec![from, to], ink))?;
    let vertical = from.0 == to.0;
    for (x, y) in [from, to] {
        let cap_line = if vertical {
            vec![(x - h, y), (x + h, y)]
        } else {
            vec![(x, y - h), (x, y + h)]
        };
        root.draw(&PathElement::new(cap_line, ink))?;
    }
    Ok(())
}

/// The look every chart's axes and grid share: label and axis-title fonts,
/// light major grid lines, no minor ones, grey axes.
pub trait HouseMesh {
    /// Applies the shared look, sizes scaled by `px`.
    fn house(&mut self, px: Px) -> &mut Self;
}

impl<X, Y, DB> HouseMesh for plotters::chart::MeshStyle<'_, '_, X, Y, DB>
where
    X: plotters::coord::ranged1d::Ranged,
    Y: plotters::coord::ranged1d::Ranged,
    DB: DrawingBackend,
{
    fn house(&mut self, px: Px) -> &mut Self {
        self.label_style(px.font(size::LABEL))
            .axis_desc_style(px.font(size::AXIS))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(AXIS_LINE)
    }
}
