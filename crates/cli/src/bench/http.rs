//! Measuring over real HTTP: latency percentiles, create throughput, process memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub(super) struct Latency(pub(super) Vec<Duration>);

impl std::fmt::Display for Latency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = |q: f64| self.0[((self.0.len() as f64 * q) as usize).min(self.0.len() - 1)].as_secs_f64() * 1000.0;
        write!(f, "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms", p(0.5), p(0.95), p(0.99))
    }
}

pub(super) async fn measure<F, Fut>(n: usize, mut req: F) -> anyhow::Result<Latency>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>>,
{
    let mut out = Vec::with_capacity(n);
    for i in 0..n.max(1) {
        let t0 = Instant::now();
        let res = req(i).await?;
        let status = res.status();
        res.bytes().await?;
        if !status.is_success() {
            anyhow::bail!("request failed with {status}");
        }
        out.push(t0.elapsed());
    }
    out.sort();
    Ok(Latency(out))
}

pub(super) async fn create_load(base: &str, token: &str, clients: usize, dur: Duration) -> anyhow::Result<f64> {
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + dur;
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, done, url, token) = (client.clone(), done.clone(), format!("{base}/api/v1/tickets"), token.to_string());
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while Instant::now() < deadline {
                i += 1;
                let body = serde_json::json!({"title": format!("bench {c}-{i}: printer offline"), "description": "created by cairn bench", "impact": 2, "urgency": 2});
                let res = client.post(&url).bearer_auth(&token).json(&body).send().await?;
                if res.status() != reqwest::StatusCode::CREATED {
                    anyhow::bail!("create failed: {}", res.status());
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }));
    }
    let t0 = Instant::now();
    for t in tasks {
        t.await??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64())
}

pub(super) fn rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
