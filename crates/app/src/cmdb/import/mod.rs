//! Importing CIs and relations from a CSV or JSON file with reconciliation. The file
//! is streamed twice: first checked whole (a file that cannot be read is refused
//! before anything is written), then applied in chunks of [`CHUNK`] records, each one
//! transaction. Rows are matched to CIs by their class's identification rules, never
//! duplicated, and change only what their source may overwrite; running the same
//! file again changes nothing. The CLI (`cairn cmdb import`) and the background job
//! behind `POST /api/v1/cmdb/imports` run the same code.

mod chunk;
pub mod job;
pub mod read;
pub mod rows;

use cairn_store::tx;
use std::io::Read;

use cairn_domain::cmdb::class::ClassTree;
use cairn_domain::cmdb::reconcile::{self, Ranking};
use cairn_domain::ids::{TenantId, UserId};
use cairn_store::cmdb::sources;
use serde::Serialize;
use tokio::sync::{mpsc, watch};

use crate::{App, AppError};
use read::{FileError, Format, Record};

/// Records per transaction.
pub const CHUNK: usize = 500;

/// What an import is asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The class of rows that name none.
    pub class: Option<String>,
    /// Who the data comes from, for source precedence.
    pub source: String,
    /// Report what would happen; write nothing.
    pub dry_run: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refused {
    pub line: u64,
    pub reason: String,
}

/// What an import did (or, in a dry run, would do), row by row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub refused: Vec<Refused>,
}

impl Report {
    fn add(&mut self, other: Report) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.refused.extend(other.refused);
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Reading the whole file once to find what would stop it.
    #[default]
    Checking,
    Importing,
    Done,
}

/// How far an import is, for progress bars and the import's page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub phase: Phase,
    pub bytes: u64,
    /// The file's size as the check read it.
    pub total_bytes: Option<u64>,
    /// The file's records, once checked.
    pub records: Option<u64>,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub refused: u64,
}

/// Why an import did not run to its end.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read; nothing was written.
    #[error("{0}")]
    File(FileError),
    #[error(transparent)]
    App(#[from] AppError),
}

/// Opens the file to import, once per pass.
pub type Open<R> = Box<dyn Fn() -> std::io::Result<R> + Send + Sync>;

fn unreadable(e: &std::io::Error) -> ImportError {
    ImportError::File(FileError { line: None, message: format!("cannot read the file: {e}") })
}

/// Refuses, on the first record of a CSV file whose rows all take the given class,
/// a column that is neither a CI field nor an attribute of that class.
fn check_columns(tree: &ClassTree, class: Option<&str>, r: &Record) -> Result<(), FileError> {
    let Some(code) = class else { return Ok(()) };
    if r.cells.iter().any(|(n, _)| n == "class" || n == "type" || n == "from" || n.starts_with("from.")) {
        return Ok(());
    }
    match rows::row(tree, Some(code), &Record { line: 1, cells: r.cells.clone() }) {
        Err(why) if why.contains("not an attribute") || why.starts_with("unknown class") => {
            Err(FileError { line: Some(1), message: format!("column {why}") })
        }
        _ => Ok(()),
    }
}

impl App {
    /// Imports `format` records from what `open` opens into tenant `t`, journaled as
    /// `by` (none: the system). `tally` follows the progress.
    pub async fn import_cis<R: Read + Send + 'static>(
        &self,
        t: TenantId,
        by: Option<UserId>,
        options: &ImportOptions,
        format: Format,
        open: Open<R>,
        tally: &watch::Sender<Tally>,
    ) -> Result<Report, ImportError> {
        let source = reconcile::check_source(&options.source).map_err(AppError::from)?;
        let (tree, ranking) = {
            let mut c = self.db.read().await.map_err(AppError::from)?;
            let tree = crate::cmdb::tree(&mut c, t).await?;
            let ranking = Ranking::new(&sources::ranking(&mut c, t).await.map_err(AppError::from)?);
            (tree, ranking)
        };
        if let Some(code) = options.class.as_deref() {
            tree.find("class", code).map_err(AppError::from)?;
        }
        let open = std::sync::Arc::new(open);
        let records = check(open.clone(), format, tree.clone(), options.class.clone(), tally.clone()).await?;
        tally.send_modify(|x| {
            x.phase = Phase::Importing;
            x.records = Some(records);
            x.total_bytes = Some(x.bytes);
            x.bytes = 0;
        });
        let run = chunk::Run { t, by, source, ranking, class: options.class.clone(), dry_run: options.dry_run, now: self.now() };
        let (tx, mut rx) = mpsc::channel::<(Vec<Record>, u64)>(2);
        let reader = tokio::task::spawn_blocking(move || -> Result<u64, ImportError> {
            let r = open().map_err(|e| unreadable(&e))?;
            let mut batch = Vec::with_capacity(CHUNK);
            let n = read::read(format, r, |rec, bytes| {
                batch.push(rec);
                batch.len() < CHUNK || tx.blocking_send((std::mem::replace(&mut batch, Vec::with_capacity(CHUNK)), bytes)).is_ok()
            })
            .map_err(ImportError::File)?;
            if !batch.is_empty() {
                let _ = tx.blocking_send((batch, u64::MAX));
            }
            Ok(n)
        });
        let mut report = Report::default();
        let mut imagined = chunk::Imagined::default();
        let mut analyse_at = 2 * CHUNK as u64;
        while let Some((records, bytes)) = rx.recv().await {
            let n = records.len() as u64;
            let written = report.created + report.updated;
            if !run.dry_run && written >= analyse_at {
                // Each time the rows written double, the planner learns the tables' size.
                analyse_at = written * 2;
                let backend = self.backend();
                self.db.write(tx!(|c| { Ok::<_, AppError>(cairn_store::cmdb::cis::refresh_statistics(c, backend).await?) })).await?;
            }
            let (done, next) = if run.dry_run {
                let mut c = self.db.read().await.map_err(AppError::from)?;
                chunk::apply(&mut c, &run, imagined, records).await?
            } else {
                let run = run.clone();
                self.db.write(tx!(|c| { chunk::apply(c, &run, imagined, records).await })).await?
            };
            imagined = next;
            report.add(done);
            tally.send_modify(|x| {
                x.bytes = if bytes == u64::MAX { x.total_bytes.unwrap_or(x.bytes) } else { bytes };
                x.rows += n;
                x.created = report.created;
                x.updated = report.updated;
                x.unchanged = report.unchanged;
                x.refused = report.refused.len() as u64;
            });
        }
        reader.await.map_err(|e| AppError::Internal(e.to_string()))??;
        tally.send_modify(|x| x.phase = Phase::Done);
        Ok(report)
    }
}

/// The first pass: reads the whole file without applying it. Returns its records.
async fn check<R: Read + Send + 'static>(
    open: std::sync::Arc<Open<R>>,
    format: Format,
    tree: ClassTree,
    class: Option<String>,
    tally: watch::Sender<Tally>,
) -> Result<u64, ImportError> {
    tokio::task::spawn_blocking(move || {
        let r = open().map_err(|e| unreadable(&e))?;
        let mut first = true;
        let mut bad_columns = None;
        let n = read::read(format, r, |rec, bytes| {
            if first && format == Format::Csv {
                first = false;
                if let Err(e) = check_columns(&tree, class.as_deref(), &rec) {
                    bad_columns = Some(e);
                    return false;
                }
            }
            tally.send_modify(|x| x.bytes = bytes);
            true
        })
        .map_err(ImportError::File)?;
        match bad_columns {
            Some(e) => Err(ImportError::File(e)),
            None => Ok(n),
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}
