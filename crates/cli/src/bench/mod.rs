//! `cairn seed` and `cairn bench`: load synthetic tickets and measure the server over
//! real HTTP on loopback. Figures are recorded in docs/PERFORMANCE.md.

use std::time::Duration;

use cairn_app::demo::Rng;
use cairn_app::platform::admin::{Admin, CreateUser};
use cairn_app::{App, AppError};
use cairn_domain::ticket::TicketKind;
use cairn_store::ticket as tickets;
use clap::Subcommand;

use crate::config::Config;

mod assets;
mod cmdb;
mod cmdb_import;
mod http;
mod rules;
mod seed;

pub use cmdb::seed_cis;
use http::{create_load, measure, rss_mb};
use rules::{recurring_bench, routing_bench, sla_bench, sla_replay_bench};
use seed::{GROUPS, TOPICS, WORDS};
pub use seed::{seed, seed_articles};

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
    /// Process memory before and after loading the demo (300 incidents, users with
    /// hashed passwords) into the configured, empty database.
    DemoMemory,
    /// Impact analysis and CI reads over HTTP (seed CIs first: `cairn seed --tickets 0 --cis 1000000`).
    Cmdb {
        #[arg(long, default_value_t = 500)]
        requests: usize,
    },
    /// CSV import with reconciliation into the configured database: N servers created,
    /// the same file again, one row in ten changed, N/2 relations by serial numbers.
    CmdbImport {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
    },
    /// The asset register at scale on the configured database (seeded up to the counts
    /// given): the portfolio's book value on a date, licence compliance, and the asset
    /// list over HTTP.
    Assets {
        #[arg(long, default_value_t = 1_000_000)]
        assets: usize,
        #[arg(long, default_value_t = 100_000)]
        installations: usize,
        #[arg(long, default_value_t = 300)]
        requests: usize,
    },
}

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
pub async fn run(cmd: BenchCommand, cfg: &Config) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Routing { rules, tickets } => routing_bench(rules, tickets),
        BenchCommand::Sla { tickets } => sla_bench(tickets),
        BenchCommand::SlaReplay => sla_replay_bench(&crate::open(cfg).await?).await,
        BenchCommand::Recurring { window_days, min_incidents } => {
            recurring_bench(&crate::open(cfg).await?, window_days, min_incidents).await
        }
        BenchCommand::Cmdb { requests } => cmdb::cmdb_bench(&crate::open(cfg).await?, requests).await,
        BenchCommand::Assets { assets, installations, requests } => {
            assets::assets_bench(&crate::open(cfg).await?, assets, installations, requests).await
        }
        BenchCommand::CmdbImport { rows } => cmdb_import::cmdb_import_bench(&crate::open(cfg).await?, rows).await,
        BenchCommand::DemoMemory => {
            let app = crate::open(cfg).await?;
            let before = rss_mb();
            anyhow::ensure!(app.load_demo(300).await?, "the database already has tickets: point it at an empty one");
            tokio::time::sleep(Duration::from_secs(2)).await;
            println!("process RSS: {before} MB before loading the demo, {} MB after", rss_mb());
            Ok(())
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
            // A word typed with a letter missing ("pasword"): nothing matches, so the
            // search is run again with the word the vocabulary says was meant.
            let mut rng = Rng(24);
            let typos = measure(requests, |_| {
                let word = WORDS.iter().filter(|w| w.len() >= 5).nth(rng.below(10)).expect("ten long words");
                let typo = format!("{}{}", &word[..2], &word[3..]);
                client.get(format!("{base}/api/v1/search?q={typo}&limit=10")).bearer_auth(&token).send()
            })
            .await?;
            println!("tickets + articles together (2 words, 10 of each): {both}");
            println!("one mistyped word, corrected (10 of each):         {typos}");
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
