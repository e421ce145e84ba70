#![allow(clippy::unwrap_used)]
//! Recurring-incident detection measured on the demo tenant, whose incidents come
//! from sixteen known issues phrased three ways each: a proposed cluster is precise
//! when its incidents share one issue.

use std::collections::HashMap;
use std::sync::Arc;

use cairn_app::demo::demo_issue;
use cairn_app::{App, SystemClock};
use cairn_domain::problem::recurring::{Settings, clusters};
use cairn_store::{Db, testing::TestDb, ticket as tickets};

/// (precision, issues found) of detection over the last `days` of the demo.
async fn measure(app: &App, days: i64) -> (f64, usize, usize) {
    let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await.unwrap();
    let docs = {
        let mut c = app.db.read().await.unwrap();
        tickets::incidents_since(&mut c, t.id, app.now() - days * 86_400_000).await.unwrap()
    };
    let issue: HashMap<i64, usize> = docs.iter().map(|d| (d.id, demo_issue(&d.title).unwrap())).collect();
    let found = clusters(&docs, Settings::default());
    let (mut right, mut all) = (0, 0);
    let mut issues = std::collections::HashSet::new();
    for k in &found {
        let mut votes: HashMap<usize, usize> = HashMap::new();
        for id in &k.members {
            *votes.entry(issue[id]).or_default() += 1;
        }
        let (top, n) = votes.into_iter().max_by_key(|&(_, n)| n).unwrap();
        issues.insert(top);
        right += n;
        all += k.members.len();
    }
    let precision = right as f64 / all.max(1) as f64;
    // Recall: of the incidents whose issue recurs (3 or more in the window), how many
    // sit in a cluster of their own issue.
    let mut per_issue: HashMap<usize, usize> = HashMap::new();
    for i in issue.values() {
        *per_issue.entry(*i).or_default() += 1;
    }
    let recurring: usize = per_issue.values().filter(|&&n| n >= 3).sum();
    let recall = right as f64 / recurring.max(1) as f64;
    println!(
        "last {days} days: {} incidents, {} candidates, precision {precision:.3}, recall {recall:.3}, {} of 16 issues found",
        docs.len(),
        found.len(),
        issues.len()
    );
    (precision, found.len(), issues.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detection_on_the_demo_data_is_precise() {
    let db = TestDb::sqlite();
    let app = App::new(Db::open(&db.url(), 0).await.unwrap(), Arc::new(SystemClock));
    app.bootstrap().await.unwrap();
    assert!(app.load_demo(300).await.unwrap());
    let t = app.tenant_by_slug("default").await.unwrap();
    let latest = cairn_store::platform::live::latest(&mut app.db.read().await.unwrap(), t.id).await.unwrap();
    assert!(latest <= app.now(), "nothing in the demo happens after now ({} ms ahead)", latest - app.now());
    let (week, candidates, _) = measure(&app, 7).await;
    assert!(candidates > 0, "the demo's last week has recurring issues");
    assert!(week >= 0.9, "precision over 7 days {week:.3}");
    let (all, _, issues) = measure(&app, 42).await;
    assert!(all >= 0.9, "precision over 42 days {all:.3}");
    assert!(issues >= 12, "most of the 16 issues are found over 42 days: {issues}");
}
