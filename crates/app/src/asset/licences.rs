//! Software licences: products and the licences owned for them (entitlements, perhaps
//! under a contract), their use (installations on devices, assignments to people,
//! entered or imported), and the compliance report with what to reclaim.

use std::collections::BTreeMap;

use cairn_domain::asset::licence::{self, Compliance, LicenceModel};
use cairn_domain::asset::{self, Money};
use cairn_domain::ids::{ContractId, TenantId};
use cairn_domain::platform::access::Actor;
use cairn_store::Conn;
use cairn_store::asset::contracts as contract_store;
use cairn_store::asset::licences::{self as store, Entitlement, Installation, Product, Reclaim};
use cairn_store::platform::directory;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;

use crate::{App, AppError, Result, agents_only};

/// The entity licence events are journaled under (the product).
pub const ENTITY: &str = "software_product";

/// The most reclaim candidates a report lists.
pub const RECLAIM_MAX: i64 = 1000;

/// Licences bought: for a product (named; created with its model on first use).
#[derive(Debug, Clone, Default)]
pub struct LicenceInput {
    pub product: String,
    pub publisher: Option<String>,
    pub model: Option<String>,
    pub quantity: i64,
    /// Decimal string per licence.
    pub unit_price: Option<String>,
    pub contract: Option<i64>,
}

/// One use of a product: on a device (a CI number) or by a person (a username).
#[derive(Debug, Clone, Default)]
pub struct InstallationInput {
    pub product: String,
    pub ci: Option<String>,
    pub user: Option<String>,
    pub cores: Option<i64>,
    pub version: Option<String>,
}

/// A product's line in the compliance report.
#[derive(Debug, Clone)]
pub struct ProductCompliance {
    pub product: Product,
    pub compliance: Compliance,
    pub unit_price: Money,
}

/// The compliance report: every product, and the uses worth reclaiming.
#[derive(Debug, Clone)]
pub struct ComplianceReport {
    pub currency: String,
    pub products: Vec<ProductCompliance>,
    pub reclaim: Vec<Reclaim>,
    pub shortfall_cost: Money,
}

async fn product_named(c: &mut Conn, t: TenantId, field: &str, name: &str) -> Result<Product> {
    store::product_by_name(c, t, name.trim())
        .await?
        .ok_or_else(|| AppError::invalid(field, format!("no software product '{}'", name.trim())))
}

impl App {
    /// Records licences bought; the product is created on first use with its model.
    #[tracing::instrument(name = "add_licence", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn add_licence(&self, actor: &Actor, input: LicenceInput) -> Result<Entitlement> {
        agents_only(actor)?;
        let name = asset::check_text("product", &input.product)?.ok_or_else(|| AppError::invalid("product", "is required"))?;
        let model = input.model.as_deref().map(|m| LicenceModel::parse("model", m.trim())).transpose()?;
        if input.quantity < 1 || input.quantity > 10_000_000 {
            return Err(AppError::invalid("quantity", format!("must be from 1 to 10000000, got {}", input.quantity)));
        }
        let price = match input.unit_price.as_deref() {
            Some(p) => Money::parse("unit_price", p)?,
            None => Money::ZERO,
        };
        if price.0 < 0 {
            return Err(AppError::invalid("unit_price", format!("must not be negative, got {price}")));
        }
        let publisher = input.publisher.as_deref().map(|p| asset::check_text("publisher", p)).transpose()?.flatten();
        let (t, by, now, contract) = (actor.tenant_id, actor.user_id, self.now(), input.contract.map(ContractId));
        self.db
            .write(tx!(|c| {
                if let Some(k) = contract {
                    contract_store::by_id(c, t, k).await?.ok_or_else(|| AppError::invalid("contract", format!("no contract {k}")))?;
                }
                let product = match store::product_by_name(c, t, &name).await? {
                    Some(p) => {
                        if let Some(m) = model.filter(|m| *m != p.model) {
                            return Err(AppError::invalid(
                                "model",
                                format!("{} is licensed {} already, not {}", p.name, p.model.as_str(), m.as_str()),
                            ));
                        }
                        p
                    }
                    None => {
                        let m = model.ok_or_else(|| AppError::invalid("model", format!("is required for the new product {name}")))?;
                        let id = store::insert_product(c, t, &name, publisher.as_deref(), m, now).await?;
                        let mut e = Entry::action(ENTITY, id.0, "created");
                        e.new = Some(format!("{name} ({})", m.as_str()));
                        journal::append(c, t, Some(by), now, &[e]).await?;
                        Product { id, name: name.clone(), publisher: publisher.clone(), model: m }
                    }
                };
                let id = store::insert_entitlement(c, t, product.id, contract, (input.quantity, price), now).await?;
                let mut e = Entry::action(ENTITY, product.id.0, "entitlement_added");
                e.new = Some(format!("{} at {price}", input.quantity));
                journal::append(c, t, Some(by), now, &[e]).await?;
                let all = store::entitlements(c, t).await?;
                all.into_iter().find(|x| x.id == id).ok_or_else(|| AppError::Internal("entitlement not found after insert".into()))
            }))
            .await
    }

    /// The licences owned, by product.
    pub async fn list_licences(&self, actor: &Actor) -> Result<(Vec<Product>, Vec<Entitlement>)> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok((store::products(&mut c, actor.tenant_id).await?, store::entitlements(&mut c, actor.tenant_id).await?))
    }

    /// Records uses of products, all or none: each on a device (a CI) or by a person.
    /// Returns how many were recorded.
    #[tracing::instrument(name = "add_installations", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0, n = uses.len()))]
    pub async fn add_installations(&self, actor: &Actor, uses: Vec<InstallationInput>, source: &str) -> Result<usize> {
        agents_only(actor)?;
        if uses.is_empty() || uses.len() > 100_000 {
            return Err(AppError::invalid("installations", "send 1 to 100000 at a time"));
        }
        let (t, by, now, source) = (actor.tenant_id, actor.user_id, self.now(), source.to_string());
        self.db
            .write(tx!(|c| {
                let mut products: BTreeMap<String, Product> = BTreeMap::new();
                let mut rows = Vec::with_capacity(uses.len());
                for (i, u) in uses.iter().enumerate() {
                    let at = |f: &str| format!("installations[{i}].{f}");
                    let key = u.product.trim().to_lowercase();
                    let product = match products.get(&key) {
                        Some(p) => p.clone(),
                        None => {
                            let p = product_named(c, t, &at("product"), &u.product).await?;
                            products.insert(key, p.clone());
                            p
                        }
                    };
                    let given = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
                    let (ci, user) = match (given(&u.ci), given(&u.user)) {
                        (Some(n), None) => (Some(crate::cmdb::lookup::ci(c, t, &at("ci"), &n).await?.0), None),
                        (None, Some(name)) => {
                            let user = directory::user_by_name(c, t, &name)
                                .await?
                                .ok_or_else(|| AppError::invalid(&at("user"), format!("no user '{name}'")))?;
                            (None, Some(user.id))
                        }
                        _ => return Err(AppError::invalid(&at("ci"), "give either the device (a CI number) or the person (a username)")),
                    };
                    let cores = u.cores.unwrap_or(0);
                    if !(0..=100_000).contains(&cores) {
                        return Err(AppError::invalid(&at("cores"), format!("{cores} is not a number of cores")));
                    }
                    let version = u.version.as_deref().map(|v| asset::check_text("version", v)).transpose()?.flatten();
                    rows.push(Installation { product: product.id, ci, user, cores, version, source: source.clone() });
                }
                store::insert_installations(c, t, &rows, now).await?;
                let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
                for r in &rows {
                    *counts.entry(r.product.0).or_default() += 1;
                }
                let entries: Vec<Entry> = counts
                    .into_iter()
                    .map(|(p, n)| {
                        let mut e = Entry::action(ENTITY, p, "installations_added");
                        e.new = Some(format!("{n} ({source})"));
                        e
                    })
                    .collect();
                journal::append(c, t, Some(by), now, &entries).await?;
                Ok(rows.len())
            }))
            .await
    }

    /// Every product's licences owned against used, the shortfall priced, and the uses
    /// worth reclaiming.
    pub async fn licence_compliance(&self, actor: &Actor) -> Result<ComplianceReport> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let currency = cairn_store::asset::settings::get_for(&mut c, t).await?.currency;
        let owned = store::owned(&mut c, t).await?;
        let usage = store::usage(&mut c, t).await?;
        let products: Vec<ProductCompliance> = store::products(&mut c, t)
            .await?
            .into_iter()
            .map(|p| {
                let (entitled, unit_price) = owned.get(&p.id).copied().unwrap_or((0, Money::ZERO));
                let compliance = licence::compliance(p.model, entitled, unit_price, usage.get(&p.id).copied().unwrap_or_default());
                ProductCompliance { product: p, compliance, unit_price }
            })
            .collect();
        let shortfall_cost = products.iter().map(|p| p.compliance.shortfall_cost).sum();
        let reclaim = store::reclaimable(&mut c, t, RECLAIM_MAX).await?;
        Ok(ComplianceReport { currency, products, reclaim, shortfall_cost })
    }
}
