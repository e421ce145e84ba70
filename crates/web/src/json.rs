//! A JSON body extractor whose errors name the field at fault
//! (`title: invalid type: integer, expected a string`) and reject unknown fields.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub(crate) struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::BadRequest { field: None, message: "expected Content-Type: application/json".into() });
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::BadRequest { field: None, message: format!("could not read the body: {e}") })?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de).map(JsonBody).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.to_string();
            // serde names an unknown field only in its message: pull it out for `field`.
            let field = if path == "." {
                message.strip_prefix("unknown field `").and_then(|r| r.split('`').next()).map(str::to_string)
            } else {
                Some(path)
            };
            ApiError::BadRequest { field, message }
        })
    }
}
