//! `cairn bench cmdb-import`: the import of a CSV file of N servers into the configured
//! database, as `cairn cmdb import` runs it, then the same file again (every row
//! unchanged), a file with one row in ten changed, and N/2 relations found by the
//! serial numbers of both ends. Reports each run's time, rows per second and the
//! process's peak RSS during the run (the file is streamed, never held whole).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use cairn_app::App;
use cairn_app::cmdb::import::read::Format;
use cairn_app::cmdb::import::{ImportOptions, Report, Tally};
use tokio::sync::watch;

/// Writes the servers file: `changed_every` > 0 gives every such row another
/// operating system.
fn servers(path: &Path, run: &str, rows: usize, changed_every: usize) -> std::io::Result<()> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "name,serial_number,hostname,domain,manufacturer,model,operating_system,ip_address,cpu_cores,memory_gb,status")?;
    for i in 0..rows {
        let os = if changed_every > 0 && i % changed_every == 0 { "Debian 13" } else { "Debian 12" };
        writeln!(
            w,
            "srv-{run}-{i},SN-{run}-{i:07},srv{i},{run}.example,Dell,PowerEdge R{},{os},10.{}.{}.{},{},{}.5,operational",
            650 + i % 3 * 10,
            i / 65536 % 256,
            i / 256 % 256,
            i % 256,
            4 << (i % 4),
            16 << (i % 3)
        )?;
    }
    w.flush()
}

/// Each server `i` (even) connected to server `i + 1`, both found by serial number.
fn relations(path: &Path, run: &str, rows: usize) -> std::io::Result<()> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "type,from.serial_number,to.serial_number")?;
    for i in (0..rows.saturating_sub(1)).step_by(2) {
        writeln!(w, "connected_to,SN-{run}-{i:07},SN-{run}-{:07}", i + 1)?;
    }
    w.flush()
}

/// The peak RSS since the last reset, in MB; resetting it first when asked.
fn peak_rss_mb(reset: bool) -> u64 {
    if reset {
        // Linux: "5" resets the peak resident set size (VmHWM) to the current one.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .map_or(0, |kb| kb / 1024)
}

async fn timed(app: &App, what: &str, file: &Path, class: Option<&str>, rows: usize) -> anyhow::Result<Report> {
    let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?.id;
    let options = ImportOptions { class: class.map(str::to_string), source: "bench".into(), dry_run: false };
    let (tally, _watching) = watch::channel(Tally::default());
    let path: PathBuf = file.into();
    peak_rss_mb(true);
    let t0 = Instant::now();
    let report = app
        .import_cis(t, None, &options, Format::Csv, Box::new(move || std::fs::File::open(&path)), &tally)
        .await
        .map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{what:<34} {rows:>8} rows {secs:>7.1} s {:>8.0} rows/s  peak RSS {:>4} MB  ({} created, {} updated, {} unchanged, {} refused)",
        rows as f64 / secs,
        peak_rss_mb(false),
        report.created,
        report.updated,
        report.unchanged,
        report.refused.len()
    );
    Ok(report)
}

pub async fn cmdb_import_bench(app: &App, rows: usize) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("cairn-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    // Every run imports CIs of its own, so a database used before does not match them.
    let run = format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs());
    let (first, changed, rels) = (dir.join("servers.csv"), dir.join("servers-changed.csv"), dir.join("relations.csv"));
    servers(&first, &run, rows, 0)?;
    servers(&changed, &run, rows, 10)?;
    relations(&rels, &run, rows)?;
    let size = std::fs::metadata(&first)?.len();
    println!("{rows} servers, a CSV of {:.1} MB; process RSS before: {} MB", size as f64 / 1e6, super::http::rss_mb());
    let outcome = async {
        let r = timed(app, "create", &first, Some("server"), rows).await?;
        anyhow::ensure!(r.created == rows as u64, "every server created: {r:?}");
        let r = timed(app, "the same file again", &first, Some("server"), rows).await?;
        anyhow::ensure!(r.unchanged == rows as u64, "every row unchanged: {r:?}");
        let r = timed(app, "one row in ten changed", &changed, Some("server"), rows).await?;
        anyhow::ensure!(r.updated == rows.div_ceil(10) as u64, "one in ten updated: {r:?}");
        let r = timed(app, "relations by serial numbers", &rels, None, rows / 2).await?;
        anyhow::ensure!(r.refused.is_empty(), "every relation made: {:?}", r.refused.first());
        timed(app, "the same relations again", &rels, None, rows / 2).await?;
        Ok(())
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}
