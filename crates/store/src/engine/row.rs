//! Reading typed values out of rows, with the column named in any error.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;

pub(crate) fn get<'r, T>(row: &'r AnyRow, col: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(col).map_err(|e| StoreError::Corrupt(format!("column {col}: {e}")))
}
