//! People and groups in the admin pages, in real Chromium against `serve --demo`: an
//! administrator adds an agent, puts them in a group, sees them on the group's page;
//! times are shown in the desk's zone and name it; the pages pass the accessibility
//! check.

use std::time::Duration;

use crate::browser::Driver;
use crate::common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_an_agent_to_a_group_and_times_name_their_zone() {
    let (_d, dir) = temp();
    let server = Server::start_with(&dir, &["--demo"]);
    let Some(b) = Driver::start(&dir.join("profile")).await else { return };
    let base = &server.base;
    let axe = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/a11y/node_modules/axe-core/axe.min.js")).ok();
    b.sign_in(base, "admin", cairn_app::demo::DEMO_PASSWORD).await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    b.goto(&format!("{base}/admin/users")).await;
    b.wait_for("Add a person").await;
    b.type_into("#new-username", "frank").await;
    b.type_into("#new-name", "Frank Castle").await;
    b.type_into("#new-email", "frank@example.com").await;
    b.select("#new-role", "agent").await;
    b.click("#new-person button[type=submit]").await;
    b.wait_for("Added.").await;
    assert_eq!(b.eval("return document.querySelector('h1').textContent").await, json!("Frank Castle frank"));
    b.click("#groups input[value='Network']").await;
    b.click("#groups button[type=submit]").await;
    b.wait_for("Groups saved.").await;
    b.screenshot("people-admin").await;
    if let Some(axe) = &axe {
        assert_eq!(b.accessibility(axe).await, Vec::<String>::new(), "the person's page passes the accessibility check");
    }
    b.click("#groups a[href='/admin/groups/Network']").await;
    let page = b.wait_for("Add a member").await;
    assert!(page.contains("Frank Castle"), "{page}");
    if let Some(axe) = &axe {
        assert_eq!(b.accessibility(axe).await, Vec::<String>::new(), "the group's page passes the accessibility check");
    }

    // The demo desk is in Berlin: the queue's times say so.
    b.goto(&format!("{base}/tickets")).await;
    b.wait_for("Ticket queue").await;
    let updated = b.eval("return document.querySelector('#queue tbody tr td:nth-child(9)').textContent.trim()").await;
    let updated = updated.as_str().unwrap();
    assert!(updated.ends_with(" CET") || updated.ends_with(" CEST"), "{updated}");
    b.cmd(reqwest::Method::DELETE, "", json!(null)).await;
}
