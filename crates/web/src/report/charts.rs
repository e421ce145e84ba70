//! Chart geometry for server-rendered SVG: the page template draws the shapes, so every
//! label passes through the template's escaping. Each chart carries a title and a
//! description for screen readers, and the page shows its numbers as a table and CSV.

/// A horizontal bar chart: one bar per label, scaled to the largest value.
pub(crate) struct Bars {
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub height: i64,
    pub bars: Vec<Bar>,
}

pub(crate) struct Bar {
    pub label: String,
    pub value: i64,
    pub y: i64,
    pub width: i64,
}

/// Where the bars start (labels to the left) and how wide they may grow.
pub(crate) const BAR_X: i64 = 130;
const BAR_MAX: i64 = 300;
const BAR_STEP: i64 = 24;

impl Bars {
    pub fn new(id: &'static str, title: &str, values: &[(String, i64)]) -> Bars {
        let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
        let desc = values.iter().map(|(l, v)| format!("{l}: {v}")).collect::<Vec<_>>().join(", ");
        Bars {
            id,
            title: title.into(),
            desc: if desc.is_empty() { "No data.".into() } else { desc },
            height: (values.len() as i64 * BAR_STEP).max(BAR_STEP) + 8,
            bars: values
                .iter()
                .enumerate()
                .map(|(i, (label, value))| Bar {
                    label: label.chars().take(18).collect(),
                    value: *value,
                    y: 4 + i as i64 * BAR_STEP,
                    width: (value * BAR_MAX / max).max(i64::from(*value > 0)),
                })
                .collect(),
        }
    }
}

/// A line chart of daily series over the same days.
pub(crate) struct Lines {
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub max: i64,
    pub series: Vec<Series>,
    /// (x, label) under the axis, a few of them.
    pub ticks: Vec<(i64, String)>,
}

pub(crate) struct Series {
    pub name: &'static str,
    pub class: &'static str,
    /// "x,y x,y …" for a polyline.
    pub points: String,
    pub total: i64,
}

pub(crate) const LINE_W: i64 = 560;
pub(crate) const LINE_H: i64 = 160;
const LEFT: i64 = 40;

impl Lines {
    pub fn new(id: &'static str, title: &str, labels: &[String], series: Vec<(&'static str, &'static str, Vec<i64>)>) -> Lines {
        let max = series.iter().flat_map(|(_, _, v)| v.iter().copied()).max().unwrap_or(0).max(1);
        let n = labels.len().max(2) as i64;
        let x = |i: usize| LEFT + i as i64 * (LINE_W - LEFT - 10) / (n - 1);
        let y = |v: i64| 10 + (LINE_H - 30) - v * (LINE_H - 30) / max;
        let every = (labels.len() / 6).max(1);
        let desc = series.iter().map(|(name, _, v)| format!("{name}: {} in total", v.iter().sum::<i64>())).collect::<Vec<_>>().join("; ");
        Lines {
            id,
            title: title.into(),
            desc: format!("{desc}, over {} days.", labels.len()),
            max,
            ticks: labels.iter().enumerate().filter(|(i, _)| i % every == 0).map(|(i, l)| (x(i), l.clone())).collect(),
            series: series
                .into_iter()
                .map(|(name, class, values)| Series {
                    name,
                    class,
                    total: values.iter().sum(),
                    points: values.iter().enumerate().map(|(i, v)| format!("{},{}", x(i), y(*v))).collect::<Vec<_>>().join(" "),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_lines_fit_the_box() {
        let b = Bars::new("b", "Backlog", &[("P1".into(), 5), ("P2".into(), 10), ("P3".into(), 0)]);
        assert_eq!(b.bars.iter().map(|b| b.width).collect::<Vec<_>>(), [150, 300, 0]);
        assert_eq!(b.desc, "P1: 5, P2: 10, P3: 0");
        let l = Lines::new("l", "Trend", &["a".into(), "b".into(), "c".into()], vec![("Raised", "raised", vec![0, 4, 2])]);
        assert_eq!(l.series[0].points, "40,140 295,10 550,75");
        assert_eq!(l.series[0].total, 6);
    }
}
