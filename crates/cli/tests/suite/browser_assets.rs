//! Assets in real Chromium against `serve --demo`: an agent adds a laptop in the
//! register and checks it out to a requester, the portfolio's chart draws its book
//! value, and the requester finds it in their equipment; each page passes the
//! accessibility check.

use std::time::Duration;

use crate::browser::Driver;
use crate::common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_checks_out_a_laptop_and_its_holder_sees_it() {
    let (_d, dir) = temp();
    let server = Server::start_with(&dir, &["--demo"]);
    let Some(b) = Driver::start(&dir.join("profile")).await else { return };
    let base = &server.base;
    let axe = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/a11y/node_modules/axe-core/axe.min.js")).ok();
    let check = |what: &'static str| {
        let (b, axe) = (&b, &axe);
        async move {
            if let Some(axe) = axe {
                assert_eq!(b.accessibility(axe).await, Vec::<String>::new(), "{what} passes the accessibility check");
            }
        }
    };
    let password = cairn_app::demo::DEMO_PASSWORD;
    b.sign_in(base, "alice", password).await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    // The register's form: a laptop bought for 3600.00, 36 months straight-line.
    b.goto(&format!("{base}/assets")).await;
    b.wait_for("Add an asset").await;
    check("the asset register").await;
    b.type_into("#a-tag", "LAP-0042").await;
    b.type_into("#a-class", "laptop").await;
    b.type_into("#a-model", "ThinkPad X1").await;
    b.type_into("#a-serial", "SN-0042").await;
    b.type_into("#a-cost", "3600.00").await;
    // A date field's typing depends on the browser's locale; its value does not.
    b.eval("document.querySelector('#a-in-service').value = '2026-01-01'").await;
    b.type_into("#a-life", "36").await;
    b.select("#a-method", "straight_line").await;
    b.click("#add-asset button[type=submit]").await;
    b.wait_for("Asset recorded.").await;

    // Checked out to kim: deployed, with her, and worth 100.00 less each month.
    b.type_into("#co-person", "kim").await;
    b.click("#check-out button[type=submit]").await;
    let page = b.wait_for("Checked out.").await;
    assert!(page.contains("laptop · Deployed · with"), "{page}");
    let first = b.eval("return document.querySelector('#fiscal-years tbody tr td').textContent").await;
    assert_eq!(first, json!("1200.00"), "FY2026 depreciates a third of the cost");
    b.screenshot("asset").await;
    check("the asset page").await;

    // The portfolio at the end of 2026: one bar, the laptop's 2400 of book value.
    b.goto(&format!("{base}/assets/portfolio?on=2026-12-31&by=class")).await;
    b.wait_for("Book value by class").await;
    let bars = b.eval("return [...document.querySelectorAll('#chart-book-value rect.bar')].map(r => r.getAttribute('width'))").await;
    assert_eq!(bars, json!(["300"]), "the one group's bar is full width");
    let label = b.eval("return document.querySelector('#chart-book-value desc').textContent").await;
    assert_eq!(label, json!("laptop: 2400"));
    let drawn = b.eval("return document.querySelector('#chart-book-value').getBoundingClientRect().width").await;
    assert!(drawn.as_f64().unwrap_or_default() > 100.0, "the chart is drawn: {drawn}");
    b.screenshot("portfolio").await;
    check("the portfolio").await;

    // kim has it in her equipment, with the form to report a problem.
    b.cmd(reqwest::Method::DELETE, "/cookie", json!(null)).await;
    b.sign_in(base, "kim", password).await;
    b.click("nav a[href='/my/equipment']").await;
    let page = b.wait_for("LAP-0042").await;
    assert!(page.contains("ThinkPad X1") && page.contains("Report a problem with this device"), "{page}");
    check("the equipment page").await;
    b.cmd(reqwest::Method::DELETE, "", json!(null)).await;
}
