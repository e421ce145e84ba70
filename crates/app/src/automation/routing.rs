//! Routing rules and automatic assignment: managing the rules, trying them on a sample
//! ticket, and deciding where a ticket goes when it is raised or its facts change.
//!
//! A firing rule fills the group and assignee only where the ticket has none (an agent's
//! explicit choice is never overridden), and sets priority and adds tags. A ticket that
//! ends up in a group without an assignee is then assigned by the group's mode.

use cairn_domain::automation::assignment::{self, Assignment};
use cairn_domain::automation::routing::{self, Actions, Conditions, Facts, Rule};
use cairn_domain::ids::RuleId;
use cairn_domain::ids::{GroupId, TenantId, TicketId};
use cairn_domain::platform::access::{Actor, Permission};
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::priority::{Level, Priority};
use cairn_store::platform::directory::{self, Group, User};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;
use cairn_store::{Conn, automation::routing as store, ticket as tickets};

use crate::{App, AppError, Result, agents_only};

/// A rule as an admin writes it.
#[derive(Debug, Clone, Default)]
pub struct RuleInput {
    pub name: String,
    /// Lower runs first; omitted puts the rule last.
    pub position: Option<i64>,
    pub enabled: Option<bool>,
    pub when: Conditions,
    pub then: Actions,
}

/// A sample ticket to try the rules on.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    pub title: String,
    pub description: String,
    pub category: Option<String>,
    pub service: Option<String>,
    pub requester: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
}

/// Where routing sends a ticket; the caller applies it and journals [`Routed::entries`].
#[derive(Debug, Clone, Default)]
pub struct Routed {
    /// The rule that fired.
    pub rule: Option<Rule>,
    pub group: Option<Group>,
    pub assignee: Option<User>,
    pub priority: Option<Priority>,
    /// Tags the rule adds.
    pub tags: Vec<String>,
    /// Set when the assignee came from the group's automatic assignment.
    pub auto: Option<Assignment>,
    group_for_turn: Option<GroupId>,
}

impl Routed {
    /// History entries that explain the decision.
    pub fn entries(&self, ticket: TicketId) -> Vec<Entry> {
        let mut out = Vec::new();
        let mut push = |action: TicketAction, field: &str, old: Option<String>, new: Option<String>| {
            out.push(Entry { entity: "ticket", entity_id: ticket.0, action: action.as_str(), field: Some(field.to_string()), old, new });
        };
        if let Some(r) = &self.rule {
            push(TicketAction::Routed, "rule", None, Some(r.name.clone()));
            if let Some(g) = &self.group {
                push(TicketAction::Routed, "group", None, Some(g.name.clone()));
            }
            if let (Some(u), None) = (&self.assignee, self.auto) {
                push(TicketAction::Routed, "assignee", None, Some(u.username.clone()));
            }
            if let Some(p) = self.priority {
                push(TicketAction::Routed, "priority", None, Some(p.get().to_string()));
            }
            if !self.tags.is_empty() {
                push(TicketAction::Routed, "tags", None, Some(self.tags.join(", ")));
            }
        }
        if let (Some(mode), Some(u)) = (self.auto, &self.assignee) {
            push(TicketAction::AutoAssigned, "assignee", Some(mode.as_str().to_string()), Some(u.username.clone()));
        }
        out
    }

    /// Records the round-robin turn, so the next ticket goes to the next member.
    pub async fn remember_turn(&self, c: &mut Conn) -> Result<()> {
        if let (Some(Assignment::RoundRobin), Some(u), Some(g)) = (self.auto, &self.assignee, &self.group_for_turn) {
            directory::set_last_assignee(c, u.tenant_id, *g, u.id).await?;
        }
        Ok(())
    }
}

/// The state of the ticket routing works from.
pub struct Current<'a> {
    pub group: Option<&'a Group>,
    pub has_assignee: bool,
}

/// Decides where a ticket with these facts goes. Reads only; see [`Routed`].
pub async fn decide(c: &mut Conn, t: TenantId, rules: &[Rule], facts: &Facts, now: Current<'_>) -> Result<Routed> {
    let mut out = Routed::default();
    if let Some(rule) = routing::route(rules, facts) {
        if now.group.is_none()
            && let Some(name) = &rule.then.group
        {
            out.group = directory::group_by_name(c, t, name).await?;
        }
        if !now.has_assignee
            && let Some(name) = &rule.then.assignee
            && let Some(u) = directory::user_by_name(c, t, name).await?.filter(|u| !u.disabled && u.role.is_staff())
        {
            // The rule's assignee must belong to the ticket's group, as for a hand assignment.
            let in_group = match now.group.or(out.group.as_ref()) {
                Some(g) => directory::is_member(c, t, g.id, u.id).await?,
                None => true,
            };
            if in_group {
                out.assignee = Some(u);
            }
        }
        out.priority = rule.then.priority.and_then(|p| Priority::parse(p).ok());
        out.tags = rule.then.tags.clone();
        out.rule = Some(rule.clone());
    }
    let group = now.group.or(out.group.as_ref()).cloned();
    if !now.has_assignee
        && out.assignee.is_none()
        && let Some(g) = group
        && g.assignment != Assignment::None
    {
        let members = directory::assignable_members(c, t, g.id).await?;
        let pick = match g.assignment {
            Assignment::RoundRobin => assignment::round_robin(&members, g.last_assignee),
            Assignment::LeastLoaded => assignment::least_loaded(&tickets::open_load(c, t, &members).await?),
            Assignment::None => None,
        };
        if let Some(id) = pick {
            out.assignee = directory::user_by_id(c, t, id).await?;
            out.auto = Some(g.assignment);
            out.group_for_turn = Some(g.id);
        }
    }
    Ok(out)
}

fn level(field: &'static str, v: Option<i64>) -> Result<Level> {
    Ok(v.map(|v| Level::parse(field, v)).transpose()?.unwrap_or(Level::MEDIUM))
}

/// Checks the names a rule refers to against the tenant.
async fn check_references(c: &mut Conn, t: TenantId, when: &Conditions, then: &Actions) -> Result<()> {
    if let Some(cat) = &when.category
        && !directory::categories(c, t).await?.iter().any(|n| n.eq_ignore_ascii_case(cat.trim()))
    {
        return Err(AppError::invalid("when.category", format!("no category '{cat}'")));
    }
    if let Some(org) = &when.organisation
        && directory::org_by_name(c, t, org).await?.is_none()
    {
        return Err(AppError::invalid("when.organisation", format!("no organisation '{org}'")));
    }
    let group = match &then.group {
        Some(name) => {
            Some(directory::group_by_name(c, t, name).await?.ok_or_else(|| AppError::invalid("then.group", format!("no group '{name}'")))?)
        }
        None => None,
    };
    if let Some(name) = &then.assignee {
        let u = directory::user_by_name(c, t, name)
            .await?
            .filter(|u| !u.disabled && u.role.is_staff())
            .ok_or_else(|| AppError::invalid("then.assignee", format!("no active agent '{name}'")))?;
        if let Some(g) = &group
            && !directory::is_member(c, t, g.id, u.id).await?
        {
            return Err(AppError::invalid("then.assignee", format!("'{name}' is not a member of '{}'", g.name)));
        }
    }
    Ok(())
}

fn admin_only(actor: &Actor) -> Result<()> {
    if actor.may(Permission::Administer) { Ok(()) } else { Err(AppError::Forbidden("administrators only".into())) }
}

impl App {
    #[tracing::instrument(name = "routing_rules", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn routing_rules(&self, actor: &Actor) -> Result<Vec<Rule>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::rules(&mut c, actor.tenant_id).await?)
    }

    /// Adds a rule, or replaces rule `id`.
    #[tracing::instrument(name = "save_routing_rule", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn save_routing_rule(&self, actor: &Actor, id: Option<RuleId>, input: RuleInput) -> Result<Rule> {
        admin_only(actor)?;
        routing::check(&input.name, &input.when, &input.then)?;
        let (t, by, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                check_references(c, t, &input.when, &input.then).await?;
                let position = match input.position {
                    Some(p) => p,
                    None => store::next_position(c, t).await?,
                };
                let mut when = input.when;
                when.normalise();
                let mut rule = Rule {
                    id: id.unwrap_or(RuleId(0)),
                    name: input.name.trim().to_string(),
                    position,
                    enabled: input.enabled.unwrap_or(true),
                    when,
                    then: input.then,
                };
                let action = match id {
                    None => {
                        rule.id = store::insert(c, t, &rule, now).await?;
                        "created"
                    }
                    Some(_) if store::update(c, t, &rule).await? => "updated",
                    Some(id) => return Err(AppError::NotFound(format!("routing rule {id}"))),
                };
                let mut e = Entry::action("routing_rule", rule.id, action);
                e.new = Some(rule.name.clone());
                journal::append(c, t, Some(by), now, &[e]).await?;
                Ok(rule)
            }))
            .await
    }

    #[tracing::instrument(name = "delete_routing_rule", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn delete_routing_rule(&self, actor: &Actor, id: i64) -> Result<()> {
        admin_only(actor)?;
        let (t, by, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                let rule = store::by_id(c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("routing rule {id}")))?;
                store::delete(c, t, id).await?;
                let mut e = Entry::action("routing_rule", id, "deleted");
                e.old = Some(rule.name);
                journal::append(c, t, Some(by), now, &[e]).await?;
                Ok(())
            }))
            .await
    }

    /// What the rules would do with a sample ticket, changing nothing.
    #[tracing::instrument(name = "try_routing", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn try_routing(&self, actor: &Actor, s: Sample) -> Result<Routed> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let (impact, urgency) = (level("impact", s.impact)?, level("urgency", s.urgency)?);
        let mut c = self.db.read().await?;
        let tenant = cairn_store::platform::tenants::by_id(&mut c, t).await?.ok_or_else(|| AppError::NotFound("tenant".into()))?;
        let organisation = match &s.requester {
            Some(name) => {
                directory::user_by_name(&mut c, t, name)
                    .await?
                    .ok_or_else(|| AppError::invalid("requester", format!("no user '{name}'")))?
                    .organisation
            }
            None => None,
        };
        let priority = tenant.priority_matrix.priority(impact, urgency);
        let facts = Facts::new(&s.title, &s.description, s.category, s.service, organisation, priority);
        let rules = store::rules(&mut c, t).await?;
        decide(&mut c, t, &rules, &facts, Current { group: None, has_assignee: false }).await
    }

    /// Changes a group's automatic assignment and/or its manager (`Some("")` clears it);
    /// returns the group and its manager's name.
    pub async fn update_group(
        &self,
        actor: &Actor,
        group: &str,
        assignment: Option<&str>,
        manager: Option<&str>,
    ) -> Result<(Group, Option<String>)> {
        admin_only(actor)?;
        let mode = assignment.map(Assignment::parse).transpose()?;
        let (t, by, now, group) = (actor.tenant_id, actor.user_id, self.now(), group.to_string());
        let manager = manager.map(|m| m.trim().to_string());
        self.db
            .write(tx!(|c| {
                let mut g = directory::group_by_name(c, t, &group).await?.ok_or_else(|| AppError::NotFound(format!("group '{group}'")))?;
                let mut entries = Vec::new();
                let mut changed = |field: &str, old: Option<String>, new: Option<String>| {
                    entries.push(Entry { entity: "group", entity_id: g.id.0, action: "updated", field: Some(field.into()), old, new });
                };
                if let Some(mode) = mode {
                    directory::set_assignment(c, t, g.id, mode).await?;
                    changed("assignment", Some(g.assignment.as_str().into()), Some(mode.as_str().into()));
                    g.assignment = mode;
                }
                if let Some(name) = manager {
                    let old = match g.manager {
                        Some(id) => directory::user_by_id(c, t, id).await?.map(|u| u.username),
                        None => None,
                    };
                    let new = if name.is_empty() {
                        None
                    } else {
                        let u = crate::platform::directory::user_named(c, t, "manager", &name).await?;
                        if !u.role.is_staff() {
                            return Err(AppError::invalid("manager", format!("'{name}' is not an agent")));
                        }
                        Some(u)
                    };
                    directory::set_manager(c, t, g.id, new.as_ref().map(|u| u.id)).await?;
                    g.manager = new.as_ref().map(|u| u.id);
                    changed("manager", old, new.map(|u| u.username));
                }
                journal::append(c, t, Some(by), now, &entries).await?;
                let manager = match g.manager {
                    Some(id) => directory::user_by_id(c, t, id).await?.map(|u| u.username),
                    None => None,
                };
                Ok((g, manager))
            }))
            .await
    }
}
