//! A JSON body extractor whose errors name the field at fault
//! (`title: invalid type: integer, expected a string`) and reject unknown fields.
//! A body that should be an object but is an array is refused (serde would read `[]`
//! as an object with every field left at its default).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::{self, DeserializeOwned, Visitor};

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
        let is_array = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
        if is_array && wants_object::<T>() {
            return Err(cairn_app::AppError::invalid("body", "must be a JSON object, not an array").into());
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de).map(JsonBody).map_err(|e| {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            ApiError::BadRequest { field: field_at_fault(&path, &message), message }
        })
    }
}

/// The field a serde error is about: its path, or for an unknown or missing field at
/// the top (path `.`), the name serde gives only in its message.
pub(crate) fn field_at_fault(path: &str, message: &str) -> Option<String> {
    if path != "." {
        return Some(path.to_string());
    }
    ["unknown field `", "missing field `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|r| r.split('`').next())
        .map(str::to_string)
}

/// Whether `T` is read from a JSON object (a struct or a map), asked of `T` itself.
fn wants_object<T: DeserializeOwned>() -> bool {
    let mut object = false;
    let _ = T::deserialize(Probe(&mut object));
    object
}

/// A deserializer that only notes whether an object was asked of it.
struct Probe<'a>(&'a mut bool);

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("probe"))
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, _: &'static [&'static str], _: V) -> Result<V::Value, Self::Error> {
        *self.0 = true;
        Err(de::Error::custom("probe"))
    }

    fn deserialize_map<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        *self.0 = true;
        Err(de::Error::custom("probe"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct enum identifier ignored_any
    }
}

/// For `deserialize_with`: tells an absent field (leave alone) from `null` (clear it).
pub(crate) fn some<'de, T: serde::Deserialize<'de>, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Order {
        #[serde(default)]
        quantity: i64,
    }

    #[test]
    fn structs_and_maps_want_objects_and_lists_do_not() {
        assert!(wants_object::<Order>());
        assert!(wants_object::<std::collections::BTreeMap<String, i64>>());
        assert!(!wants_object::<Vec<i64>>());
        assert!(!wants_object::<[[i64; 3]; 3]>());
    }
}
