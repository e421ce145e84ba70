//! CMDB imports over HTTP on SQLite and PostgreSQL: a file uploaded, run by the
//! background job, reconciled by the class's identification rules (a second run
//! changes nothing), source precedence, refused rows named by line, dry runs and
//! broken files that write nothing, relations found by keys, an upload too large
//! refused before anything is stored, and the upload form.

use crate::common::{Browser, TestApp, body, hidden, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Uploads `file` and returns the import as the API first reports it.
async fn upload(t: &TestApp, token: &str, query: &str, content_type: &str, file: &str) -> (StatusCode, Value) {
    let r = t
        .http
        .post(t.url(&format!("/api/v1/cmdb/imports?{query}")))
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(file.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status();
    if status == StatusCode::ACCEPTED {
        let id = body_id(&location(&r));
        let v = body(r).await;
        assert_eq!(v["id"].as_i64(), Some(id));
        return (status, v);
    }
    (status, r.json().await.unwrap_or(Value::Null))
}

fn body_id(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().expect("Location ends in the import's id")
}

/// Uploads a CSV, runs the jobs and returns the finished import.
async fn import(t: &TestApp, token: &str, query: &str, file: &str) -> Value {
    let (status, v) = upload(t, token, query, "text/csv", file).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{v}");
    finished(t, token, v["id"].as_i64().unwrap()).await
}

async fn finished(t: &TestApp, token: &str, id: i64) -> Value {
    t.app.drain_jobs("test").await.unwrap();
    let v = body(t.get(token, &format!("/api/v1/cmdb/imports/{id}")).await).await;
    assert!(v["state"] == "done" || v["state"] == "failed", "the job ran it: {v}");
    v
}

fn counts(v: &Value) -> [i64; 4] {
    ["created", "updated", "unchanged", "refused_count"].map(|k| v[k].as_i64().unwrap())
}

async fn cis(t: &TestApp, token: &str) -> Vec<Value> {
    body(t.get(token, "/api/v1/cis?class=hardware&limit=200").await).await["items"].as_array().cloned().unwrap_or_default()
}

async fn ci_by_name(t: &TestApp, token: &str, name: &str) -> Value {
    let all = cis(t, token).await;
    let found = all.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no CI named {name} in {all:?}"));
    body(t.get(token, &format!("/api/v1/cis/{}", found["number"].as_str().unwrap())).await).await
}

const SERVERS: &str = "\
name,serial_number,hostname,domain,operating_system,memory_gb,status
web-01,SN-100,web01,corp.example,Debian 12,16,operational
web-02,SN-101,web02,corp.example,Debian 12,32.5,operational
db-01,SN-102,db01,corp.example,Debian 12,128,operational
";

async fn a_file_imported_twice_is_created_once_and_then_unchanged(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let (status, _) = upload(&t, &kim, "class=server&source=discovery", "text/csv", SERVERS).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "requesters do not import");

    let (status, queued) = upload(&t, &alice, "class=server&source=discovery", "text/csv", SERVERS).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!((queued["state"].as_str(), queued["source"].as_str()), (Some("queued"), Some("discovery")));
    let first = finished(&t, &alice, queued["id"].as_i64().unwrap()).await;
    assert_eq!((first["state"].as_str(), counts(&first)), (Some("done"), [3, 0, 0, 0]), "{first}");
    assert_eq!((first["bytes_done"].as_i64(), first["bytes_total"].as_i64()), (Some(SERVERS.len() as i64), Some(SERVERS.len() as i64)));
    assert_eq!(first["rows_done"], 3);

    let web = ci_by_name(&t, &alice, "web-02").await;
    assert_eq!(web["class"], "server");
    assert_eq!(web["attributes"]["memory_gb"], json!(32.5), "cells are typed by the attribute: {web}");
    assert_eq!(web["attributes"]["hostname"], "web02");
    let history = body(t.get(&alice, &format!("/api/v1/cis/{}/history", web["number"].as_str().unwrap())).await).await;
    assert!(history.to_string().contains("discovery"), "the history names the source: {history}");

    let second = import(&t, &alice, "class=server&source=discovery", SERVERS).await;
    assert_eq!(counts(&second), [0, 0, 3, 0], "the same file again changes nothing: {second}");
    assert_eq!(cis(&t, &alice).await.len(), 3, "never duplicated");

    // A CI already known by serial number is found even under another name and host.
    let renamed = "name,serial_number,operating_system\nweb-01-new,SN-100,Debian 13\n";
    let third = import(&t, &alice, "class=server&source=discovery", renamed).await;
    assert_eq!(counts(&third), [0, 1, 0, 0], "{third}");
    let web = ci_by_name(&t, &alice, "web-01-new").await;
    assert_eq!(
        (web["attributes"]["operating_system"].as_str(), web["attributes"]["hostname"].as_str()),
        (Some("Debian 13"), Some("web01"))
    );

    let list = body(t.get(&alice, "/api/v1/cmdb/imports").await).await;
    assert_eq!(list.as_array().unwrap().len(), 3, "{list}");
    assert_eq!(list[0]["id"], third["id"], "newest first");
    assert_eq!(t.get(&alice, "/api/v1/cmdb/imports/999999").await.status(), StatusCode::NOT_FOUND);
}

async fn a_less_trusted_source_never_overwrites_a_more_trusted_one(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let ranking = json!({"ranking": ["sccm", "discovery"]});
    let put = |token: String, v: Value| {
        let http = t.http.clone();
        let url = t.url("/api/v1/cmdb/sources");
        async move { http.put(url).bearer_auth(token).json(&v).send().await.unwrap() }
    };
    assert_eq!(put(alice.clone(), ranking.clone()).await.status(), StatusCode::FORBIDDEN, "administrators rank sources");
    assert_eq!(put(root.clone(), json!({"ranking": ["sccm", "SCCM"]})).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = put(root.clone(), ranking.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body(t.get(&alice, "/api/v1/cmdb/sources").await).await, ranking);

    let sccm =
        import(&t, &alice, "class=server&source=sccm", "serial_number,name,operating_system\nSN-1,app-01,Windows Server 2022\n").await;
    assert_eq!(counts(&sccm), [1, 0, 0, 0], "{sccm}");
    // Discovery may fill what sccm left empty but not change what sccm set.
    let file = "serial_number,name,operating_system,ip_address\nSN-1,APP01,Windows,10.0.0.7\n";
    let discovery = import(&t, &alice, "class=server&source=discovery", file).await;
    assert_eq!(counts(&discovery), [0, 1, 0, 0], "{discovery}");
    let ci = ci_by_name(&t, &alice, "app-01").await;
    assert_eq!(ci["attributes"]["operating_system"], "Windows Server 2022");
    assert_eq!(ci["attributes"]["ip_address"], "10.0.0.7");
    let again = import(&t, &alice, "class=server&source=discovery", file).await;
    assert_eq!(counts(&again), [0, 0, 1, 0], "what it may not change does not count as a change: {again}");
    // The more trusted source overwrites the less trusted.
    let sccm = import(&t, &alice, "class=server&source=sccm", "serial_number,ip_address\nSN-1,10.0.0.8\n").await;
    assert_eq!(counts(&sccm), [0, 1, 0, 0]);
    assert_eq!(ci_by_name(&t, &alice, "app-01").await["attributes"]["ip_address"], "10.0.0.8");
}

async fn refused_rows_are_named_by_line_and_the_rest_is_imported(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    import(&t, &alice, "class=server&source=discovery", SERVERS).await;
    let file = "\
name,serial_number,hostname,domain,memory_gb
new-01,SN-200,new01,corp.example,8
twin,SN-100,db01,corp.example,8
bad-memory,SN-201,bad01,corp.example,lots
new-02,SN-202,new02,corp.example,4
nameless-keys,,new03,,4
";
    let v = import(&t, &alice, "class=server&source=discovery", file).await;
    assert_eq!(counts(&v), [2, 0, 0, 3], "{v}");
    let refused = v["refused"].as_array().unwrap();
    assert_eq!(refused[0]["line"], 3);
    let why = refused[0]["reason"].as_str().unwrap();
    assert!(why.contains("CI") && why.contains("serial_number") && why.contains("hostname"), "an ambiguous row names both matches: {why}");
    assert_eq!(refused[1]["line"], 4);
    assert!(refused[1]["reason"].as_str().unwrap().contains("memory_gb"), "{v}");
    assert_eq!(refused[2]["line"], 6);
    let why = refused[2]["reason"].as_str().unwrap();
    assert_eq!(
        why, "no identifying value: give serial_number or asset_tag or hostname+domain",
        "a row no rule can find is not created again and again"
    );
    assert_eq!(cis(&t, &alice).await.len(), 5);

    let (status, v) = upload(&t, &alice, "class=spaceship&source=discovery", "text/csv", SERVERS).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (status, v) = upload(&t, &alice, "class=server&source=", "text/csv", SERVERS).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a source is required: {v}");
    let (status, v) = upload(&t, &alice, "class=server&source=discovery", "application/xml", "<cis/>").await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && v.to_string().contains("text/csv"), "{status} {v}");
}

async fn a_dry_run_or_a_broken_file_writes_nothing(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let dry = import(&t, &alice, "class=server&source=discovery&dry_run=true", SERVERS).await;
    assert_eq!((dry["dry_run"].as_bool(), counts(&dry)), (Some(true), [3, 0, 0, 0]), "{dry}");
    assert!(cis(&t, &alice).await.is_empty(), "a dry run writes nothing");

    // A row a CSV reader cannot read stops the file before any row is written.
    let broken = format!("{SERVERS}\"unclosed,SN-9,x,y,z,1,operational\nlast,SN-10,l,y,z,1,operational\n");
    let v = import(&t, &alice, "class=server&source=discovery", &broken).await;
    assert_eq!(v["state"], "failed", "{v}");
    assert!(v["error"].as_str().unwrap().contains("line 5"), "the error names the line: {v}");
    let short = "name,serial_number\nok,SN-1\nshort\n";
    let v = import(&t, &alice, "class=server&source=discovery", short).await;
    assert_eq!(v["state"], "failed", "{v}");
    assert!(v["error"].as_str().unwrap().contains("line 3"), "{v}");
    let r = t
        .http
        .post(t.url("/api/v1/cmdb/imports?class=server&source=discovery"))
        .bearer_auth(&alice)
        .header("Content-Type", "text/csv")
        .body(b"name,serial_number\nok,SN-1\nbad,\xff\xfe\n".to_vec())
        .send()
        .await
        .unwrap();
    let v = finished(&t, &alice, body(r).await["id"].as_i64().unwrap()).await;
    assert!(v["state"] == "failed" && v["error"].as_str().unwrap().contains("UTF-8"), "{v}");
    assert!(cis(&t, &alice).await.is_empty(), "nothing of a broken file is written");
}

async fn relations_find_their_ends_by_keys_and_json_files_import_too(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let file = json!([
        {"class": "server", "name": "sw-host", "serial_number": "SN-1", "virtual": true, "cpu_cores": 8},
        {"class": "server", "name": "peer", "serial_number": "SN-2", "hostname": "peer", "domain": "lab"}
    ]);
    let (status, v) = upload(&t, &alice, "source=discovery", "application/json", &file.to_string()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{v}");
    let v = finished(&t, &alice, v["id"].as_i64().unwrap()).await;
    assert_eq!((v["format"].as_str(), counts(&v)), (Some("json"), [2, 0, 0, 0]), "{v}");
    let host = ci_by_name(&t, &alice, "sw-host").await;
    assert_eq!((host["attributes"]["virtual"].as_bool(), host["attributes"]["cpu_cores"].as_i64()), (Some(true), Some(8)));

    let relations = "type,from.serial_number,to.hostname,to.domain\nconnected_to,SN-1,peer,lab\nconnected_to,SN-1,nobody,lab\n";
    let v = import(&t, &alice, "source=discovery", relations).await;
    assert_eq!(counts(&v), [1, 0, 0, 1], "{v}");
    assert!(v["refused"][0]["reason"].as_str().unwrap().contains("to"), "{v}");
    let number = host["number"].as_str().unwrap();
    let rels = body(t.get(&alice, &format!("/api/v1/cis/{number}/relations")).await).await;
    assert!(rels.to_string().contains("connected_to") && rels.to_string().contains("peer"), "{rels}");
    let again = import(&t, &alice, "source=discovery", relations).await;
    assert_eq!(counts(&again), [0, 0, 1, 1], "a known relation is unchanged: {again}");
}

/// Sends only the head of a request announcing `length` bytes, as a client with a
/// huge file does, and returns the status line the server answers before the body.
async fn announce(t: &TestApp, token: &str, length: u64) -> String {
    let address = t.base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/cmdb/imports?class=server&source=discovery HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: text/csv\r\nContent-Length: {length}\r\n\r\nname,serial_number\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let n = s.read(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer[..n]).lines().next().unwrap_or_default().to_string()
}

async fn a_file_too_large_for_the_api_is_refused_before_anything_is_stored(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let status = announce(&t, &alice, 200 * 1024 * 1024).await;
    assert!(status.contains("413"), "{status}");
    assert_eq!(body(t.get(&alice, "/api/v1/cmdb/imports").await).await, json!([]), "no import was begun");
}

/// A multipart form as a browser sends it: the fields in order, the file last.
fn form(boundary: &str, fields: &[(&str, &str)], file_name: &str, file: &str) -> String {
    let mut out = String::new();
    for (name, value) in fields {
        out += &format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
    }
    out += &format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    out
}

async fn send_form(b: &Browser, fields: &[(&str, &str)], file_name: &str, file: &str) -> reqwest::Response {
    let boundary = "cairn-test-boundary";
    b.http
        .post(format!("{}/cis/imports", b.base))
        .header(reqwest::header::COOKIE, b.cookie.clone().unwrap())
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .body(form(boundary, fields, file_name, file))
        .send()
        .await
        .unwrap()
}

async fn the_upload_form_imports_and_shows_the_report(url: String) {
    let t = TestApp::spawn(url).await;
    let (b, _) = signed_in(&t, "alice", "agent").await;
    let (status, page) = b.get("/cis/imports").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"file\"") && page.contains("Server"), "the form offers the classes");
    let csrf = hidden(&page, "csrf");

    let forged = send_form(&b, &[("csrf", "forged"), ("class", "server"), ("source", "discovery")], "servers.csv", SERVERS).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let r = send_form(&b, &[("csrf", &csrf), ("class", "server"), ("source", "discovery")], "servers.txt", SERVERS).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("servers.txt: choose a .csv or .json file"));

    let r = send_form(&b, &[("csrf", &csrf), ("class", "server"), ("source", "discovery")], "servers.csv", SERVERS).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    assert!(page.starts_with("/cis/imports/"), "{page}");
    t.app.drain_jobs("test").await.unwrap();
    let (status, html) = b.get(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("3 created") || html.contains(">3<"), "the report is shown: {html}");
    let (_, list) = b.get("/cis/imports").await;
    assert!(list.contains("3 created, 0 updated, 0 unchanged, 0 refused"), "{list}");
}

/// Over a thousand rows: several chunks, and the statistics refreshed between them.
async fn a_file_of_many_chunks_is_imported_whole(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let mut file = String::from("name,serial_number,hostname,domain\n");
    for i in 0..2_600 {
        file += &format!("host-{i},SN-{i:05},host{i},many.example\n");
    }
    let v = import(&t, &alice, "class=server&source=discovery", &file).await;
    assert_eq!((v["state"].as_str(), counts(&v)), (Some("done"), [2_600, 0, 0, 0]), "{v}");
    let again = import(&t, &alice, "class=server&source=discovery", &file).await;
    assert_eq!(counts(&again), [0, 0, 2_600, 0], "{again}");
}

on_both_databases!(
    a_file_imported_twice_is_created_once_and_then_unchanged,
    a_file_of_many_chunks_is_imported_whole,
    a_less_trusted_source_never_overwrites_a_more_trusted_one,
    refused_rows_are_named_by_line_and_the_rest_is_imported,
    a_dry_run_or_a_broken_file_writes_nothing,
    relations_find_their_ends_by_keys_and_json_files_import_too,
    a_file_too_large_for_the_api_is_refused_before_anything_is_stored,
    the_upload_form_imports_and_shows_the_report,
);
