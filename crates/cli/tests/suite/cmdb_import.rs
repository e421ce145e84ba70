//! `cairn cmdb import` as an administrator runs it: the report and exit code 0 when
//! every row applied, 1 when some were refused (each named by line), 2 when the file
//! cannot be read (and then nothing is written); `--json` for scripts; `--dry-run`.

use std::process::Output;

use crate::common::*;

fn import(dir: &std::path::Path, args: &[&str]) -> Output {
    cairn(dir).args(["cmdb", "import"]).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SERVERS: &str = "\
name,serial_number,hostname,domain,cpu_cores
web-01,SN-1,web01,corp.example,4
web-02,SN-2,web02,corp.example,8
";

#[test]
fn exit_codes_say_applied_refused_or_unreadable() {
    let (_d, dir) = temp();
    assert!(cairn(&dir).arg("migrate").output().unwrap().status.success());
    std::fs::write(dir.join("servers.csv"), SERVERS).unwrap();

    let dry = import(&dir, &["servers.csv", "--class", "server", "--source", "discovery", "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("2 created, 0 updated, 0 unchanged, 0 refused (dry run: nothing was written)"), "{}", stdout(&dry));

    let first = import(&dir, &["servers.csv", "--class", "server", "--source", "discovery"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(stdout(&first).starts_with("2 created, 0 updated, 0 unchanged, 0 refused"), "the dry run wrote nothing: {}", stdout(&first));
    let again = import(&dir, &["servers.csv", "--class", "server", "--source", "discovery", "--json"]);
    assert_eq!(again.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).expect("--json prints JSON");
    assert_eq!(report, serde_json::json!({"created": 0, "updated": 0, "unchanged": 2, "refused": []}));

    std::fs::write(dir.join("some-bad.csv"), "name,serial_number,cpu_cores\nweb-03,SN-3,2\nweb-04,SN-4,many\n").unwrap();
    let some = import(&dir, &["some-bad.csv", "--class", "server", "--source", "discovery"]);
    assert_eq!(some.status.code(), Some(1), "refused rows: {}", stdout(&some));
    assert!(stdout(&some).contains("1 created") && stdout(&some).contains("line 3: cpu_cores"), "{}", stdout(&some));

    std::fs::write(dir.join("broken.csv"), "name,serial_number\nweb-05,SN-5\n\"web-06,SN-6\n").unwrap();
    let broken = import(&dir, &["broken.csv", "--class", "server", "--source", "discovery"]);
    assert_eq!(broken.status.code(), Some(2), "{}", stdout(&broken));
    assert!(stderr(&broken).contains("line 3") && stderr(&broken).contains("nothing was imported"), "{}", stderr(&broken));
    std::fs::write(dir.join("unknown.csv"), "name,serial_number,colour\nweb-07,SN-7,red\n").unwrap();
    let unknown = import(&dir, &["unknown.csv", "--class", "server", "--source", "discovery"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("colour"), "the unknown column is named: {}", stderr(&unknown));
    let missing = import(&dir, &["nowhere.csv", "--class", "server", "--source", "discovery"]);
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    let text = import(&dir, &["servers.txt", "--source", "discovery"]);
    assert_eq!(text.status.code(), Some(2));
    assert!(stderr(&text).contains("--format"), "{}", stderr(&text));

    // web-05 of the broken file was not written: importing the good rows creates it.
    std::fs::write(dir.join("fixed.csv"), "name,serial_number\nweb-05,SN-5\n").unwrap();
    let fixed = import(&dir, &["fixed.csv", "--class", "server", "--source", "discovery"]);
    assert!(stdout(&fixed).starts_with("1 created"), "{}", stdout(&fixed));
}
