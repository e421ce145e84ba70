//! Two `cairn serve` processes on one PostgreSQL database: both migrate at start, both
//! take creates at once, and the result is one set of distinct numbers and one intact
//! journal chain.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::common::*;
use cairn_store::testing::TestDb;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_one_postgres_database() {
    let Some(db) = TestDb::postgres().await else { return };
    let (_d, dir) = temp();
    use_database(&dir, &db.url());
    // Both start on an empty database: the migration lock lets one migrate, the other wait.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| Server::start(&dir));
        let b = s.spawn(|| Server::start(&dir));
        (a.join().unwrap(), b.join().unwrap())
    });
    create_user(&dir, "alice", "agent", "correct-horse");
    let tok = token(&dir, "alice");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut clients = Vec::new();
    for c in 0..8 {
        let base = if c % 2 == 0 { a.base.clone() } else { b.base.clone() };
        let (http, tok) = (http.clone(), tok.clone());
        clients.push(tokio::spawn(async move {
            let mut numbers = Vec::new();
            while Instant::now() < deadline {
                let body = serde_json::json!({"title": format!("shared {c}-{}", numbers.len())});
                let r = http.post(format!("{base}/api/v1/tickets")).bearer_auth(&tok).json(&body).send().await.unwrap();
                assert_eq!(r.status(), 201);
                numbers.push(r.json::<serde_json::Value>().await.unwrap()["number"].as_str().unwrap().to_string());
            }
            numbers
        }));
    }
    let mut numbers = Vec::new();
    for c in clients {
        numbers.extend(c.await.unwrap());
    }
    let distinct: HashSet<&String> = numbers.iter().collect();
    assert!(numbers.len() > 20, "load ran: {} creates", numbers.len());
    assert_eq!(distinct.len(), numbers.len(), "a number was given twice");

    // Each server sees the other's tickets.
    for (n, server) in numbers.iter().zip([&a, &b].iter().cycle()).take(20) {
        let r = http.get(format!("{}/api/v1/tickets/{n}", server.base)).bearer_auth(&tok).send().await.unwrap();
        assert_eq!(r.status(), 200, "{n} via {}", server.base);
    }
    drop((a, b));
    let out = cairn(&dir).args(["audit", "verify"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
