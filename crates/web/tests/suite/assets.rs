//! Assets over HTTP on SQLite and PostgreSQL: the lifecycle with its refused moves,
//! check-out to a person and check-in to stock with the history of each; every
//! depreciation method against a schedule worked by hand from its formula; book value
//! inside a month, after end of life and after disposal, with the disposal's gain or
//! loss; the portfolio on a date; and bad input refused by name with nothing changed.

use crate::common::{TestApp, body};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn asset(t: &TestApp, token: &str, v: Value) -> Value {
    let r = t.post(token, "/api/v1/assets", v.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{v}: {}", r.text().await.unwrap());
    body(r).await
}

async fn ci(t: &TestApp, token: &str, class: &str, name: &str) -> String {
    let r = t.post(token, "/api/v1/cis", json!({"class": class, "name": name})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    body(r).await["number"].as_str().unwrap().to_string()
}

/// The refusal's status, error code and field.
async fn refusal(r: reqwest::Response) -> (StatusCode, String, String) {
    let status = r.status();
    let b = body(r).await;
    (status, b["error"].as_str().unwrap_or_default().into(), b["field"].as_str().unwrap_or_default().into())
}

async fn depreciation(t: &TestApp, token: &str, tag: &str, on: &str) -> Value {
    let r = t.get(token, &format!("/api/v1/assets/{tag}/depreciation?on={on}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    body(r).await
}

/// A year's depreciation from the fiscal-year lines (tenants start theirs in January).
fn year(d: &Value, fy: &str) -> String {
    let y = d["fiscal_years"].as_array().unwrap().iter().find(|y| y["period"] == fy).unwrap_or_else(|| panic!("{fy} in {d}"));
    y["depreciation"].as_str().unwrap().to_string()
}

fn years(d: &Value) -> Vec<String> {
    d["fiscal_years"].as_array().unwrap().iter().map(|y| y["depreciation"].as_str().unwrap().to_string()).collect()
}

async fn the_lifecycle_moves_and_refuses_and_check_out_follows_the_person(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let store = ci(&t, &alice, "room", "Store room").await;
    let desk = ci(&t, &alice, "room", "Desk 4.12").await;

    let created = asset(
        &t,
        &alice,
        json!({"tag": "A-100", "class": "Laptop", "model": "ThinkPad T14", "serial": "PF-1",
        "state": "ordered", "cost": "1200.00", "location": store}),
    )
    .await;
    assert_eq!((created["state"].as_str(), created["class"].as_str()), (Some("ordered"), Some("laptop")));
    assert_eq!(created["cost"], "1200.00");

    // Skipping a step, or leaving disposal, is refused and changes nothing.
    let r = t.patch(&alice, "/api/v1/assets/A-100", None, json!({"state": "deployed"})).await;
    assert_eq!(refusal(r).await, (StatusCode::UNPROCESSABLE_ENTITY, "invalid_transition".into(), "state".into()));
    for step in ["received", "in_stock"] {
        let r = t.patch(&alice, "/api/v1/assets/A-100", None, json!({"state": step})).await;
        assert_eq!(r.status(), StatusCode::OK, "{step}");
    }
    let r = t.get(&alice, "/api/v1/assets/A-100").await;
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(body(r).await["state"], "in_stock");

    // Check-out hands it to a person at a place; it shows among their equipment.
    let r = t.post(&alice, "/api/v1/assets/A-100/check-out", json!({"person": "kim", "location": desk})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let out = body(r).await;
    assert_eq!(
        (out["state"].as_str(), out["assigned_to"].as_str(), out["location"].as_str()),
        (Some("deployed"), Some("kim"), Some(desk.as_str()))
    );
    let mine = body(t.get(&alice, "/api/v1/assets?assigned_to=kim").await).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    // A stale If-Match is refused.
    let r = t.patch(&alice, "/api/v1/assets/A-100", Some(&etag), json!({"model": "T14 Gen 2"})).await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    // Deployed ↔ in repair keeps the person; check-in takes it back into stock.
    for step in ["in_repair", "deployed"] {
        let r = t.patch(&alice, "/api/v1/assets/A-100", None, json!({"state": step})).await;
        assert_eq!(body(r).await["assigned_to"], "kim", "{step}");
    }
    let r = t.post(&alice, "/api/v1/assets/A-100/check-in", json!({"location": store})).await;
    let back = body(r).await;
    assert_eq!((back["state"].as_str(), back["assigned_to"].as_str()), (Some("in_stock"), None));
    assert!(body(t.get(&alice, "/api/v1/assets?assigned_to=kim").await).await["items"].as_array().unwrap().is_empty());

    // Retired, then disposed of: a disposed asset cannot be checked out again.
    for step in ["retired", "disposed"] {
        let r = t.patch(&alice, "/api/v1/assets/A-100", None, json!({"state": step})).await;
        assert_eq!(r.status(), StatusCode::OK, "{step}");
    }
    let r = t.post(&alice, "/api/v1/assets/A-100/check-out", json!({"person": "kim"})).await;
    assert_eq!(refusal(r).await, (StatusCode::UNPROCESSABLE_ENTITY, "invalid_transition".into(), "state".into()));
    let r = t.patch(&alice, "/api/v1/assets/A-100", None, json!({"state": "in_stock"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Every move is in the history, with who made it.
    let history = body(t.get(&alice, "/api/v1/assets/A-100/history").await).await;
    let lines: Vec<String> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {}", e["action"].as_str().unwrap(), e["field"].as_str().unwrap_or("-"), e["new"].as_str().unwrap_or("-")))
        .collect();
    for want in [
        "created - laptop A-100 (ordered)",
        "updated state received",
        "updated state deployed",
        "checked_out - kim",
        "updated state in_repair",
        "checked_in - -",
        "updated state disposed",
    ] {
        assert!(lines.iter().any(|l| l == want), "{want} in {lines:?}");
    }
    assert!(history.as_array().unwrap().iter().all(|e| e["actor"].is_string()));
    // Requesters do not read the asset register.
    assert_eq!(t.get(&kim, "/api/v1/assets").await.status(), StatusCode::FORBIDDEN);
}

async fn each_method_books_the_schedule_worked_by_hand(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    // The textbook asset: cost 10,000, salvage 1,000, five years, in service 1 January 2026.
    let base = json!({"cost": "10000.00", "salvage": "1000.00", "in_service": "2026-01-01", "life_months": 60});
    let with = |tag: &str, method: &str, extra: Value| {
        let mut v = base.clone();
        v["tag"] = json!(tag);
        v["method"] = json!(method);
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    asset(&t, &alice, with("SL", "straight_line", json!({}))).await;
    asset(&t, &alice, with("DB", "declining_balance", json!({"rate": "0.30"}))).await;
    asset(&t, &alice, with("DDB", "double_declining", json!({}))).await;
    asset(&t, &alice, with("DDB0", "double_declining", json!({"salvage": "0"}))).await;
    asset(&t, &alice, with("SYD", "sum_of_years", json!({}))).await;

    // Straight-line: (10,000 − 1,000) / 5 = 1,800 a year, 150 a month.
    let sl = depreciation(&t, &alice, "SL", "2026-12-31").await;
    assert_eq!(years(&sl), ["1800.00"; 5]);
    assert_eq!(sl["schedule"][0]["depreciation"], "150.00");
    assert_eq!(
        (sl["accumulated"].as_str(), sl["book_value"].as_str()),
        (Some("1800.00"), Some("8200.00")),
        "12 months booked on 31 December"
    );
    // Inside a month, only the months ended by then count: January and February.
    let mid = depreciation(&t, &alice, "SL", "2026-03-15").await;
    assert_eq!(mid["book_value"], "9700.00");
    assert_eq!(depreciation(&t, &alice, "SL", "2026-03-31").await["book_value"], "9550.00");
    assert_eq!(depreciation(&t, &alice, "SL", "2025-12-31").await["book_value"], "10000.00", "cost before service");
    assert_eq!(depreciation(&t, &alice, "SL", "2040-06-30").await["book_value"], "1000.00", "salvage after end of life");

    // Declining balance at 30 %: 3,000; 2,100; 1,470; 1,029; the rest (1,401) down to salvage.
    let db = depreciation(&t, &alice, "DB", "2027-12-31").await;
    assert_eq!(years(&db), ["3000.00", "2100.00", "1470.00", "1029.00", "1401.00"]);
    assert_eq!(db["book_value"], "4900.00");
    // Its fourth year, 1,029, is 85.75 a month.
    let m = db["schedule"].as_array().unwrap().iter().find(|m| m["period"] == "2029-07").unwrap().clone();
    assert_eq!(m["depreciation"], "85.75");

    // Double-declining at 2/5 = 40 %: 4,000; 2,400; 1,440; 864; then the floor at salvage leaves 296.
    assert_eq!(years(&depreciation(&t, &alice, "DDB", "2026-12-31").await), ["4000.00", "2400.00", "1440.00", "864.00", "296.00"]);
    // Without salvage, straight-line on the remaining 2,160 over two years beats 40 % of it in year four.
    assert_eq!(years(&depreciation(&t, &alice, "DDB0", "2026-12-31").await), ["4000.00", "2400.00", "1440.00", "1080.00", "1080.00"]);

    // Sum of years' digits: 9,000 × 5/15, 4/15, 3/15, 2/15, 1/15.
    let syd = depreciation(&t, &alice, "SYD", "2026-06-30").await;
    assert_eq!(years(&syd), ["3000.00", "2400.00", "1800.00", "1200.00", "600.00"]);
    assert_eq!(syd["book_value"], "8500.00", "six months of 250.00");
    assert_eq!(year(&syd, "FY2028"), "1800.00");

    // Disposal on 30 June 2027 for 7,000: book value then is 10,000 − 1,800 − 900 = 7,300, a loss of 300.
    let r = t.patch(&alice, "/api/v1/assets/SL", None, json!({"state": "retired"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r =
        t.patch(&alice, "/api/v1/assets/SL", None, json!({"state": "disposed", "disposed_on": "2027-06-30", "proceeds": "7000.00"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let gone = depreciation(&t, &alice, "SL", "2028-01-31").await;
    assert_eq!(gone["disposal"], json!({"on": "2027-06-30", "proceeds": "7000.00", "book_value": "7300.00", "gain": "-300.00"}));
    assert_eq!(gone["book_value"], "0.00", "nothing on the books after disposal");
    assert_eq!(gone["schedule"].as_array().unwrap().len(), 18, "booked until the disposal");
}

async fn the_portfolio_sums_book_values_on_a_date(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let plan = |tag: &str, class: &str, cc: &str, cost: &str| json!({"tag": tag, "class": class, "cost_centre": cc, "cost": cost, "in_service": "2026-01-01", "life_months": 36, "salvage": "0"});
    asset(&t, &alice, plan("L1", "laptop", "IT", "3600.00")).await;
    asset(&t, &alice, plan("L2", "laptop", "HR", "1800.00")).await;
    asset(&t, &alice, plan("M1", "monitor", "IT", "360.00")).await;
    asset(&t, &alice, json!({"tag": "M2", "class": "monitor", "cost": "99.99"})).await;
    asset(&t, &alice, json!({"tag": "F1", "class": "laptop", "cost": "500.00", "purchased_on": "2027-03-01"})).await;

    let r = t.get(&alice, "/api/v1/reports/asset-portfolio?on=2026-12-31").await;
    let p = body(r).await;
    assert_eq!(p["by"], "class");
    // Laptops: 5,400 cost, a third booked; the later purchase is not on the books yet.
    assert_eq!(
        p["groups"][0],
        json!({"group": "laptop", "count": 2, "cost": "5400.00", "accumulated": "1800.00", "book_value": "3600.00"})
    );
    assert_eq!(p["groups"][1], json!({"group": "monitor", "count": 2, "cost": "459.99", "accumulated": "120.00", "book_value": "339.99"}));
    assert_eq!(p["total"]["book_value"], "3939.99");
    let by_cc = body(t.get(&alice, "/api/v1/reports/asset-portfolio?on=2026-12-31&by=cost_centre").await).await;
    let groups: Vec<&str> = by_cc["groups"].as_array().unwrap().iter().map(|g| g["group"].as_str().unwrap()).collect();
    assert_eq!(groups, ["", "HR", "IT"]);
    let r = t.get(&alice, "/api/v1/reports/asset-portfolio?on=2026-12-31&format=csv").await;
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("group,count,cost,accumulated,book_value\n"), "{csv}");
    assert!(csv.contains("laptop,2,5400.00,1800.00,3600.00\n") && csv.contains("Total,4,5859.99,1920.00,3939.99\n"), "{csv}");
    let r = t.get(&alice, "/api/v1/reports/asset-portfolio?by=colour").await;
    assert_eq!(refusal(r).await.2, "by");
}

async fn bad_input_is_refused_by_name_and_nothing_is_written(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    asset(&t, &alice, json!({"tag": "A-1", "cost": "100.00"})).await;
    let cases = [
        (json!({"tag": "B-1", "cost": "-5.00"}), "cost"),
        (json!({"tag": "B-1", "cost": "12.345"}), "cost"),
        (json!({"tag": "B-1", "cost": "100.00", "salvage": "200.00"}), "salvage"),
        (json!({"tag": "B-1", "cost": "100.00", "in_service": "2026-01-01", "life_months": 0}), "life_months"),
        (json!({"tag": "B-1", "cost": "100.00", "in_service": "2026-01-01", "life_months": 12, "method": "sinking_fund"}), "method"),
        (json!({"tag": "B-1", "cost": "100.00", "in_service": "2026-01-01", "life_months": 30, "method": "sum_of_years"}), "life_months"),
        (json!({"tag": "B-1", "cost": "100.00", "in_service": "2026-01-01", "life_months": 12, "method": "declining_balance"}), "rate"),
        (json!({"tag": "B-1", "in_service": "2026-02-30", "life_months": 12}), "in_service"),
        (json!({"tag": "B-1", "state": "sold"}), "state"),
        (json!({"tag": "B 1"}), "tag"),
        (json!({"tag": "B-1", "assigned_to": "nobody"}), "assigned_to"),
        (json!({"tag": "B-1", "location": "CI-999999"}), "location"),
    ];
    for (v, field) in cases {
        let (status, _, got) = refusal(t.post(&alice, "/api/v1/assets", v.clone()).await).await;
        assert_eq!((status, got.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, field), "{v}");
    }
    // Money as a JSON number is refused: it must be a decimal string.
    assert!(t.post(&alice, "/api/v1/assets", json!({"tag": "B-1", "cost": 100.5})).await.status().is_client_error());
    // A duplicate tag is a conflict naming the tag.
    let r = t.post(&alice, "/api/v1/assets", json!({"tag": "A-1"})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(body(r).await["message"].as_str().unwrap().contains("tag"));
    // None of it was written.
    let all = body(t.get(&alice, "/api/v1/assets").await).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    // A bad change leaves the asset as it was.
    let r = t.patch(&alice, "/api/v1/assets/A-1", None, json!({"model": "X", "salvage": "500.00"})).await;
    assert_eq!(refusal(r).await.2, "salvage");
    let a = body(t.get(&alice, "/api/v1/assets/A-1").await).await;
    assert_eq!((a["model"].as_str(), a["version"].as_i64()), (None, Some(1)));
    assert_eq!(body(t.get(&alice, "/api/v1/assets/A-1/history").await).await.as_array().unwrap().len(), 1);
}

on_both_databases!(
    the_lifecycle_moves_and_refuses_and_check_out_follows_the_person,
    each_method_books_the_schedule_worked_by_hand,
    the_portfolio_sums_book_values_on_a_date,
    bad_input_is_refused_by_name_and_nothing_is_written,
);
