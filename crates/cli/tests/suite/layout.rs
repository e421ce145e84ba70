//! The shape of the code, checked: inside every crate of the workspace no module imports
//! a module that imports it back, however long the way round. A module is a source file
//! (`a/mod.rs` is module `a`); an import is a `use` of, or a path through, another module
//! of the same crate (`crate::…`, `super::…`, `self::…`). The crate root (`lib.rs`,
//! `main.rs`) is the composition root that wires the practices together and is left
//! out. `mod` declarations are not imports.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Module path (`["ticket", "kernel"]`) of a source file under `src`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Source without comments, string literals and its test module (at the end of a file,
/// where `super` is the file's own module), so none of them can fake an import.
fn code_only(text: &str) -> String {
    let text = text.find("#[cfg(test)]").map_or(text, |i| &text[..i]);
    let (mut out, mut chars) = (String::with_capacity(text.len()), text.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if c == '"' && !escaped {
                        break;
                    }
                    escaped = c == '\\' && !escaped;
                }
                out.push_str("\"\"");
            }
            // A char literal holding a quote would otherwise open a string.
            '\'' if chars.clone().nth(1) == Some('\'') => {
                chars.next();
                chars.next();
                out.push_str("' '");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Expands `a::{b, c::{d, e}}` into `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else { return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_string()] };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut items, mut depth, mut cur) = (Vec::new(), 0, String::new());
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    items.push(cur);
    items.iter().filter(|i| !i.trim().is_empty()).flat_map(|i| expand(i)).map(|i| format!("{prefix}{i}")).collect()
}

/// The paths a file names: its `use` trees and the `crate::`/`super::` paths in its code.
fn paths_named(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for stmt in code.split(';') {
        let s = stmt.trim_start();
        let s = s.strip_prefix("pub(crate) ").or_else(|| s.strip_prefix("pub(super) ")).or_else(|| s.strip_prefix("pub ")).unwrap_or(s);
        if let Some(tree) = s.strip_prefix("use ") {
            paths.extend(expand(&tree.split_whitespace().collect::<Vec<_>>().join(" ")));
        }
    }
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            let end = code[at..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).map_or(code.len(), |e| at + e);
            paths.push(code[at..end].trim_end_matches(':').to_string());
        }
    }
    paths
}

/// The module a path leads to: its longest prefix that is a module of the crate.
fn resolve(here: &[String], path: &str, modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut segs = path.split("::").map(str::trim).filter(|s| !s.is_empty());
    let mut at: Vec<String> = match segs.next()? {
        "crate" => Vec::new(),
        // In `a/mod.rs` and `a.rs` alike, `super` is the parent of module `a`.
        "super" => here[..here.len().checked_sub(1)?].to_vec(),
        "self" => here.to_vec(),
        _ => return None,
    };
    let mut found = at.clone();
    for s in segs {
        if s == "super" {
            at.pop();
            found = at.clone();
            continue;
        }
        at.push(s.to_string());
        if modules.contains(&at) {
            found = at.clone();
        } else {
            break;
        }
    }
    Some(found)
}

/// Groups of modules that reach each other (Tarjan's strongly connected components).
fn circles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    struct State<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        found: Vec<Vec<Vec<String>>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Vec<String>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.edges.get(v).into_iter().flatten() {
            let Some((w, _)) = s.edges.get_key_value(w) else { continue };
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.push(w.clone());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.found.push(group);
            }
        }
    }
    let mut s =
        State { edges, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on_stack: BTreeSet::new(), found: Vec::new() };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// Each crate's module import graph.
fn graphs() -> BTreeMap<String, BTreeMap<Vec<String>, BTreeSet<Vec<String>>>> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = BTreeMap::new();
    for krate in fs::read_dir(&crates).expect("crates/").flatten() {
        let src = krate.path().join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        if files.is_empty() {
            continue;
        }
        let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
        let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for f in &files {
            let here = module_of(&src, f);
            if here.is_empty() {
                continue;
            }
            let code = code_only(&fs::read_to_string(f).expect("readable source"));
            let targets = edges.entry(here.clone()).or_default();
            for p in paths_named(&code) {
                if let Some(to) = resolve(&here, &p, &modules)
                    && !to.is_empty()
                    && to != here
                {
                    targets.insert(to);
                }
            }
        }
        out.insert(krate.file_name().to_string_lossy().into_owned(), edges);
    }
    out
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let mut faults = Vec::new();
    for (krate, edges) in graphs() {
        for group in circles(&edges) {
            let names: Vec<String> = group.iter().map(|m| m.join("::")).collect();
            let ties: Vec<String> = group
                .iter()
                .flat_map(|m| edges[m].iter().filter(|t| group.contains(t)).map(move |t| format!("{} -> {}", m.join("::"), t.join("::"))))
                .collect();
            faults.push(format!("crate {krate}: {} ({})", names.join(", "), ties.join("; ")));
        }
    }
    assert!(faults.is_empty(), "import cycles:\n{}", faults.join("\n"));
}

#[test]
fn the_check_sees_a_cycle() {
    // Two modules that import each other must be reported, or the check above proves nothing.
    let a = vec!["a".to_string()];
    let b = vec!["b".to_string()];
    let modules: BTreeSet<Vec<String>> = [a.clone(), b.clone()].into();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (from, code) in [(&a, "use crate::b::{Thing, other::{X}};"), (&b, "fn f() { super::a::g(); }")] {
        let targets = edges.entry(from.clone()).or_default();
        for p in paths_named(&code_only(code)) {
            targets.extend(resolve(from, &p, &modules).filter(|t| !t.is_empty() && t != from));
        }
    }
    assert_eq!(circles(&edges), vec![vec![a, b]]);
    // Paths in comments and strings are not imports.
    assert!(paths_named(&code_only("// use crate::b;\nlet s = \"crate::b\";")).is_empty());
}
