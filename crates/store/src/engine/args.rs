//! Arguments of SQL built at run time: each pushed value gets the next `$n`.

#[derive(Clone)]
pub(crate) enum Arg {
    I(i64),
    S(String),
    /// An integer or NULL.
    OptI(Option<i64>),
    /// A text or NULL.
    OptS(Option<String>),
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

impl Arg {
    /// Binds the value as the query's next argument.
    pub(crate) fn bind_to(self, q: AnyQuery<'_>) -> AnyQuery<'_> {
        match self {
            Arg::I(v) => q.bind(v),
            Arg::S(v) => q.bind(v),
            Arg::OptI(v) => q.bind(v),
            Arg::OptS(v) => q.bind(v),
        }
    }
}

/// Adds `a` and returns its placeholder.
pub(crate) fn push(args: &mut Vec<Arg>, a: Arg) -> String {
    args.push(a);
    format!("${}", args.len())
}

/// The query with every argument bound, in order.
pub(crate) fn bind_all<'q>(sql: String, args: Vec<Arg>) -> AnyQuery<'q> {
    args.into_iter().fold(sqlx::query(sqlx::AssertSqlSafe(sql)), |q, a| a.bind_to(q))
}

/// Columns and their values, named side by side instead of counted `$n` by `$n`.
pub(crate) struct Columns(Vec<(&'static str, Arg)>);

impl Columns {
    pub(crate) fn new() -> Columns {
        Columns(Vec::new())
    }

    pub(crate) fn set(mut self, column: &'static str, value: Arg) -> Columns {
        self.0.push((column, value));
        self
    }

    /// `INSERT INTO table (a, b) VALUES ($1, $2)` followed by `tail`, and its arguments.
    pub(crate) fn insert(self, table: &str, tail: &str) -> (String, Vec<Arg>) {
        let names: Vec<&str> = self.0.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        (
            format!("INSERT INTO {table} ({}) VALUES ({}){tail}", names.join(", "), marks.join(", ")),
            self.0.into_iter().map(|(_, a)| a).collect(),
        )
    }

    /// One `INSERT INTO table (a, b) VALUES ($1, $2), ($3, $4), …` of rows that set the
    /// same columns in the same order (the first row names them), and its arguments.
    pub(crate) fn insert_many(rows: Vec<Columns>, table: &str) -> (String, Vec<Arg>) {
        let names: Vec<&str> = rows.first().map(|r| r.0.iter().map(|(c, _)| *c).collect()).unwrap_or_default();
        let mut args = Vec::new();
        let mut tuples = Vec::with_capacity(rows.len());
        for row in rows {
            debug_assert!(row.0.iter().map(|(c, _)| *c).eq(names.iter().copied()), "rows set the same columns");
            let marks: Vec<String> = row.0.into_iter().map(|(_, a)| push(&mut args, a)).collect();
            tuples.push(format!("({})", marks.join(", ")));
        }
        (format!("INSERT INTO {table} ({}) VALUES {}", names.join(", "), tuples.join(", ")), args)
    }

    /// `UPDATE table SET a = $1, b = $2 WHERE x = $3 AND y = $4` for the `(column, value)`
    /// conditions in `wher`, and its arguments.
    pub(crate) fn update(self, table: &str, wher: Vec<(&'static str, Arg)>) -> (String, Vec<Arg>) {
        let sets: Vec<String> = self.0.iter().enumerate().map(|(i, (c, _))| format!("{c} = ${}", i + 1)).collect();
        let n = sets.len();
        let conds: Vec<String> = wher.iter().enumerate().map(|(i, (c, _))| format!("{c} = ${}", n + i + 1)).collect();
        let sql = format!("UPDATE {table} SET {} WHERE {}", sets.join(", "), conds.join(" AND "));
        (sql, self.0.into_iter().chain(wher).map(|(_, a)| a).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_columns_and_the_conditions() {
        let (sql, args) = Columns::new().set("a", Arg::I(1)).set("b", Arg::OptS(None)).insert("t", " RETURNING id");
        assert_eq!(sql, "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id");
        assert_eq!(args.len(), 2);
        let (sql, args) = Columns::new().set("a", Arg::I(1)).update("t", vec![("id", Arg::I(2)), ("v", Arg::I(3))]);
        assert_eq!(sql, "UPDATE t SET a = $1 WHERE id = $2 AND v = $3");
        assert_eq!(args.len(), 3);
        let rows = vec![Columns::new().set("a", Arg::I(1)).set("b", Arg::I(2)), Columns::new().set("a", Arg::I(3)).set("b", Arg::I(4))];
        let (sql, args) = Columns::insert_many(rows, "t");
        assert_eq!(sql, "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(args.len(), 4);
    }
}
