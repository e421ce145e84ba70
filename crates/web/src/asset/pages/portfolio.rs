//! The portfolio report: cost, accumulated depreciation and book value on a date by
//! class, organisation or cost centre, as a table, a bar chart and CSV. The chart's
//! bars are whole currency units (its geometry is integer), the table exact.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_app::asset::depreciation::Valuation;
use cairn_domain::asset::Grouping;
use serde::Deserialize;

use crate::asset::api::{grouping, portfolio_csv};
use crate::ctx::Ctx;
use crate::platform::form::enc;
use crate::platform::page::{Me, Refusal, error_page, render};
use crate::platform::session::Session;
use crate::report::charts::{BAR_X, Bars};

#[derive(Deserialize, Default, Clone)]
pub(crate) struct PortfolioQuery {
    #[serde(default)]
    on: String,
    #[serde(default)]
    by: String,
}

pub(crate) struct Line {
    pub group: String,
    pub count: i64,
    pub cost: String,
    pub accumulated: String,
    pub book_value: String,
}

impl From<&Valuation> for Line {
    fn from(v: &Valuation) -> Line {
        Line {
            group: v.group.clone(),
            count: v.count,
            cost: v.cost.to_string(),
            accumulated: v.accumulated.to_string(),
            book_value: v.book_value.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "asset/portfolio.html")]
pub(crate) struct PortfolioPage {
    pub me: Option<Me>,
    pub on: String,
    pub by: &'static str,
    pub by_label: &'static str,
    pub groupings: Vec<(&'static str, &'static str)>,
    pub currency: String,
    pub lines: Vec<Line>,
    pub total: Option<Line>,
    pub chart: Option<Bars>,
    pub bar_x: i64,
    pub csv: String,
    pub error: Option<String>,
}

async fn page(ctx: &Ctx, s: &Session, q: PortfolioQuery, refusal: Option<Refusal>) -> Response {
    let a = &s.actor;
    let report = match grouping(Some(q.by.as_str())) {
        Ok(by) => ctx.app.asset_portfolio(a, Some(&q.on), by).await,
        Err(e) => Err(e),
    };
    let report = match report {
        Ok(r) => r,
        // A refused date or grouping shows today's report by class with the reason.
        Err(e @ AppError::Invalid { .. }) if refusal.is_none() => {
            return Box::pin(page(ctx, s, PortfolioQuery::default(), Some(Refusal::of(&e)))).await;
        }
        Err(e) => return error_page(Some(s), e),
    };
    let by = report.by;
    let title = format!("Book value by {} ({}, whole units)", by.label().to_lowercase(), report.currency);
    let values: Vec<(String, i64)> = report.groups.iter().map(|v| (v.group.clone(), v.book_value.cents() / 100)).collect();
    let (status, error) = Refusal::split(refusal);
    let page = PortfolioPage {
        me: Some(Me::new(a, &s.csrf)),
        on: report.on.to_string(),
        by: by.as_str(),
        by_label: by.label(),
        groupings: Grouping::ALL.iter().map(|g| (g.as_str(), g.label())).collect(),
        csv: format!("/assets/portfolio.csv?on={}&by={}", enc(&report.on.to_string()), enc(by.as_str())),
        currency: report.currency.clone(),
        lines: report.groups.iter().map(Line::from).collect(),
        total: Some(Line::from(&report.total)),
        chart: (!values.is_empty()).then(|| Bars::new("chart-book-value", &title, &values)),
        bar_x: BAR_X,
        error,
    };
    (status, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Query(q): Query<PortfolioQuery>) -> Response {
    page(&ctx, &s, q, None).await
}

/// The same report as CSV, as the API writes it.
pub(crate) async fn csv(State(ctx): State<Ctx>, s: Session, Query(q): Query<PortfolioQuery>) -> Response {
    let report = match grouping(Some(q.by.as_str())) {
        Ok(by) => ctx.app.asset_portfolio(&s.actor, Some(&q.on), by).await,
        Err(e) => Err(e),
    };
    match report {
        Ok(r) => portfolio_csv(&r),
        Err(e) => error_page(Some(&s), e),
    }
}
