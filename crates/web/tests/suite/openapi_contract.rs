//! What the OpenAPI document promises clients for every operation: the error statuses
//! it can answer with their error body, path parameters that are in the path and query
//! parameters that are in the query (required when the handler needs them), and a
//! minimum length on required strings. `scripts/schemathesis` checks the served API
//! against the same document.

use std::collections::BTreeSet;

use serde_json::Value;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn operations() -> Vec<(String, Value)> {
    let doc = cairn_web::openapi_document();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                ops.push((format!("{} {path}", m.to_uppercase()), op.clone()));
            }
        }
    }
    assert!(ops.len() > 90, "the document lists the API");
    ops
}

fn params<'a>(op: &'a Value, at: &str) -> Vec<&'a Value> {
    op["parameters"].as_array().map(|ps| ps.iter().filter(|p| p["in"] == at).collect()).unwrap_or_default()
}

#[test]
fn path_parameters_are_the_paths_own_and_the_rest_are_query_parameters() {
    for (name, op) in operations() {
        let path = name.split_once(' ').unwrap().1;
        let in_template: BTreeSet<&str> = path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect();
        let documented: BTreeSet<&str> = params(&op, "path").iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(documented, in_template, "{name}: path parameters");
    }
    let search = operations().into_iter().find(|(n, _)| n == "GET /api/v1/search").unwrap().1;
    let q = params(&search, "query").into_iter().find(|p| p["name"] == "q").expect("q is a query parameter");
    assert_eq!(q["required"], true, "search needs its words");
    let list = operations().into_iter().find(|(n, _)| n == "GET /api/v1/tickets").unwrap().1;
    assert!(params(&list, "query").iter().all(|p| p["required"] == false), "every ticket filter is optional");
}

#[test]
fn every_operation_documents_the_errors_it_can_answer_with_the_error_body() {
    for (name, op) in operations() {
        let responses = op["responses"].as_object().unwrap();
        let has = |s: &str| responses.contains_key(s);
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        let input = op.get("requestBody").is_some() || op["parameters"].as_array().is_some_and(|p| !p.is_empty());
        if secured {
            assert!(has("401") && has("403"), "{name}: 401 and 403");
        }
        if !params(&op, "path").is_empty() {
            assert!(has("404"), "{name}: 404");
        }
        if input {
            assert!(has("400"), "{name}: 400 for what does not parse");
        }
        if op.get("requestBody").is_some() || !params(&op, "query").is_empty() {
            assert!(has("422"), "{name}: 422 for invalid fields");
        }
        for (status, r) in responses.iter().filter(|(s, _)| s.starts_with('4')) {
            assert_eq!(
                r.pointer("/content/application~1json/schema/$ref").and_then(Value::as_str),
                Some("#/components/schemas/ErrorBody"),
                "{name}: {status} has the error body"
            );
        }
    }
}

#[test]
fn required_strings_are_not_empty() {
    let doc = cairn_web::openapi_document();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (name, op) in operations() {
        for p in params(&op, "path") {
            if p["schema"]["type"] == "string" {
                assert_eq!(p["schema"]["minLength"], 1, "{name}: path parameter {}", p["name"]);
            }
        }
        let Some(r) = op.pointer("/requestBody/content/application~1json/schema/$ref").and_then(Value::as_str) else { continue };
        let body = &schemas[r.trim_start_matches("#/components/schemas/")];
        for field in body["required"].as_array().into_iter().flatten() {
            let prop = &body["properties"][field.as_str().unwrap()];
            if prop["type"] == "string" && prop.get("format").is_none() && prop.get("enum").is_none() {
                assert_eq!(prop["minLength"], 1, "{name}: {field}");
            }
        }
    }
}
