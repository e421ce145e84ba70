//! Arguments of SQL built at run time: each pushed value gets the next `$n`.

pub(crate) enum Arg {
    I(i64),
    S(String),
}

/// Adds `a` and returns its placeholder.
pub(crate) fn push(args: &mut Vec<Arg>, a: Arg) -> String {
    args.push(a);
    format!("${}", args.len())
}

/// The query with every argument bound, in order.
pub(crate) fn bind_all<'q>(sql: String, args: Vec<Arg>) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for a in args {
        query = match a {
            Arg::I(v) => query.bind(v),
            Arg::S(v) => query.bind(v),
        };
    }
    query
}
