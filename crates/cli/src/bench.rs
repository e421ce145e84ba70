//! `cairn seed` and `cairn bench`: load synthetic tickets and measure the server over
//! real HTTP on loopback. Figures are recorded in docs/PERFORMANCE.md.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cairn_app::demo::Rng;
use cairn_app::platform::admin::{Admin, CreateUser};
use cairn_app::{App, AppError};
use cairn_domain::ticket::priority::{Level, PriorityMatrix};
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{Ticket, TicketKind};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::{platform::directory, platform::tenants, ticket as tickets};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Ticket creation over HTTP with N concurrent clients.
    Create {
        #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
        clients: Vec<usize>,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Queue page, full-text search and single GET latencies on the configured database.
    Read {
        #[arg(long, default_value_t = 1000)]
        requests: usize,
    },
    /// Routing-rule evaluation per ticket against N rules (pure, no database).
    Routing {
        #[arg(long, default_value_t = 200)]
        rules: usize,
        #[arg(long, default_value_t = 100_000)]
        tickets: usize,
    },
    /// Service-level clocks for N open tickets from scratch (pure, one core): a Berlin
    /// office calendar with holidays, histories with pauses.
    Sla {
        #[arg(long, default_value_t = 1_000_000)]
        tickets: usize,
    },
    /// Replay of every ticket's clocks from the journal after a definition change, on
    /// the configured database (seed it first).
    SlaReplay,
    /// Recurring-incident detection over the configured database (seed it first); the
    /// seed spreads tickets over 365 days, so 37 days of 1,000,000 hold about 100,000.
    Recurring {
        #[arg(long, default_value_t = 37)]
        window_days: i64,
        #[arg(long, default_value_t = 3)]
        min_incidents: usize,
    },
    /// Search over tickets and knowledge articles together (`GET /api/v1/search`, two
    /// words), article search alone and suggestions, on the configured database (seed it
    /// with `cairn seed --tickets 1000000 --articles 100000` first).
    Search {
        #[arg(long, default_value_t = 500)]
        requests: usize,
    },
    /// The operational dashboard (`GET /api/v1/reports/dashboard`, last 30 days) on the
    /// configured database (seed it first): whole tenant, and narrowed to one group.
    Dashboard {
        #[arg(long, default_value_t = 50)]
        requests: usize,
    },
}

const WORDS: [&str; 12] =
    ["vpn", "printer", "laptop", "outlook", "password", "wifi", "display", "audio", "invoice", "account", "drive", "update"];
const CATEGORIES: [&str; 6] = ["Network/VPN", "Hardware/Laptop", "Hardware/Printer", "Software/Email", "AV/Meeting room", "Access/Account"];
const GROUPS: [&str; 5] = ["Service Desk", "Network", "Applications", "AV Support", "Desktop Support"];

/// Makes sure the bench user, groups and token exist; returns the token.
async fn bench_token(app: &App) -> anyhow::Result<String> {
    let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?;
    let op = Admin::Operator(t.id);
    let req =
        CreateUser { username: "bench".into(), display_name: None, email: None, role: "agent".into(), password: None, organisation: None };
    match app.create_user(&op, req).await {
        Ok(_) | Err(AppError::Conflict(_)) => {}
        Err(e) => return Err(e.into()),
    }
    for g in GROUPS {
        match app.create_group(&op, g).await {
            Ok(_) | Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(app.create_token(cairn_app::DEFAULT_TENANT, "bench", "bench").await?)
}

const TOPICS: [&str; 8] = ["reset", "install", "configure", "replace", "connect", "update", "clean", "restart"];

/// Adds `n` knowledge articles by the bench user: nine in ten published, half of those
/// for the portal, each a version-1 text of about a hundred words, indexed for search.
pub async fn seed_articles(app: &App, n: usize) -> anyhow::Result<()> {
    use cairn_store::knowledge::{self as kb, Article};
    if n == 0 {
        return Ok(());
    }
    bench_token(app).await?;
    let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?;
    let owner = {
        let mut c = app.db.read().await?;
        directory::user_by_name(&mut c, t.id, "bench").await?.ok_or_else(|| anyhow::anyhow!("bench user missing"))?.id
    };
    let bar = ProgressBar::new(n as u64);
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} articles {per_sec} eta {eta}")?);
    let mut rng = Rng(0x5eed_0a71);
    let (backend, now, mut done) = (app.backend(), app.now(), 0);
    while done < n {
        let count = 1000.min(n - done);
        let mut rows = Vec::with_capacity(count);
        for i in 0..count {
            let k = done + i;
            let (w1, w2, topic) = (WORDS[rng.below(12)], WORDS[rng.below(12)], TOPICS[rng.below(8)]);
            let steps: Vec<String> = (1..=6)
                .map(|s| {
                    format!("{s}. {} the {} and check the {} again.", TOPICS[rng.below(8)], WORDS[rng.below(12)], WORDS[rng.below(12)])
                })
                .collect();
            let published = rng.below(10) != 0;
            rows.push(Article {
                id: 0,
                number: String::new(),
                title: format!("How to {topic} the {w1} when the {w2} fails ({k})"),
                body: format!("## Symptom\n\nThe {w1} stops after the {w2} change.\n\n## Fix\n\n{}\n", steps.join("\n")),
                category: Some(CATEGORIES[rng.below(CATEGORIES.len())].to_string()),
                tags: vec![w1.to_string()],
                audience: if rng.below(2) == 0 { "portal" } else { "internal" }.into(),
                orgs: vec![],
                state: if published { "published" } else { "draft" }.into(),
                owner,
                owner_name: "bench".into(),
                reviewer: None,
                reviewer_name: None,
                review_at: None,
                source: None,
                version: 1,
                views: 0,
                helpful: 0,
                not_helpful: 0,
                created_at: now,
                updated_at: now,
            });
        }
        let tid = t.id;
        app.db
            .write(move |c| {
                Box::pin(async move {
                    let mut entries = Vec::with_capacity(rows.len());
                    for mut a in rows {
                        a.number = format!("KB{:07}", tenants::next_number(c, tid, "KB").await?.seq);
                        a.id = kb::insert(c, backend, tid, &a, &[]).await?;
                        kb::add_version(c, tid, &a, Some(a.owner), "first version").await?;
                        let mut e = Entry::action("article", a.id, "created");
                        e.new = Some(a.number);
                        entries.push(e);
                    }
                    journal::append(c, tid, None, now, &entries).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        done += count;
        bar.set_position(done as u64);
    }
    bar.finish();
    println!("seeded {n} articles");
    Ok(())
}

/// Seeded resolved and closed tickets were resolved this long after being raised.
const RESOLVED_AFTER: i64 = 20 * 3_600_000;

pub async fn seed(app: &App, n: usize) -> anyhow::Result<()> {
    bench_token(app).await?;
    let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?;
    let (requester, groups) = {
        let mut c = app.db.read().await?;
        let u = directory::user_by_name(&mut c, t.id, "bench").await?.ok_or_else(|| anyhow::anyhow!("bench user missing"))?;
        (u.id, directory::groups(&mut c, t.id).await?)
    };
    let bar = ProgressBar::new(n as u64);
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} tickets {per_sec} eta {eta}")?);
    let start_ms = app.now() - 365 * 86_400_000;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let batch = 2000;
    let backend = app.backend();
    let matrix = PriorityMatrix::default();
    let mut done = 0;
    while done < n {
        let count = batch.min(n - done);
        let mut rows = Vec::with_capacity(count);
        for i in 0..count {
            let k = (done + i) as i64;
            let at = start_ms + k * (365 * 86_400_000 / n.max(1) as i64);
            let (w1, w2) = (WORDS[rng.below(12)], WORDS[rng.below(12)]);
            let impact = Level::parse("impact", 1 + rng.below(3) as i64)?;
            let urgency = Level::parse("urgency", 1 + rng.below(3) as i64)?;
            // Most old tickets are closed; about one in ten is still open.
            let status = match rng.below(10) {
                0 => Status::New,
                1 => Status::InProgress,
                2 => Status::OnHold,
                3 => Status::Resolved,
                _ => Status::Closed,
            };
            rows.push(Ticket {
                tenant_id: t.id,
                title: format!("{w1} problem on {w2} #{k}"),
                description: format!("User reports the {w1} stopped working after the {w2} change. Ticket {k}."),
                status,
                impact,
                urgency,
                priority: matrix.priority(impact, urgency),
                category: Some(CATEGORIES[rng.below(CATEGORIES.len())].to_string()),
                requester_id: requester,
                group_id: Some(groups[rng.below(groups.len())].id),
                version: 1,
                created_at: at,
                updated_at: at,
                resolved_at: matches!(status, Status::Resolved | Status::Closed).then_some(at + RESOLVED_AFTER),
                resolution_code: matches!(status, Status::Resolved | Status::Closed).then(|| "solved".to_string()),
                ..Ticket::blank(TicketKind::Incident)
            });
        }
        let tid = t.id;
        // The batch's resolutions are journaled at one instant: its last ticket's.
        let resolved_at = rows.last().map_or(0, |r| r.created_at + RESOLVED_AFTER);
        app.db
            .write(move |c| {
                Box::pin(async move {
                    let mut entries = Vec::with_capacity(rows.len());
                    let mut resolutions = Vec::new();
                    for mut row in rows {
                        let seq = tenants::next_number(c, tid, "INC").await?.seq;
                        row.number = TicketKind::Incident.number(seq);
                        let id = tickets::insert(c, backend, &row).await?;
                        let mut e = Entry::action("ticket", id.0, "created");
                        e.new = Some(row.number);
                        entries.push(e);
                        if row.resolved_at.is_some() {
                            let mut r = Entry::action("ticket", id.0, "updated");
                            r.field = Some("status".into());
                            r.old = Some("in_progress".into());
                            r.new = Some("resolved".into());
                            resolutions.push(r);
                        }
                    }
                    journal::append(c, tid, None, jiff::Timestamp::now().as_millisecond(), &entries).await?;
                    journal::append(c, tid, None, resolved_at, &resolutions).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        done += count;
        bar.set_position(done as u64);
    }
    bar.finish();
    println!("seeded {n} tickets");
    Ok(())
}

async fn start_server(app: &App) -> anyhow::Result<(String, tokio::sync::oneshot::Sender<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let app = app.clone();
    tokio::spawn(async move {
        let web = cairn_web::WebConfig::default();
        let _ = cairn_web::serve(listener, app, web, async {
            let _ = rx.await;
        })
        .await;
    });
    Ok((base, tx))
}

/// N rules of the shapes a service desk writes (keywords, categories, services,
/// priorities), none of which match the sample tickets until the last: the worst case,
/// every rule is tried.
fn routing_bench(rules: usize, tickets: usize) -> anyhow::Result<()> {
    use cairn_domain::automation::routing::{Actions, Conditions, Facts, Rule, route};
    let rules: Vec<Rule> = (0..rules)
        .map(|i| {
            let when = match i % 4 {
                0 => Conditions { keywords: vec![format!("kw{i}"), format!("phrase number {i}")], ..Conditions::default() },
                1 => Conditions { category: Some(format!("Cat{i}/Sub")), keywords: vec![format!("kw{i}")], ..Conditions::default() },
                2 => Conditions { service: Some(format!("Service {i}")), priorities: vec![1, 2], ..Conditions::default() },
                _ => Conditions { organisation: Some(format!("Org {i}")), keywords: vec!["outage".into()], ..Conditions::default() },
            };
            Rule {
                id: i as i64,
                name: format!("rule {i}"),
                position: i as i64,
                enabled: true,
                when,
                then: Actions { group: Some("G".into()), ..Actions::default() },
            }
        })
        .collect();
    let mut rng = Rng(11);
    let mut samples = Vec::with_capacity(1000);
    for k in 0..1000 {
        let title = format!("{} problem on {} #{k}", WORDS[rng.below(12)], WORDS[rng.below(12)]);
        let desc = "User reports it stopped working after the change this morning; tried a restart.";
        let priority = cairn_domain::ticket::priority::Priority::parse(3 + rng.below(3) as i64)?;
        samples.push(Facts::new(&title, desc, Some("Hardware/Laptop".into()), Some("Email".into()), Some("Acme".into()), priority));
    }
    let t0 = Instant::now();
    let mut fired = 0usize;
    for i in 0..tickets {
        fired += usize::from(route(&rules, &samples[i % samples.len()]).is_some());
    }
    let per = t0.elapsed() / tickets.max(1) as u32;
    println!("{} rules, {tickets} tickets: {:.1} µs per ticket ({fired} fired)", rules.len(), per.as_secs_f64() * 1e6);
    Ok(())
}

fn sla_bench(tickets: usize) -> anyhow::Result<()> {
    use cairn_domain::sla::calendar::HolidaySpec;
    use cairn_domain::sla::condition::Condition;
    use cairn_domain::sla::definition::Targets;
    use cairn_domain::sla::{CalendarSpec, Definition, Facts, Step, Target, measure};
    const H: i64 = 3_600_000;
    let mut spec = CalendarSpec { time_zone: "Europe/Berlin".into(), ..CalendarSpec::default() };
    for d in ["mon", "tue", "wed", "thu", "fri"] {
        spec.hours.insert(d.into(), vec!["08:00-12:00".into(), "13:00-17:00".into()]);
    }
    for date in ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-12-25", "2026-12-26"] {
        spec.holidays.push(HolidaySpec { date: date.into(), ..HolidaySpec::default() });
    }
    spec.holidays.push(HolidaySpec { date: "2026-12-24".into(), hours: vec!["08:00-12:00".into()], ..HolidaySpec::default() });
    let calendar = spec.check(None).map_err(|e| anyhow::anyhow!("{e}"))?;
    let definition = Definition {
        id: 1,
        name: "Standard".into(),
        kind: "sla".into(),
        calendar: "Office".into(),
        position: 0,
        enabled: true,
        applies_when: vec![],
        targets: Targets { first_response_minutes: Some(60), resolution_minutes: Some(16 * 60), next_update_minutes: None },
        start_when: vec![],
        pause_when: vec![Condition::is("status", &["on_hold"])],
        stop_when: vec![],
        reset_when: vec![],
        cancel_when: vec![],
        warnings: vec![50, 75, 90],
        warn_to: vec!["assignee".into()],
        breach_actions: vec![],
    };
    let now = jiff::Timestamp::now().as_millisecond();
    let year = 365 * 24 * H;
    let t0 = Instant::now();
    let schedule = calendar.schedule(now - year, now + 2 * year);
    let compile = t0.elapsed();
    // Open tickets raised over the last 60 days; a third waited on the customer once,
    // a third got a first reply. Histories are built in chunks outside the timing.
    let facts = |status: &str, replies: u32| Facts {
        kind: "incident".into(),
        status: status.into(),
        priority: 3,
        agent_replies: replies,
        ..Facts::default()
    };
    let mut rng = Rng(17);
    let (mut timed, mut breached, mut done) = (Duration::ZERO, 0usize, 0usize);
    while done < tickets {
        let n = 10_000.min(tickets - done);
        let histories: Vec<Vec<Step>> = (0..n)
            .map(|_| {
                let created = now - (rng.below(60 * 24) as i64) * 60_000 * 60;
                let mut steps = vec![Step { at: created, facts: facts("new", 0) }];
                match rng.below(3) {
                    0 => {
                        let p = created + rng.below(48) as i64 * H;
                        steps.push(Step { at: p, facts: facts("on_hold", 1) });
                        steps.push(Step { at: p + rng.below(72) as i64 * H, facts: facts("in_progress", 1) });
                    }
                    1 => steps.push(Step { at: created + rng.below(4) as i64 * H, facts: facts("in_progress", 1) }),
                    _ => {}
                }
                steps.retain(|s| s.at <= now);
                steps
            })
            .collect();
        let t = Instant::now();
        for h in &histories {
            let c = measure(&definition, Target::Resolution, 16 * H, &schedule, h, now);
            let f = measure(&definition, Target::FirstResponse, H, &schedule, h, now);
            breached += usize::from(c.breached()) + usize::from(f.breached());
        }
        timed += t.elapsed();
        done += n;
    }
    println!("schedule: Europe/Berlin office hours with holidays over 3 years, compiled in {:.1} ms", compile.as_secs_f64() * 1000.0);
    println!(
        "{tickets} open tickets, 2 clocks each (resolution with pauses, first response): {:.2} s on one core ({:.0} ns per clock; {breached} breached)",
        timed.as_secs_f64(),
        timed.as_secs_f64() * 1e9 / (2 * tickets.max(1)) as f64
    );
    Ok(())
}

async fn sla_replay_bench(app: &App) -> anyhow::Result<()> {
    let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?;
    let op = Admin::Operator(t.id);
    let mut spec = cairn_domain::sla::CalendarSpec { time_zone: "Europe/Berlin".into(), ..Default::default() };
    for d in ["mon", "tue", "wed", "thu", "fri"] {
        spec.hours.insert(d.into(), vec!["08:00-17:00".into()]);
    }
    app.save_calendar(&op, "Bench office", spec).await?;
    let definitions = || async { anyhow::Ok(cairn_store::sla::definitions(&mut *app.db.read().await?, t.id).await?) };
    let existing = definitions().await?;
    let mut def: cairn_domain::sla::Definition = serde_json::from_value(serde_json::json!({
        "name": "Bench standard", "kind": "sla", "calendar": "Bench office",
        "targets": {"first_response_minutes": 60, "resolution_minutes": 960},
        "pause_when": [{"field": "status", "values": ["on_hold"]}]
    }))?;
    def.id = existing.iter().find(|d| d.name == def.name).map_or(0, |d| d.id);
    app.save_sla_definition(&op, def.clone()).await?;
    let r = app.replay_slas(t.id, false).await?;
    println!("backend: {:?}", app.backend());
    println!(
        "replay (report only): {} tickets, {} clocks, {} change outcome: {:.2} s",
        r.tickets,
        r.clocks,
        r.changed.len(),
        r.millis as f64 / 1000.0
    );
    let r = app.replay_slas(t.id, true).await?;
    println!(
        "replay (stored):      {} tickets, {} clocks, {} change outcome: {:.2} s",
        r.tickets,
        r.clocks,
        r.changed.len(),
        r.millis as f64 / 1000.0
    );
    def.targets.resolution_minutes = Some(480);
    def.id = definitions().await?.iter().find(|d| d.name == def.name).map_or(0, |d| d.id);
    app.save_sla_definition(&op, def).await?;
    let r = app.replay_slas(t.id, true).await?;
    println!(
        "after the resolution target changes from 16 h to 8 h: {} clocks change outcome; replay took {:.2} s",
        r.changed.len(),
        r.millis as f64 / 1000.0
    );
    Ok(())
}

async fn recurring_bench(app: &App, window_days: i64, min_incidents: usize) -> anyhow::Result<()> {
    let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?;
    let total = {
        let mut c = app.db.read().await?;
        tickets::count(&mut c, &cairn_domain::platform::access::Scope::system(t.id)).await?
    };
    // The pure clustering alone, then the whole job: read, cluster, record proposals.
    let t0 = Instant::now();
    let docs = {
        let mut c = app.db.read().await?;
        tickets::incidents_since(&mut c, t.id, app.now() - window_days * 86_400_000).await?
    };
    let read = t0.elapsed();
    let t1 = Instant::now();
    let found = cairn_domain::problem::recurring::clusters(
        &docs,
        cairn_domain::problem::recurring::Settings { min_size: min_incidents, ..Default::default() },
    );
    let clustering = t1.elapsed();
    drop(docs);
    let report = app.detect_recurring(t.id, cairn_app::problem::recurring::Detect { window_days, min_incidents }).await?;
    println!("backend: {:?}; tickets in database: {total}", app.backend());
    println!("window {window_days} days: {} incidents, {} clusters", report.scanned, found.len());
    println!("read + term extraction: {:.2} s; clustering: {:.2} s", read.as_secs_f64(), clustering.as_secs_f64());
    println!(
        "whole detection job (read, cluster, record {} new candidates): {:.2} s",
        report.new_candidates,
        report.millis as f64 / 1000.0
    );
    println!("process RSS after run: {} MB", rss_mb());
    Ok(())
}

pub async fn run(cmd: BenchCommand, cfg: &Config) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Routing { rules, tickets } => routing_bench(rules, tickets),
        BenchCommand::Sla { tickets } => sla_bench(tickets),
        BenchCommand::SlaReplay => sla_replay_bench(&crate::open(cfg).await?).await,
        BenchCommand::Recurring { window_days, min_incidents } => {
            recurring_bench(&crate::open(cfg).await?, window_days, min_incidents).await
        }
        BenchCommand::Create { clients, seconds } => {
            let app = crate::open(cfg).await?;
            let token = bench_token(&app).await?;
            let (base, stop) = start_server(&app).await?;
            println!("backend: {:?}; durable commit before every 201", app.backend());
            for n in clients {
                let rate = create_load(&base, &token, n, Duration::from_secs(seconds)).await?;
                println!("creates with {n:>2} clients: {rate:>8.0} tickets/s");
            }
            let _ = stop.send(());
            Ok(())
        }
        BenchCommand::Dashboard { requests } => {
            let app = crate::open(cfg).await?;
            let token = bench_token(&app).await?;
            let (base, stop) = start_server(&app).await?;
            let client = reqwest::Client::new();
            println!("backend: {:?}", app.backend());
            let whole = measure(requests, |_| client.get(format!("{base}/api/v1/reports/dashboard")).bearer_auth(&token).send()).await?;
            let mut rng = Rng(3);
            let group = measure(requests, |_| {
                let url = format!("{base}/api/v1/reports/dashboard?group={}", GROUPS[rng.below(5)].replace(' ', "%20"));
                client.get(url).bearer_auth(&token).send()
            })
            .await?;
            println!("dashboard, whole tenant, 30 days: {whole}");
            println!("dashboard, one group, 30 days:    {group}");
            println!("process RSS after run: {} MB", rss_mb());
            let _ = stop.send(());
            Ok(())
        }
        BenchCommand::Search { requests } => {
            let app = crate::open(cfg).await?;
            let token = bench_token(&app).await?;
            let (base, stop) = start_server(&app).await?;
            let client = reqwest::Client::new();
            println!("backend: {:?}", app.backend());
            let mut rng = Rng(21);
            let both = measure(requests, |_| {
                let url = format!("{base}/api/v1/search?q={}+{}&limit=10", WORDS[rng.below(12)], WORDS[rng.below(12)]);
                client.get(url).bearer_auth(&token).send()
            })
            .await?;
            let mut rng = Rng(22);
            let articles = measure(requests, |_| {
                let url = format!("{base}/api/v1/articles?q={}+{}&limit=20", TOPICS[rng.below(8)], WORDS[rng.below(12)]);
                client.get(url).bearer_auth(&token).send()
            })
            .await?;
            let mut rng = Rng(23);
            let suggest = measure(requests, |_| {
                let url = format!(
                    "{base}/api/v1/articles/suggest?q=my+{}+stopped+after+the+{}+change",
                    WORDS[rng.below(12)],
                    WORDS[rng.below(12)]
                );
                client.get(url).bearer_auth(&token).send()
            })
            .await?;
            println!("tickets + articles together (2 words, 10 of each): {both}");
            println!("articles alone (2 words, 20, best first):          {articles}");
            println!("suggestions for a typed sentence (5):              {suggest}");
            println!("process RSS after run: {} MB", rss_mb());
            let _ = stop.send(());
            Ok(())
        }
        BenchCommand::Read { requests } => {
            let app = crate::open(cfg).await?;
            let token = bench_token(&app).await?;
            let (base, stop) = start_server(&app).await?;
            let client = reqwest::Client::new();
            let total = {
                let mut c = app.db.read().await?;
                let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?;
                tickets::count(&mut c, &cairn_domain::platform::access::Scope::system(t.id)).await?
            };
            println!("tickets in database: {total}");
            let mut rng = Rng(42);
            let statuses = ["new", "in_progress", "on_hold"];
            let queue = measure(requests, |_| {
                let url = format!(
                    "{base}/api/v1/tickets?group={}&status={}&sort=priority&limit=50",
                    GROUPS[rng.below(5)].replace(' ', "%20"),
                    statuses[rng.below(3)]
                );
                client.get(url).bearer_auth(&token).send()
            })
            .await?;
            let mut rng = Rng(7);
            let search = measure(requests, |_| {
                let url = format!("{base}/api/v1/tickets?q={}+{}&limit=50", WORDS[rng.below(12)], WORDS[rng.below(12)]);
                client.get(url).bearer_auth(&token).send()
            })
            .await?;
            let mut rng = Rng(9);
            let get = measure(requests, |_| {
                let url = format!("{base}/api/v1/tickets/{}", TicketKind::Incident.number(1 + rng.below(total.max(1) as usize) as i64));
                client.get(url).bearer_auth(&token).send()
            })
            .await?;
            println!("queue page (group+status, priority sort, 50 rows): {queue}");
            println!("full-text search (2 words, 50 rows):              {search}");
            println!("single ticket GET:                                 {get}");
            println!("process RSS after run: {} MB", rss_mb());
            let _ = stop.send(());
            Ok(())
        }
    }
}

struct Latency(Vec<Duration>);

impl std::fmt::Display for Latency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = |q: f64| self.0[((self.0.len() as f64 * q) as usize).min(self.0.len() - 1)].as_secs_f64() * 1000.0;
        write!(f, "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms", p(0.5), p(0.95), p(0.99))
    }
}

async fn measure<F, Fut>(n: usize, mut req: F) -> anyhow::Result<Latency>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>>,
{
    let mut out = Vec::with_capacity(n);
    for i in 0..n.max(1) {
        let t0 = Instant::now();
        let res = req(i).await?;
        let status = res.status();
        res.bytes().await?;
        if !status.is_success() {
            anyhow::bail!("request failed with {status}");
        }
        out.push(t0.elapsed());
    }
    out.sort();
    Ok(Latency(out))
}

async fn create_load(base: &str, token: &str, clients: usize, dur: Duration) -> anyhow::Result<f64> {
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + dur;
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, done, url, token) = (client.clone(), done.clone(), format!("{base}/api/v1/tickets"), token.to_string());
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while Instant::now() < deadline {
                i += 1;
                let body = serde_json::json!({"title": format!("bench {c}-{i}: printer offline"), "description": "created by cairn bench", "impact": 2, "urgency": 2});
                let res = client.post(&url).bearer_auth(&token).json(&body).send().await?;
                if res.status() != reqwest::StatusCode::CREATED {
                    anyhow::bail!("create failed: {}", res.status());
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }));
    }
    let t0 = Instant::now();
    for t in tasks {
        t.await??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64())
}

fn rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
