//! Bodies of the asset API, as documented in the OpenAPI document. Money is a decimal
//! string (`"3600.00"`), never a JSON number; dates are `YYYY-MM-DD`.

use cairn_app::asset::assets::AssetInput;
use cairn_store::asset::assets::AssetRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::time::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AssetBody {
    pub tag: String,
    /// hardware or software.
    pub kind: String,
    pub class: String,
    pub model: Option<String>,
    pub manufacturer: Option<String>,
    pub serial: Option<String>,
    pub organisation: Option<String>,
    /// The location CI's number.
    pub location: Option<String>,
    /// The username of whom it is checked out to.
    pub assigned_to: Option<String>,
    /// The CI it is recorded as in the CMDB.
    pub ci: Option<String>,
    pub po_ref: Option<String>,
    pub vendor: Option<String>,
    pub cost_centre: Option<String>,
    /// ordered, received, in_stock, deployed, in_repair, retired, disposed or lost.
    pub state: String,
    pub state_since: String,
    /// Decimal string, two decimals.
    pub cost: String,
    pub salvage: String,
    pub purchased_on: Option<String>,
    pub in_service: Option<String>,
    pub life_months: Option<u32>,
    /// straight_line, declining_balance, double_declining or sum_of_years.
    pub method: Option<String>,
    /// The yearly rate of declining_balance, e.g. "0.25".
    pub rate: Option<String>,
    pub disposed_on: Option<String>,
    pub proceeds: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

fn text<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

impl From<AssetRow> for AssetBody {
    fn from(r: AssetRow) -> Self {
        let a = r.asset;
        AssetBody {
            tag: a.tag,
            kind: a.kind.as_str().into(),
            class: a.class,
            model: a.model,
            manufacturer: a.manufacturer,
            serial: a.serial,
            organisation: r.org,
            location: r.location.map(|l| l.0),
            assigned_to: r.assigned.map(|p| p.0),
            ci: r.ci.map(|c| c.0),
            po_ref: a.po_ref,
            vendor: a.vendor,
            cost_centre: a.cost_centre,
            state: a.state.as_str().into(),
            state_since: rfc3339(a.state_since),
            cost: a.cost.to_string(),
            salvage: a.salvage.to_string(),
            purchased_on: text(a.purchased_on),
            in_service: text(a.in_service),
            life_months: a.life_months,
            method: a.method.map(|m| m.as_str().into()),
            rate: text(a.rate),
            disposed_on: text(a.disposed_on),
            proceeds: text(a.proceeds),
            version: a.version,
            created_at: rfc3339(a.created_at),
            updated_at: rfc3339(a.updated_at),
        }
    }
}

/// An asset as written: on create `tag` is required; on a change only what is given
/// changes, and `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssetRequest {
    pub tag: Option<String>,
    /// hardware (default) or software.
    pub kind: Option<String>,
    /// A class of your own, such as laptop or monitor (default unclassified).
    pub class: Option<String>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub model: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub manufacturer: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub serial: Option<Option<String>>,
    /// An organisation's name.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub organisation: Option<Option<String>>,
    /// A location CI's number.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
    /// A username.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub assigned_to: Option<Option<String>>,
    /// A CI number.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub ci: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub po_ref: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub vendor: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub cost_centre: Option<Option<String>>,
    /// The lifecycle state to move to (default in_stock on create).
    pub state: Option<String>,
    /// Decimal string such as "3600.00".
    pub cost: Option<String>,
    pub salvage: Option<String>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub purchased_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub in_service: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<i64>)]
    pub life_months: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub method: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub rate: Option<Option<String>>,
    /// With state disposed: the date (default today).
    pub disposed_on: Option<String>,
    /// With state disposed: what it was sold for (default 0).
    pub proceeds: Option<String>,
}

impl From<AssetRequest> for AssetInput {
    fn from(r: AssetRequest) -> Self {
        AssetInput {
            tag: r.tag,
            kind: r.kind,
            class: r.class,
            model: r.model,
            manufacturer: r.manufacturer,
            serial: r.serial,
            organisation: r.organisation,
            location: r.location,
            assigned_to: r.assigned_to,
            ci: r.ci,
            po_ref: r.po_ref,
            vendor: r.vendor,
            cost_centre: r.cost_centre,
            state: r.state,
            cost: r.cost,
            salvage: r.salvage,
            purchased_on: r.purchased_on,
            in_service: r.in_service,
            life_months: r.life_months,
            method: r.method,
            rate: r.rate,
            disposed_on: r.disposed_on,
            proceeds: r.proceeds,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AssetPage {
    pub items: Vec<AssetBody>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckOutRequest {
    /// The username it is handed to.
    pub person: String,
    /// A location CI's number, where it goes.
    pub location: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckInRequest {
    /// A location CI's number, the stock it goes back to.
    pub location: Option<String>,
}
