//! The `cairn` binary: the composition root. Reads configuration, opens the database,
//! and runs the server, workers, and the operator commands.

mod bench;
mod cmdb;
mod config;
mod limits;

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use cairn_app::platform::admin::{Admin, CreateUser};
use cairn_app::{App, Db, SystemClock};
use clap::{Parser, Subcommand};
use tokio::sync::watch;

use config::Config;

/// mimalloc returns freed memory to the system. With the C library's allocator, the
/// 19 MiB each password hash needs stayed in per-thread arenas after use: the demo
/// server held about 240 MB after loading instead of about 25 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cairn", version, about = "Cairn IT service management")]
struct Cli {
    /// Configuration file (default: ./cairn.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (web UI, API and background worker).
    Serve {
        /// Address to listen on (overrides CAIRN_LISTEN and the file).
        #[arg(long)]
        listen: Option<String>,
        /// Load the demo tenant on first start.
        #[arg(long)]
        demo: bool,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Load the demo data into an empty database.
    Demo,
    /// Users, tokens, tenants.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Audit trail checks.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Service levels.
    Sla {
        #[command(subcommand)]
        command: SlaCommand,
    },
    /// Configuration management: importing CIs and relations.
    Cmdb {
        #[command(subcommand)]
        command: cmdb::CmdbCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Bulk-load synthetic tickets (for benchmarks).
    Seed {
        #[arg(long, default_value_t = 100_000)]
        tickets: usize,
        /// Knowledge articles to add as well.
        #[arg(long, default_value_t = 0)]
        articles: usize,
        /// CIs to add as well, in sites of 1,000 with their relations.
        #[arg(long, default_value_t = 0)]
        cis: usize,
    },
    /// Benchmarks; figures go to docs/PERFORMANCE.md.
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a user; the password is read from standard input.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = ["admin", "agent", "requester"])]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, default_value = cairn_app::DEFAULT_TENANT)]
        tenant: String,
    },
    /// Issue an API token for a user; printed once.
    CreateToken {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
        #[arg(long, default_value = cairn_app::DEFAULT_TENANT)]
        tenant: String,
    },
    /// Disable a user: ends their sessions and revokes their tokens.
    DisableUser {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = cairn_app::DEFAULT_TENANT)]
        tenant: String,
    },
    /// Create another tenant.
    CreateTenant {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum SlaCommand {
    /// Recompute every ticket's clocks from the journal under the current definitions
    /// and list the clocks whose outcome changes; `--apply` stores the result.
    Replay {
        #[arg(long, default_value = "default")]
        tenant: String,
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every tenant's journal hash chain; exit 1 at the first fault.
    Verify,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let cfg = Config::load(cli.config.as_deref())?;
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&cfg.log).unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run(cli.command, cfg))
}

pub(crate) async fn open(cfg: &Config) -> anyhow::Result<App> {
    let now = jiff::Timestamp::now().as_millisecond();
    let db = Db::open(&cfg.database_url, now).await.with_context(|| format!("opening database {}", config::redact(&cfg.database_url)))?;
    let app = App::new(db, Arc::new(SystemClock))
        .with_mailer(cfg.mailer()?)
        .with_session_idle(std::time::Duration::from_secs(u64::from(cfg.session_idle_minutes) * 60));
    app.bootstrap().await?;
    Ok(app)
}

async fn run(cmd: Command, mut cfg: Config) -> anyhow::Result<()> {
    match cmd {
        Command::Serve { listen, demo } => {
            if let Some(l) = listen {
                cfg.listen = l;
            }
            serve(cfg, demo).await
        }
        Command::Migrate => {
            open(&cfg).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Demo => {
            let app = open(&cfg).await?;
            load_demo(&app).await
        }
        Command::Admin { command } => admin(command, &cfg).await,
        Command::Cmdb { command } => {
            let app = open(&cfg).await?;
            let code = cmdb::run(&app, command).await?;
            std::process::exit(code);
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let app = open(&cfg).await?;
            let mut failed = false;
            for t in app.verify_journal().await? {
                match t.fault {
                    None => println!("tenant {}: {} events, chain intact", t.tenant, t.events),
                    Some(f) => {
                        failed = true;
                        println!("tenant {}: FAULT {f:?} (after {} good events)", t.tenant, t.events);
                    }
                }
            }
            if failed {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Sla { command: SlaCommand::Replay { tenant, apply } } => {
            let app = open(&cfg).await?;
            let t = app.tenant_by_slug(&tenant).await?;
            let r = app.replay_slas(t.id, apply).await?;
            for (ticket, definition, target, before, after) in &r.changed {
                println!("{ticket}  {definition} / {target}: {before} -> {after}");
            }
            let verb = if apply { "stored" } else { "not stored (use --apply)" };
            println!(
                "replayed {} tickets, {} clocks in {:.2} s; {} change outcome, {verb}",
                r.tickets,
                r.clocks,
                r.millis as f64 / 1000.0,
                r.changed.len()
            );
            Ok(())
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&cairn_web::openapi_document())?);
            Ok(())
        }
        Command::Seed { tickets, articles, cis } => {
            let app = open(&cfg).await?;
            bench::seed(&app, tickets).await?;
            bench::seed_articles(&app, articles).await?;
            bench::seed_cis(&app, cis).await
        }
        Command::Bench { command } => bench::run(command, &cfg).await,
    }
}

async fn load_demo(app: &App) -> anyhow::Result<()> {
    eprintln!("loading demo data…");
    if app.load_demo(300).await? {
        println!("demo loaded: sign in as admin, alice (agent) or kim (requester), password '{}'", cairn_app::demo::DEMO_PASSWORD);
    } else {
        println!("the database already has tickets; demo not loaded");
    }
    Ok(())
}

async fn serve(cfg: Config, demo: bool) -> anyhow::Result<()> {
    let addr = cfg.listen_addr()?;
    tracing::info!(config = ?cfg, "starting");
    let file_limit = limits::raise_file_limit();
    let app = open(&cfg).await?;
    if demo {
        load_demo(&app).await?;
    }
    if !app.has_users().await? {
        eprintln!(
            "\nNo users yet. Create the first administrator:\n  cairn admin create-user --username admin --role admin --password-stdin\n\
             or start with demo data:  cairn serve --demo\n"
        );
    }
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    println!("Cairn listening on http://{}", listener.local_addr()?);
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = cfg.worker.then(|| {
        let app = app.clone();
        let name = format!("{}-{}", hostname(), std::process::id());
        tokio::spawn(async move { app.run_worker(name, stop_rx).await })
    });
    let web = cairn_web::WebConfig { secure_cookies: cfg.secure_cookies, limits: limits::server_limits(&cfg, file_limit) };
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                _ = ctrl_c => {}
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutting down");
    };
    cairn_web::serve(listener, app.clone(), web, shutdown).await?;
    let _ = stop_tx.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    app.db.close().await;
    Ok(())
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|s| s.trim().to_string()).unwrap_or_else(|_| "cairn".into())
}

async fn admin(cmd: AdminCommand, cfg: &Config) -> anyhow::Result<()> {
    let app = open(cfg).await?;
    match cmd {
        AdminCommand::CreateUser { username, role, display_name, email, password_stdin, tenant } => {
            let password = if password_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                let p = s.lines().next().unwrap_or_default().to_string();
                if p.is_empty() {
                    bail!("no password on standard input");
                }
                Some(p)
            } else {
                None
            };
            let t = app.tenant_by_slug(&tenant).await?;
            let req = CreateUser { username, display_name, email, role, password, organisation: None };
            let u = app.create_user(&Admin::Operator(t.id), req).await?;
            println!("created {} ({})", u.username, u.role.as_str());
        }
        AdminCommand::CreateToken { username, name, tenant } => {
            println!("{}", app.create_token(&tenant, &username, &name).await?);
        }
        AdminCommand::DisableUser { username, tenant } => {
            let t = app.tenant_by_slug(&tenant).await?;
            app.set_user_disabled(&Admin::Operator(t.id), &username, true).await?;
            println!("disabled {username}; sessions ended and tokens revoked");
        }
        AdminCommand::CreateTenant { slug, name } => {
            app.create_tenant(&slug, &name).await?;
            println!("created tenant {slug}");
        }
    }
    Ok(())
}
