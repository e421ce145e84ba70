//! The desk's helpers in real Chromium against `serve --demo`: an agent applies a macro
//! from the ticket page (reply, group and tag in one send), finds tickets despite a
//! typo and narrows them by facet, and chooses which news comes by mail; each page
//! passes the accessibility check.

use std::time::Duration;

use crate::browser::Driver;
use crate::common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_applies_a_macro_searches_past_a_typo_and_picks_mail() {
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
    b.sign_in(base, "alice", cairn_app::demo::DEMO_PASSWORD).await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    // A macro: inserted, reviewed, sent; the ticket moves to Network with the tag.
    b.goto(&format!("{base}/tickets")).await;
    b.wait_for("Ticket queue").await;
    let number = b.eval("return document.querySelector('#queue tbody tr td.num').textContent.trim()").await;
    let number = number.as_str().unwrap().to_string();
    b.goto(&format!("{base}/tickets/{number}")).await;
    b.wait_for("Canned response").await;
    let chosen = b
        .eval(
            "const s = document.querySelector('#canned'); \
             const o = [...s.options].find(o => o.text === 'Hand over to Network (macro)'); s.value = o.value; return o.value",
        )
        .await;
    assert!(chosen.is_string(), "the demo's macro is offered: {chosen}");
    b.click("form.canned button[type=submit]").await;
    b.wait_for("Also apply the macro: moves to Network, adds tag escalated, as an internal note").await;
    b.screenshot("macro").await;
    check("the ticket page with a macro").await;
    b.click("form.reply button[type=submit].primary").await;
    let page = b.wait_for("applied the macro “Hand over to Network”").await;
    assert!(page.contains("Handed to Network"), "the note was posted: {page}");
    let group = b.eval("return document.querySelector('#f-group').value").await;
    assert_eq!(group, json!("Network"), "the ticket moved");

    // A typo still finds the tickets, and a facet narrows them.
    b.goto(&format!("{base}/search?q=pasword")).await;
    b.wait_for("Nothing matched “pasword”, so these are the results for “password”.").await;
    b.click(".facets .facet a[href*='kind=incident']").await;
    b.wait_for("Any kind").await;
    let chosen = b.eval("return document.querySelector('.facet [aria-current=true]').textContent").await;
    assert_eq!(chosen, json!("Incident"));
    b.screenshot("search-facets").await;
    check("the search page with facets").await;

    // Mail for mentions only.
    b.goto(&format!("{base}/account")).await;
    b.wait_for("Notifications by mail").await;
    b.click("#notification-mail input[name=follow][value=own]").await;
    b.click("#notification-mail input[name=event][value=mention]").await;
    b.click("#notification-mail button[type=submit]").await;
    b.wait_for("Your choice of notification mail is saved.").await;
    let on = b.eval("return [...document.querySelectorAll('#notification-mail input[name=event]:checked')].map(e => e.value)").await;
    assert_eq!(on, json!(["mention"]));
    check("the account page").await;
    b.cmd(reqwest::Method::DELETE, "", json!(null)).await;
}
