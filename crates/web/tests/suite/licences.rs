//! Software licences over HTTP on SQLite and PostgreSQL: licences bought per user, per
//! device and per core; installations entered as JSON and imported as CSV; the
//! compliance report with each shortfall priced at the latest entitlement's unit price,
//! the surplus, the CSV, and installations to reclaim from retired devices and disabled
//! people; and bad input refused by name with nothing recorded.

use crate::common::{TestApp, body};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn ok(r: reqwest::Response) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn device(t: &TestApp, token: &str, name: &str) -> String {
    ok(t.post(token, "/api/v1/cis", json!({"class": "server", "name": name})).await).await["number"].as_str().unwrap().to_string()
}

fn line<'a>(report: &'a Value, product: &str) -> &'a Value {
    report["products"].as_array().unwrap().iter().find(|p| p["product"] == product).unwrap_or_else(|| panic!("{product} in {report}"))
}

async fn shortfalls_are_priced_and_reclaim_candidates_listed(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    for u in ["kim", "liam", "mia"] {
        t.user("default", u, "requester").await;
    }
    let k = ok(t
        .post(&alice, "/api/v1/contracts", json!({"kind": "licence", "name": "SQL EA", "starts_on": "2026-01-01", "ends_on": "2028-12-31"}))
        .await)
    .await;
    for l in [
        json!({"product": "Office", "model": "per_user", "quantity": 10, "unit_price": "12.00"}),
        json!({"product": "Visio", "publisher": "Microsoft", "model": "per_device", "quantity": 2, "unit_price": "300.00"}),
        json!({"product": "visio", "quantity": 1, "unit_price": "350.00"}),
        json!({"product": "SQL Server", "model": "per_core", "quantity": 8, "unit_price": "1000.00", "contract": k["id"]}),
    ] {
        assert_eq!(t.post(&alice, "/api/v1/licences", l.clone()).await.status(), StatusCode::CREATED, "{l}");
    }
    let d: Vec<String> = {
        let mut v = Vec::new();
        for n in ["ws-1", "ws-2", "ws-3", "ws-4"] {
            v.push(device(&t, &alice, n).await);
        }
        v
    };
    // Visio on four devices (one entered twice), SQL Server on two with 8 and 4 cores.
    let uses = json!([
        {"product": "Visio", "ci": d[0]}, {"product": "Visio", "ci": d[1]}, {"product": "Visio", "ci": d[2]},
        {"product": "Visio", "ci": d[3]}, {"product": "Visio", "ci": d[3], "version": "2024"},
        {"product": "SQL Server", "ci": d[0], "cores": 8}, {"product": "SQL Server", "ci": d[0], "cores": 8},
        {"product": "SQL Server", "ci": d[1], "cores": 4},
    ]);
    assert_eq!(ok(t.post(&alice, "/api/v1/licences/installations", uses).await).await["recorded"], 8);
    // Office assigned to three people, imported as CSV.
    let r = t
        .http
        .post(t.url("/api/v1/licences/installations"))
        .bearer_auth(&alice)
        .header("content-type", "text/csv")
        .body("product,user\nOffice,kim\nOffice,liam\nOffice,mia\n")
        .send()
        .await
        .unwrap();
    assert_eq!(ok(r).await["recorded"], 3);

    let report = ok(t.get(&alice, "/api/v1/reports/licence-compliance").await).await;
    // Visio: 3 owned, 4 devices: 1 short at the latest price, 350.00.
    assert_eq!(
        line(&report, "Visio"),
        &json!({"product": "Visio", "model": "per_device", "entitled": 3, "consumed": 4, "surplus": 0, "shortfall": 1,
            "unit_price": "350.00", "shortfall_cost": "350.00"})
    );
    // SQL Server: 8 cores owned, 8 + 4 used: 4 short at 1,000.00.
    assert_eq!(
        (line(&report, "SQL Server")["consumed"].as_i64(), line(&report, "SQL Server")["shortfall_cost"].as_str()),
        (Some(12), Some("4000.00"))
    );
    // Office: 10 owned, 3 used.
    assert_eq!((line(&report, "Office")["surplus"].as_i64(), line(&report, "Office")["shortfall"].as_i64()), (Some(7), Some(0)));
    assert_eq!(report["shortfall_cost"], "4350.00");
    assert!(report["reclaim"].as_array().unwrap().is_empty());

    let r = t.get(&alice, "/api/v1/reports/licence-compliance?format=csv").await;
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("product,model,entitled,consumed,surplus,shortfall,unit_price,shortfall_cost\n"), "{csv}");
    assert!(csv.contains("Visio,per_device,3,4,0,1,350.00,350.00\n"), "{csv}");

    // A retired device and a disabled person free what they hold.
    let r = t.patch(&alice, &format!("/api/v1/cis/{}", d[3]), None, json!({"status": "retired"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(t.post(&root, "/api/v1/users/mia/disable", json!({})).await.status().is_success());
    let report = ok(t.get(&alice, "/api/v1/reports/licence-compliance").await).await;
    let reclaim: Vec<String> = report["reclaim"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            format!(
                "{} {} {}",
                x["product"].as_str().unwrap(),
                x["ci"].as_str().or(x["user"].as_str()).unwrap(),
                x["reason"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        reclaim,
        [
            "Office mia the person is disabled".to_string(),
            format!("Visio {} the device is retired", d[3]),
            format!("Visio {} the device is retired", d[3])
        ]
    );
    let listed = ok(t.get(&alice, "/api/v1/licences").await).await;
    let visio = listed.as_array().unwrap().iter().find(|p| p["name"] == "Visio").unwrap();
    assert_eq!(visio["entitlements"].as_array().unwrap().len(), 2);
}

async fn bad_licence_input_is_refused_and_nothing_recorded(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let d = device(&t, &alice, "ws-1").await;
    assert_eq!(
        t.post(&alice, "/api/v1/licences", json!({"product": "Visio", "model": "per_device", "quantity": 1})).await.status(),
        StatusCode::CREATED
    );
    let cases = [
        (json!({"product": "Paint", "quantity": 1}), "model"),
        (json!({"product": "Paint", "model": "per_seat", "quantity": 1}), "model"),
        (json!({"product": "Visio", "model": "per_user", "quantity": 1}), "model"),
        (json!({"product": "Visio", "quantity": 0}), "quantity"),
        (json!({"product": "Visio", "quantity": 1, "unit_price": "-3.00"}), "unit_price"),
        (json!({"product": "Visio", "quantity": 1, "contract": 999}), "contract"),
    ];
    for (v, field) in cases {
        let r = t.post(&alice, "/api/v1/licences", v.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(body(r).await["field"], field, "{v}");
    }
    let uses = json!([{"product": "Visio", "ci": d}, {"product": "Paint", "ci": d}]);
    let r = t.post(&alice, "/api/v1/licences/installations", uses).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(r).await["field"], "installations[1].product");
    let r = t.post(&alice, "/api/v1/licences/installations", json!([{"product": "Visio"}])).await;
    assert_eq!(body(r).await["field"], "installations[0].ci");
    let report = ok(t.get(&alice, "/api/v1/reports/licence-compliance").await).await;
    assert_eq!(line(&report, "Visio")["consumed"], 0, "the valid first line was not recorded either");
    let listed = ok(t.get(&alice, "/api/v1/licences").await).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "no product was created by a refused licence");
}

on_both_databases!(shortfalls_are_priced_and_reclaim_candidates_listed, bad_licence_input_is_refused_and_nothing_recorded,);
