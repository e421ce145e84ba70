//! A catalog item's fulfilment: tasks in numbered steps. The tasks of one step run in
//! parallel, each for its group; the next step starts when every task of the step is
//! done, and the request is fulfilled after the last step.

use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskTemplate {
    pub title: String,
    /// The group that does it (resolved by the caller).
    pub group: String,
    /// Steps run in ascending order; tasks sharing a step run in parallel.
    #[serde(default = "first_step")]
    pub step: u32,
}

fn first_step() -> u32 {
    1
}

pub const TASKS_MAX: usize = 20;
pub const STEP_MAX: u32 = 20;

/// Checks a task template: titles and groups given, steps from 1 to [`STEP_MAX`].
pub fn check_tasks(tasks: &[TaskTemplate]) -> Result<(), DomainError> {
    if tasks.len() > TASKS_MAX {
        return Err(DomainError::invalid("tasks", format!("at most {TASKS_MAX} tasks")));
    }
    for (i, t) in tasks.iter().enumerate() {
        let n = i + 1;
        crate::ticket::parse_title(&t.title).map_err(|e| DomainError::invalid("tasks", format!("task {n}: title {}", reason(&e))))?;
        if t.group.trim().is_empty() {
            return Err(DomainError::invalid("tasks", format!("task {n}: name the group that does it")));
        }
        if !(1..=STEP_MAX).contains(&t.step) {
            return Err(DomainError::invalid("tasks", format!("task {n}: step must be 1 to {STEP_MAX}")));
        }
    }
    Ok(())
}

fn reason(e: &DomainError) -> String {
    match e {
        DomainError::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// The step after `done` (None: before the first), or None when `done` was the last.
pub fn next_step(tasks: &[TaskTemplate], done: Option<u32>) -> Option<u32> {
    tasks.iter().map(|t| t.step).filter(|s| done.is_none_or(|d| *s > d)).min()
}

/// The tasks of one step, in template order.
pub fn step_tasks(tasks: &[TaskTemplate], step: u32) -> impl Iterator<Item = &TaskTemplate> {
    tasks.iter().filter(move |t| t.step == step)
}

/// The distinct steps, in order.
pub fn steps(tasks: &[TaskTemplate]) -> Vec<u32> {
    let mut s: Vec<u32> = tasks.iter().map(|t| t.step).collect();
    s.sort_unstable();
    s.dedup();
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn task(title: &str, group: &str, step: u32) -> TaskTemplate {
        TaskTemplate { title: title.into(), group: group.into(), step }
    }

    #[test]
    fn steps_run_in_order_with_parallel_tasks() {
        let t = [task("Image", "Desktop", 2), task("Order", "Procurement", 1), task("Accounts", "Identity", 2)];
        assert_eq!(next_step(&t, None), Some(1));
        assert_eq!(next_step(&t, Some(1)), Some(2));
        assert_eq!(next_step(&t, Some(2)), None);
        assert_eq!(step_tasks(&t, 2).map(|x| x.title.as_str()).collect::<Vec<_>>(), ["Image", "Accounts"]);
        assert_eq!(steps(&t), [1, 2]);
    }

    #[test]
    fn templates_name_what_is_wrong() {
        let err = |t: TaskTemplate| check_tasks(&[t]).unwrap_err().to_string();
        assert!(err(task(" ", "Desktop", 1)).contains("task 1: title must not be empty"));
        assert!(err(task("Image", "", 1)).contains("task 1: name the group"));
        assert!(err(task("Image", "Desktop", 0)).contains("step must be 1 to 20"));
        assert!(check_tasks(&vec![task("a", "g", 1); 21]).is_err());
        let json: Result<TaskTemplate, _> = serde_json::from_str(r#"{"title":"a","group":"g","stage":1}"#);
        assert!(json.is_err(), "unknown keys are refused");
    }

    proptest! {
        /// Walking the steps with `next_step` visits every step once, in order.
        #[test]
        fn walking_visits_each_step_once(raw in proptest::collection::vec(1u32..=STEP_MAX, 0..12)) {
            let t: Vec<TaskTemplate> = raw.iter().map(|s| task("t", "g", *s)).collect();
            let mut walked = Vec::new();
            let mut at = None;
            while let Some(s) = next_step(&t, at) { walked.push(s); at = Some(s); }
            prop_assert_eq!(walked, steps(&t));
        }
    }
}

/// A request's approval stages and task template, as copied from its item when ordered.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub stages: Vec<crate::request::approval::Stage>,
    pub tasks: Vec<TaskTemplate>,
}

impl Plan {
    /// Reads a plan from the JSON its item's stages and tasks are kept as.
    pub fn from_json(stages: &str, tasks: &str) -> Result<Plan, serde_json::Error> {
        Ok(Plan { stages: serde_json::from_str(stages)?, tasks: serde_json::from_str(tasks)? })
    }

    /// Where a request of this plan starts.
    pub fn first_status(&self) -> crate::ticket::status::Status {
        use crate::ticket::status::Status;
        match (self.stages.is_empty(), self.tasks.is_empty()) {
            (false, _) => Status::AwaitingApproval,
            (true, false) => Status::InProgress,
            (true, true) => Status::New,
        }
    }
}
