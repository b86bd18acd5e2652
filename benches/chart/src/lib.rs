//! The side-by-side chart of `scripts/compare-miden.sh`: prove time and proof size against
//! cycles, one series per VM, drawn as one SVG with two panels.
//!
//! The script writes the medians of its runs to a tab-separated results file
//! ([`parse_results`] reads it, [`HEADER`] names its columns); [`render_svg`] draws them with
//! plotters' SVG backend. Cycles are on a base-2 log scale (the fib programs double from one to the
//! next), and so is prove time (it roughly doubles with the trace); proof size grows by a few
//! KiB per doubling and stays linear. Each VM's fib programs are joined by a line, the
//! other programs are marked points labelled with their names, so a u32-heavy program's
//! distance from the fib line shows what its extra rows cost.

use std::collections::BTreeMap;

use plotters::prelude::*;

/// The results file's first line, exactly: the columns of one (program, VM) row of medians.
pub const HEADER: &str =
    "program\tvm\tcycles\ttrace_rows\twall_s\tcpu_s\trss_kib\tproof_bytes\truns";

/// Width and height of the whole SVG, in pixels (two panels side by side).
pub const SIZE: (u32, u32) = (1200, 480);

/// What went wrong reading a results file or drawing the chart.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The file does not start with [`HEADER`].
    #[error("the results file must start with the header line {HEADER:?}, found {found:?}")]
    Header {
        /// The first line as found.
        found: String,
    },
    /// A data line has the wrong number of tab-separated fields.
    #[error("line {line}: expected 9 tab-separated fields, found {found}")]
    Fields {
        /// 1-based line number.
        line: usize,
        /// How many fields it has.
        found: usize,
    },
    /// A field that must be a number (or `n/a`) is neither.
    #[error("line {line}: column {column} is {value:?}, not a number or n/a")]
    Number {
        /// 1-based line number.
        line: usize,
        /// The column's name from [`HEADER`].
        column: &'static str,
        /// The field as found.
        value: String,
    },
    /// No row has both cycles and a prove time, so there is nothing to draw.
    #[error("the results file has no row with cycles and a prove time to draw")]
    Empty,
    /// plotters failed while drawing.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
}

/// One row of the results file: the medians of one VM's runs of one program. A measure the
/// VM did not produce (it failed or rejected the program) is `None`.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The suite program's name (`fib-16`, `sha256-compress`, ...).
    pub program: String,
    /// The VM: `ours` or `miden-<version>`.
    pub vm: String,
    /// Cycles of the program's execution on this VM.
    pub cycles: Option<f64>,
    /// Rows of the proven trace (a power of two).
    pub trace_rows: Option<f64>,
    /// Median prove wall time, seconds.
    pub wall_s: Option<f64>,
    /// Median prove CPU time (user + system), seconds.
    pub cpu_s: Option<f64>,
    /// Median peak resident memory, KiB.
    pub rss_kib: Option<f64>,
    /// Median proof size, bytes.
    pub proof_bytes: Option<f64>,
    /// How many runs the medians are of.
    pub runs: Option<f64>,
}

const COLUMNS: [&str; 9] = [
    "program",
    "vm",
    "cycles",
    "trace_rows",
    "wall_s",
    "cpu_s",
    "rss_kib",
    "proof_bytes",
    "runs",
];

/// Parses a results file (see [`HEADER`]); blank lines are skipped, `n/a` marks a missing
/// measure.
pub fn parse_results(text: &str) -> Result<Vec<Row>, ChartError> {
    let mut lines = text.lines().enumerate();
    let first = lines.next().map(|(_, l)| l).unwrap_or("");
    if first.trim_end_matches('\r') != HEADER {
        return Err(ChartError::Header {
            found: first.to_string(),
        });
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != COLUMNS.len() {
            return Err(ChartError::Fields {
                line: i + 1,
                found: f.len(),
            });
        }
        let num = |k: usize| -> Result<Option<f64>, ChartError> {
            if f[k] == "n/a" {
                return Ok(None);
            }
            match f[k].parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                _ => Err(ChartError::Number {
                    line: i + 1,
                    column: COLUMNS[k],
                    value: f[k].to_string(),
                }),
            }
        };
        rows.push(Row {
            program: f[0].to_string(),
            vm: f[1].to_string(),
            cycles: num(2)?,
            trace_rows: num(3)?,
            wall_s: num(4)?,
            cpu_s: num(5)?,
            rss_kib: num(6)?,
            proof_bytes: num(7)?,
            runs: num(8)?,
        });
    }
    Ok(rows)
}

/// The label a VM's series gets in the legend.
fn vm_label(vm: &str) -> String {
    match vm.strip_prefix("miden-") {
        Some(v) => format!("Miden VM {v}"),
        None if vm == "ours" => "ours (vm)".to_string(),
        None => vm.to_string(),
    }
}

/// One panel's points: (cycles, value, program) per VM, in the order the VMs first appear.
type Series = Vec<(String, Vec<(f64, f64, String)>)>;

fn series(rows: &[Row], value: impl Fn(&Row) -> Option<f64>) -> Series {
    let mut order: Vec<String> = Vec::new();
    let mut by_vm: BTreeMap<String, Vec<(f64, f64, String)>> = BTreeMap::new();
    for r in rows {
        if let (Some(c), Some(v)) = (r.cycles, value(r)) {
            if c > 0.0 && v > 0.0 {
                if !order.contains(&r.vm) {
                    order.push(r.vm.clone());
                }
                by_vm
                    .entry(r.vm.clone())
                    .or_default()
                    .push((c, v, r.program.clone()));
            }
        }
    }
    order
        .into_iter()
        .map(|vm| {
            let mut pts = by_vm.remove(&vm).unwrap_or_default();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            (vm, pts)
        })
        .collect()
}

/// The range of all values in a panel, widened so that no point sits on the frame.
fn bounds(s: &Series, pick: impl Fn(&(f64, f64, String)) -> f64) -> Option<(f64, f64)> {
    let vals = s.iter().flat_map(|(_, p)| p.iter().map(&pick));
    let (lo, hi) = vals.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    (lo.is_finite() && hi > 0.0).then_some((lo, hi))
}

fn draw_err(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

const COLOURS: [RGBColor; 4] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
];

/// Draws one panel: `data` against cycles (log x; log y when `log_y`).
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    y_desc: &str,
    data: &Series,
    log_y: bool,
) -> Result<(), ChartError> {
    let (x0, x1) = bounds(data, |p| p.0).ok_or(ChartError::Empty)?;
    let (y0, y1) = bounds(data, |p| p.1).ok_or(ChartError::Empty)?;
    let xr = (x0 / 1.6)..(x1 * 1.6);
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64);
    // The two kinds of y axis are different coordinate types, so the drawing is generic
    // over the chart it gets.
    if log_y {
        let chart = builder
            .build_cartesian_2d(
                xr.log_scale().base(2.0),
                ((y0 / 1.5)..(y1 * 1.5)).log_scale().base(2.0),
            )
            .map_err(draw_err)?;
        fill(chart, y_desc, data)
    } else {
        let pad = (y1 - y0).max(y1 * 0.1) * 0.15;
        let chart = builder
            .build_cartesian_2d(xr.log_scale().base(2.0), (y0 - pad).max(0.0)..(y1 + pad))
            .map_err(draw_err)?;
        fill(chart, y_desc, data)
    }
}

fn fill<'a, DB, X, Y>(
    mut chart: ChartContext<'a, DB, Cartesian2d<X, Y>>,
    y_desc: &str,
    data: &Series,
) -> Result<(), ChartError>
where
    DB: DrawingBackend + 'a,
    X: plotters::coord::ranged1d::Ranged<ValueType = f64>
        + plotters::coord::ranged1d::ValueFormatter<f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>
        + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .x_desc("cycles (log scale)")
        .y_desc(y_desc)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y}"))
        // Base-2 log axes put a grid line at each power of two (the trace lengths); minor
        // lines between them would only clutter.
        .max_light_lines(0)
        .draw()
        .map_err(draw_err)?;
    for (i, (vm, pts)) in data.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        // The fib programs are one workload at growing sizes: join them; the others are
        // single points beside that line.
        let fib: Vec<(f64, f64)> = pts
            .iter()
            .filter(|p| p.2.starts_with("fib"))
            .map(|p| (p.0, p.1))
            .collect();
        chart
            .draw_series(LineSeries::new(fib, colour.stroke_width(2)))
            .map_err(draw_err)?
            .label(vm_label(vm))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(
                pts.iter()
                    .map(|p| Circle::new((p.0, p.1), 4, colour.filled())),
            )
            .map_err(draw_err)?;
        chart
            .draw_series(pts.iter().filter(|p| !p.2.starts_with("fib")).map(|p| {
                // Offset from the point (in pixels), so that the label does not cover it.
                EmptyElement::at((p.0, p.1))
                    + Text::new(
                        p.2.clone(),
                        (7, -16),
                        ("sans-serif", 13).into_font().color(&colour),
                    )
            }))
            .map_err(draw_err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(draw_err)?;
    Ok(())
}

/// Draws the two panels (prove wall time and proof size against cycles) for `rows` and
/// returns the SVG document.
pub fn render_svg(rows: &[Row]) -> Result<String, ChartError> {
    let time = series(rows, |r| r.wall_s);
    let size = series(rows, |r| r.proof_bytes.map(|b| b / 1024.0));
    if time.is_empty() {
        return Err(ChartError::Empty);
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (left, right) = root.split_horizontally(SIZE.0 / 2);
        panel(
            &left,
            "Prove time against cycles",
            "prove wall time, s (log scale)",
            &time,
            true,
        )?;
        if !size.is_empty() {
            panel(
                &right,
                "Proof size against cycles",
                "proof size, KiB",
                &size,
                false,
            )?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        [
            HEADER,
            "fib-12\tours\t4067\t8192\t0.81\t1.5\t80000\t113952\t2",
            "fib-16\tours\t65040\t65536\t6.8\t12.0\t590000\t147000\t2",
            "sha256-compress\tours\t5778\t32768\t3.3\t6.0\t290000\t136000\t2",
            "fib-12\tmiden-0.17\t4065\t4096\t0.74\t1.2\t60000\t70000\t2",
            "fib-16\tmiden-0.17\t64960\t65536\t7.7\t13.0\t748000\t81000\t2",
            "u32-loop\tmiden-0.17\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\t2",
            "",
        ]
        .join("\n")
    }

    #[test]
    fn parses_rows_and_missing_measures() {
        let rows = parse_results(&sample()).unwrap();
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[0].program, "fib-12");
        assert_eq!(rows[0].vm, "ours");
        assert_eq!(rows[0].cycles, Some(4067.0));
        assert_eq!(rows[0].proof_bytes, Some(113952.0));
        assert_eq!(rows[5].wall_s, None);
    }

    #[test]
    fn renders_both_series_and_panels() {
        let svg = render_svg(&parse_results(&sample()).unwrap()).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
        // Both legends appear in both panels; the non-fib program is labelled.
        assert_eq!(svg.matches("ours (vm)").count(), 2);
        assert_eq!(svg.matches("Miden VM 0.17").count(), 2);
        assert!(svg.contains("sha256-compress"));
        assert!(svg.contains("Prove time against cycles"));
        assert!(svg.contains("Proof size against cycles"));
        assert!(svg.contains("cycles (log scale)"));
        assert!(svg.contains("proof size, KiB"));
    }

    #[test]
    fn malformed_files_are_errors() {
        assert!(matches!(
            parse_results("program\tvm\n"),
            Err(ChartError::Header { .. })
        ));
        assert!(matches!(parse_results(""), Err(ChartError::Header { .. })));
        let short = format!("{HEADER}\nfib-12\tours\t4067\n");
        assert!(matches!(
            parse_results(&short),
            Err(ChartError::Fields { line: 2, found: 3 })
        ));
        let bad = format!("{HEADER}\nfib-12\tours\tmany\t8192\t1\t1\t1\t1\t1\n");
        let e = parse_results(&bad).unwrap_err();
        assert!(
            matches!(
                e,
                ChartError::Number {
                    line: 2,
                    column: "cycles",
                    ..
                }
            ),
            "{e}"
        );
        let neg = format!("{HEADER}\nfib-12\tours\t-1\t8192\t1\t1\t1\t1\t1\n");
        assert!(parse_results(&neg).is_err());
    }

    #[test]
    fn nothing_to_draw_is_an_error() {
        let rows = parse_results(&format!(
            "{HEADER}\nu32-loop\tmiden-0.17\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\t1\n"
        ))
        .unwrap();
        assert!(matches!(render_svg(&rows), Err(ChartError::Empty)));
        assert!(matches!(render_svg(&[]), Err(ChartError::Empty)));
    }
}
