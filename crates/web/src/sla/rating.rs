//! The requester's rating of a resolved ticket, from the ticket page of the portal.

use axum::extract::State;
use axum::response::Response;
use cairn_app::AppError;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::extract::TicketPath;
use crate::platform::csrf::CsrfForm;
use crate::platform::session::Session;
use crate::ticket::show::finish;

#[derive(Deserialize)]
pub(crate) struct RateForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

/// The requester rates a resolved ticket from the portal.
pub(crate) async fn rate(State(ctx): State<Ctx>, s: Session, TicketPath(number): TicketPath, CsrfForm(f): CsrfForm<RateForm>) -> Response {
    let r = async {
        let rating = f.rating.trim().parse::<i64>().map_err(|_| AppError::invalid("rating", "choose a rating from 1 to 5"))?;
        let answer = cairn_app::sla::surveys::SurveyAnswer {
            comment: Some(f.comment.clone()).filter(|c| !c.trim().is_empty()),
            ..Default::default()
        };
        ctx.app.rate_ticket(&s.actor, &number, Some(rating), answer).await.map(|_| None)
    }
    .await;
    finish(&ctx, &s, &number, "rated", r).await
}
