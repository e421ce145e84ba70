//! What every operation of the OpenAPI document can answer besides what its handler's
//! annotation names, decided here once from the operation's shape rather than repeated
//! on each handler: the refusals of the bearer check (401) and of the roles (403), a
//! missing or unseen record named in the path or the body (404), input that does not parse
//! (400), fails validation (422) or conflicts with what exists (409). Each such answer
//! has the error body of `crate::error`. Required strings, in bodies and paths, are
//! documented with their minimum length of one. A response an annotation already
//! describes is kept as it is.

use serde_json::{Map, Value, json};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Adds the error statuses and minimum lengths to a generated document.
pub(crate) fn complete(doc: &mut Value) {
    let mut bodies = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                if let Some(op) = item.get_mut(method) {
                    complete_operation(method, op);
                    if let Some(r) = op.pointer("/requestBody/content/application~1json/schema/$ref").and_then(Value::as_str) {
                        bodies.push(r.trim_start_matches("#/components/schemas/").to_string());
                    }
                }
            }
        }
    }
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for name in bodies {
            if let Some(s) = schemas.get_mut(&name) {
                require_nonempty_strings(s);
            }
        }
    }
}

fn complete_operation(method: &str, op: &mut Value) {
    let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
    let params: Vec<(String, bool)> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().map(|p| (p["in"].as_str().unwrap_or_default().to_string(), p["required"] == json!(true))).collect())
        .unwrap_or_default();
    let in_path = params.iter().any(|(at, _)| at == "path");
    let in_query = params.iter().any(|(at, _)| at == "query");
    let in_header = params.iter().any(|(at, _)| at == "header");
    let body = op.get("requestBody").is_some();
    let writes = method != "get";

    let mut add: Vec<(&str, &str)> = Vec::new();
    if in_path || in_query || in_header || body {
        add.push(("400", "The request does not parse: a path or query parameter, a header or the JSON body"));
    }
    if secured {
        add.push(("401", "No valid bearer token"));
        add.push(("403", "The caller's role may not do this"));
    }
    if in_path || body {
        add.push(("404", "No such record, or none the caller may see (in the path, or named in the body)"));
    }
    if writes {
        add.push(("409", "Conflicts with the record's state or with one that exists"));
    }
    if in_query || body || writes {
        add.push(("422", "A field is invalid; `field` names it"));
    }
    let responses = op.as_object_mut().map(|o| o.entry("responses").or_insert_with(|| Value::Object(Map::new())));
    if let Some(Value::Object(responses)) = responses {
        for (status, description) in add {
            responses.entry(status).or_insert_with(|| error_response(description));
        }
    }
    if let Some(ps) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in ps.iter_mut().filter(|p| p["in"] == "path") {
            if let Some(s) = p.get_mut("schema") {
                min_length(s);
            }
        }
    }
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// A required property that is a string (not also null) must not be empty.
fn require_nonempty_strings(schema: &mut Value) {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(|n| n.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for name in required {
            if let Some(p) = props.get_mut(&name) {
                min_length(p);
            }
        }
    }
}

fn min_length(schema: &mut Value) {
    let plain_string = schema.get("type") == Some(&json!("string")) && schema.get("format").is_none() && schema.get("enum").is_none();
    if plain_string && let Some(o) = schema.as_object_mut() {
        o.entry("minLength").or_insert(json!(1));
    }
}
