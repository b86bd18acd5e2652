//! Keeps `docs/air.md` true: its column, constraint and bus tables are generated from the
//! code (run with `UPDATE_DOCS=1` to rewrite them in place), and its width plan is checked:
//! every built component's width is the code's, the total is the sum of the rows, and the
//! whole instruction set fits the 110-column budget.

use std::collections::BTreeMap;

use vm_air::{bus, layout, main_constraints, preset, Preset};
use winter_air::TransitionConstraintDegree;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/air.md");

fn degree(d: &TransitionConstraintDegree) -> String {
    // Winterfell's evaluation degree at n = 1024, read back as "base (+ periodic)".
    let n = 1024;
    let e = d.get_evaluation_degree(n);
    for base in 1..=4 {
        if e == base * (n - 1) {
            return base.to_string();
        }
        if e == base * (n - 1) + 7 * n / 8 {
            return format!("{base} + periodic");
        }
    }
    format!("evaluation degree {e} at n = {n}")
}

fn columns_table(preset: &Preset) -> String {
    let mut s =
        String::from("| columns | component | name | meaning |\n| --- | --- | --- | --- |\n");
    let mut next = 0;
    for g in layout::main_columns(preset) {
        assert_eq!(
            g.first, next,
            "column groups must tile the trace ({})",
            g.name
        );
        let cols = if g.len == 1 {
            g.first.to_string()
        } else {
            format!("{}..{}", g.first, g.first + g.len)
        };
        s += &format!(
            "| {cols} | {} | `{}` | {} |\n",
            g.component, g.name, g.meaning
        );
        next = g.first + g.len;
    }
    assert_eq!(
        next,
        preset.main_width(),
        "the groups cover every main column"
    );
    s
}

/// Constraint families (`name[i]` folded into `name`), with count and degree, in order.
fn constraints_table(preset: &Preset) -> String {
    let mut s = String::from("| constraint | count | degree |\n| --- | ---: | --- |\n");
    let mut order: Vec<String> = Vec::new();
    let mut families: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    let all = main_constraints(preset)
        .into_iter()
        .chain(bus::constraints())
        .collect::<Vec<_>>();
    for c in &all {
        let family = c.name.split('[').next().unwrap().to_string();
        let d = degree(&c.degree);
        let e = families.entry(family.clone()).or_insert_with(|| {
            order.push(family.clone());
            (0, Vec::new())
        });
        e.0 += 1;
        if !e.1.contains(&d) {
            e.1.push(d);
        }
    }
    for f in order {
        let (count, d) = &families[&f];
        s += &format!("| `{f}` | {count} | {} |\n", d.join(" / "));
    }
    s += &format!(
        "\n{} transition constraints ({} main, {} auxiliary) under the default preset.\n",
        all.len(),
        all.len() - bus::constraints().len(),
        bus::constraints().len()
    );
    s
}

fn bus_table() -> String {
    let mut s = String::from(
        "| channel | sender | receiver | message | carried in |\n| --- | --- | --- | --- | --- |\n",
    );
    for c in bus::CHANNELS {
        s += &format!(
            "| `{}` | {} | {} | `{}` | {} |\n",
            c.name, c.sender, c.receiver, c.message, c.carried_in
        );
    }
    s += "\n| aux column | columns | fractions | in the sum |\n| --- | --- | --- | --- |\n";
    for (i, c) in bus::COLUMNS.iter().enumerate() {
        let first = bus::first_column(i);
        let cols = if c.count == 1 {
            first.to_string()
        } else {
            format!("{}..{}", first, first + c.count)
        };
        let sign = if c.received { "subtracted" } else { "added" };
        s += &format!("| `{}` | {cols} | {} | {sign} |\n", c.name, c.fractions);
    }
    s += &format!(
        "| running sum | {} | the columns' fractions, and {} | added |\n\n{} auxiliary columns over the extension field.\n",
        layout::AUX_SUM,
        bus::SUM_FRACTIONS,
        layout::AUX_WIDTH
    );
    s
}

fn section(doc: &str, name: &str) -> (usize, usize) {
    let begin = format!("<!-- BEGIN {name} -->\n");
    let end = format!("<!-- END {name} -->");
    let start = doc.find(&begin).unwrap_or_else(|| panic!("{begin} marker")) + begin.len();
    let stop = doc.find(&end).unwrap_or_else(|| panic!("{end} marker"));
    (start, stop)
}

#[test]
fn air_doc_tables_match_the_code() {
    let preset = preset::default_preset();
    let mut doc = std::fs::read_to_string(PATH).expect("docs/air.md exists");
    let tables = [
        ("COLUMNS", columns_table(preset)),
        ("CONSTRAINTS", constraints_table(preset)),
        ("BUS", bus_table()),
    ];
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    for (name, table) in tables {
        let (start, stop) = section(&doc, name);
        if update {
            doc = format!("{}{}{}", &doc[..start], table, &doc[stop..]);
        } else {
            assert_eq!(
                &doc[start..stop],
                table,
                "docs/air.md's {name} table is stale: run UPDATE_DOCS=1 cargo test -p vm-air --test air_doc"
            );
        }
    }
    if update {
        std::fs::write(PATH, doc).unwrap();
    }
}

/// The width plan's rows: `| component | columns | status |`, then a total row.
#[test]
fn width_plan_is_the_code_and_fits_the_budget() {
    let doc = std::fs::read_to_string(PATH).expect("docs/air.md exists");
    let (start, stop) = section(&doc, "WIDTH PLAN");
    let preset = preset::default_preset();
    let built: BTreeMap<&str, usize> = [
        ("decoder", layout::STACK),
        ("stack", layout::STACK_WIDTH),
        ("control", layout::HELPER - layout::DEPTH),
        ("helpers", layout::NUM_HELPERS),
        ("chiplets", layout::BASE_WIDTH - layout::CPU_WIDTH),
        ("zk", preset.main_width() - layout::BASE_WIDTH),
    ]
    .into_iter()
    .collect();
    let (mut total, mut plan_sum) = (0, 0);
    let mut planned_total = None;
    let mut seen = Vec::new();
    for line in doc[start..stop].lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells[0] == "component" || cells[0].starts_with("---") {
            continue;
        }
        let (now, plan): (usize, usize) = (
            cells[1]
                .parse()
                .unwrap_or_else(|_| panic!("built width in {line}")),
            cells[2]
                .parse()
                .unwrap_or_else(|_| panic!("planned width in {line}")),
        );
        if cells[0] == "**total**" {
            assert_eq!(now, total, "the built total is the sum of the rows");
            planned_total = Some(plan);
            continue;
        }
        let name = cells[0].trim_matches('`');
        if let Some(&w) = built.get(name) {
            assert_eq!(now, w, "built width of {name}");
            seen.push(name);
        } else {
            assert_eq!(now, 0, "{name} is not built: its built width is 0");
        }
        assert!(plan >= now, "{name}: the plan cannot shrink what is built");
        total += now;
        plan_sum += plan;
    }
    assert_eq!(
        seen.len(),
        built.len(),
        "every built component is in the plan"
    );
    assert_eq!(
        total,
        preset.main_width(),
        "the built total is the main width"
    );
    let planned = planned_total.expect("a total row");
    assert_eq!(
        planned, plan_sum,
        "the planned total is the sum of the rows"
    );
    assert!(planned <= 110, "the plan exceeds the 110-column budget");
}
