//! The search page helps: mistyped words find the word meant ("pasword" finds
//! "password") from the tenant's own vocabulary, and the tickets found are counted and
//! narrowed by kind, status and group. Through the API and the page, on SQLite and
//! PostgreSQL.

use crate::common::{TestApp, body, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn counts(facet: &Value) -> Vec<(String, i64)> {
    facet.as_array().unwrap().iter().map(|c| (c["value"].as_str().unwrap().to_string(), c["count"].as_i64().unwrap())).collect()
}

fn numbers(found: &Value) -> Vec<String> {
    found["tickets"].as_array().unwrap().iter().map(|t| t["number"].as_str().unwrap().to_string()).collect()
}

async fn mistyped_words_find_the_word_meant_and_facets_narrow(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = t.user("default", "root", "admin").await;
    let agent = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    t.post(&admin, "/api/v1/groups", json!({"name": "Desk"})).await;
    let mk = |kind: &'static str, title: &'static str, group: Option<&'static str>| {
        let mut req = json!({"kind": kind, "title": title, "description": "since this morning"});
        if let Some(g) = group {
            req["group"] = json!(g);
        }
        req
    };
    let mut made = Vec::new();
    for req in [
        mk("incident", "Password expired on laptop", Some("Desk")),
        mk("incident", "Password reset does not arrive", None),
        mk("problem", "Password policy locks accounts", None),
        mk("incident", "Printer jams", None),
    ] {
        let r = t.post(&agent, "/api/v1/tickets", req).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        made.push(body(r).await["number"].as_str().unwrap().to_string());
    }
    let mine = body(t.post(&kim, "/api/v1/tickets", json!({"title": "My pasword is gone"})).await).await;
    let other = t.user("default", "zoe", "requester").await;
    t.post(&other, "/api/v1/tickets", json!({"title": "Outlook keeps asking"})).await;

    // Typed right: found as before, counted by kind, status and group.
    let found = body(t.get(&agent, "/api/v1/search?q=password").await).await;
    assert_eq!(found["corrected"], Value::Null);
    assert_eq!(numbers(&found).len(), 3, "{found}");
    assert_eq!(counts(&found["facets"]["kind"]), vec![("incident".to_string(), 2), ("problem".into(), 1)]);
    assert_eq!(counts(&found["facets"]["status"]), vec![("new".to_string(), 3)]);
    assert_eq!(counts(&found["facets"]["group"]), vec![("Desk".to_string(), 1)]);

    // Mistyped: nothing matches as typed, so the word meant is searched instead.
    // (kim's "pasword" is a word too, but only in her ticket; the agent sees it.)
    let found = body(t.get(&agent, "/api/v1/search?q=passwrod%20expird").await).await;
    assert_eq!(found["corrected"], "password expired", "{found}");
    assert_eq!(numbers(&found), vec![made[0].clone()]);
    let found = body(t.get(&agent, "/api/v1/search?q=pasword").await).await;
    assert_eq!(found["corrected"], Value::Null, "a word found as typed is not corrected: {found}");
    assert_eq!(numbers(&found), vec![mine["number"].as_str().unwrap().to_string()]);

    // A facet chosen narrows the tickets and their counts.
    let found = body(t.get(&agent, "/api/v1/search?q=password&kind=problem").await).await;
    assert_eq!((numbers(&found), counts(&found["facets"]["kind"])), (vec![made[2].clone()], vec![("problem".to_string(), 1)]));
    let found = body(t.get(&agent, "/api/v1/search?q=password&group=Desk").await).await;
    assert_eq!(numbers(&found), vec![made[0].clone()]);
    let r = t.get(&agent, "/api/v1/search?q=password&kind=incidnet").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(r).await.to_string().contains("incidnet"));

    // Requesters are corrected within what they may see, and get no group facet.
    let found = body(t.get(&kim, "/api/v1/search?q=pasword").await).await;
    assert_eq!(numbers(&found).len(), 1);
    assert_eq!(found["facets"]["group"], json!([]));
    let found = body(t.get(&kim, "/api/v1/search?q=outlok").await).await;
    assert_eq!((found["corrected"].clone(), numbers(&found)), (Value::Null, vec![]), "zoe's ticket is not kim's: {found}");

    // Another tenant's words never correct this one's searches.
    t.app.create_tenant("other", "Other Co").await.unwrap();
    let stranger = t.user("other", "sam", "agent").await;
    let found = body(t.get(&stranger, "/api/v1/search?q=pasword").await).await;
    assert_eq!((found["corrected"].clone(), numbers(&found)), (Value::Null, vec![]), "{found}");

    // The page: the correction said, the facets as links, the chosen one marked.
    let (browser, _) = signed_in(&t, "ada", "agent").await;
    let (status, page) = browser.get("/search?q=passwrod").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Nothing matched “passwrod”, so these are the results for “password”."), "{page}");
    assert!(page.contains(r#"<a href="/search?q=password&#38;kind=problem">Problem</a> <span class="count">1</span>"#), "{page}");
    let (_, page) = browser.get("/search?q=password&kind=problem").await;
    assert!(page.contains(r#"<strong aria-current="true">Problem</strong>"#), "{page}");
    assert!(page.contains(r#"<a href="/search?q=password" class="clear">Any kind</a>"#), "{page}");
    assert!(page.contains("Password policy locks accounts") && !page.contains("Password expired on laptop"), "{page}");
}

on_both_databases!(mistyped_words_find_the_word_meant_and_facets_narrow);
