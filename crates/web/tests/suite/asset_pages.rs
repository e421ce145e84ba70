//! The asset pages through a browser stand-in, on SQLite and PostgreSQL: an agent adds
//! an asset in the register's form and links it to its CI, checks it out to a requester,
//! who sees it in their equipment and reports a problem with it (an incident raised as
//! them, with the CI affected); refusals shown with their reason; the depreciation
//! schedule and the portfolio (page, chart, CSV) with values worked out by hand.

use crate::common::{TestApp, body, hidden, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

/// The asset page's edit form as the test fills it: every field, as the page posts them.
fn fields<'a>(csrf: &'a str, version: &'a str, ci: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("version", version),
        ("class", "laptop"),
        ("model", "ThinkPad X1"),
        ("manufacturer", "Lenovo"),
        ("serial", "SN-4411"),
        ("vendor", "Acme Supplies"),
        ("po_ref", "PO-77"),
        ("cost_centre", "CC-100"),
        ("organisation", ""),
        ("location", ""),
        ("ci", ci),
        ("cost", "3600.00"),
        ("salvage", "0.00"),
        ("purchased_on", "2025-12-20"),
        ("in_service", "2026-01-01"),
        ("life_months", "36"),
        ("method", "straight_line"),
        ("rate", ""),
    ]
}

/// A fiscal year's or month's line of the schedule, as the page writes it.
fn line(period: &str, depreciation: &str, accumulated: &str, book: &str) -> String {
    format!(
        r#"<tr><th scope="row">{period}</th><td class="money">{depreciation}</td><td class="money">{accumulated}</td><td class="money">{book}</td></tr>"#
    )
}

async fn a_device_is_added_checked_out_reported_on_and_valued(url: String) {
    let t = TestApp::spawn(url).await;
    let (ada, csrf) = signed_in(&t, "ada", "agent").await;
    let token = t.app.create_token("default", "ada", "test").await.unwrap();
    let (kim, kim_csrf) = signed_in(&t, "kim", "requester").await;
    let (liam, liam_csrf) = signed_in(&t, "liam", "requester").await;
    let r = t.post(&token, "/api/v1/cis", json!({"class": "end_user_device", "name": "kim-laptop"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ci = body(r).await["number"].as_str().unwrap().to_string();

    // Requesters have no register.
    assert_eq!(kim.get("/assets").await.0, StatusCode::FORBIDDEN);

    // The agent adds it in the register's form; the asset page opens.
    let add = [
        ("csrf", csrf.as_str()),
        ("tag", "LAP-1"),
        ("class", "Laptop"),
        ("model", "ThinkPad X1"),
        ("serial", "SN-4411"),
        ("cost", "3600.00"),
        ("in_service", "2026-01-01"),
        ("life_months", "36"),
        ("method", "straight_line"),
    ];
    let r = ada.post("/assets", &add).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/assets/LAP-1?done=created");
    let (status, page) = ada.get("/assets/LAP-1?done=created").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Asset recorded.") && page.contains("laptop · In stock"), "{page}");

    // Refusals: the same tag again, an amount with three decimals; the form as typed.
    let r = ada.post("/assets", &add).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("an asset tagged LAP-1 exists already"));
    let mut bad = add;
    bad[1] = ("tag", "LAP-2");
    bad[5] = ("cost", "12.345");
    let r = ada.post("/assets", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("cost: &#39;12.345&#39; has more than two decimals") && page.contains(r#"value="LAP-2""#), "{page}");

    // The register finds it by text and state; a filter naming nobody says so.
    let (_, page) = ada.get("/assets?q=SN-4411&state=in_stock&class=laptop").await;
    assert!(page.contains(r#"<a href="/assets/LAP-1">LAP-1</a>"#) && page.contains("ThinkPad X1"), "{page}");
    let (_, page) = ada.get("/assets?state=deployed").await;
    assert!(page.contains("No assets match."), "{page}");
    let (status, page) = ada.get("/assets?assigned=nobody").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("no user &#39;nobody&#39;"), "{page}");

    // Its details, with the CI it is; a stale copy of the page is refused.
    let (_, page) = ada.get("/assets/LAP-1").await;
    let version = hidden(&page, "version");
    let r = ada.post("/assets/LAP-1", &fields(&csrf, "0", &ci)).await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert!(r.text().await.unwrap().contains("The asset changed since you loaded the page"));
    let r = ada.post("/assets/LAP-1", &fields(&csrf, &version, &ci)).await;
    assert_eq!(location(&r), "/assets/LAP-1?done=saved");

    // Checked out to kim: deployed, with her.
    let r = ada.post("/assets/LAP-1/check-out", &[("csrf", csrf.as_str()), ("person", "kim"), ("location", "")]).await;
    assert_eq!(location(&r), "/assets/LAP-1?done=checked_out");
    let (_, page) = ada.get("/assets/LAP-1").await;
    assert!(page.contains("laptop · Deployed · with kim (kim)") && page.contains(&format!("CI {ci} kim-laptop")), "{page}");
    let (_, person) = ada.get("/assets?assigned=kim").await;
    assert!(person.contains("LAP-1"), "{person}");

    // A move the lifecycle does not allow is refused with the reason.
    let version = hidden(&page, "version");
    let dispose = [("csrf", csrf.as_str()), ("version", version.as_str()), ("state", "disposed"), ("disposed_on", "2026-06-30")];
    let r = ada.post("/assets/LAP-1/state", &dispose).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("an asset cannot go from deployed to disposed"));

    // kim sees it in her equipment; liam, who does not hold it, cannot report on it.
    let (status, page) = kim.get("/my/equipment").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("LAP-1") && page.contains("ThinkPad X1") && page.contains("Report a problem with this device"), "{page}");
    let (_, none) = liam.get("/my/equipment").await;
    assert!(none.contains("Nothing is checked out to you."), "{none}");
    let r = liam.post("/my/equipment/LAP-1/problem", &[("csrf", liam_csrf.as_str()), ("description", "mine now")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = kim.post("/my/equipment/LAP-1/problem", &[("csrf", kim_csrf.as_str()), ("description", "  ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("description: is required"));
    let r = kim.post("/my/equipment/LAP-1/problem", &[("csrf", kim_csrf.as_str()), ("description", "The screen flickers")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = location(&r);
    let number = back.strip_prefix("/tickets/").and_then(|s| s.strip_suffix("?created=1")).expect("the new ticket's page").to_string();
    let (status, page) = kim.get(&back).await;
    assert_eq!(status, StatusCode::OK, "kim sees her incident");
    assert!(page.contains("Problem with LAP-1 ThinkPad X1"), "{page}");
    let incident = body(t.get(&token, &format!("/api/v1/tickets/{number}")).await).await;
    assert_eq!(incident["title"], "Problem with LAP-1 ThinkPad X1");
    assert_eq!(incident["kind"], "incident");
    assert_eq!(incident["requester"], "kim");
    assert_eq!(incident["description"], "The screen flickers");
    assert_eq!(incident["cis"], json!([ci]), "the device's CI is affected: {incident}");

    // The depreciation worked out by hand: 3600.00 over 36 months is 100.00 a month,
    // 1200.00 a fiscal year (the tenant's starts in January).
    let (_, page) = ada.get("/assets/LAP-1").await;
    assert!(page.contains(&line("FY2026", "1200.00", "1200.00", "2400.00")), "{page}");
    assert!(page.contains(&line("FY2027", "1200.00", "2400.00", "1200.00")), "{page}");
    assert!(page.contains(&line("FY2028", "1200.00", "3600.00", "0.00")), "{page}");
    assert!(page.contains(&line("2026-01", "100.00", "100.00", "3500.00")), "{page}");
    assert!(page.contains(&line("2028-12", "100.00", "3600.00", "0.00")), "{page}");
    assert!(page.contains(r#"<dd class="money">3600.00 EUR</dd>"#), "{page}");
    assert!(page.contains("checked it out to kim") && page.contains(&format!("reported a problem: {number}")), "{page}");

    // The portfolio at the end of 2026, by class: page, chart and CSV.
    let (status, page) = ada.get("/assets/portfolio?on=2026-12-31&by=class").await;
    assert_eq!(status, StatusCode::OK);
    let row = r#"<tr><th scope="row">laptop</th><td class="money">1</td><td class="money">3600.00</td><td class="money">1200.00</td><td class="money">2400.00</td></tr>"#;
    assert!(page.contains(row) && page.contains("Value by class on 2026-12-31 (EUR)"), "{page}");
    assert!(
        page.contains(r#"<svg id="chart-book-value""#) && page.contains("<desc id=\"chart-book-value-d\">laptop: 2400</desc>"),
        "{page}"
    );
    assert!(page.contains(r#"href="/assets/portfolio.csv?on=2026-12-31&#38;by=class""#), "{page}");
    let r = ada.open("/assets/portfolio.csv?on=2026-12-31&by=class").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert_eq!(csv, "group,count,cost,accumulated,book_value\nlaptop,1,3600.00,1200.00,2400.00\nTotal,1,3600.00,1200.00,2400.00\n");
    // Bought on 2025-12-20, it is on the books at the end of 2025 at cost, not yet depreciating.
    let (status, page) = ada.get("/assets/portfolio?by=cost_centre&on=2025-12-31").await;
    assert_eq!(status, StatusCode::OK);
    let row = r#"<tr><th scope="row">CC-100</th><td class="money">1</td><td class="money">3600.00</td><td class="money">0.00</td><td class="money">3600.00</td></tr>"#;
    assert!(page.contains(row), "{page}");
    let (_, page) = ada.get("/assets/portfolio?on=2025-12-01").await;
    assert!(page.contains("No assets on the books on 2025-12-01."), "not yet bought: {page}");
    let (status, page) = ada.get("/assets/portfolio?by=colour").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("by: unknown value &#39;colour&#39;"), "{page}");
    assert_eq!(kim.get("/assets/portfolio").await.0, StatusCode::FORBIDDEN);

    // kim's profile lists it; checked in, it leaves her equipment.
    let (root, _) = signed_in(&t, "root", "admin").await;
    let (_, profile) = root.get("/admin/users/kim").await;
    assert!(profile.contains(r#"<a href="/assets/LAP-1">LAP-1</a> ThinkPad X1"#), "{profile}");
    let r = ada.post("/assets/LAP-1/check-in", &[("csrf", csrf.as_str())]).await;
    assert_eq!(location(&r), "/assets/LAP-1?done=checked_in");
    let (_, page) = kim.get("/my/equipment").await;
    assert!(page.contains("Nothing is checked out to you."), "{page}");
}

on_both_databases!(a_device_is_added_checked_out_reported_on_and_valued);
