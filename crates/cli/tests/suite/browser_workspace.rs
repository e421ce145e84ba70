//! The workspace's newer pieces in real Chromium against `serve --demo`: the assignee
//! list follows the chosen group and `a` says when you are not a member instead of
//! sending a refused save; the bell's unread count and the inbox; the main menu folding
//! under 768 px; the skip link; the accessibility check on the inbox.

use std::time::Duration;

use crate::browser::Driver;
use crate::common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workspace_follows_groups_counts_news_and_folds_on_a_phone() {
    let (_d, dir) = temp();
    let server = Server::start_with(&dir, &["--demo"]);
    let Some(b) = Driver::start(&dir.join("profile")).await else { return };
    let base = &server.base;
    b.sign_in(base, "alice", cairn_app::demo::DEMO_PASSWORD).await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    // A ticket moved to Network offers Network's members; alice is not one.
    b.goto(&format!("{base}/tickets?group=Service%20Desk")).await;
    b.click("table.queue tbody tr:first-child td.num a").await;
    b.wait_for("Conversation").await;
    b.eval(
        "var g = document.getElementById('f-group'); g.value = 'Network'; g.dispatchEvent(new Event('change', {bubbles: true})); return 1",
    )
    .await;
    b.wait_for("Saved.").await;
    let offered =
        b.eval("return Array.from(document.querySelectorAll('#f-assignee option')).filter(o => !o.disabled).map(o => o.value)").await;
    assert_eq!(offered, json!(["", "dmitri", "erin"]), "only Network's members and Unassigned");
    b.eval("document.activeElement.blur(); return 1").await;
    b.keys("a").await;
    let msg = b.wait_for("You are not a member of Network").await;
    assert!(!msg.contains("is not a member of the ticket's group"), "no refused save was sent: {msg}");
    let after = b.eval("return document.getElementById('f-assignee').value").await;
    assert_ne!(after, json!("alice"), "alice did not take a Network ticket");

    // The bell shows what the inbox holds unread; marking all read empties it.
    b.goto(&format!("{base}/notifications")).await;
    b.wait_for("Notifications").await;
    let summary = b.eval("return document.getElementById('inbox-summary').textContent").await;
    let unread: u64 = summary.as_str().unwrap().split(' ').next().unwrap().parse().unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let bell = b.eval("return document.getElementById('bell-count').textContent").await;
    assert_eq!(bell, json!(if unread > 0 { unread.to_string() } else { String::new() }), "the bell counts the unread");
    if unread > 0 {
        b.click("#read-all button").await;
        b.wait_for("Nothing unread.").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(b.eval("return document.getElementById('bell-count').textContent").await, json!(""));
    }
    b.screenshot("notifications").await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/a11y/node_modules/axe-core/axe.min.js");
    if let Ok(axe) = std::fs::read_to_string(path) {
        assert_eq!(b.accessibility(&axe).await, Vec::<String>::new(), "the inbox passes the accessibility check");
    }

    // The first Tab reaches the skip link.
    b.goto(&format!("{base}/tickets")).await;
    b.wait_for("Ticket queue").await;
    b.keys("\u{E004}").await;
    assert_eq!(b.eval("return document.activeElement.className").await, json!("skip"));

    // On a phone the menu starts folded and the header stays short.
    b.cmd(reqwest::Method::POST, "/window/rect", json!({"width": 390, "height": 844})).await;
    b.goto(&format!("{base}/tickets")).await;
    b.wait_for("Ticket queue").await;
    assert_eq!(b.eval("return document.getElementById('menu').open").await, json!(false));
    let header = b.eval("return document.querySelector('header.top').getBoundingClientRect().height").await.as_f64().unwrap();
    assert!(header < 200.0, "the header takes {header} px of 844");
    b.screenshot("mobile-header").await;
    b.click("#menu > summary").await;
    assert_eq!(b.eval("return document.getElementById('menu').open").await, json!(true));
    b.cmd(reqwest::Method::DELETE, "", json!(null)).await;
}
