//! Migrations that move data carry every row written before them, on SQLite and on
//! PostgreSQL.
#![allow(clippy::unwrap_used)]

use cairn_domain::platform::access::{Role, Scope};
use cairn_store::knowledge::{self, Reader};
use cairn_store::platform::directory::{self, NewUser};
use cairn_store::ticket as tickets;
use cairn_store::tx;
use cairn_store::{Db, on_both_databases, platform::tenants};

/// 0026 turns the ",a,b," text of ticket tags, affected items and article tags into rows,
/// keeping their order; empty text gives none.
async fn labels_leave_their_columns_for_tables(url: String) {
    let db = Db::connect(&url).await.unwrap();
    db.migrate_through(25, 0).await.unwrap();
    let t = db
        .write(tx!(|c| {
            let t = tenants::insert(c, "t1", "T1", 0).await?;
            let user = NewUser {
                username: "ann",
                display_name: "Ann",
                email: None,
                role: Role::Agent,
                password_hash: None,
                organisation_id: None,
            };
            let u = directory::insert_user(c, t, &user, 0).await?;
            for (number, tags, affected) in
                [("INC-1", ",vpn,wifi,", ",mail-01,core switch,"), ("INC-2", "", ""), ("INC-3", ",printer,", "")]
            {
                sqlx::query(
                    "INSERT INTO tickets (tenant_id, kind, number, title, description, status, impact, urgency, priority, \
                         requester_id, version, created_at, updated_at, tags, affected) \
                         VALUES ($1, 'incident', $2, 'x', '', 'new', 3, 3, 3, $3, 1, 0, 0, $4, $5)",
                )
                .bind(t.0)
                .bind(number)
                .bind(u.0)
                .bind(tags)
                .bind(affected)
                .execute(&mut *c)
                .await?;
            }
            sqlx::query(
                "INSERT INTO articles (tenant_id, number, title, body, audience, state, owner_id, version, created_at, updated_at, tags) \
                     VALUES ($1, 'KB-1', 'x', 'y', 'internal', 'draft', $2, 1, 0, 0, ',zeta,alpha,')",
            )
            .bind(t.0)
            .bind(u.0)
            .execute(&mut *c)
            .await?;
            Ok::<_, cairn_store::StoreError>(t)
        }))
        .await
        .unwrap();
    db.migrate(0).await.unwrap();

    let mut c = db.read().await.unwrap();
    let s = Scope::system(t);
    let one = tickets::by_number(&mut c, &s, "INC-1").await.unwrap().unwrap();
    assert_eq!((one.tags, one.affected), (vec!["vpn".to_string(), "wifi".into()], vec!["mail-01".to_string(), "core switch".into()]));
    let two = tickets::by_number(&mut c, &s, "INC-2").await.unwrap().unwrap();
    assert!(two.tags.is_empty() && two.affected.is_empty());
    let three = tickets::by_number(&mut c, &s, "INC-3").await.unwrap().unwrap();
    assert_eq!((three.tags, three.affected), (vec!["printer".to_string()], vec![]));
    let kb = knowledge::by_number(&mut c, t, "KB-1", Reader::Staff).await.unwrap().unwrap();
    assert_eq!(kb.tags, vec!["zeta".to_string(), "alpha".into()], "an article's tags keep the order they were given in");
}

on_both_databases!(labels_leave_their_columns_for_tables);

/// 0031 fills each tenant's search vocabulary from the tickets and articles written
/// before it, words as written, and no word of one tenant in another's.
async fn the_vocabulary_learns_what_was_written_before_it(url: String) {
    let db = Db::connect(&url).await.unwrap();
    db.migrate_through(30, 0).await.unwrap();
    let (t1, t2) = db
        .write(tx!(|c| {
            let mut ids = Vec::new();
            for (slug, title, body) in [("t1", "Password expired", "Outlook asks again"), ("t2", "Kubernetes node down", "")] {
                let t = tenants::insert(c, slug, slug, 0).await?;
                let user = NewUser {
                    username: "ann",
                    display_name: "Ann",
                    email: None,
                    role: Role::Agent,
                    password_hash: None,
                    organisation_id: None,
                };
                let u = directory::insert_user(c, t, &user, 0).await?;
                sqlx::query(
                    "INSERT INTO tickets (tenant_id, kind, number, title, description, status, impact, urgency, priority, \
                         requester_id, version, created_at, updated_at) \
                         VALUES ($1, 'incident', 'INC-1', $2, $3, 'new', 3, 3, 3, $4, 1, 0, 0)",
                )
                .bind(t.0)
                .bind(title)
                .bind(body)
                .bind(u.0)
                .execute(&mut *c)
                .await?;
                ids.push(t);
            }
            Ok::<_, cairn_store::StoreError>((ids[0], ids[1]))
        }))
        .await
        .unwrap();
    db.migrate(0).await.unwrap();

    let mut c = db.read().await.unwrap();
    let words: Vec<String> = ["password", "outlook", "kubernetes", "asks"].iter().map(|w| w.to_string()).collect();
    let b = db.backend();
    let one = cairn_store::search::known(&mut c, b, t1, &words).await.unwrap();
    assert_eq!(one.into_iter().collect::<Vec<_>>(), vec!["asks".to_string(), "outlook".into(), "password".into()]);
    let two = cairn_store::search::known(&mut c, b, t2, &words).await.unwrap();
    assert_eq!(two.into_iter().collect::<Vec<_>>(), vec!["kubernetes".to_string()]);
    assert_eq!(cairn_store::search::near(&mut c, t1, "pasword").await.unwrap(), vec!["password".to_string()]);
}

on_both_databases!(the_vocabulary_learns_what_was_written_before_it);

/// A record's labels are read by their owner's key, not by scanning every label of the
/// tenant through the label index (which, holding the owner too, once covered the read
/// and was chosen while SQLite had no table statistics).
#[tokio::test]
async fn labels_of_a_record_are_read_by_its_key() {
    use sqlx::Row;
    let test = cairn_store::testing::TestDb::sqlite();
    let db = Db::connect(&test.url()).await.unwrap();
    db.migrate(0).await.unwrap();
    let mut c = db.read().await.unwrap();
    for (owner, table, key, label) in [
        ("tickets", "ticket_tags", "ticket_id", "tag"),
        ("tickets", "ticket_affected", "ticket_id", "item"),
        ("articles", "article_tags", "article_id", "tag"),
    ] {
        // The store's own read (a subquery in position order) and any other (a count).
        let of_row = format!("FROM {table} l WHERE l.tenant_id = x.tenant_id AND l.{key} = x.id");
        let reads = [
            format!("SELECT string_agg(y.{label}, ',') FROM (SELECT l.{label} {of_row} ORDER BY l.position) y"),
            format!("SELECT count(l.{label}) {of_row}"),
        ];
        for read in reads {
            let sql = format!("EXPLAIN QUERY PLAN SELECT ({read}) FROM {owner} x");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await.unwrap();
            let plan: Vec<String> = rows.iter().map(|r| r.get::<String, _>("detail")).collect();
            assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE")), "{table}: a sort for every row for {read}: {plan:?}");
            assert!(
                plan.iter().any(|step| step.contains(&format!("(tenant_id=? AND {key}=?)"))),
                "{table} is not read by its owner's key for {read}: {plan:?}"
            );
        }
    }
}
