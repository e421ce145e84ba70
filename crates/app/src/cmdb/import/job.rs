//! Imports through the API: the uploaded file is kept in parts in the database (any
//! instance's worker can run it), then a background job runs the import, recording
//! its progress every second and its report at the end.

use cairn_store::tx;
use std::io::Write;
use std::time::Duration;

use cairn_domain::cmdb::ImportState;
use cairn_domain::ids::{ImportId, TenantId};
use cairn_domain::platform::access::Actor;
use cairn_store::cmdb::imports::{self as store, ImportRow, NewImport, Progress};
use cairn_store::platform::jobs;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::read::Format;
use super::{ImportError, ImportOptions, Phase, Report, Tally};
use crate::platform::worker::Job;
use crate::{App, AppError, Result, agents_only};

/// The most of a file the API takes; larger files go through `cairn cmdb import`.
pub const MAX_UPLOAD: u64 = 100 * 1024 * 1024;
/// Refused rows kept in the import's report (all are counted).
pub const REFUSED_KEPT: usize = 1000;
/// A run that has not reported for this long is taken as dead and may be run again.
const SILENT_MS: i64 = 120_000;

/// Runs the import numbered `import`.
#[derive(Debug, Serialize, Deserialize)]
pub struct RunImport {
    pub import: ImportId,
}

impl Job for RunImport {
    const KIND: &'static str = "cmdb_import";

    async fn run(self, app: &App, t: TenantId) -> Result<(), String> {
        app.run_import(t, self.import).await.map_err(|e| e.to_string())
    }
}

fn progress(state: ImportState, x: &Tally, refused: String, error: Option<String>, finished_at: Option<i64>) -> Progress {
    Progress {
        state,
        bytes_done: x.bytes as i64,
        rows_done: x.rows as i64,
        created: x.created as i64,
        updated: x.updated as i64,
        unchanged: x.unchanged as i64,
        refused_count: x.refused as i64,
        refused,
        error,
        finished_at,
    }
}

impl App {
    /// Records a new import; its file follows in parts ([`App::add_import_part`]).
    pub async fn begin_import(&self, actor: &Actor, options: &ImportOptions, format: Format) -> Result<ImportId> {
        agents_only(actor)?;
        let source = cairn_domain::cmdb::reconcile::check_source(&options.source)?;
        let (t, by, now, o) = (actor.tenant_id, actor.user_id, self.now(), options.clone());
        self.db
            .write(tx!(|c| {
                if let Some(code) = o.class.as_deref() {
                    crate::cmdb::tree(c, t).await?.find("class", code)?;
                }
                let new = NewImport {
                    by: Some(by),
                    class: o.class.as_deref(),
                    source: &source,
                    format: format.as_str(),
                    dry_run: o.dry_run,
                    now,
                };
                Ok(store::insert(c, t, &new).await?)
            }))
            .await
    }

    /// Adds the next part of an import's file (while it is uploading).
    pub async fn add_import_part(&self, actor: &Actor, id: ImportId, seq: i64, data: Vec<u8>) -> Result<()> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        self.db.write(tx!(|c| { Ok(store::add_part(c, t, id, seq, data).await?) })).await
    }

    /// Ends the upload and queues the run.
    pub async fn queue_import(&self, actor: &Actor, id: ImportId) -> Result<ImportRow> {
        agents_only(actor)?;
        let (t, now) = (actor.tenant_id, self.now());
        self.db
            .write(tx!(|c| {
                if !store::set_state(c, t, id, ImportState::Uploading, ImportState::Queued, None, now).await? {
                    return Err(AppError::Conflict(format!("import {id} is not uploading")));
                }
                jobs::enqueue(c, t, RunImport::KIND, &RunImport { import: id }.payload()?, now, now).await?;
                store::by_id(c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("import {id}")))
            }))
            .await
    }

    /// Gives up an upload (too large, broken off): the import fails with `why` and its
    /// parts are dropped.
    pub async fn abandon_import(&self, actor: &Actor, id: ImportId, why: &str) -> Result<()> {
        agents_only(actor)?;
        let (t, now, why) = (actor.tenant_id, self.now(), why.to_string());
        self.db
            .write(tx!(|c| {
                store::set_state(c, t, id, ImportState::Uploading, ImportState::Failed, Some(&why), now).await?;
                Ok(store::drop_parts(c, t, id).await?)
            }))
            .await
    }

    pub async fn ci_import(&self, actor: &Actor, id: ImportId) -> Result<ImportRow> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        store::by_id(&mut c, actor.tenant_id, id).await?.ok_or_else(|| AppError::NotFound(format!("import {id}")))
    }

    /// The latest imports, newest first.
    pub async fn ci_imports(&self, actor: &Actor) -> Result<Vec<ImportRow>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::latest(&mut c, actor.tenant_id, 50).await?)
    }

    /// The job's work: takes the import (unless another run holds it), copies the file
    /// to a temporary file, runs it and records the outcome. A database failure puts
    /// the import back in the queue for the job's retry.
    pub(crate) async fn run_import(&self, t: TenantId, id: ImportId) -> Result<()> {
        let runner = format!("{}-{id}", std::process::id());
        let now = self.now();
        let claimed = self.db.write(tx!(|c| { store::claim(c, t, id, &runner, now, now - SILENT_MS).await })).await?;
        if !claimed {
            return Ok(());
        }
        let row = {
            let mut c = self.db.read().await?;
            store::by_id(&mut c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("import {id}")))?
        };
        let file = self.fetch_parts(t, id).await?;
        let format = Format::parse(&row.format).ok_or_else(|| AppError::Internal(format!("import {id}: format {}", row.format)))?;
        let options = ImportOptions { class: row.class.clone(), source: row.source.clone(), dry_run: row.dry_run };
        let by = row.created_by_id;
        let (tally, watching) = watch::channel(Tally::default());
        let reporter = self.report_progress(t, id, watching);
        let path = file.path().to_path_buf();
        let open = Box::new(move || std::fs::File::open(&path));
        let outcome = self.import_cis(t, by, &options, format, open, &tally).await;
        reporter.abort();
        let last = tally.borrow().clone();
        let now = self.now();
        let (state, report, error) = match outcome {
            Ok(r) => (ImportState::Done, r, None),
            Err(ImportError::File(e)) => (ImportState::Failed, Report::default(), Some(format!("{e}; nothing was imported"))),
            Err(ImportError::App(e @ AppError::Internal(_))) => {
                self.db
                    .write(tx!(|c| {
                        let from_running = store::set_state(c, t, id, ImportState::Running, ImportState::Queued, None, now).await?;
                        Ok::<_, AppError>(
                            from_running || store::set_state(c, t, id, ImportState::Checking, ImportState::Queued, None, now).await?,
                        )
                    }))
                    .await?;
                return Err(e);
            }
            Err(ImportError::App(e)) => (ImportState::Failed, Report::default(), Some(e.to_string())),
        };
        let kept: Vec<_> = report.refused.iter().take(REFUSED_KEPT).collect();
        let refused = serde_json::to_string(&kept).map_err(|e| AppError::Internal(e.to_string()))?;
        let p = progress(state, &last, refused, error, Some(now));
        self.db
            .write(tx!(|c| {
                store::set_progress(c, t, id, &p, now).await?;
                Ok::<_, AppError>(store::drop_parts(c, t, id).await?)
            }))
            .await
    }

    /// The import's file, from its parts, in a temporary file.
    async fn fetch_parts(&self, t: TenantId, id: ImportId) -> Result<tempfile::NamedTempFile> {
        let mut file = tempfile::NamedTempFile::new().map_err(|e| AppError::Internal(format!("temporary file: {e}")))?;
        let mut c = self.db.read().await?;
        let mut seq = 0;
        while let Some(part) = store::part(&mut c, t, id, seq).await? {
            file.write_all(&part).map_err(|e| AppError::Internal(format!("temporary file: {e}")))?;
            seq += 1;
        }
        file.flush().map_err(|e| AppError::Internal(format!("temporary file: {e}")))?;
        Ok(file)
    }

    /// Writes the tally to the import's row every second (which keeps the run's claim).
    fn report_progress(&self, t: TenantId, id: ImportId, mut watching: watch::Receiver<Tally>) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let x = watching.borrow_and_update().clone();
                let state = if x.phase == Phase::Checking { ImportState::Checking } else { ImportState::Running };
                let (p, now) = (progress(state, &x, "[]".into(), None, None), app.now());
                let written = app.db.write(tx!(|c| { store::set_progress(c, t, id, &p, now).await })).await;
                if let Err(e) = written {
                    tracing::warn!(error = %e, import = id.0, "could not record the import's progress");
                }
            }
        })
    }
}
