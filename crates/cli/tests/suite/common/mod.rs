//! Runs the real `cairn` binary on a SQLite file in a temporary folder, or on a database
//! URL given by the test.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The binary, run in `dir`; its database is `dir/cairn.db` unless `DATABASE` is set
/// in `dir` by [`use_database`].
pub fn cairn(dir: &Path) -> Command {
    let url = std::fs::read_to_string(dir.join(DATABASE)).unwrap_or_else(|_| format!("sqlite://{}", dir.join("cairn.db").display()));
    let mut c = Command::new(env!("CARGO_BIN_EXE_cairn"));
    c.current_dir(dir).env("CAIRN_DATABASE_URL", url).env("CAIRN_LOG", "warn");
    c
}

const DATABASE: &str = "database-url";

/// Points every later command run in `dir` at `url`.
pub fn use_database(dir: &Path, url: &str) {
    std::fs::write(dir.join(DATABASE), url).unwrap();
}

pub fn create_user(dir: &Path, username: &str, role: &str, password: &str) {
    let mut child = cairn(dir)
        .args(["admin", "create-user", "--username", username, "--role", role, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

pub fn token(dir: &Path, username: &str) -> String {
    let out = cairn(dir).args(["admin", "create-token", "--username", username]).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        Server::start_with(dir, &[])
    }

    /// `cairn serve` with more arguments (`--demo`, say).
    pub fn start_with(dir: &Path, args: &[&str]) -> Server {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let child = cairn(dir).args(["serve", "--listen", &listen]).args(args).stdout(Stdio::null()).spawn().unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut child = child;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("server exited at start: {status}");
            }
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn temp() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().to_path_buf();
    (d, p)
}
