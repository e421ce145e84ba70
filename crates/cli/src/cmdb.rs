//! `cairn cmdb import`: a CSV or JSON file of CIs or relations into the CMDB, with a
//! progress bar on a terminal and the report at the end. Exits 0 when every row was
//! applied or unchanged, 1 when some were refused, 2 when the file cannot be read.

use std::io::IsTerminal;
use std::path::PathBuf;

use cairn_app::App;
use cairn_app::cmdb::import::read::Format;
use cairn_app::cmdb::import::{ImportError, ImportOptions, Phase, Report, Tally};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::watch;

#[derive(Subcommand)]
pub enum CmdbCommand {
    /// Import CIs or relations from a .csv or .json file, reconciled with the CMDB.
    Import {
        file: PathBuf,
        /// The class of rows without a `class` column.
        #[arg(long)]
        class: Option<String>,
        /// The source of the data, for source precedence (e.g. sccm, discovery).
        #[arg(long)]
        source: String,
        /// Report what would happen; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The file's format when its name does not say (csv or json).
        #[arg(long)]
        format: Option<String>,
        #[arg(long, default_value = cairn_app::DEFAULT_TENANT)]
        tenant: String,
    },
}

/// Runs the command; returns the exit code.
pub async fn run(app: &App, cmd: CmdbCommand) -> anyhow::Result<i32> {
    let CmdbCommand::Import { file, class, source, dry_run, json, format, tenant } = cmd;
    let format = match format.as_deref().map(Format::parse).unwrap_or_else(|| Format::of_path(&file)) {
        Some(f) => f,
        None => {
            eprintln!("{}: say the format with --format csv or --format json (the name ends neither in .csv nor .json)", file.display());
            return Ok(2);
        }
    };
    let t = app.tenant_by_slug(&tenant).await?;
    let options = ImportOptions { class, source, dry_run };
    let (tally, watching) = watch::channel(Tally::default());
    let bar = std::io::stderr().is_terminal().then(|| progress(watching));
    let path = file.clone();
    let open = Box::new(move || std::fs::File::open(&path));
    let outcome = app.import_cis(t.id, None, &options, format, open, &tally).await;
    if let Some(b) = bar {
        b.abort();
    }
    let report = match outcome {
        Ok(r) => r,
        Err(ImportError::File(e)) => {
            eprintln!("{}: {e}; nothing was imported", file.display());
            return Ok(2);
        }
        Err(ImportError::App(e)) => {
            eprintln!("{}: {e}; nothing more was imported", file.display());
            return Ok(2);
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report, dry_run);
    }
    Ok(if report.refused.is_empty() { 0 } else { 1 })
}

fn print_report(r: &Report, dry_run: bool) {
    let verb = if dry_run { "would be " } else { "" };
    println!(
        "{} created, {} updated, {} unchanged, {} refused{}",
        r.created,
        r.updated,
        r.unchanged,
        r.refused.len(),
        if dry_run { " (dry run: nothing was written)" } else { "" }
    );
    if r.created + r.updated == 0 && r.refused.is_empty() {
        println!("nothing {verb}changed");
    }
    for x in &r.refused {
        println!("line {}: {}", x.line, x.reason);
    }
}

/// Draws the tally on standard error until the import ends: rows per second and the
/// time left, from the bytes read.
fn progress(mut watching: watch::Receiver<Tally>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template("{prefix:>9} {bar:30} {percent:>3}% {msg} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        let started = std::time::Instant::now();
        while watching.changed().await.is_ok() {
            let x = watching.borrow_and_update().clone();
            let prefix = match x.phase {
                Phase::Checking => "checking",
                Phase::Importing => "importing",
                Phase::Done => break,
            };
            bar.set_prefix(prefix);
            if let Some(total) = x.total_bytes {
                bar.set_length(total.max(1));
            }
            bar.set_position(x.bytes);
            let secs = started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!("{} rows, {:.0} rows/s, {} refused", x.rows, x.rows as f64 / secs, x.refused));
        }
        bar.finish_and_clear();
    })
}
