//! The impact graph of a CI page, drawn as SVG on the server: one column per depth,
//! the start on the left, each CI joined to the one it was reached through. Past
//! [`SHOWN_DEPTH`] columns, and past [`PER_COLUMN`] CIs in a column, the rest are
//! collapsed into a "+N more" box, so a graph of hundreds of CIs stays readable.

use std::collections::HashMap;
use std::fmt::Write;

/// One CI of the walk, as the graph needs it.
pub(crate) struct Node<'a> {
    pub number: &'a str,
    pub name: &'a str,
    pub class: &'a str,
    pub depth: u32,
    /// The number of the CI it was reached through (None for the start).
    pub parent: Option<&'a str>,
    /// The relation, as read along the walk ("runs on", "used by").
    pub via: Option<&'a str>,
}

pub(crate) const SHOWN_DEPTH: u32 = 4;
pub(crate) const PER_COLUMN: usize = 12;
const COL: i64 = 210;
const ROW: i64 = 46;
const BOX_W: i64 = 180;
const BOX_H: i64 = 34;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

/// The SVG for `nodes` (the start first). Each box links to its CI's page.
pub(crate) fn svg(nodes: &[Node<'_>], title: &str) -> String {
    let mut columns: Vec<Vec<&Node>> = Vec::new();
    let mut hidden: Vec<usize> = Vec::new();
    let mut beyond = 0usize;
    for n in nodes {
        if n.depth > SHOWN_DEPTH {
            beyond += 1;
            continue;
        }
        let d = n.depth as usize;
        while columns.len() <= d {
            columns.push(Vec::new());
            hidden.push(0);
        }
        if columns[d].len() < PER_COLUMN {
            columns[d].push(n);
        } else {
            hidden[d] += 1;
        }
    }
    let rows = columns.iter().zip(&hidden).map(|(c, h)| c.len() + usize::from(*h > 0)).max().unwrap_or(1) as i64;
    let cols = columns.len() as i64 + i64::from(beyond > 0);
    let (w, h) = (cols.max(1) * COL + 20, rows.max(1) * ROW + 20);
    let mut at: HashMap<&str, (i64, i64)> = HashMap::new();
    for (d, col) in columns.iter().enumerate() {
        for (i, n) in col.iter().enumerate() {
            at.insert(n.number, (10 + d as i64 * COL, 10 + i as i64 * ROW));
        }
    }
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="impact-graph" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="group" aria-labelledby="graph-title"><title id="graph-title">{}</title>"#,
        esc(title)
    );
    for n in columns.iter().flatten() {
        let (Some(p), Some(&(x, y))) = (n.parent, at.get(n.number)) else { continue };
        let Some(&(px, py)) = at.get(p) else { continue };
        let (x1, y1, x2, y2) = (px + BOX_W, py + BOX_H / 2, x, y + BOX_H / 2);
        let _ =
            write!(out, r#"<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="edge"><title>{}</title></line>"#, esc(n.via.unwrap_or("")));
    }
    for (d, col) in columns.iter().enumerate() {
        for n in col {
            let Some(&(x, y)) = at.get(n.number) else { continue };
            let start = if d == 0 { " start" } else { "" };
            let _ = write!(
                out,
                r#"<a href="/cis/{num}"><g class="node{start}"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5"/><text x="{tx}" y="{ty}">{label}</text><text x="{tx}" y="{ty2}" class="sub">{sub}</text></g></a>"#,
                num = esc(n.number),
                tx = x + 8,
                ty = y + 14,
                ty2 = y + 28,
                label = esc(&clip(n.name, 24)),
                sub = esc(&format!("{} · {}", n.number, n.class.replace('_', " "))),
            );
        }
        if hidden[d] > 0 {
            let (x, y) = (10 + d as i64 * COL, 10 + col.len() as i64 * ROW);
            let _ = write!(
                out,
                r#"<g class="node more"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5"/><text x="{}" y="{}">+{} more</text></g>"#,
                x + 8,
                y + 21,
                hidden[d]
            );
        }
    }
    if beyond > 0 {
        let x = 10 + columns.len() as i64 * COL;
        let _ = write!(
            out,
            r#"<g class="node more"><rect x="{x}" y="10" width="{BOX_W}" height="{BOX_H}" rx="5"/><text x="{}" y="31">+{beyond} further away</text></g>"#,
            x + 8
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node<'a>(number: &'a str, depth: u32, parent: Option<&'a str>) -> Node<'a> {
        Node { number, name: "n <&>", class: "server", depth, parent, via: Some("runs on") }
    }

    #[test]
    fn columns_collapse_and_text_is_escaped() {
        let numbers: Vec<String> = (0..300).map(|i| format!("CI{i:07}")).collect();
        let mut nodes = vec![node(&numbers[0], 0, None)];
        for (i, n) in numbers.iter().enumerate().skip(1) {
            let depth = if i < 100 { 1 } else { 6 };
            nodes.push(node(n, depth, Some(&numbers[0])));
        }
        let s = svg(&nodes, "Impact of CI0000000");
        assert_eq!(s.matches("<rect").count(), 1 + PER_COLUMN + 1 + 1, "start, a full column, its +more, the further-away box");
        assert!(s.contains("+87 more") && s.contains("+200 further away"), "{s}");
        assert!(s.contains("n &lt;&amp;&gt;") && !s.contains("n <&>"));
        assert_eq!(s.matches("<line").count(), PER_COLUMN);
    }
}
