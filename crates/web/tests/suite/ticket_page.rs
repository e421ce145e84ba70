//! The ticket page is read in one call and says what it could not show: a side section
//! that fails leaves the rest of the page standing and is named on it, instead of
//! silently showing nothing. On SQLite and PostgreSQL.

use crate::common::{TestApp, signed_in};
use cairn_store::tx;
use cairn_store::{StoreError, on_both_databases};
use reqwest::StatusCode;

async fn a_section_that_cannot_be_read_is_named_on_the_page(url: String) {
    let t = TestApp::spawn(url).await;
    let (alice, _) = signed_in(&t, "alice", "agent").await;
    let token = t.user("default", "root", "admin").await;
    let number = t.create(&token, "Printer jams").await["number"].as_str().unwrap().to_string();

    let (status, page) = alice.get(&format!("/tickets/{number}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("Could not show"), "{page}");

    // The canned responses can no longer be read.
    t.app
        .db
        .write(tx!(|c| {
            sqlx::raw_sql("DROP TABLE canned_responses").execute(c).await.map_err(|e| StoreError::Config(e.to_string()))?;
            Ok::<_, StoreError>(())
        }))
        .await
        .unwrap();
    let (status, page) = alice.get(&format!("/tickets/{number}")).await;
    assert_eq!(status, StatusCode::OK, "the rest of the page still stands");
    assert!(page.contains("Printer jams"));
    assert!(page.contains("Could not show: canned responses."), "{page}");
}

on_both_databases!(a_section_that_cannot_be_read_is_named_on_the_page);
