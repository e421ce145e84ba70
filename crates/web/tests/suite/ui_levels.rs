//! The service-level pages over plain HTTP: an administrator sets up a calendar, a
//! definition, an availability XLA and the survey from `/admin/service-levels` (a
//! refused form comes back as typed, with the problem named), replays the clocks, and
//! an agent records an outage on the incident page. On SQLite and PostgreSQL.

use crate::common::{TestApp, body, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

async fn admins_set_up_service_levels_from_their_page(url: String) {
    let t = TestApp::spawn(url).await;
    let (ada, csrf) = signed_in(&t, "ada", "admin").await;
    let saved = |r: &reqwest::Response| (r.status(), location(r));
    let ok = (StatusCode::SEE_OTHER, "/admin/service-levels?saved=1".to_string());

    // A bad time zone: refused, named, and the form keeps what was typed.
    let calendar = |tz: &'static str| {
        vec![
            ("name", "Office"),
            ("time_zone", tz),
            ("mon", "09:00-12:00, 13:00-17:00"),
            ("fri", "09:00-15:00"),
            ("holidays", "2026-12-24 09:00-12:00 Christmas Eve\n2026-12-25 Christmas Day"),
        ]
    };
    let mut form = calendar("Europe/Berlln");
    form.push(("csrf", &csrf));
    let r = ada.post("/admin/service-levels/calendars", &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("unknown time zone &#39;Europe/Berlln&#39;"), "{page}");
    assert!(page.contains("value=\"09:00-12:00, 13:00-17:00\"") && page.contains("Christmas Eve"), "the typed form comes back");
    let mut form = calendar("Europe/Berlin");
    form.push(("csrf", &csrf));
    assert_eq!(saved(&ada.post("/admin/service-levels/calendars", &form).await), ok);
    let (_, page) = ada.get("/admin/service-levels?calendar=Office").await;
    assert!(page.contains("Europe/Berlin · mon 09:00-12:00, 13:00-17:00; fri 09:00-15:00"), "{page}");
    assert!(page.contains("2026-12-24 09:00-12:00 Christmas Eve\n2026-12-25 Christmas Day"), "edit shows the holidays as typed");

    // A definition with a condition on an unknown field: the line is named, nothing stored.
    let definition = |pause: &'static str| {
        vec![
            ("name", "Standard"),
            ("kind", "sla"),
            ("calendar", "Office"),
            ("enabled", "on"),
            ("first_response", "60"),
            ("resolution", "480"),
            ("applies_when", "kind is incident"),
            ("pause_when", pause),
            ("warnings", "50, 90"),
            ("warn_assignee", "on"),
            ("warn_manager", "on"),
            ("breach_actions", "notify manager\nraise priority"),
        ]
    };
    let mut form = definition("status is on_hold\ncolour is red");
    form.push(("csrf", &csrf));
    let r = ada.post("/admin/service-levels/definitions", &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("pause_when: line 2: unknown field &#39;colour&#39;"), "{page}");
    assert!(page.contains("colour is red"), "the typed conditions come back");
    let api = t.user("default", "root", "admin").await;
    assert_eq!(body(t.get(&api, "/api/v1/sla-definitions").await).await, json!([]));
    let mut form = definition("status is on_hold");
    form.push(("csrf", &csrf));
    assert_eq!(saved(&ada.post("/admin/service-levels/definitions", &form).await), ok);
    let d = body(t.get(&api, "/api/v1/sla-definitions").await).await;
    assert_eq!(d[0]["pause_when"], json!([{"field": "status", "negate": false, "values": ["on_hold"]}]));
    assert_eq!(d[0]["warn_to"], json!(["assignee", "manager"]));
    assert_eq!(d[0]["breach_actions"], json!([{"action": "notify", "to": "manager"}, {"action": "raise_priority"}]));
    let (_, page) = ada.get("/admin/service-levels").await;
    assert!(page.contains("first response 60 min, resolution 480 min") && page.contains("paused while status is on_hold"), "{page}");

    // An availability XLA and the survey's own questions.
    let r = ada
        .post(
            "/admin/service-levels/xlas",
            &[
                ("csrf", &csrf),
                ("name", "Mail up"),
                ("measure", "availability"),
                ("service", "Email"),
                ("calendar", "Office"),
                ("target", "99.5"),
            ],
        )
        .await;
    assert_eq!(saved(&r), ok);
    let r = ada.post("/admin/service-levels/survey", &[("csrf", &csrf), ("rating", "Happy?"), ("extra", "choice Channel = Email")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a choice needs two options");
    let r = ada
        .post("/admin/service-levels/survey", &[("csrf", &csrf), ("rating", "Happy?"), ("extra", "choice! Channel = Email | Phone")])
        .await;
    assert_eq!(saved(&r), ok);
    assert_eq!(body(t.get(&api, "/api/v1/survey-questions").await).await["extra"][0]["required"], true);

    // An incident's outage from its page, then the replay.
    let kim = t.user("default", "kim", "requester").await;
    let n = t.create(&kim, "Mail is down").await["number"].as_str().unwrap().to_string();
    let r = ada.post(&format!("/tickets/{n}/outages"), &[("csrf", &csrf), ("service", "Email"), ("started_at", "2020-01-06T10:00")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = ada.get(&format!("/tickets/{n}")).await;
    assert!(page.contains("2020-01-06 10:00") && page.contains("ongoing"), "{page}");
    // Its service-level clocks, each with the timeline of its changes.
    assert!(page.contains("<strong>Standard · first response</strong>") && page.contains("<small class=\"timeline\">started "), "{page}");
    let r = ada.post(&format!("/tickets/{n}/outages"), &[("csrf", &csrf), ("service", "Email"), ("started_at", "soon")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "the ticket page shows a refused action with its reason");
    assert!(r.text().await.unwrap().contains("started_at: &#39;soon&#39; is not a date and time"));
    let r = ada.post("/admin/service-levels/replay", &[("csrf", &csrf)]).await;
    let page = r.text().await.unwrap();
    assert!(page.contains("clocks of 1 tickets recomputed; 0 change outcome (nothing stored yet)"), "{page}");

    // Agents who are not administrators cannot open the page.
    let (alice, _) = signed_in(&t, "alice", "agent").await;
    assert_eq!(alice.get("/admin/service-levels").await.0, StatusCode::FORBIDDEN);
}

on_both_databases!(admins_set_up_service_levels_from_their_page);
