//! A living demo tenant: people, groups, organisations, categories and a few hundred
//! incidents in every status with replies, notes and history, laid out over the last
//! six weeks. Loaded through the same use cases as real work, so journal and search
//! are real too.

use std::sync::Arc;

use cairn_domain::platform::access::Actor;

use crate::platform::admin::{Admin, CreateUser};
use crate::ticket::{NewTicket, TicketChange};
use crate::{App, Clock, ManualClock, Result};
use cairn_domain::request::approval::{Approver, Rule, Stage};
use cairn_domain::request::catalog::{ShowIf, VarKind, Variable};
use cairn_domain::request::fulfilment::TaskTemplate;
use cairn_domain::sla::{CalendarSpec, Definition};

pub const DEMO_PASSWORD: &str = "cairn-demo-trail";

const ORGS: [&str; 5] = ["Finance", "Marketing", "Engineering", "People & Culture", "Facilities"];
const GROUPS: [(&str, &[&str]); 5] = [
    ("Service Desk", &["alice", "bob", "carla"]),
    ("Network", &["dmitri", "erin"]),
    ("Applications", &["farid", "grace"]),
    ("AV Support", &["hiro", "ines"]),
    ("Desktop Support", &["bob", "jonas"]),
];
const AGENTS: [(&str, &str); 10] = [
    ("alice", "Alice Moreau"),
    ("bob", "Bob Okafor"),
    ("carla", "Carla Jensen"),
    ("dmitri", "Dmitri Volkov"),
    ("erin", "Erin Walsh"),
    ("farid", "Farid Haddad"),
    ("grace", "Grace Lin"),
    ("hiro", "Hiro Tanaka"),
    ("ines", "Inês Costa"),
    ("jonas", "Jonas Berg"),
];
const REQUESTERS: [(&str, &str, &str); 9] = [
    ("kim", "Kim Novak", "Finance"),
    ("liam", "Liam Byrne", "Finance"),
    ("maya", "Maya Patel", "Marketing"),
    ("noah", "Noah Schmidt", "Marketing"),
    ("olga", "Olga Ivanova", "Engineering"),
    ("pedro", "Pedro Alves", "Engineering"),
    ("quinn", "Quinn Taylor", "People & Culture"),
    ("rosa", "Rosa Martín", "Facilities"),
    ("sam", "Sam Wright", "Engineering"),
];
const CATEGORIES: [&str; 8] = [
    "Network/VPN",
    "Network/Wi-Fi",
    "Hardware/Laptop",
    "Hardware/Printer",
    "Software/Email",
    "Software/ERP",
    "AV/Meeting room",
    "Access/Account",
];

/// The demo's recurring issues: (ways requesters phrase it, category, group, description).
const PROBLEMS: [(&[&str], &str, &str, &str); 16] = [
    (
        &["VPN disconnects every few minutes", "VPN keeps dropping every few minutes", "VPN connection drops every 5 minutes"],
        "Network/VPN",
        "Network",
        "The VPN client drops the connection roughly every five minutes since this morning.",
    ),
    (
        &["Cannot connect to VPN from home", "VPN login fails from home", "Cannot connect to the VPN gateway"],
        "Network/VPN",
        "Network",
        "Authentication fails with 'gateway unreachable' when working from home.",
    ),
    (
        &["Wi-Fi very slow on 3rd floor", "Slow Wi-Fi on the third floor", "3rd floor wireless is really slow"],
        "Network/Wi-Fi",
        "Network",
        "Pages take ages to load on the third floor; the other floors seem fine.",
    ),
    (
        &["Laptop will not boot after update", "Laptop stuck on logo after update", "My laptop won't start since the update"],
        "Hardware/Laptop",
        "Desktop Support",
        "Stuck on the vendor logo after last night's update.",
    ),
    (
        &["Laptop battery drains in an hour", "Battery on my laptop empty after an hour", "Laptop battery life very short"],
        "Hardware/Laptop",
        "Desktop Support",
        "Battery goes from full to empty in about an hour of light use.",
    ),
    (
        &["Printer on 2nd floor jams constantly", "2nd floor printer keeps jamming", "Paper jam on the 2nd floor printer again"],
        "Hardware/Printer",
        "Desktop Support",
        "Every other print job jams in tray 2.",
    ),
    (
        &[
            "Outlook keeps asking for password",
            "Outlook password prompt keeps coming back",
            "Outlook asks for my password every few minutes",
        ],
        "Software/Email",
        "Applications",
        "A password prompt appears every few minutes, even after entering it.",
    ),
    (
        &["Shared mailbox missing from Outlook", "Finance shared mailbox disappeared", "Can't see the shared mailbox in Outlook"],
        "Software/Email",
        "Applications",
        "The finance shared mailbox disappeared from my folder list.",
    ),
    (
        &["ERP invoice export fails", "Invoice export to CSV fails in ERP", "ERP error 500 when exporting invoices"],
        "Software/ERP",
        "Applications",
        "Exporting invoices to CSV ends with 'internal error 500'.",
    ),
    (
        &["ERP very slow at month end", "ERP extremely slow during month-end close", "Posting journals in ERP takes minutes"],
        "Software/ERP",
        "Applications",
        "Posting a journal takes over a minute.",
    ),
    (
        &["Boardroom display shows no signal", "No signal on the boardroom screen", "Boardroom screen not showing laptop over HDMI"],
        "AV/Meeting room",
        "AV Support",
        "The boardroom screen says 'no signal' when connecting a laptop over HDMI.",
    ),
    (
        &["No audio in room Atlas video calls", "Atlas room microphones not working in calls", "Remote people can't hear us in Atlas"],
        "AV/Meeting room",
        "AV Support",
        "Remote participants cannot hear us in Atlas; the ceiling microphones seem dead.",
    ),
    (
        &["Room panel booking out of sync", "Orion room panel shows wrong booking", "Meeting room panel not matching calendar"],
        "AV/Meeting room",
        "AV Support",
        "The panel outside Orion shows the room free while the calendar says booked.",
    ),
    (
        &[
            "Account locked after password change",
            "Locked out after changing my password",
            "My account got locked after the password reset",
        ],
        "Access/Account",
        "Service Desk",
        "Changed my password this morning and now my account is locked.",
    ),
    (
        &[
            "New starter needs access to shared drive",
            "Shared drive access for new colleague",
            "Please grant shared drive access to new starter",
        ],
        "Access/Account",
        "Service Desk",
        "Please give our new colleague access to the team's shared drive.",
    ),
    (
        &["MFA prompt not arriving on phone", "Not getting the MFA notification on my phone", "MFA approval never shows up"],
        "Access/Account",
        "Service Desk",
        "The sign-in approval notification never shows up on my phone.",
    ),
];

/// Which of the demo's recurring issues a title belongs to: the ground truth
/// against which recurring-incident detection is measured.
pub fn demo_issue(title: &str) -> Option<usize> {
    PROBLEMS.iter().position(|(titles, ..)| titles.contains(&title))
}

const REPLIES: [&str; 5] = [
    "Thanks for reporting this. Could you tell us when it started and whether colleagues see the same?",
    "We have applied a fix. Could you try again and let us know?",
    "It started yesterday after lunch; my colleague next to me has the same problem.",
    "Still happening this morning, unfortunately.",
    "Works now, thank you!",
];
const NOTES: [&str; 4] = [
    "Checked the logs: matches the known issue with the gateway certificate.",
    "Escalating to second line, needs a config change.",
    "Replaced the cable; monitoring for recurrence.",
    "Vendor case opened, waiting for their answer.",
];

/// A small deterministic generator (xorshift), so every demo and every seeded bench
/// database looks the same. Not for anything secret.
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

fn actor(tenant: cairn_domain::ids::TenantId, u: &cairn_store::platform::directory::User) -> Actor {
    Actor { tenant_id: tenant, user_id: u.id, username: u.username.clone(), role: u.role }
}

impl App {
    /// Loads the demo into the default tenant unless it already has tickets.
    /// Returns false when there was something there already.
    pub async fn load_demo(&self, incidents: usize) -> Result<bool> {
        let tenant = self.tenant_by_slug(crate::DEFAULT_TENANT).await?;
        {
            let mut c = self.db.read().await?;
            if cairn_store::ticket::count(&mut c, &cairn_domain::platform::access::Scope::system(tenant.id)).await? > 0 {
                return Ok(false);
            }
        }
        let start = self.now() - 42 * 86_400_000;
        let clock = Arc::new(ManualClock::new(start));
        let app = App::new(self.db.clone(), clock.clone());
        let op = Admin::Operator(tenant.id);
        // The demo desk works office hours in Berlin (its calendar below) and shows times there.
        app.set_tenant_time_zone(&op, "Europe/Berlin").await?;
        let user = |username: &str, name: &str, role: &str, org: Option<&str>| CreateUser {
            username: username.into(),
            display_name: Some(name.into()),
            email: Some(format!("{username}@example.com")),
            role: role.into(),
            password: Some(DEMO_PASSWORD.into()),
            organisation: org.map(Into::into),
        };
        for o in ORGS {
            app.create_organisation(&op, o).await?;
        }
        let mut parents: Vec<&str> = CATEGORIES.iter().filter_map(|c| c.split_once('/').map(|(p, _)| p)).collect();
        parents.dedup();
        for c in parents.into_iter().chain(CATEGORIES) {
            app.create_category(&op, c).await?;
        }
        let admin = actor(tenant.id, &app.create_user(&op, user("admin", "Ada Admin", "admin", None)).await?);
        let mut agents = Vec::new();
        for (u, n) in AGENTS {
            agents.push(app.create_user(&op, user(u, n, "agent", None)).await?);
        }
        let mut requesters = Vec::new();
        for (u, n, o) in REQUESTERS {
            requesters.push(app.create_user(&op, user(u, n, "requester", Some(o))).await?);
        }
        // Each requester's manager approves what they order.
        for (who, manager) in [("kim", "liam"), ("maya", "noah"), ("olga", "pedro"), ("sam", "pedro"), ("rosa", "quinn")] {
            app.set_user_manager(&op, who, Some(manager)).await?;
        }
        for (g, members) in GROUPS {
            app.create_group(&op, g).await?;
            for m in members {
                app.add_group_member(&op, g, m).await?;
            }
            // The first member leads the group: hierarchical escalations and breaches go there.
            app.update_group(&admin, g, None, Some(members[0])).await?;
        }
        // Replies the desk keeps at hand: one shared by the Service Desk, and two macros
        // (a reply that resolves, a note that hands the ticket to Network).
        use crate::ticket::canned::{ActionsInput, CannedInput};
        let alice = actor(tenant.id, &agents[0]);
        let none = ActionsInput::default();
        let resolve = ActionsInput { status: Some("resolved".into()), resolution_code: Some("solved".into()), ..ActionsInput::default() };
        let hand_over =
            ActionsInput { group: Some("Network".into()), add_tags: vec!["escalated".into()], internal: true, ..ActionsInput::default() };
        let replies = [
            (
                Some("Service Desk"),
                "Ask for a screenshot",
                "Hello {{requester}},\n\nthanks for reporting {{number}}. Could you send a screenshot of the message you see? That helps us find the cause faster.\n\n{{agent}}, {{group}}",
                none,
            ),
            (
                None,
                "Fixed, please confirm",
                "Hello {{requester}},\n\nwe have fixed {{number}} ({{title}}). Please check on your side and tell us if anything is still wrong.\n\n{{agent}}",
                resolve,
            ),
            (
                Some("Service Desk"),
                "Hand over to Network",
                "Handed to Network: the cause looks like the network, not the device. {{agent}}",
                hand_over,
            ),
        ];
        for (group, title, body, actions) in replies {
            let input = CannedInput { title: title.into(), body: body.into(), group: group.map(Into::into), actions };
            app.save_canned_response(&alice, None, input).await?;
        }
        // Office hours in Berlin and a standard service level for incidents.
        let mut office = CalendarSpec { time_zone: "Europe/Berlin".into(), ..CalendarSpec::default() };
        for d in ["mon", "tue", "wed", "thu", "fri"] {
            office.hours.insert(d.into(), vec!["08:00-18:00".into()]);
        }
        app.save_calendar(&op, "Office", office).await?;
        let standard: Definition = serde_json::from_value(serde_json::json!({
            "name": "Standard incident", "kind": "sla", "calendar": "Office",
            "applies_when": [{"field": "kind", "values": ["incident"]}],
            "targets": {"first_response_minutes": 120, "resolution_minutes": 1200},
            "pause_when": [{"field": "status", "values": ["on_hold"]}],
            "warnings": [75],
            "breach_actions": [{"action": "notify", "to": "manager"}]
        }))
        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
        app.save_sla_definition(&op, standard).await?;
        // The estate the incidents are about.
        let affects = crate::cmdb::demo::load(&app, &admin).await?;
        let mut rng = Rng(0x5eed_ca1e_u64);
        let step = (42 * 86_400_000) / incidents.max(1) as i64;
        // Work on the newest tickets stops short of the present: nothing happens later than now.
        let end = self.now() - 60_000;
        let advance = |ms: i64| clock.set((clock.now_ms() + ms).min(end));
        for i in 0..incidents {
            clock.set(start + step * i as i64 + rng.below(3_600_000) as i64);
            let (titles, category, group, description) = *rng.pick(&PROBLEMS);
            let title = *rng.pick(titles);
            let requester = rng.pick(&requesters).clone();
            let req_actor = actor(tenant.id, &requester);
            let created = app
                .create_ticket(
                    &req_actor,
                    NewTicket {
                        title: title.into(),
                        description: description.into(),
                        impact: Some(1 + rng.below(3) as i64),
                        urgency: Some(1 + rng.below(3) as i64),
                        ..Default::default()
                    },
                    None,
                )
                .await?;
            let number = created.view.ticket.number.clone();
            // Older tickets have progressed further; the newest are still untouched.
            let age = incidents - i;
            let stage = if age < 15 { rng.below(2) } else { 1 + rng.below(5) };
            if stage == 0 {
                continue;
            }
            let members = GROUPS.iter().find(|(g, _)| *g == group).map(|(_, m)| *m).unwrap_or(&[]);
            let triage = actor(tenant.id, &agents[rng.below(3)]);
            let assignee = rng.pick(members).to_string();
            advance(600_000 + rng.below(3_600_000) as i64);
            let mut version = created.view.ticket.version;
            let change = TicketChange {
                category: Some(Some(category.into())),
                group: Some(Some(group.into())),
                assignee: Some(Some(assignee.clone())),
                status: Some("in_progress".into()),
                cis: affects.of(title),
                ..Default::default()
            };
            version = app.update_ticket(&triage, &number, version, change).await?.ticket.version;
            let worker = agents.iter().find(|a| a.username == assignee).map(|u| actor(tenant.id, u)).unwrap_or(triage);
            advance(rng.below(7_200_000) as i64);
            app.add_comment(&worker, &number, REPLIES[0], false, 0).await?;
            if stage >= 2 {
                advance(rng.below(14_400_000) as i64);
                app.add_comment(&req_actor, &number, REPLIES[2 + rng.below(2)], false, 0).await?;
                app.add_comment(&worker, &number, NOTES[rng.below(NOTES.len())], true, 5 * (1 + rng.below(12) as i64)).await?;
            }
            let status = match stage {
                1 | 2 => None,
                3 => Some("on_hold"),
                4 => Some("resolved"),
                _ => Some(if rng.below(6) == 0 { "cancelled" } else { "closed" }),
            };
            if let Some(s) = status {
                advance(rng.below(28_800_000) as i64);
                if s == "resolved" || s == "closed" {
                    app.add_comment(&worker, &number, REPLIES[1], false, 0).await?;
                    let code = if rng.below(5) == 0 { "workaround" } else { "solved" };
                    let resolved = TicketChange {
                        status: Some("resolved".into()),
                        resolution_code: Some(code.into()),
                        resolution_notes: Some(REPLIES[1].into()),
                        ..Default::default()
                    };
                    version = app.update_ticket(&worker, &number, version, resolved).await?.ticket.version;
                }
                if s != "resolved" {
                    advance(rng.below(86_400_000 * 3) as i64);
                    app.update_ticket(&worker, &number, version, TicketChange { status: Some(s.into()), ..Default::default() }).await?;
                }
            }
        }
        knowledge_and_catalog(&app, &op, &agents).await?;
        app.drain_jobs("demo").await?;
        // Propose the week's recurring issues at once rather than in an hour.
        self.detect_recurring(tenant.id, crate::problem::recurring::Detect::default()).await?;
        Ok(true)
    }
}

/// Help articles for the portal (written by alice, reviewed and published by bob) and
/// a small catalog with a laptop whose cost centre is asked only for project budgets.
async fn knowledge_and_catalog(app: &App, op: &Admin, agents: &[cairn_store::platform::directory::User]) -> Result<()> {
    use crate::knowledge::ArticleInput;
    use crate::request::catalog::ItemInput;
    let agent = |name: &str| agents.iter().find(|a| a.username == name).map(|u| actor(op.tenant(), u));
    let (Some(alice), Some(bob)) = (agent("alice"), agent("bob")) else { return Ok(()) };
    let articles = [
        (
            "VPN disconnects every few minutes",
            "## Symptom\n\nThe VPN client drops the tunnel every few minutes.\n\n## Fix\n\n1. Quit the VPN client.\n2. Connect to the office Wi-Fi or a wired network, not a phone hotspot.\n3. Start the client and sign in again.\n\nStill dropping? Report a problem and mention the time it dropped.",
            "portal",
        ),
        (
            "Outlook asks for my password every few minutes",
            "## Fix\n\n1. Close Outlook.\n2. Open **Credential Manager** and remove the entries starting with `MicrosoftOffice`.\n3. Start Outlook and sign in once.",
            "portal",
        ),
        (
            "Projector in a meeting room shows no signal",
            "## Fix\n\n1. Press **Input** on the remote and choose **HDMI 1**.\n2. Unplug and replug the HDMI cable at the table.\n3. On a laptop, press `Win`+`P` and choose *Duplicate*.",
            "portal",
        ),
        (
            "Resetting the Atlas room panel",
            "Agents only: hold the panel's reset button for 10 s, then re-pair it with the room calendar from the AV console.",
            "internal",
        ),
    ];
    for (title, body, audience) in articles {
        let input = ArticleInput {
            title: Some(title.into()),
            body: Some(body.into()),
            audience: Some(audience.into()),
            reviewer: Some("bob".into()),
            ..ArticleInput::default()
        };
        let a = app.create_article(&alice, input, None).await?;
        app.set_article_state(&alice, &a.number, "in_review").await?;
        app.set_article_state(&bob, &a.number, "published").await?;
    }
    let var = |name: &str, label: &str, kind: VarKind, required: bool, options: &[&str]| Variable {
        name: name.into(),
        label: label.into(),
        kind,
        required,
        options: options.iter().map(|o| o.to_string()).collect(),
        show_if: None,
    };
    // A laptop needs the manager's approval, then Procurement orders it, then Desktop
    // Support images it while Applications creates the accounts.
    let task = |title: &str, group: &str, step: u32| TaskTemplate { title: title.into(), group: group.into(), step };
    let manager =
        vec![Stage { approver: Approver::Manager, name: None, rule: Rule::Any, quorum: None, timeout_hours: None, escalate_to: None }];
    let laptop_flow = || {
        let tasks = vec![
            task("Order the laptop", "Procurement", 1),
            task("Image the laptop", "Desktop Support", 2),
            task("Create the accounts", "Applications", 2),
        ];
        (manager.clone(), tasks)
    };
    app.create_group(op, "Procurement").await?;
    app.add_group_member(op, "Procurement", "carla").await?;
    let laptop = vec![
        var("model", "Model", VarKind::Choice, true, &["14-inch standard", "16-inch developer"]),
        var("justification", "Why do you need it?", VarKind::Text, true, &[]),
        var("funding", "Paid from", VarKind::Choice, true, &["department budget", "project budget"]),
        Variable {
            show_if: Some(ShowIf { variable: "funding".into(), equals: vec!["project budget".into()] }),
            ..var("cost_centre", "Project cost centre", VarKind::Text, true, &[])
        },
        var("needed_by", "Needed by", VarKind::Date, false, &[]),
    ];
    let items = [
        ("Hardware", "New laptop", "A laptop with docking station, set up with your account.", "laptop", 5, laptop, laptop_flow()),
        (
            "Hardware",
            "Second monitor",
            "A 27-inch monitor for your desk.",
            "monitor",
            3,
            vec![var("desk", "Desk or room", VarKind::Text, true, &[])],
            (vec![], vec![task("Deliver and connect the monitor", "Desktop Support", 1)]),
        ),
        (
            "Access",
            "Shared mailbox access",
            "Read or send from a team's shared mailbox.",
            "mail",
            1,
            vec![
                var("mailbox", "Mailbox address", VarKind::Text, true, &[]),
                var("rights", "Rights", VarKind::MultiChoice, true, &["read", "send as"]),
            ],
            (manager.clone(), vec![task("Grant the mailbox rights", "Applications", 1)]),
        ),
        (
            "AV",
            "Book the boardroom AV kit",
            "Camera, microphones and a technician for an event.",
            "video",
            2,
            vec![
                var("date", "Event date", VarKind::Date, true, &[]),
                var("technician", "A technician on site", VarKind::Checkbox, false, &[]),
            ],
            (vec![], vec![task("Set up the kit in the boardroom", "AV Support", 1)]),
        ),
    ];
    for (category, name, description, icon, delivery_days, variables, (approvals, tasks)) in items {
        let input = ItemInput {
            category: category.into(),
            name: name.into(),
            description: description.into(),
            icon: icon.into(),
            delivery_days,
            variables,
            audience: "everyone".into(),
            orgs: vec![],
            active: true,
            approvals,
            tasks,
        };
        app.save_catalog_item(op, None, input).await?;
    }
    Ok(())
}
