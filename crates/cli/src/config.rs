//! Configuration: defaults → `cairn.toml` (or `--config`) → `CAIRN_*` environment.
//! Validated at load with the offending key named; the database password never
//! appears in `Debug` output or logs.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// `sqlite://cairn.db` or `postgres://user:pass@host/db`.
    pub database_url: String,
    /// Cairn is served over HTTPS: cookies are `Secure` and `__Host-` prefixed, and
    /// responses carry `Strict-Transport-Security`.
    pub secure_cookies: bool,
    /// Minutes without a request after which a signed-in session ends (1 to 720; the
    /// absolute lifetime of 12 hours applies as well).
    pub session_idle_minutes: u32,
    /// Run the background job worker in this process.
    pub worker: bool,
    /// tracing filter, e.g. `info` or `cairn=debug`.
    pub log: String,
    /// Where people reach Cairn, for links in mail (default `http://` + listen).
    pub public_url: String,
    /// The sender of Cairn's mail.
    pub mail_from: String,
    /// `smtp://host:25`, `smtps://user:pass@host` or `smtp://host:587?tls=required`;
    /// when empty, mail is written as `.eml` files into `mail_dir`.
    pub smtp_url: String,
    /// Where mail goes without SMTP (empty: mail is not sent).
    pub mail_dir: String,
    /// Connections served at once (0: drawn from the limit on open files).
    pub max_connections: usize,
    /// Seconds allowed for a request's line and headers to arrive.
    pub header_read_timeout_secs: u64,
    /// Seconds a connection with no request in flight is kept open.
    pub idle_timeout_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://cairn.db".into(),
            secure_cookies: false,
            session_idle_minutes: 30,
            worker: true,
            log: "info".into(),
            public_url: String::new(),
            mail_from: "Cairn <cairn@localhost>".into(),
            smtp_url: String::new(),
            mail_dir: "mail".into(),
            max_connections: 0,
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact(&self.database_url))
            .field("secure_cookies", &self.secure_cookies)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("worker", &self.worker)
            .field("log", &self.log)
            .field("public_url", &self.public_url)
            .field("mail_from", &self.mail_from)
            .field("smtp_url", &redact(&self.smtp_url))
            .field("mail_dir", &self.mail_dir)
            .field("max_connections", &self.max_connections)
            .field("header_read_timeout_secs", &self.header_read_timeout_secs)
            .field("idle_timeout_secs", &self.idle_timeout_secs)
            .finish()
    }
}

/// `postgres://u:secret@h/db` → `postgres://u:***@h/db`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        let default_file = Path::new("cairn.toml");
        match file {
            Some(p) => {
                if !p.exists() {
                    bail!("config file {} does not exist", p.display());
                }
                fig = fig.merge(Toml::file_exact(p));
            }
            None if default_file.exists() => fig = fig.merge(Toml::file_exact(default_file)),
            None => {}
        }
        fig = fig.merge(Env::prefixed("CAIRN_").only(&[
            "listen",
            "database_url",
            "secure_cookies",
            "session_idle_minutes",
            "worker",
            "log",
            "public_url",
            "mail_from",
            "smtp_url",
            "mail_dir",
            "max_connections",
            "header_read_timeout_secs",
            "idle_timeout_secs",
        ]));
        let cfg: Config = fig.extract().map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        self.listen_addr()?;
        cairn_store::Backend::of_url(&self.database_url).map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        if !(1..=720).contains(&self.session_idle_minutes) {
            bail!("invalid configuration: session_idle_minutes: {} is not between 1 and 720", self.session_idle_minutes);
        }
        let url = &self.public_url;
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            bail!("invalid configuration: public_url: '{}' does not start with http:// or https://", self.public_url);
        }
        for (key, secs) in [("header_read_timeout_secs", self.header_read_timeout_secs), ("idle_timeout_secs", self.idle_timeout_secs)] {
            if !(1..=3600).contains(&secs) {
                bail!("invalid configuration: {key}: {secs} is not between 1 and 3600 seconds");
            }
        }
        if !self.smtp_url.is_empty() {
            // (A mail directory is created and checked when Cairn opens it.)
            self.mailer().map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        }
        Ok(())
    }

    /// How Cairn sends mail: SMTP when `smtp_url` is set, else files in `mail_dir`.
    pub fn mailer(&self) -> Result<cairn_app::platform::mail::Mailer, cairn_app::AppError> {
        use cairn_app::platform::mail::Mailer;
        let public_url = if self.public_url.is_empty() { format!("http://{}", self.listen) } else { self.public_url.clone() };
        match (self.smtp_url.as_str(), self.mail_dir.as_str()) {
            ("", "") => Ok(Mailer::off(&public_url)),
            ("", dir) => Mailer::dir(dir.into(), &self.mail_from, &public_url),
            (url, _) => Mailer::smtp(url, &self.mail_from, &public_url),
        }
    }

    pub fn listen_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listen
            .parse()
            .with_context(|| format!("invalid configuration: listen: '{}' is not an address like 127.0.0.1:8080", self.listen))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_redacted() {
        assert_eq!(redact("postgres://cairn:s3cret@db:5432/cairn"), "postgres://cairn:***@db:5432/cairn");
        let c = Config { database_url: "postgres://a:b@h/d".into(), ..Config::default() };
        assert!(!format!("{c:?}").contains(":b@"));
    }

    #[test]
    fn bad_values_name_the_key() {
        let c = Config { listen: "nope".into(), ..Config::default() };
        assert!(c.validate().unwrap_err().to_string().contains("listen"));
        let c = Config { database_url: "mysql://x".into(), ..Config::default() };
        assert!(c.validate().unwrap_err().to_string().contains("database_url"));
        let c = Config { session_idle_minutes: 0, ..Config::default() };
        assert!(c.validate().unwrap_err().to_string().contains("session_idle_minutes"));
        let c = Config { smtp_url: "ftp://x".into(), ..Config::default() };
        assert!(c.validate().unwrap_err().to_string().contains("smtp_url"));
        let c = Config { header_read_timeout_secs: 0, ..Config::default() };
        assert!(c.validate().unwrap_err().to_string().contains("header_read_timeout_secs"));
        let c = Config {
            mail_from: "not an address".into(),
            mail_dir: String::new(),
            smtp_url: "smtp://localhost".into(),
            ..Config::default()
        };
        assert!(c.validate().unwrap_err().to_string().contains("mail_from"));
    }

    #[test]
    fn unknown_key_in_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cairn.toml");
        std::fs::write(&p, "listen = \"127.0.0.1:9000\"\nlisten_port = 5\n").unwrap();
        let err = Config::load(Some(&p)).unwrap_err().to_string();
        assert!(err.contains("listen_port"), "{err}");
    }
}
