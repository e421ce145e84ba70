//! Synthetic data for `cairn seed` and the benches: tickets with a plausible history, and knowledge articles.

use cairn_app::demo::Rng;
use cairn_app::{App, AppError};
use cairn_domain::knowledge::{ArticleState, AudienceKind};
use cairn_domain::ticket::priority::{Level, PriorityMatrix};
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{Ticket, TicketKind};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;
use cairn_store::{platform::directory, platform::tenants, ticket as tickets};
use indicatif::{ProgressBar, ProgressStyle};

use super::bench_token;

pub(super) const WORDS: [&str; 12] =
    ["vpn", "printer", "laptop", "outlook", "password", "wifi", "display", "audio", "invoice", "account", "drive", "update"];
pub(super) const CATEGORIES: [&str; 6] =
    ["Network/VPN", "Hardware/Laptop", "Hardware/Printer", "Software/Email", "AV/Meeting room", "Access/Account"];
pub(super) const GROUPS: [&str; 5] = ["Service Desk", "Network", "Applications", "AV Support", "Desktop Support"];

pub(super) const TOPICS: [&str; 8] = ["reset", "install", "configure", "replace", "connect", "update", "clean", "restart"];

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
                id: cairn_domain::ids::ArticleId(0),
                number: String::new(),
                title: format!("How to {topic} the {w1} when the {w2} fails ({k})"),
                body: format!("## Symptom\n\nThe {w1} stops after the {w2} change.\n\n## Fix\n\n{}\n", steps.join("\n")),
                category: Some(CATEGORIES[rng.below(CATEGORIES.len())].to_string()),
                tags: vec![w1.to_string()],
                audience: if rng.below(2) == 0 { AudienceKind::Portal } else { AudienceKind::Internal },
                orgs: vec![],
                state: if published { ArticleState::Published } else { ArticleState::Draft },
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
            .write(tx!(|c| {
                let mut entries = Vec::with_capacity(rows.len());
                for mut a in rows {
                    a.number = format!("KB{:07}", tenants::next_number(c, tid, "KB").await?.seq);
                    a.id = kb::insert(c, backend, tid, &a, &[]).await?;
                    kb::add_version(c, tid, &a, Some(a.owner), "first version").await?;
                    let mut e = Entry::action("article", a.id.0, "created");
                    e.new = Some(a.number);
                    entries.push(e);
                }
                journal::append(c, tid, None, now, &entries).await?;
                Ok::<_, AppError>(())
            }))
            .await?;
        done += count;
        bar.set_position(done as u64);
    }
    bar.finish();
    println!("seeded {n} articles");
    Ok(())
}

/// Seeded resolved and closed tickets were resolved this long after being raised.
pub(super) const RESOLVED_AFTER: i64 = 20 * 3_600_000;

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
            .write(tx!(|c| {
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
            }))
            .await?;
        done += count;
        bar.set_position(done as u64);
    }
    bar.finish();
    println!("seeded {n} tickets");
    Ok(())
}
