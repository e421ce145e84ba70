//! Bulk edit in real Chromium against `serve --demo`, by keyboard alone: open the queue,
//! choose two tickets (`j`, `x`), assign both (`b`, one confirmation), open one by its
//! number, reply and resolve it. Also: shift-click chooses a range, the queue's service
//! level is words and an icon, and the pages pass the accessibility check.

use std::time::Duration;

use crate::browser::Driver;
use crate::common::*;
use serde_json::{Value, json};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

fn axe() -> Option<String> {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/a11y/node_modules/axe-core/axe.min.js")).ok()
}

async fn chosen(b: &Driver) -> Value {
    b.eval("return Array.from(document.querySelectorAll('#queue input[name=n]:checked')).map(c => c.value)").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_bulk_assigns_then_replies_and_resolves_by_keyboard() {
    let (_d, dir) = temp();
    let server = Server::start_with(&dir, &["--demo"]);
    let Some(b) = Driver::start(&dir.join("profile")).await else { return };
    let base = &server.base;
    b.sign_in(base, "alice", cairn_app::demo::DEMO_PASSWORD).await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    b.goto(&format!("{base}/tickets?assignee=none")).await;
    b.wait_for("Ticket queue").await;
    // Service levels in words and an icon, not by colour alone.
    let badges = b.eval("return Array.from(document.querySelectorAll('#queue .sla-badge')).map(s => s.textContent.trim())").await;
    let badges: Vec<String> = badges.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert!(!badges.is_empty(), "the demo's open tickets run service-level clocks");
    for s in &badges {
        assert!(s.starts_with("⏱ Due in ") || s.starts_with("⚠ Overdue "), "{s}");
    }

    // Shift-click chooses the rows between; the header box clears the page.
    b.eval("var n = document.querySelectorAll('#queue input[name=n]'); n[0].click(); n[3].dispatchEvent(new MouseEvent('click', {shiftKey: true, bubbles: true})); return 1").await;
    assert_eq!(chosen(&b).await.as_array().unwrap().len(), 4, "rows 1 to 4");
    assert_eq!(b.eval("return document.getElementById('bulk-count').textContent").await, json!("4 tickets chosen"));
    b.eval("var a = document.getElementById('bulk-all'); a.click(); a.click(); return a.checked").await;
    assert_eq!(chosen(&b).await, json!([]));

    // Keyboard only from here: two rows, the bar, alice, the confirmation.
    b.eval("document.activeElement.blur(); return 1").await;
    b.keys("jxjx").await;
    let picked = chosen(&b).await;
    assert_eq!(picked.as_array().unwrap().len(), 2, "{picked}");
    assert_eq!(b.eval("return document.getElementById('bulk-count').textContent").await, json!("2 tickets chosen"));
    b.screenshot("bulk-edit").await;
    b.keys("b").await;
    assert_eq!(b.eval("return document.activeElement.id").await, json!("bulk-assignee"));
    b.keys("alice").await;
    assert_eq!(b.eval("return document.activeElement.value").await, json!("alice"));
    b.keys(&TAB.repeat(6)).await;
    assert_eq!(b.eval("return document.activeElement.name").await, json!("add_tag"));
    b.keys(ENTER).await;
    b.wait_for("Change 2 tickets?").await;
    if let Some(axe) = axe() {
        assert_eq!(b.accessibility(&axe).await, Vec::<String>::new(), "the confirmation passes the accessibility check");
    }
    b.keys(ENTER).await;
    let results = b.wait_for("Changed 2 of 2 tickets").await;
    assert_eq!(results.matches("assigned to alice").count(), 2, "{results}");
    if let Some(axe) = axe() {
        assert_eq!(b.accessibility(&axe).await, Vec::<String>::new(), "the results pass the accessibility check");
    }

    // Open the first by its number from the search box, reply, resolve.
    let first = picked[0].as_str().unwrap();
    b.keys("/").await;
    b.keys(first).await;
    b.keys(ENTER).await;
    b.wait_for("Conversation").await;
    b.eval("document.activeElement.blur(); return 1").await;
    b.keys("r").await;
    b.keys("Both are yours now.").await;
    b.keys(&format!("{TAB}{TAB}{ENTER}")).await;
    b.wait_for("Both are yours now.").await;
    b.eval("document.activeElement.blur(); return 1").await;
    b.keys("e").await;
    assert_eq!(b.eval("return document.activeElement.id").await, json!("f-code"));
    b.keys("solved").await;
    b.keys(&format!("{TAB}{TAB}{ENTER}")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    b.wait_for("Resolved").await;
    let status = b.eval("return document.getElementById('f-status').value").await;
    assert_eq!(status, json!("resolved"));
    b.cmd(reqwest::Method::DELETE, "", json!(null)).await;
}
