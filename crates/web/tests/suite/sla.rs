//! Service levels through the API with a controllable clock: clocks attached on
//! create, paused while on hold, warnings and the breach firing at their instants
//! (exactly once, even with two workers and duplicate jobs), the queue's due order and
//! breached filter, replay after a definition change, and bad input refused.
//! On SQLite and PostgreSQL.

use std::sync::Arc;

use crate::common::{TestApp, body};
use cairn_app::{App, ManualClock};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Monday 8 June 2026, `h`:`m` in Berlin (UTC+2 in summer).
fn mon(h: i64, m: i64) -> i64 {
    1_780_902_000_000 + ((h - 9) * 60 + m) * 60_000
}

fn office() -> Value {
    json!({"time_zone": "Europe/Berlin", "hours": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"], "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]},
           "holidays": [{"date": "2026-12-25", "name": "Christmas"}]})
}

fn standard() -> Value {
    json!({
        "name": "Standard", "kind": "sla", "calendar": "Office",
        "applies_when": [{"field": "kind", "values": ["incident"]}],
        "targets": {"first_response_minutes": 60, "resolution_minutes": 240},
        "pause_when": [{"field": "status", "values": ["on_hold"]}],
        "warnings": [50, 75],
        "warn_to": ["assignee", "manager"],
        "breach_actions": [{"action": "notify", "to": "manager"}, {"action": "raise_priority"}]
    })
}

async fn put(t: &TestApp, token: &str, path: &str, b: Value) -> reqwest::Response {
    t.http.put(t.url(path)).bearer_auth(token).json(&b).send().await.unwrap()
}

async fn clocks(t: &TestApp, token: &str, n: &str) -> Vec<Value> {
    body(t.get(token, &format!("/api/v1/tickets/{n}/slas")).await).await.as_array().unwrap().clone()
}

fn of<'a>(clocks: &'a [Value], target: &str) -> &'a Value {
    clocks.iter().find(|c| c["target"] == target).unwrap()
}

async fn notifications(t: &TestApp, token: &str) -> Vec<String> {
    let n = body(t.get(token, "/api/v1/notifications").await).await;
    n.as_array().unwrap().iter().map(|x| x["message"].as_str().unwrap().to_string()).collect()
}

async fn clocks_run_pause_warn_breach_and_replay(url: String) {
    let clock = Arc::new(ManualClock::new(mon(9, 0)));
    let t = TestApp::spawn_with(url.clone(), clock.clone()).await;
    let admin = t.user("default", "ada", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let mia = t.user("default", "mia", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    assert_eq!(t.post(&admin, "/api/v1/groups", json!({"name": "Desk"})).await.status(), StatusCode::CREATED);
    t.post(&admin, "/api/v1/groups/Desk/members", json!({"username": "alice"})).await;
    let r = t.http.patch(t.url("/api/v1/groups/Desk")).bearer_auth(&admin).json(&json!({"manager": "mia"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Bad input is refused with the problem named, and nothing is stored.
    let mut bad_tz = office();
    bad_tz["time_zone"] = json!("Mars/Olympus");
    let mut overlap = office();
    overlap["hours"]["mon"] = json!(["09:00-12:00", "11:00-13:00"]);
    for (b, field) in [(bad_tz, "time_zone"), (overlap, "hours")] {
        let r = put(&t, &admin, "/api/v1/calendars/Office", b).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body(r).await["field"], field);
    }
    assert_eq!(body(t.get(&admin, "/api/v1/calendars").await).await, json!([]));
    assert_eq!(put(&t, &alice, "/api/v1/calendars/Office", office()).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(put(&t, &admin, "/api/v1/calendars/Office", office()).await.status(), StatusCode::CREATED);
    let mut zero = standard();
    zero["targets"]["resolution_minutes"] = json!(0);
    let mut unknown_field = standard();
    unknown_field["pause_when"] = json!([{"field": "colour", "values": ["red"]}]);
    let mut no_calendar = standard();
    no_calendar["calendar"] = json!("Moon");
    for (b, field) in [(zero, "targets.resolution_minutes"), (unknown_field, "pause_when"), (no_calendar, "calendar")] {
        let r = t.post(&admin, "/api/v1/sla-definitions", b).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body(r).await["field"], field);
    }
    assert_eq!(body(t.get(&admin, "/api/v1/sla-definitions").await).await, json!([]));
    let r = t.post(&admin, "/api/v1/sla-definitions", standard()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let def = body(r).await;

    // Attached on create: both clocks run, due in business time.
    let n = body(t.post(&kim, "/api/v1/tickets", json!({"title": "Printer offline", "group": "Desk"})).await).await;
    assert!(n["number"].is_null(), "requesters cannot pick the group: {n}");
    let n = t.create(&kim, "Printer offline").await["number"].as_str().unwrap().to_string();
    let cur = body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await;
    let r = t.patch(&alice, &format!("/api/v1/tickets/{n}"), cur["etag"].as_str(), json!({"group": "Desk", "assignee": "alice"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let c = clocks(&t, &alice, &n).await;
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!(
        (of(&c, "resolution")["state"].as_str(), of(&c, "resolution")["due_at"].as_str()),
        (Some("running"), Some("2026-06-08T11:00:00Z"))
    );
    assert_eq!(of(&c, "first_response")["due_at"], "2026-06-08T08:00:00Z");
    let h = body(t.get(&alice, &format!("/api/v1/tickets/{n}/history")).await).await;
    assert!(h.as_array().unwrap().iter().any(|e| e["action"] == "sla_attached" && e["new"] == "Standard"));

    // The first reply stops the first-response clock; on hold pauses resolution.
    clock.set(mon(9, 30));
    t.post(&alice, &format!("/api/v1/tickets/{n}/comments"), json!({"body": "Looking at it"})).await;
    clock.set(mon(10, 0));
    let cur = body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await;
    t.patch(&alice, &format!("/api/v1/tickets/{n}"), cur["etag"].as_str(), json!({"status": "on_hold"})).await;
    clock.set(mon(12, 0));
    let c = clocks(&t, &alice, &n).await;
    assert_eq!((of(&c, "first_response")["state"].as_str(), of(&c, "first_response")["met"].as_bool()), (Some("stopped"), Some(true)));
    let res = of(&c, "resolution");
    assert_eq!(
        (res["state"].as_str(), res["elapsed_minutes"].as_i64(), res["paused_minutes"].as_i64()),
        (Some("paused"), Some(60), Some(120))
    );
    assert!(res["due_at"].is_null());
    let cur = body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await;
    t.patch(&alice, &format!("/api/v1/tickets/{n}"), cur["etag"].as_str(), json!({"status": "in_progress"})).await;
    let c = clocks(&t, &alice, &n).await;
    assert_eq!(of(&c, "resolution")["due_at"], "2026-06-08T13:00:00Z", "two hours of the pause do not count");
    let marks: Vec<&str> = of(&c, "resolution")["timeline"].as_array().unwrap().iter().map(|m| m["mark"].as_str().unwrap()).collect();
    assert_eq!(marks, ["started", "paused", "resumed"]);

    // The 50 % warning comes at 13:00 Berlin (two business hours), not a minute before.
    clock.set(mon(12, 59));
    t.app.drain_jobs("w").await.unwrap();
    assert!(!notifications(&t, &alice).await.iter().any(|m| m.contains("50 %")));
    clock.set(mon(13, 0));
    t.app.drain_jobs("w").await.unwrap();
    assert!(notifications(&t, &alice).await.iter().any(|m| m.contains(&format!("{n} has used 50 % of its resolution target"))));
    let warned =
        notifications(&t, &mia).await.into_iter().filter(|m| m.contains(&format!("{n} has used 50 % of its resolution target"))).count();
    assert_eq!(warned, 1, "warnings go to the group's manager too, once");

    // The breach at 15:00, acted on exactly once by two workers with duplicate jobs.
    clock.set(mon(15, 0));
    let other = App::new(cairn_store::Db::open(&url, 0).await.unwrap(), clock.clone());
    let tenant = t.app.tenant_by_slug("default").await.unwrap();
    let clock_id = {
        let mut c = t.app.db.read().await.unwrap();
        let id = cairn_store::ticket::by_number(&mut c, &cairn_domain::platform::access::Scope::system(tenant.id), &n)
            .await
            .unwrap()
            .unwrap()
            .id;
        cairn_store::sla::clocks(&mut c, tenant.id, id)
            .await
            .unwrap()
            .iter()
            .find(|k| k.meter.clock.target.as_str() == "resolution")
            .unwrap()
            .id
    };
    for _ in 0..3 {
        let payload = json!({"clock": clock_id}).to_string();
        t.app
            .db
            .write(move |c| {
                Box::pin(
                    async move { cairn_store::platform::jobs::enqueue(c, tenant.id, "sla_alarm", &payload, mon(15, 0), mon(15, 0)).await },
                )
            })
            .await
            .unwrap();
    }
    let (a, b) = tokio::join!(t.app.drain_jobs("w1"), other.drain_jobs("w2"));
    a.unwrap();
    b.unwrap();
    t.app.drain_jobs("w1").await.unwrap();
    let told: Vec<String> = notifications(&t, &mia).await.into_iter().filter(|m| m.contains("breached its resolution target")).collect();
    assert_eq!(told.len(), 1, "{told:?}");
    let h = body(t.get(&alice, &format!("/api/v1/tickets/{n}/history")).await).await;
    let breaches = h.as_array().unwrap().iter().filter(|e| e["action"] == "sla_breached").count();
    assert_eq!(breaches, 1);
    let tk = body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await;
    assert_eq!(tk["priority"], 3 - 1, "the breach raised the priority");

    // The queue finds breached tickets and sorts by the soonest due clock.
    let fresh = t.create(&kim, "Monitor flickers").await["number"].as_str().unwrap().to_string();
    let breached = body(t.get(&alice, "/api/v1/tickets?breached=true").await).await;
    let numbers: Vec<&str> = breached["items"].as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, [n.as_str()]);
    let by_due = body(t.get(&alice, "/api/v1/tickets?sort=due").await).await;
    let numbers: Vec<&str> = by_due["items"].as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, [n.as_str(), fresh.as_str()], "the breached one is due first");

    // Reports: compliance per definition and target, the breaches, CSV; bad input named.
    let report = body(t.get(&admin, "/api/v1/reports/sla?from=2026-06-01&to=2026-07-01").await).await;
    let line = |target: &str| report.as_array().unwrap().iter().find(|l| l["target"] == target).unwrap().clone();
    let (first, res) = (line("first_response"), line("resolution"));
    assert_eq!(
        (first["key"].as_str(), first["met"].as_u64(), first["in_progress"].as_u64(), first["compliance"].as_f64()),
        (Some("Standard"), Some(1), Some(1), Some(100.0))
    );
    assert_eq!((res["breached"].as_u64(), res["in_progress"].as_u64(), res["compliance"].as_f64()), (Some(1), Some(1), Some(0.0)));
    assert_eq!(first["mean_business_minutes"], 30.0, "the reply came after 30 business minutes");
    let by_priority = body(t.get(&admin, "/api/v1/reports/sla?by=priority&from=2026-06-01&to=2026-07-01").await).await;
    assert!(by_priority.as_array().unwrap().iter().any(|l| l["key"] == "P2"), "{by_priority}");
    let r = t.get(&admin, "/api/v1/reports/sla?from=2026-06-01&to=2026-07-01&format=csv").await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let text = r.text().await.unwrap();
    assert!(
        text.starts_with("key,target,met,missed,breached,in_progress,compliance_percent,")
            && text.contains("Standard,resolution,0,0,1,1,0,"),
        "{text}"
    );
    let list = body(t.get(&admin, "/api/v1/reports/sla/breaches?from=2026-06-01&to=2026-07-01").await).await;
    assert_eq!(
        (list[0]["ticket"].as_str(), list[0]["outcome"].as_str(), list[0]["target"].as_str()),
        (Some(n.as_str()), Some("breached"), Some("resolution"))
    );
    assert_eq!(list.as_array().unwrap().len(), 1);
    for (q, field) in [("by=colour", "by"), ("from=yesterday", "from"), ("format=xml", "format"), ("from=2026-07-01&to=2026-06-01", "to")] {
        let r = t.get(&admin, &format!("/api/v1/reports/sla?{q}")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(body(r).await["field"], field, "{q}");
    }
    assert_eq!(t.get(&kim, "/api/v1/reports/sla").await.status(), StatusCode::FORBIDDEN);

    // Replay after a definition change: 8 hours to resolve, the breach is undone; the
    // 4 hours left run 15:00-17:00 Monday and 09:00-11:00 Tuesday (Berlin).
    let mut longer = standard();
    longer["targets"]["resolution_minutes"] = json!(480);
    let r = put(&t, &admin, &format!("/api/v1/sla-definitions/{}", def["id"]), longer).await;
    assert_eq!(r.status(), StatusCode::OK);
    let report = body(t.post(&admin, "/api/v1/sla/replay", json!({})).await).await;
    let changed = report["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{report}");
    assert_eq!(
        (changed[0]["ticket"].as_str(), changed[0]["before"].as_str(), changed[0]["after"].as_str()),
        (Some(n.as_str()), Some("breached"), Some("running"))
    );
    assert_eq!(of(&clocks(&t, &alice, &n).await, "resolution")["breached"], true, "a report alone changes nothing");
    let report = body(t.post(&admin, "/api/v1/sla/replay?apply=true", json!({})).await).await;
    assert_eq!(report["changed"].as_array().unwrap().len(), 1);
    let res = of(&clocks(&t, &alice, &n).await, "resolution").clone();
    assert_eq!((res["breached"].as_bool(), res["due_at"].as_str()), (Some(false), Some("2026-06-09T09:00:00Z")), "{res}");
    let again = body(t.post(&admin, "/api/v1/sla/replay", json!({})).await).await;
    assert_eq!(again["changed"], json!([]), "replay is deterministic: {again}");

    // The ticket page shows the clocks to agents.
    t.user_with_password("default", "olga", "agent", Some("correct-horse")).await;
    let mut b = crate::common::Browser::new(&t);
    b.login("olga", "correct-horse").await;
    let (_, page) = b.get(&format!("/tickets/{n}")).await;
    assert!(page.contains("Standard · resolution</strong> <span class=\"tag pub\">running</span> 4 h 00 min left"), "{page}");
    assert!(page.contains("Standard · first response</strong> <span class=\"tag pub\">met</span>"), "{page}");
    // The dashboard: after the replay the breach is gone; first responses are 100 % met.
    let (status, page) = b.get("/service-levels").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<td>Standard</td><td>first response</td><td>1</td><td>0</td><td>0</td><td>1</td><td>100.0 %</td>"), "{page}");
    assert!(page.contains("No breaches.") && page.contains("No XLAs yet."), "{page}");
}

on_both_databases!(clocks_run_pause_warn_breach_and_replay);
