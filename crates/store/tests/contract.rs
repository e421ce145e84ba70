//! The store's contract, run on SQLite and on PostgreSQL: the same behaviour from the
//! same calls, whichever database is underneath.
#![allow(clippy::unwrap_used)]

use cairn_store::tx;
use std::collections::HashSet;

use cairn_domain::ids::{GroupId, TenantId, TicketId, UserId};
use cairn_domain::platform::access::Role;
use cairn_domain::ticket::{Ticket, TicketKind};
use cairn_store::knowledge::{self, Article, Reader};
use cairn_store::platform::directory::{self, NewUser};
use cairn_store::request::{approvals, catalog};
use cairn_store::ticket::{self as tickets, watchers};
use cairn_store::{Backend, Conn, Db, StoreError, on_both_databases, platform::jobs, platform::journal, platform::tenants};

async fn open(url: &str) -> (Db, TenantId) {
    let db = Db::open(url, 0).await.unwrap();
    let t = db.write(tx!(|c| { tenants::insert(c, "t1", "T1", 0).await })).await.unwrap();
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
            db.write(tx!(|c| {
                jobs::enqueue(c, t, "k", &format!("{i}"), 0, 0).await?;
                journal::append(c, t, None, i, &[journal::Entry::action("job", i, "queued")]).await?;
                if i % 4 == 0 {
                    return Err(StoreError::Conflict("refused on purpose".into()));
                }
                Ok(())
            }))
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
    db.write(tx!(|c| {
        for i in 0..200 {
            jobs::enqueue(c, t, "k", &format!("{i}"), i, 0).await?;
        }
        Ok::<_, StoreError>(())
    }))
    .await
    .unwrap();
    let b = db.backend();
    let claim = |w: &'static str| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = db.write(tx!(|c| { jobs::claim(c, b, w, 1000, 60_000, 7).await })).await.unwrap();
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
    let again = db.write(tx!(|c| { jobs::claim(c, b, "c", 70_000, 60_000, 500).await })).await.unwrap();
    assert_eq!(again.len(), 200);
}

/// Ticket numbers are dense and separate per tenant and prefix.
async fn numbers_are_per_tenant(url: String) {
    let (db, t1) = open(&url).await;
    let t2 = db.write(tx!(|c| { tenants::insert(c, "t2", "T2", 0).await })).await.unwrap();
    let n = db
        .write(tx!(|c| {
            let a = tenants::next_number(c, t1, "INC").await?.seq;
            let b = tenants::next_number(c, t1, "INC").await?.seq;
            let x = tenants::next_number(c, t2, "INC").await?.seq;
            Ok::<_, StoreError>((a, b, x))
        }))
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
            db.write(tx!(|c| {
                let e = [journal::Entry::action("ticket", i, "created"), journal::Entry::action("ticket", i, "updated")];
                journal::append(c, t, None, i, &e).await
            }))
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

/// One tenant's rows in every table reached through a parent: a group member, a
/// request with a watcher, a task and the catalog item it ordered (for one organisation),
/// and an article (for that organisation) with a version and feedback.
#[derive(Debug, Clone, Copy)]
struct Rows {
    t: TenantId,
    user: UserId,
    group: GroupId,
    request: TicketId,
    task: TicketId,
    item: cairn_domain::ids::CatalogItemId,
    article: cairn_domain::ids::ArticleId,
}

async fn ticket(c: &mut Conn, b: Backend, t: TenantId, kind: TicketKind, requester: UserId) -> Result<TicketId, StoreError> {
    let number = format!("{}{:07}", kind.prefix(), tenants::next_number(c, t, kind.prefix()).await?.seq);
    let tk = Ticket { tenant_id: t, number, title: "Laptop".into(), requester_id: requester, version: 1, ..Ticket::blank(kind) };
    tickets::insert(c, b, &tk).await
}

async fn rows_of(c: &mut Conn, b: Backend, t: TenantId) -> Result<Rows, StoreError> {
    let org = directory::insert_org(c, t, "Acme").await?;
    let new =
        NewUser { username: "ana", display_name: "Ana", email: None, role: Role::Agent, password_hash: None, organisation_id: Some(org) };
    let user = directory::insert_user(c, t, &new, 0).await?;
    let group = directory::insert_group(c, t, "Desk").await?;
    directory::add_member(c, t, group, user).await?;
    let request = ticket(c, b, t, TicketKind::Request, user).await?;
    let task = ticket(c, b, t, TicketKind::Task, user).await?;
    approvals::insert_task(c, t, task, request, 1).await?;
    watchers::add(c, t, request, user).await?;
    let item = catalog::Item {
        id: cairn_domain::ids::CatalogItemId(0),
        category: "Hardware".into(),
        name: "Laptop".into(),
        description: String::new(),
        icon: String::new(),
        delivery_days: 3,
        variables: "[]".into(),
        audience: cairn_domain::request::catalog::CatalogAudience::Orgs,
        orgs: vec![],
        active: true,
        approvals: "[]".into(),
        tasks: "[]".into(),
    };
    let item = catalog::save(c, t, &item, &[org], 0).await?;
    let ordered = catalog::Requested {
        item_id: item,
        item: String::new(),
        quantity: 1,
        answers: "{}".into(),
        approvals: "[]".into(),
        tasks: "[]".into(),
        form: "[]".into(),
    };
    catalog::insert_requested(c, t, request, &ordered, 0).await?;
    let mut a = Article {
        id: cairn_domain::ids::ArticleId(0),
        number: "KB0000001".into(),
        title: "Laptop setup".into(),
        body: "Plug it in.".into(),
        category: None,
        tags: vec![],
        audience: cairn_domain::knowledge::AudienceKind::Orgs,
        orgs: vec![],
        state: cairn_domain::knowledge::ArticleState::Published,
        owner: user,
        owner_name: String::new(),
        reviewer: None,
        reviewer_name: None,
        review_at: None,
        source: None,
        version: 1,
        views: 0,
        helpful: 0,
        not_helpful: 0,
        created_at: 0,
        updated_at: 0,
    };
    a.id = knowledge::insert(c, b, t, &a, &[org]).await?;
    knowledge::add_version(c, t, &a, Some(user), "first").await?;
    knowledge::add_feedback(c, t, a.id, user, true, "it helped", 0).await?;
    Ok(Rows { t, user, group, request, task, item, article: a.id })
}

/// The child tables, each with the parent its tenant must match.
const CHILDREN: [(&str, &str, &str); 8] = [
    ("group_members", "assignment_groups", "group_id"),
    ("ticket_watchers", "tickets", "ticket_id"),
    ("article_versions", "articles", "article_id"),
    ("article_orgs", "articles", "article_id"),
    ("article_feedback", "articles", "article_id"),
    ("catalog_item_orgs", "catalog_items", "item_id"),
    ("requested_items", "tickets", "ticket_id"),
    ("request_tasks", "tickets", "task_id"),
];

/// Rows reached through a parent carry the parent's tenant, and a tenant's reads and
/// writes never reach another tenant's members, watchers, tasks, requested items,
/// audiences, versions or feedback, even when handed that tenant's ids.
async fn child_rows_stay_in_their_tenant(url: String) {
    let (db, t1) = open(&url).await;
    let t2 = db.write(tx!(|c| { tenants::insert(c, "t2", "T2", 0).await })).await.unwrap();
    let b = db.backend();
    let (x, y) = db.write(tx!(|c| { Ok::<_, StoreError>((rows_of(c, b, t1).await?, rows_of(c, b, t2).await?)) })).await.unwrap();
    let mut c = db.read().await.unwrap();
    for (child, parent, key) in CHILDREN {
        let sql = format!(
            "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN x.tenant_id = p.tenant_id THEN 1 ELSE 0 END), 0) AS same \
             FROM {child} x JOIN {parent} p ON p.id = x.{key}"
        );
        let (n, same): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *c).await.unwrap();
        assert_eq!((n, same), (2, 2), "{child}: one row per tenant, each in its parent's tenant");
    }
    for (me, other) in [(x, y), (y, x)] {
        let t = me.t;
        // Its own rows, through its own ids.
        assert_eq!(watchers::list(&mut c, t, me.request).await.unwrap(), [(me.user, "ana".to_string())]);
        assert_eq!(approvals::tasks_of(&mut c, t, me.request).await.unwrap().iter().map(|k| k.id).collect::<Vec<_>>(), [me.task]);
        assert_eq!(approvals::request_of(&mut c, t, me.task).await.unwrap(), Some((me.request, 1)));
        assert_eq!(catalog::requested(&mut c, t, me.request).await.unwrap().len(), 1);
        assert_eq!(catalog::item(&mut c, t, Some(me.user), me.item).await.unwrap().unwrap().orgs, ["Acme"]);
        let read = knowledge::by_number(&mut c, t, "KB0000001", Reader::Requester(me.user)).await.unwrap().unwrap();
        assert_eq!((read.id, read.orgs), (me.article, vec!["Acme".to_string()]));
        assert_eq!(knowledge::versions(&mut c, t, me.article).await.unwrap().len(), 1);
        assert_eq!(knowledge::feedback(&mut c, t, me.article).await.unwrap().len(), 1);
        assert!(knowledge::gave_feedback(&mut c, t, me.article, me.user).await.unwrap());
        assert!(directory::is_member(&mut c, t, me.group, me.user).await.unwrap());
        assert_eq!(directory::assignable_members(&mut c, t, me.group).await.unwrap(), [me.user]);
        // Nothing of the other tenant's, even through the other tenant's ids.
        assert!(watchers::list(&mut c, t, other.request).await.unwrap().is_empty());
        assert!(approvals::tasks_of(&mut c, t, other.request).await.unwrap().is_empty());
        assert_eq!(approvals::request_of(&mut c, t, other.task).await.unwrap(), None);
        assert!(catalog::requested(&mut c, t, other.request).await.unwrap().is_empty());
        assert!(catalog::item(&mut c, t, Some(other.user), other.item).await.unwrap().is_none());
        assert!(knowledge::versions(&mut c, t, other.article).await.unwrap().is_empty());
        assert!(knowledge::feedback(&mut c, t, other.article).await.unwrap().is_empty());
        assert!(!knowledge::gave_feedback(&mut c, t, other.article, other.user).await.unwrap());
        assert!(!directory::is_member(&mut c, t, other.group, other.user).await.unwrap());
        assert!(directory::members(&mut c, t, other.group).await.unwrap().is_empty());
        assert!(directory::assignable_members(&mut c, t, other.group).await.unwrap().is_empty());
    }
    drop(c);
    // Writes through the other tenant's ids change nothing there.
    let removed = db
        .write(tx!(|c| {
            let removed = watchers::remove(c, x.t, y.request, y.user).await?;
            watchers::move_all(c, x.t, y.request, x.request).await?;
            Ok::<_, StoreError>(removed)
        }))
        .await
        .unwrap();
    assert!(!removed);
    let mut c = db.read().await.unwrap();
    assert_eq!(watchers::list(&mut c, y.t, y.request).await.unwrap(), [(y.user, "ana".to_string())]);
    assert_eq!(watchers::list(&mut c, x.t, x.request).await.unwrap(), [(x.user, "ana".to_string())]);
}

on_both_databases!(
    failed_write_is_rolled_back_alone,
    two_workers_never_claim_one_job,
    numbers_are_per_tenant,
    concurrent_appends_keep_one_chain,
    child_rows_stay_in_their_tenant
);
