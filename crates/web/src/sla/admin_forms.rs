//! The service-level admin page's forms, as typed: each turns into what the app
//! saves, or names the field it cannot read, and each is filled from what is stored.

use cairn_app::AppError;
use cairn_domain::sla::calendar::CalendarSpec;
use cairn_domain::sla::definition::{Definition, Targets};
use cairn_domain::sla::survey::{self, Questions};
use cairn_domain::sla::text;
use cairn_domain::sla::xla::Xla;
use serde::Deserialize;

use crate::platform::form::{filled, list, number};

pub(crate) const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The calendar form, as typed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct CalendarForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub parent: String,
    #[serde(default)]
    pub always_open: Option<String>,
    #[serde(default)]
    pub mon: String,
    #[serde(default)]
    pub tue: String,
    #[serde(default)]
    pub wed: String,
    #[serde(default)]
    pub thu: String,
    #[serde(default)]
    pub fri: String,
    #[serde(default)]
    pub sat: String,
    #[serde(default)]
    pub sun: String,
    #[serde(default)]
    pub holidays: String,
}

impl CalendarForm {
    fn days(&self) -> [&String; 7] {
        [&self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun]
    }

    /// (day, label, typed hours) for the template.
    pub fn day_rows(&self) -> Vec<(&'static str, &'static str, String)> {
        let labels = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        DAYS.iter().zip(labels).zip(self.days()).map(|((d, l), v)| (*d, l, v.clone())).collect()
    }

    pub fn of(name: &str, spec: &CalendarSpec) -> CalendarForm {
        let day = |d: &str| spec.hours.get(d).map(|h| h.join(", ")).unwrap_or_default();
        CalendarForm {
            name: name.into(),
            time_zone: spec.time_zone.clone(),
            parent: spec.parent.clone().unwrap_or_default(),
            always_open: spec.always_open.then(|| "on".into()),
            mon: day("mon"),
            tue: day("tue"),
            wed: day("wed"),
            thu: day("thu"),
            fri: day("fri"),
            sat: day("sat"),
            sun: day("sun"),
            holidays: text::format_holidays(&spec.holidays),
        }
    }

    pub fn spec(&self) -> CalendarSpec {
        let mut spec = CalendarSpec {
            time_zone: self.time_zone.trim().into(),
            always_open: self.always_open.is_some(),
            holidays: text::parse_holidays(&self.holidays),
            parent: filled(self.parent.clone()),
            ..CalendarSpec::default()
        };
        for (d, v) in DAYS.iter().zip(self.days()) {
            let ranges = text::parse_day(v);
            if !ranges.is_empty() {
                spec.hours.insert((*d).into(), ranges);
            }
        }
        spec
    }
}

/// The definition form, as typed; `id` blank adds one.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct DefinitionForm {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub calendar: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub enabled: Option<String>,
    #[serde(default)]
    pub first_response: String,
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    pub next_update: String,
    #[serde(default)]
    pub applies_when: String,
    #[serde(default)]
    pub start_when: String,
    #[serde(default)]
    pub pause_when: String,
    #[serde(default)]
    pub stop_when: String,
    #[serde(default)]
    pub reset_when: String,
    #[serde(default)]
    pub cancel_when: String,
    #[serde(default)]
    pub warnings: String,
    #[serde(default)]
    pub warn_assignee: Option<String>,
    #[serde(default)]
    pub warn_group: Option<String>,
    #[serde(default)]
    pub warn_manager: Option<String>,
    #[serde(default)]
    pub breach_actions: String,
}

impl DefinitionForm {
    pub fn blank() -> DefinitionForm {
        DefinitionForm {
            kind: "sla".into(),
            enabled: Some("on".into()),
            warnings: "50, 75, 90".into(),
            warn_assignee: Some("on".into()),
            ..DefinitionForm::default()
        }
    }

    /// (field, label, typed text, hint) for the condition boxes.
    pub fn condition_rows(&self) -> Vec<(&'static str, &'static str, String, &'static str)> {
        vec![
            ("applies_when", "Applies when", self.applies_when.clone(), "all must hold; none: every ticket"),
            ("start_when", "Starts when", self.start_when.clone(), "none: when the ticket is raised"),
            ("pause_when", "Paused while", self.pause_when.clone(), "e.g. status is on_hold"),
            ("stop_when", "Resolution stops when", self.stop_when.clone(), "none: resolved or closed"),
            ("reset_when", "Starts over when", self.reset_when.clone(), "none: never"),
            ("cancel_when", "Cancelled when", self.cancel_when.clone(), "none: status is cancelled"),
        ]
    }

    pub fn of(d: &Definition) -> DefinitionForm {
        let minutes = |m: Option<i64>| m.map(|m| m.to_string()).unwrap_or_default();
        let on = |to: &str| d.warn_to.iter().any(|w| w == to).then(|| "on".to_string());
        DefinitionForm {
            id: d.id.to_string(),
            name: d.name.clone(),
            kind: d.kind.clone(),
            calendar: d.calendar.clone(),
            position: d.position.to_string(),
            enabled: d.enabled.then(|| "on".into()),
            first_response: minutes(d.targets.first_response_minutes),
            resolution: minutes(d.targets.resolution_minutes),
            next_update: minutes(d.targets.next_update_minutes),
            applies_when: text::format_conditions(&d.applies_when),
            start_when: text::format_conditions(&d.start_when),
            pause_when: text::format_conditions(&d.pause_when),
            stop_when: text::format_conditions(&d.stop_when),
            reset_when: text::format_conditions(&d.reset_when),
            cancel_when: text::format_conditions(&d.cancel_when),
            warnings: d.warnings.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
            warn_assignee: on("assignee"),
            warn_group: on("group"),
            warn_manager: on("manager"),
            breach_actions: text::format_actions(&d.breach_actions),
        }
    }

    pub fn definition(&self) -> Result<Definition, AppError> {
        let warnings = list(&self.warnings)
            .iter()
            .map(|w| {
                w.trim_end_matches('%')
                    .trim()
                    .parse::<u8>()
                    .map_err(|_| AppError::invalid("warnings", format!("'{w}' is not a percentage")))
            })
            .collect::<Result<Vec<u8>, _>>()?;
        let warn_to = [("assignee", &self.warn_assignee), ("group", &self.warn_group), ("manager", &self.warn_manager)]
            .into_iter()
            .filter(|(_, on)| on.is_some())
            .map(|(to, _)| to.to_string())
            .collect();
        Ok(Definition {
            id: cairn_domain::ids::DefinitionId(number("id", &self.id)?.unwrap_or(0)),
            name: self.name.clone(),
            kind: self.kind.clone(),
            calendar: self.calendar.clone(),
            position: number("position", &self.position)?.unwrap_or(0),
            enabled: self.enabled.is_some(),
            applies_when: text::parse_conditions("applies_when", &self.applies_when)?,
            targets: Targets {
                first_response_minutes: number("targets.first_response_minutes", &self.first_response)?,
                resolution_minutes: number("targets.resolution_minutes", &self.resolution)?,
                next_update_minutes: number("targets.next_update_minutes", &self.next_update)?,
            },
            start_when: text::parse_conditions("start_when", &self.start_when)?,
            pause_when: text::parse_conditions("pause_when", &self.pause_when)?,
            stop_when: text::parse_conditions("stop_when", &self.stop_when)?,
            reset_when: text::parse_conditions("reset_when", &self.reset_when)?,
            cancel_when: text::parse_conditions("cancel_when", &self.cancel_when)?,
            warnings,
            warn_to,
            breach_actions: text::parse_actions(&self.breach_actions)?,
        })
    }
}

/// The XLA form, as typed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct XlaForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub measure: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub calendar: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub window_days: String,
}

impl XlaForm {
    pub fn xla(&self) -> Result<Xla, AppError> {
        let target = self.target.trim();
        Ok(Xla {
            id: cairn_domain::ids::XlaId(0),
            name: self.name.clone(),
            measure: self.measure.clone(),
            service: filled(self.service.clone()),
            group: filled(self.group.clone()),
            calendar: filled(self.calendar.clone()),
            target: target.parse().map_err(|_| AppError::invalid("target", format!("'{target}' is not a number")))?,
            window_days: number("window_days", &self.window_days)?.unwrap_or(30),
        })
    }
}

/// The survey questions form, as typed; a blank effort wording leaves effort unasked.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct SurveyForm {
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub effort: String,
    #[serde(default)]
    pub extra: String,
}

impl SurveyForm {
    pub fn of(q: &Questions) -> SurveyForm {
        SurveyForm { rating: q.rating.clone(), effort: q.effort.clone().unwrap_or_default(), extra: survey::format_extra(&q.extra) }
    }

    pub fn questions(&self) -> Result<Questions, AppError> {
        Ok(Questions { rating: self.rating.trim().into(), effort: filled(self.effort.clone()), extra: survey::parse_extra(&self.extra)? })
    }
}
