//! Stocktakes: start one for a location (the assets expected there are frozen), scan
//! tags into it, read what was found, is missing or turned up unexpectedly, and close it
//! applying the moves and losses chosen — all journaled, each step in one transaction.

use cairn_domain::asset::AssetState;
use cairn_domain::asset::stocktake::{self, Line, Outcome, StocktakeState};
use cairn_domain::ids::{StocktakeId, TenantId};
use cairn_domain::platform::access::Actor;
use cairn_store::Conn;
use cairn_store::asset::assets as asset_store;
use cairn_store::asset::stocktakes::{self as store, LineRow, Stocktake};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;

use super::assets::{AssetInput, update_in};
use crate::{App, AppError, Result, agents_only};

/// The entity stocktake events are journaled under.
pub const ENTITY: &str = "stocktake";

/// The most tags one scan takes.
pub const SCAN_MAX: usize = 100_000;

/// A stocktake and its lines sorted by outcome.
#[derive(Debug, Clone)]
pub struct StocktakeView {
    pub stocktake: Stocktake,
    pub found: Vec<LineRow>,
    pub missing: Vec<LineRow>,
    /// Scanned here, recorded elsewhere: moves to propose.
    pub unexpected: Vec<LineRow>,
    /// Scanned, but no asset has the tag.
    pub unknown: Vec<LineRow>,
}

async fn load(c: &mut Conn, t: TenantId, id: StocktakeId) -> Result<Stocktake> {
    store::by_id(c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("stocktake {id}")))
}

async fn view(c: &mut Conn, t: TenantId, s: Stocktake) -> Result<StocktakeView> {
    let mut v = StocktakeView { found: Vec::new(), missing: Vec::new(), unexpected: Vec::new(), unknown: Vec::new(), stocktake: s };
    for l in store::lines(c, t, v.stocktake.id).await? {
        let line = Line { tag: l.tag.clone(), expected: l.expected, scanned: l.scanned, known: l.asset.is_some() };
        match line.outcome() {
            Outcome::Found => v.found.push(l),
            Outcome::Missing => v.missing.push(l),
            Outcome::Unexpected => v.unexpected.push(l),
            Outcome::Unknown => v.unknown.push(l),
        }
    }
    Ok(v)
}

fn open(s: &Stocktake) -> Result<()> {
    if s.state == StocktakeState::Closed {
        return Err(AppError::invalid("state", format!("stocktake {} is closed", s.id)));
    }
    Ok(())
}

impl App {
    /// Starts a stocktake of a location (a location CI's number).
    #[tracing::instrument(name = "start_stocktake", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn start_stocktake(&self, actor: &Actor, location: &str) -> Result<StocktakeView> {
        agents_only(actor)?;
        let (t, by, now, location) = (actor.tenant_id, actor.user_id, self.now(), location.trim().to_string());
        if location.is_empty() {
            return Err(AppError::invalid("location", "is required: the location CI to count"));
        }
        self.db
            .write(tx!(|c| {
                let (place, number) = crate::cmdb::lookup::location(c, t, "location", &location).await?;
                let expected = asset_store::held_at(c, t, place).await?;
                let id = store::start(c, t, place, by, &expected, now).await?;
                let mut e = Entry::action(ENTITY, id.0, "started");
                e.new = Some(format!("{number}: {} expected", expected.len()));
                journal::append(c, t, Some(by), now, &[e]).await?;
                let s = load(c, t, id).await?;
                view(c, t, s).await
            }))
            .await
    }

    /// Records scanned tags (one per line, as a barcode reader types them, or CSV).
    #[tracing::instrument(name = "scan_stocktake", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn scan_stocktake(&self, actor: &Actor, id: StocktakeId, text: &str) -> Result<StocktakeView> {
        agents_only(actor)?;
        let tags = stocktake::parse_scan(text);
        if tags.is_empty() {
            return Err(AppError::invalid("tags", "no tag was scanned"));
        }
        if tags.len() > SCAN_MAX {
            return Err(AppError::invalid("tags", format!("at most {SCAN_MAX} tags per scan")));
        }
        let (t, by, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                let s = load(c, t, id).await?;
                open(&s)?;
                let known = asset_store::by_tags(c, t, &tags).await?;
                let with_ids: Vec<(String, Option<cairn_domain::ids::AssetId>)> =
                    tags.iter().map(|tag| (tag.clone(), known.iter().find(|a| &a.asset.tag == tag).map(|a| a.asset.id))).collect();
                let added = store::scan(c, t, id, &with_ids, now).await?;
                let mut e = Entry::action(ENTITY, id.0, "scanned");
                e.new = Some(format!("{} tags, {added} new", tags.len()));
                journal::append(c, t, Some(by), now, &[e]).await?;
                view(c, t, s).await
            }))
            .await
    }

    pub async fn stocktake(&self, actor: &Actor, id: StocktakeId) -> Result<StocktakeView> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let s = load(&mut c, actor.tenant_id, id).await?;
        view(&mut c, actor.tenant_id, s).await
    }

    pub async fn list_stocktakes(&self, actor: &Actor) -> Result<Vec<Stocktake>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::list(&mut c, actor.tenant_id).await?)
    }

    /// Closes a stocktake: the unexpected assets in `moves` are recorded at its location,
    /// the missing ones in `lost` are marked lost; every change is journaled on its
    /// asset and the close on the stocktake.
    #[tracing::instrument(name = "close_stocktake", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn close_stocktake(&self, actor: &Actor, id: StocktakeId, moves: Vec<String>, lost: Vec<String>) -> Result<StocktakeView> {
        agents_only(actor)?;
        let (t, by, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                let s = load(c, t, id).await?;
                open(&s)?;
                let v = view(c, t, s.clone()).await?;
                for tag in moves.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                    if !v.unexpected.iter().any(|l| l.tag == tag) {
                        return Err(AppError::invalid("move", format!("{tag} is not an unexpected asset of this stocktake")));
                    }
                    let before = super::load(c, t, tag).await?;
                    let input = AssetInput { location: Some(Some(s.location_name.0.clone())), ..AssetInput::default() };
                    update_in(c, t, Some(by), before, input, now).await?;
                }
                for tag in lost.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                    if !v.missing.iter().any(|l| l.tag == tag) {
                        return Err(AppError::invalid("lost", format!("{tag} is not a missing asset of this stocktake")));
                    }
                    let before = super::load(c, t, tag).await?;
                    let input = AssetInput { state: Some(AssetState::Lost.as_str().into()), ..AssetInput::default() };
                    update_in(c, t, Some(by), before, input, now).await?;
                }
                store::close(c, t, id, by, now).await?;
                let mut e = Entry::action(ENTITY, id.0, "closed");
                e.new = Some(format!(
                    "{} found, {} missing ({} marked lost), {} unexpected ({} moved here), {} unknown",
                    v.found.len(),
                    v.missing.len(),
                    lost.len(),
                    v.unexpected.len(),
                    moves.len(),
                    v.unknown.len()
                ));
                journal::append(c, t, Some(by), now, &[e]).await?;
                let s = load(c, t, id).await?;
                view(c, t, s).await
            }))
            .await
    }
}
