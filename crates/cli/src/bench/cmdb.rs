//! `cairn seed --cis N` and `cairn bench cmdb`: a CMDB shaped like an estate of sites,
//! and impact analysis and the CI page measured over HTTP.
//!
//! Each site of 1,000 CIs has a building with 20 rooms, 50 network devices, 250
//! servers, 30 databases, 100 applications, 10 services and 539 end-user and AV
//! devices, related as they are in practice (servers and devices located in rooms and
//! depending on switches, applications running on two servers and using a database,
//! services depending on applications): about 2.8 relations per CI. Every ten sites
//! share a regional core that their switches depend on: the hub, whose failure
//! reaches about 10,000 CIs. Seeded CIs are bulk-loaded without journal events.

use cairn_store::tx;
use std::collections::HashMap;

use cairn_app::App;
use cairn_app::demo::Rng;
use cairn_domain::cmdb::relation::RelationType;
use cairn_domain::cmdb::{Ci, CiNumber, CiStatus, Criticality};
use cairn_domain::ids::{CiClassId, CiId, TenantId};
use cairn_store::cmdb::{cis, classes, relations};
use cairn_store::platform::tenants;
use indicatif::{ProgressBar, ProgressStyle};

use super::bench_token;
use super::http::{measure, rss_mb};

const SITE: usize = 1000;

/// The CIs of one site, by class code and count, in the order they are made.
const PLAN: [(&str, usize); 9] = [
    ("building", 1),
    ("room", 20),
    ("network_device", 50),
    ("server", 250),
    ("database", 30),
    ("application", 100),
    ("technical_service", 8),
    ("business_service", 2),
    ("end_user_device", 539),
];

fn ci(class: CiClassId, name: String, now: i64) -> Ci {
    Ci {
        id: CiId(0),
        number: CiNumber::of(0),
        class,
        name,
        status: CiStatus::Operational,
        criticality: Criticality::Medium,
        owner: None,
        group: None,
        org: None,
        location: None,
        attributes: serde_json::Map::new(),
        sources: Default::default(),
        seen_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// Loads `n` CIs (rounded up to whole sites) and their relations.
pub async fn seed_cis(app: &App, n: usize) -> anyhow::Result<()> {
    if n == 0 {
        return Ok(());
    }
    let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?.id;
    let class_ids: HashMap<String, CiClassId> = {
        let mut c = app.db.read().await?;
        classes::all(&mut c, t).await?.into_iter().map(|k| (k.code, k.id)).collect()
    };
    let sites = n.div_ceil(SITE);
    let bar = ProgressBar::new((sites * SITE) as u64);
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} CIs {per_sec} eta {eta}")?);
    let (now, mut relations_made, mut core) = (app.now(), 0usize, None);
    for site in 0..sites {
        let class_ids = class_ids.clone();
        let region_core = core.filter(|_| site % 10 != 0);
        let (made, rels, core_id) = app.db.write(tx!(|c| { seed_site(c, t, &class_ids, site, region_core, now).await })).await?;
        core = Some(core_id);
        relations_made += rels;
        bar.inc(made as u64);
    }
    bar.finish_and_clear();
    println!("seeded {} CIs and {relations_made} relations in {sites} sites", sites * SITE + sites.div_ceil(10));
    Ok(())
}

/// One site in one transaction; returns the CIs and relations made and the region's core.
async fn seed_site(
    c: &mut cairn_store::Conn,
    t: TenantId,
    class_ids: &HashMap<String, CiClassId>,
    site: usize,
    core: Option<CiId>,
    now: i64,
) -> Result<(usize, usize, CiId), cairn_store::StoreError> {
    let mut rng = Rng(0xc1_0000 + site as u64);
    let class = |code: &str| class_ids.get(code).copied().unwrap_or_default();
    let core = match core {
        Some(id) => id,
        None => {
            let first = tenants::reserve_numbers(c, t, cairn_domain::cmdb::number::PREFIX, 1).await?;
            let mut hub = ci(class("network_device"), format!("core-{}", site / 10), now);
            hub.number = CiNumber::of(first);
            hub.criticality = Criticality::Critical;
            cis::insert(c, t, &hub).await?
        }
    };
    let first = tenants::reserve_numbers(c, t, cairn_domain::cmdb::number::PREFIX, SITE as i64).await?;
    let mut made: HashMap<&str, Vec<CiId>> = HashMap::new();
    let mut k = 0i64;
    for (code, count) in PLAN {
        for i in 0..count {
            let mut row = ci(class(code), format!("s{site}-{code}-{i}"), now);
            row.number = CiNumber::of(first + k);
            k += 1;
            let id = cis::insert(c, t, &row).await?;
            made.entry(code).or_default().push(id);
        }
    }
    let pick = |rng: &mut Rng, v: &[CiId]| v[rng.below(v.len())];
    let mut rels: Vec<(CiId, RelationType, CiId)> = Vec::new();
    let (rooms, switches, servers) = (&made["room"], &made["network_device"], &made["server"]);
    for &r in rooms {
        rels.push((r, RelationType::PartOf, made["building"][0]));
    }
    for &s in switches {
        rels.push((s, RelationType::LocatedIn, pick(&mut rng, rooms)));
        rels.push((s, RelationType::DependsOn, core));
    }
    for &s in servers {
        rels.push((s, RelationType::LocatedIn, pick(&mut rng, rooms)));
        rels.push((s, RelationType::DependsOn, pick(&mut rng, switches)));
    }
    for &d in &made["database"] {
        rels.push((d, RelationType::RunsOn, pick(&mut rng, servers)));
    }
    for &a in &made["application"] {
        let (s1, s2) = (pick(&mut rng, servers), pick(&mut rng, servers));
        rels.push((a, RelationType::RunsOn, s1));
        if s2 != s1 {
            rels.push((a, RelationType::RunsOn, s2));
        }
        rels.push((a, RelationType::DependsOn, pick(&mut rng, &made["database"])));
    }
    for (i, &s) in made["technical_service"].iter().enumerate() {
        for j in 0..4 {
            rels.push((s, RelationType::DependsOn, made["application"][(i * 12 + j * 3) % 100]));
        }
    }
    for &b in &made["business_service"] {
        rels.push((b, RelationType::DependsOn, pick(&mut rng, &made["technical_service"])));
        rels.push((b, RelationType::DependsOn, pick(&mut rng, &made["application"])));
    }
    for &d in &made["end_user_device"] {
        rels.push((d, RelationType::LocatedIn, pick(&mut rng, rooms)));
        rels.push((d, RelationType::DependsOn, pick(&mut rng, switches)));
        let other = pick(&mut rng, switches);
        rels.push((d, RelationType::DependsOn, other));
    }
    rels.sort_by_key(|(f, r, to)| (f.0, r.as_str(), to.0));
    rels.dedup();
    for (f, r, to) in &rels {
        relations::insert(c, t, *f, *r, *to, None, now).await?;
    }
    Ok((SITE, rels.len(), core))
}

/// Impact of a typical CI and of a hub, and the CI page, over HTTP.
pub async fn cmdb_bench(app: &App, requests: usize) -> anyhow::Result<()> {
    let token = bench_token(app).await?;
    let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?.id;
    let total = {
        let mut c = app.db.read().await?;
        cis::count(&mut c, t).await?
    };
    anyhow::ensure!(total >= SITE as i64, "seed CIs first: cairn seed --tickets 0 --cis 1000000");
    let (base, stop) = super::start_server(app).await?;
    let client = reqwest::Client::new();
    println!("backend: {:?}; CIs in database: {total}", app.backend());
    let (rss_before, started) = (rss_mb(), std::time::Instant::now());
    let graph = app.load_cmdb_graph(t).await?.ok_or_else(|| anyhow::anyhow!("the graph kept changing while it was loaded"))?;
    println!(
        "graph loaded into memory in {:.1} s: {} CIs, {} relations, {} MB held (process RSS {} MB -> {} MB)",
        started.elapsed().as_secs_f64(),
        graph.cis(),
        graph.relations(),
        graph.bytes() / 1_000_000,
        rss_before,
        rss_mb()
    );
    drop(graph);
    // Servers are the 72nd to 321st CI of each site (after the core, building, rooms, switches).
    let sites = (total as usize) / SITE;
    let number_of = |site: usize, offset: usize| {
        let cores_before = site / 10 + 1;
        CiNumber::of((site * SITE + cores_before + offset + 1) as i64)
    };
    let mut rng = Rng(17);
    let typical = measure(requests, |_| {
        let n = number_of(rng.below(sites), 71 + rng.below(250));
        client.get(format!("{base}/api/v1/cis/{n}/impact")).bearer_auth(&token).send()
    })
    .await?;
    let probe: serde_json::Value =
        client.get(format!("{base}/api/v1/cis/{}/impact", number_of(0, 71))).bearer_auth(&token).send().await?.json().await?;
    let mut rng = Rng(18);
    let hub = measure(requests / 4, |_| {
        let region = rng.below(sites.div_ceil(10).max(1));
        let n = CiNumber::of((region * 10 * SITE + region + 1) as i64);
        client.get(format!("{base}/api/v1/cis/{n}/impact?depth=20")).bearer_auth(&token).send()
    })
    .await?;
    let hub_probe: serde_json::Value =
        client.get(format!("{base}/api/v1/cis/{}/impact?depth=20", CiNumber::of(1))).bearer_auth(&token).send().await?.json().await?;
    let mut rng = Rng(19);
    let page = measure(requests, |_| {
        let n = number_of(rng.below(sites), 71 + rng.below(250));
        client.get(format!("{base}/api/v1/cis/{n}")).bearer_auth(&token).send()
    })
    .await?;
    // The CI page as a browser gets it (fields, relations, impact graph, tickets, history).
    let cookie = format!("cairn_session={}", web_session(app).await?);
    let mut rng = Rng(20);
    let html = measure(requests, |_| {
        let n = number_of(rng.below(sites), 71 + rng.below(250));
        client.get(format!("{base}/cis/{n}")).header(reqwest::header::COOKIE, &cookie).send()
    })
    .await?;
    println!("impact of a server (up, depth 10; {} CIs reached for the first): {typical}", probe["cis"].as_array().map_or(0, Vec::len));
    println!("impact of a regional core (up, depth 20; {} CIs reached): {hub}", hub_probe["cis"].as_array().map_or(0, Vec::len));
    println!("CI read (GET /api/v1/cis/{{number}}): {page}");
    println!("CI page (GET /cis/{{number}}, HTML):  {html}");
    println!("process RSS after run: {} MB", rss_mb());
    let _ = stop.send(());
    Ok(())
}

/// A signed-in session of an agent with a password, for the pages.
pub(super) async fn web_session(app: &App) -> anyhow::Result<String> {
    use cairn_app::platform::admin::{Admin, CreateUser};
    let t = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?;
    let password = "bench-page-password";
    let req = CreateUser {
        username: "bench-web".into(),
        display_name: None,
        email: None,
        role: "agent".into(),
        password: Some(password.into()),
        organisation: None,
    };
    match app.create_user(&Admin::Operator(t.id), req).await {
        Ok(_) | Err(cairn_app::AppError::Conflict(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(app.login(cairn_app::DEFAULT_TENANT, "bench-web", password, "bench").await?.token)
}
