//! The knowledge pages over plain HTTP: an agent writes an article from a ticket,
//! edits it, a reviewer publishes it, versions are compared and restored; requesters
//! read, rate and find it through the one search box, and never reach internal ones.
//! On SQLite and PostgreSQL.

use crate::common::{TestApp, hidden, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;

async fn agents_write_review_and_publish_articles_that_requesters_find(url: String) {
    let t = TestApp::spawn(url).await;
    let (alice, csrf) = signed_in(&t, "alice", "agent").await;
    let (bob, bob_csrf) = signed_in(&t, "bob", "agent").await;
    let (kim, kim_csrf) = signed_in(&t, "kim", "requester").await;
    let kim_api = t.app.create_token("default", "kim", "test").await.unwrap();
    let ticket = t.create(&kim_api, "Printer on floor 2 jams on every page").await;
    let n = ticket["number"].as_str().unwrap();

    // From the ticket page to a prefilled draft.
    let (_, page) = alice.get(&format!("/tickets/{n}")).await;
    assert!(page.contains(&format!("href=\"/knowledge/new?ticket={n}\"")), "{page}");
    let (_, form) = alice.get(&format!("/knowledge/new?ticket={n}")).await;
    assert!(form.contains(r#"value="Printer on floor 2 jams on every page""#) && form.contains("## Symptom"), "{form}");
    let body = "## Fix\n\n1. Open tray 2\n2. Remove the **stuck** sheet\n\n<script>alert('x')</script>";
    let r = alice
        .post("/knowledge", &[("csrf", &csrf), ("title", "Printer jams on floor 2"), ("body", body), ("audience", "portal"), ("source", n)])
        .await;
    assert_eq!(location(&r), "/knowledge/KB0000001?done=created");
    let (_, page) = alice.get("/knowledge/KB0000001").await;
    assert!(page.contains("<strong>stuck</strong>") && page.contains("<h2>Fix</h2>") && !page.contains("<script>alert"), "{page}");
    assert!(page.contains(&format!("href=\"/tickets/{n}\">{n}</a>")), "the source is linked");

    // Refusals come back with the reason: review without a reviewer, an old copy.
    let r = alice.post("/knowledge/KB0000001/state", &[("csrf", &csrf), ("state", "in_review")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("name a reviewer"));
    let (_, form) = alice.get("/knowledge/KB0000001/edit").await;
    let version = hidden(&form, "version");
    let edit = |v: &str, wait: &str| {
        vec![
            ("csrf".to_string(), csrf.clone()),
            ("version".into(), v.into()),
            ("title".into(), "Printer jams on floor 2".into()),
            ("body".into(), format!("## Fix\n\n1. Open tray 2\n2. Wait {wait}")),
            ("audience".into(), "portal".into()),
            ("reviewer".into(), "bob".into()),
            ("note".into(), "shorter".into()),
        ]
    };
    let post = |form: Vec<(String, String)>| {
        alice
            .http
            .post(format!("{}/knowledge/KB0000001/edit", alice.base))
            .header("Cookie", alice.cookie.clone().unwrap())
            .form(&form)
            .send()
    };
    assert_eq!(location(&post(edit(&version, "10 s")).await.unwrap()), "/knowledge/KB0000001?done=saved");
    let r = post(edit(&version, "20 s")).await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED, "an old copy is refused, as through the API");
    assert!(r.text().await.unwrap().contains("Someone saved this article while you were editing it"));
    assert_eq!(
        location(&alice.post("/knowledge/KB0000001/state", &[("csrf", &csrf), ("state", "in_review")]).await),
        "/knowledge/KB0000001?done=state"
    );
    assert_eq!(alice.post("/knowledge/KB0000001/state", &[("csrf", &csrf), ("state", "published")]).await.status(), StatusCode::FORBIDDEN);
    let (_, page) = bob.get("/knowledge/KB0000001").await;
    assert!(page.contains(r#"value="published">Publish</button>"#), "{page}");
    assert_eq!(
        location(&bob.post("/knowledge/KB0000001/state", &[("csrf", &bob_csrf), ("state", "published")]).await),
        "/knowledge/KB0000001?done=state"
    );

    // Versions: compare the first with the current, restore it.
    let (_, page) = alice.get("/knowledge/KB0000001?compare=1").await;
    assert!(page.contains(r#"<span class="d-added">+ 2. Wait 10 s</span>"#) && page.contains("d-removed"), "{page}");
    let current = page.split("<dt>Version</dt><dd>").nth(1).unwrap().split('<').next().unwrap().to_string();
    let r = alice.post("/knowledge/KB0000001/restore", &[("csrf", &csrf), ("restore", "1"), ("version", &current)]).await;
    assert_eq!(location(&r), "/knowledge/KB0000001?done=restored");
    let (_, page) = alice.get("/knowledge/KB0000001").await;
    assert!(page.contains("<strong>stuck</strong>") && page.contains("restored version 1"), "{page}");

    // Requesters: the article in their list and search, feedback once, internal ones never.
    let (_, list) = kim.get("/knowledge").await;
    assert!(list.contains("Printer jams on floor 2") && !list.contains("Draft"), "{list}");
    let r = alice.post("/knowledge", &[("csrf", &csrf), ("title", "Printer admin passwords"), ("body", "Internal only")]).await;
    assert_eq!(location(&r), "/knowledge/KB0000002?done=created");
    assert_eq!(kim.get("/knowledge/KB0000002").await.0, StatusCode::NOT_FOUND);
    let (_, found) = kim.get("/search?q=printer").await;
    let articles = found.split("id=\"found-articles\"").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(articles.contains("KB0000001") && !articles.contains("KB0000002"), "{articles}");
    assert!(found.split("id=\"found-tickets\"").nth(1).unwrap().contains(n), "her own ticket too");
    assert_eq!(location(&kim.open("/search?q=kb0000001").await), "/knowledge/KB0000001");
    assert_eq!(location(&kim.open(&format!("/search?q={n}")).await), format!("/tickets/{n}"));
    let r = kim.post("/knowledge/KB0000001/feedback", &[("csrf", &kim_csrf), ("helpful", "no"), ("comment", "Tray 3 too")]).await;
    assert_eq!(location(&r), "/knowledge/KB0000001?done=feedback");
    let r = kim.post("/knowledge/KB0000001/feedback", &[("csrf", &kim_csrf), ("helpful", "yes")]).await;
    assert!(r.text().await.unwrap().contains("you already said whether KB0000001 helped"));
    let (_, page) = alice.get("/knowledge/KB0000001").await;
    assert!(page.contains("0 yes · 1 no") && page.contains("Tray 3 too"), "{page}");
    assert_eq!(kim.get("/knowledge/new").await.0, StatusCode::FORBIDDEN);

    // A review date from the editor: past dates list the article as due; a non-date is refused.
    let (_, form) = alice.get("/knowledge/KB0000002/edit").await;
    let v = hidden(&form, "version");
    let mut form = vec![("csrf", csrf.as_str()), ("version", v.as_str()), ("title", "Printer admin passwords"), ("body", "Internal only")];
    form.push(("review_on", "next week"));
    let r = alice.post("/knowledge/KB0000002/edit", &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("is not a date"));
    form.pop();
    form.push(("review_on", "2020-01-31"));
    assert_eq!(location(&alice.post("/knowledge/KB0000002/edit", &form).await), "/knowledge/KB0000002?done=saved");
    let (_, due) = alice.get("/knowledge?review=due").await;
    assert!(due.contains("KB0000002") && due.contains("review by 2020-01-31") && !due.contains("KB0000001"), "{due}");

    // The published article is suggested on a ticket about the same thing.
    let other = t.create(&kim_api, "Printer jams again").await;
    let (_, page) = alice.get(&format!("/tickets/{}", other["number"].as_str().unwrap())).await;
    let suggested = page.split("id=\"suggested-articles\"").nth(1).expect("suggestions").split("</ul>").next().unwrap();
    assert!(suggested.contains("KB0000001") && !suggested.contains("KB0000002"), "published ones only: {suggested}");
}

on_both_databases!(agents_write_review_and_publish_articles_that_requesters_find);
