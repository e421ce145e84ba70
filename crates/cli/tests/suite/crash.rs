//! `kill -9` while clients create tickets: every ticket acknowledged with 201 must be
//! there after restart, and the journal chain must verify.

use std::time::{Duration, Instant};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_tickets_survive_kill_9() {
    let (_d, dir) = temp();
    create_user(&dir, "alice", "agent", "correct-horse");
    let tok = token(&dir, "alice");
    let mut server = Server::start(&dir);
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let mut clients = Vec::new();
    for c in 0..16 {
        let (http, url, tok) = (http.clone(), format!("{}/api/v1/tickets", server.base), tok.clone());
        clients.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0.. {
                let body = serde_json::json!({"title": format!("crash {c}-{i}")});
                match http.post(&url).bearer_auth(&tok).json(&body).send().await {
                    Ok(r) if r.status() == 201 => {
                        acked.push(r.json::<serde_json::Value>().await.unwrap()["number"].as_str().unwrap().to_string())
                    }
                    _ => break,
                }
            }
            acked
        }));
    }
    let t0 = Instant::now();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.child.kill().unwrap(); // SIGKILL: no shutdown, no final flush
    server.child.wait().unwrap();
    let mut acked = Vec::new();
    for c in clients {
        acked.extend(c.await.unwrap());
    }
    assert!(acked.len() > 20, "load ran: {} creates in {:?}", acked.len(), t0.elapsed());

    let server = Server::start(&dir);
    for n in &acked {
        let r = http.get(format!("{}/api/v1/tickets/{n}", server.base)).bearer_auth(&tok).send().await.unwrap();
        assert_eq!(r.status(), 200, "acknowledged ticket {n} lost");
    }
    drop(server);
    let out = cairn(&dir).args(["audit", "verify"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
