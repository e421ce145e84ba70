//! Generates the migration list from `migrations/{sqlite,postgres}/NNNN_name.sql`, so a
//! new migration is two files and nothing else. Fails the build when a migration exists
//! for one backend only, or when a file name does not follow `NNNN_name.sql`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

fn files(dir: &Path) -> BTreeMap<i64, String> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let name = entry.expect("directory entry").file_name().into_string().expect("UTF-8 file name");
        let Some(stem) = name.strip_suffix(".sql") else { continue };
        let (version, label) = stem.split_once('_').unwrap_or_else(|| panic!("{name}: expected NNNN_name.sql"));
        let version: i64 = version.parse().unwrap_or_else(|_| panic!("{name}: expected NNNN_name.sql"));
        if let Some(other) = out.insert(version, label.to_string()) {
            panic!("two migrations numbered {version} in {}: {other} and {label}", dir.display());
        }
    }
    out
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let sqlite = files(&root.join("sqlite"));
    let postgres = files(&root.join("postgres"));
    assert_eq!(sqlite, postgres, "the SQLite and PostgreSQL migration folders must hold the same NNNN_name.sql files");
    let mut code = String::from("&[\n");
    for (version, name) in &sqlite {
        let file = format!("{version:04}_{name}.sql");
        let path = |dialect: &str| root.join(dialect).join(&file).display().to_string();
        writeln!(
            code,
            "    Migration {{ version: {version}, name: {name:?}, sqlite: include_str!({:?}), postgres: include_str!({:?}) }},",
            path("sqlite"),
            path("postgres")
        )
        .expect("write to string");
    }
    code.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("migrations.rs");
    std::fs::write(out, code).expect("write migrations.rs");
}
