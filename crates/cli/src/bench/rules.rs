//! Benches of the pure rules and of the jobs that read history: routing, SLA clocks, SLA replay, recurring incidents.

use std::time::{Duration, Instant};

use cairn_app::App;
use cairn_app::demo::Rng;
use cairn_app::platform::admin::Admin;
use cairn_store::ticket as tickets;

use super::http::rss_mb;
use super::seed::WORDS;

/// N rules of the shapes a service desk writes (keywords, categories, services,
/// priorities), none of which match the sample tickets until the last: the worst case,
/// every rule is tried.
pub(super) fn routing_bench(rules: usize, tickets: usize) -> anyhow::Result<()> {
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
                id: cairn_domain::ids::RuleId(i as i64),
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

pub(super) fn sla_bench(tickets: usize) -> anyhow::Result<()> {
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
        id: cairn_domain::ids::DefinitionId(1),
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

pub(super) async fn sla_replay_bench(app: &App) -> anyhow::Result<()> {
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
    def.id = existing.iter().find(|d| d.name == def.name).map_or(cairn_domain::ids::DefinitionId(0), |d| d.id);
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
    def.id = definitions().await?.iter().find(|d| d.name == def.name).map_or(cairn_domain::ids::DefinitionId(0), |d| d.id);
    app.save_sla_definition(&op, def).await?;
    let r = app.replay_slas(t.id, true).await?;
    println!(
        "after the resolution target changes from 16 h to 8 h: {} clocks change outcome; replay took {:.2} s",
        r.changed.len(),
        r.millis as f64 / 1000.0
    );
    Ok(())
}

pub(super) async fn recurring_bench(app: &App, window_days: i64, min_incidents: usize) -> anyhow::Result<()> {
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
