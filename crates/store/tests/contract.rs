//! The store's contract, run on SQLite and on PostgreSQL: the same behaviour from the
//! same calls, whichever database is underneath.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use cairn_domain::ids::TenantId;
use cairn_store::{Db, StoreError, on_both_databases, platform::jobs, platform::journal, platform::tenants};

async fn open(url: &str) -> (Db, TenantId) {
    let db = Db::open(url, 0).await.unwrap();
    let t = db.write(|c| Box::pin(async move { tenants::insert(c, "t1", "T1", 0).await })).await.unwrap();
    (db, t)
}

/// A failing use case leaves nothing behind, and does not take its neighbours in the
/// same group commit down with it.
async fn failed_write_is_rolled_back_alone(url: String) {
    let (db, t) = open(&url).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.write(move |c| {
                Box::pin(async move {
                    jobs::enqueue(c, t, "k", &format!("{i}"), 0, 0).await?;
                    journal::append(c, t, None, i, &[journal::Entry::action("job", i, "queued")]).await?;
                    if i % 4 == 0 {
                        return Err(StoreError::Conflict("refused on purpose".into()));
                    }
                    Ok(())
                })
            })
            .await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 30);
    let mut c = db.read().await.unwrap();
    assert_eq!(jobs::pending(&mut c).await.unwrap(), 30, "the refused ten left no job behind");
    let events = journal::page(&mut c, t, 0, 100).await.unwrap();
    assert_eq!(events.len(), 30, "nor a journal event");
    assert!(events.iter().all(|e| e.event.entity_id % 4 != 0));
    assert_eq!(journal::head(&mut c, t).await.unwrap().0, 30);
}

/// Two workers claiming at once never get the same job, and every job is claimed.
async fn two_workers_never_claim_one_job(url: String) {
    let (db, t) = open(&url).await;
    db.write(move |c| {
        Box::pin(async move {
            for i in 0..200 {
                jobs::enqueue(c, t, "k", &format!("{i}"), i, 0).await?;
            }
            Ok::<_, StoreError>(())
        })
    })
    .await
    .unwrap();
    let b = db.backend();
    let claim = |w: &'static str| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = db.write(move |c| Box::pin(async move { jobs::claim(c, b, w, 1000, 60_000, 7).await })).await.unwrap();
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch.into_iter().map(|j| j.id));
            }
        })
    };
    let (a, bb) = tokio::join!(claim("a"), claim("b"));
    let (a, bb) = (a.unwrap(), bb.unwrap());
    let all: HashSet<_> = a.iter().chain(&bb).collect();
    assert_eq!(a.len() + bb.len(), 200, "every job claimed once");
    assert_eq!(all.len(), 200, "no job claimed twice");
    // A lease that has run out makes the job claimable again.
    let again = db.write(move |c| Box::pin(async move { jobs::claim(c, b, "c", 70_000, 60_000, 500).await })).await.unwrap();
    assert_eq!(again.len(), 200);
}

/// Ticket numbers are dense and separate per tenant and prefix.
async fn numbers_are_per_tenant(url: String) {
    let (db, t1) = open(&url).await;
    let t2 = db.write(|c| Box::pin(async move { tenants::insert(c, "t2", "T2", 0).await })).await.unwrap();
    let n = db
        .write(move |c| {
            Box::pin(async move {
                let a = tenants::next_number(c, t1, "INC").await?.seq;
                let b = tenants::next_number(c, t1, "INC").await?.seq;
                let x = tenants::next_number(c, t2, "INC").await?.seq;
                Ok::<_, StoreError>((a, b, x))
            })
        })
        .await
        .unwrap();
    assert_eq!(n, (1, 2, 1));
}

/// The journal chain is continuous across concurrent appends.
async fn concurrent_appends_keep_one_chain(url: String) {
    let (db, t) = open(&url).await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.write(move |c| {
                Box::pin(async move {
                    let e = [journal::Entry::action("ticket", i, "created"), journal::Entry::action("ticket", i, "updated")];
                    journal::append(c, t, None, i, &e).await
                })
            })
            .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let mut c = db.read().await.unwrap();
    let events = journal::page(&mut c, t, 0, 1000).await.unwrap();
    let mut v = cairn_domain::platform::journal::Verifier::default();
    for e in &events {
        v.check(&e.event, &e.prev_hash, &e.hash).unwrap();
    }
    let (seq, head) = journal::head(&mut c, t).await.unwrap();
    assert_eq!(seq, 60);
    v.finish(seq, &head).unwrap();
}

on_both_databases!(
    failed_write_is_rolled_back_alone,
    two_workers_never_claim_one_job,
    numbers_are_per_tenant,
    concurrent_appends_keep_one_chain
);
