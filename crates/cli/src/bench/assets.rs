//! `cairn bench assets`: the asset register at scale. Seeds the configured database up
//! to N assets (four depreciation methods, both kinds of life, ten classes, twenty cost
//! centres) and M software installations on devices, then measures the portfolio's book
//! value on a date, the licence compliance report, and the asset list page over HTTP.

use std::time::Instant;

use cairn_app::App;
use cairn_app::demo::Rng;
use cairn_domain::asset::licence::LicenceModel;
use cairn_domain::asset::{Asset, AssetKind, AssetState, Grouping, Method, Money, Rate};
use cairn_domain::cmdb::{Ci, CiNumber, CiStatus, Criticality};
use cairn_domain::ids::{AssetId, CiId, TenantId};
use cairn_store::asset::{assets, licences};
use cairn_store::cmdb::{cis, classes};
use cairn_store::platform::tenants;
use cairn_store::tx;
use indicatif::{ProgressBar, ProgressStyle};

use super::bench_token;
use super::http::{measure, rss_mb};

const CLASSES: [&str; 10] = ["laptop", "desktop", "monitor", "phone", "tablet", "server", "switch", "printer", "projector", "dock"];
const BATCH: usize = 5_000;
const PRODUCTS: usize = 50;
const DEVICES: usize = 20_000;

fn asset(i: usize, rng: &mut Rng, now: i64) -> Asset {
    let years = 3 + rng.below(5) as u32;
    let method = [Method::StraightLine, Method::DecliningBalance, Method::DoubleDeclining, Method::SumOfYears][i % 4];
    let cost = Money((200 + rng.below(5_000)) as i64 * 100 + rng.below(100) as i64);
    let in_service = jiff::civil::date(2018 + rng.below(9) as i16, 1 + rng.below(12) as i8, 1 + rng.below(28) as i8);
    Asset {
        id: AssetId(0),
        tag: format!("B-{i:07}"),
        kind: AssetKind::Hardware,
        class: CLASSES[i % CLASSES.len()].into(),
        model: Some(format!("Model {}", rng.below(300))),
        manufacturer: None,
        serial: Some(format!("SN{i:09}")),
        org: None,
        location: None,
        assigned_to: None,
        ci: None,
        po_ref: None,
        vendor: None,
        cost_centre: Some(format!("CC-{:02}", rng.below(20))),
        state: if i.is_multiple_of(10) { AssetState::InStock } else { AssetState::Deployed },
        state_since: now,
        cost,
        salvage: Money(cost.0 / 10),
        purchased_on: Some(in_service),
        in_service: Some(in_service),
        life_months: Some(if method == Method::StraightLine { 12 * years + rng.below(12) as u32 } else { 12 * years }),
        method: Some(method),
        rate: (method == Method::DecliningBalance).then_some(Rate(250_000)),
        disposed_on: None,
        proceeds: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

async fn seed_assets(app: &App, t: TenantId, have: i64, want: usize) -> anyhow::Result<()> {
    let bar = ProgressBar::new(want as u64).with_style(ProgressStyle::with_template("seeding assets {bar:40} {pos}/{len} {eta}")?);
    bar.set_position(have as u64);
    let now = app.now();
    let mut i = have as usize;
    while i < want {
        let end = (i + BATCH).min(want);
        let mut rng = Rng(0x5eed ^ i as u64);
        let batch: Vec<Asset> = (i..end).map(|n| asset(n, &mut rng, now)).collect();
        app.db.write(tx!(|c| { assets::insert_many(c, t, &batch).await })).await?;
        bar.set_position(end as u64);
        i = end;
    }
    bar.finish_and_clear();
    Ok(())
}

/// Devices and products, then installations of products on devices up to `want`.
async fn seed_installations(app: &App, t: TenantId, want: usize) -> anyhow::Result<()> {
    let now = app.now();
    let have: i64 = {
        let mut c = app.db.read().await?;
        licences::installation_count(&mut c, t).await?
    };
    if have as usize >= want {
        return Ok(());
    }
    let device_class = {
        let mut c = app.db.read().await?;
        classes::all(&mut c, t).await?.into_iter().find(|k| k.code == "end_user_device").map(|k| k.id)
    }
    .ok_or_else(|| anyhow::anyhow!("the class end_user_device is missing"))?;
    let (devices, products) = app
        .db
        .write(tx!(|c| {
            let first = tenants::reserve_numbers(c, t, cairn_domain::cmdb::number::PREFIX, DEVICES as i64).await?;
            let rows: Vec<Ci> = (0..DEVICES)
                .map(|i| Ci {
                    id: CiId(0),
                    number: CiNumber::of(first + i as i64),
                    class: device_class,
                    name: format!("bench-device-{i}"),
                    status: if i.is_multiple_of(50) { CiStatus::Retired } else { CiStatus::Operational },
                    criticality: Criticality::Low,
                    owner: None,
                    group: None,
                    org: None,
                    location: None,
                    attributes: serde_json::Map::new(),
                    sources: Default::default(),
                    seen_at: None,
                    created_at: now,
                    updated_at: now,
                })
                .collect();
            let devices = cis::insert_many(c, t, &rows).await?;
            let mut products = Vec::new();
            for p in 0..PRODUCTS {
                let model = [LicenceModel::PerDevice, LicenceModel::PerCore, LicenceModel::Site][p % 3];
                let id = licences::insert_product(c, t, &format!("bench-product-{p}"), None, model, now).await?;
                licences::insert_entitlement(c, t, id, None, (1_500 + p as i64 * 10, Money(10_000)), now).await?;
                products.push(id);
            }
            Ok::<_, cairn_app::AppError>((devices, products))
        }))
        .await?;
    let mut rng = Rng(0xabcd);
    let mut left = want - have as usize;
    while left > 0 {
        let n = left.min(BATCH);
        let rows: Vec<licences::Installation> = (0..n)
            .map(|_| licences::Installation {
                product: products[rng.below(products.len())],
                ci: Some(devices[rng.below(devices.len())]),
                user: None,
                cores: 2 + 2 * rng.below(8) as i64,
                version: None,
                source: "bench".into(),
            })
            .collect();
        app.db.write(tx!(|c| { licences::insert_installations(c, t, &rows, now).await })).await?;
        left -= n;
    }
    Ok(())
}

/// Best of `runs` timings of `f`, in ms, and its last answer.
async fn best<T, F, Fut>(runs: usize, mut f: F) -> anyhow::Result<(f64, T)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, cairn_app::AppError>>,
{
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t0 = Instant::now();
        last = Some(f().await?);
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    Ok((median, last.ok_or_else(|| anyhow::anyhow!("no run"))?))
}

pub async fn assets_bench(app: &App, n: usize, installations: usize, requests: usize) -> anyhow::Result<()> {
    let token = bench_token(app).await?;
    let tenant = app.tenant_by_slug(cairn_app::DEFAULT_TENANT).await?;
    let t = tenant.id;
    let have = {
        let mut c = app.db.read().await?;
        assets::count(&mut c, t).await?
    };
    let started = Instant::now();
    if (have as usize) < n {
        seed_assets(app, t, have, n).await?;
    }
    seed_installations(app, t, installations).await?;
    let total = {
        let mut c = app.db.read().await?;
        assets::count(&mut c, t).await?
    };
    println!(
        "backend: {:?}; assets: {total}; installations: {installations}; seeding took {:.1} s",
        app.backend(),
        started.elapsed().as_secs_f64()
    );
    let bench = {
        let mut c = app.db.read().await?;
        cairn_store::platform::directory::user_by_name(&mut c, t, "bench").await?.ok_or_else(|| anyhow::anyhow!("no bench user"))?
    };
    let actor = cairn_domain::platform::access::Actor { tenant_id: t, user_id: bench.id, username: bench.username, role: bench.role };
    let rss0 = rss_mb();
    let (ms, p) = best(3, || app.asset_portfolio(&actor, Some("2026-12-31"), Grouping::Class)).await?;
    println!(
        "portfolio on 2026-12-31 by class ({} assets, book value {} of cost {}): median of 3 {ms:.0} ms",
        p.total.count, p.total.book_value, p.total.cost
    );
    let (ms_cc, _) = best(3, || app.asset_portfolio(&actor, Some("2026-12-31"), Grouping::CostCentre)).await?;
    println!("portfolio by cost centre: median of 3 {ms_cc:.0} ms");
    let (ms_l, r) = best(3, || app.licence_compliance(&actor)).await?;
    println!(
        "licence compliance ({} products, shortfall cost {}, {} reclaim candidates listed): median of 3 {ms_l:.0} ms",
        r.products.len(),
        r.shortfall_cost,
        r.reclaim.len()
    );
    println!("process RSS: {rss0} MB before the reports, {} MB after", rss_mb());

    let (base, stop) = super::start_server(app).await?;
    let client = reqwest::Client::new();
    let cookie = format!("cairn_session={}", super::cmdb::web_session(app).await?);
    let api = measure(requests, |_| client.get(format!("{base}/api/v1/assets?limit=50")).bearer_auth(&token).send()).await?;
    let mut rng = Rng(7);
    let filtered = measure(requests, |_| {
        client
            .get(format!("{base}/api/v1/assets?class={}&state=in_stock&limit=50", CLASSES[rng.below(CLASSES.len())]))
            .bearer_auth(&token)
            .send()
    })
    .await?;
    let mut rng = Rng(8);
    let by_tag =
        measure(requests, |_| client.get(format!("{base}/api/v1/assets?q=B-{:07}", rng.below(total as usize))).bearer_auth(&token).send())
            .await?;
    println!("asset list, first page (GET /api/v1/assets?limit=50): {api}");
    println!("asset list by class and state (in stock): {filtered}");
    println!("asset list by tag: {by_tag}");
    let probe = client.get(format!("{base}/assets")).header(reqwest::header::COOKIE, &cookie).send().await?;
    if probe.status().is_success() {
        let page = measure(requests, |_| client.get(format!("{base}/assets")).header(reqwest::header::COOKIE, &cookie).send()).await?;
        println!("asset list page (GET /assets, HTML): {page}");
    } else {
        println!("asset list page (GET /assets, HTML): not measured, it answered {}", probe.status());
    }
    let _ = stop.send(());
    Ok(())
}
