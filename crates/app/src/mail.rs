//! Outgoing email. A use case queues a [`Mail`] job in its own transaction; the worker
//! delivers it over SMTP, or writes it as an `.eml` file into a directory (a pickup
//! folder, or for reading on a machine without a mail server).

use std::path::PathBuf;

use cairn_domain::ids::TenantId;
use cairn_store::{Conn, jobs};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::{AppError, Result};

/// How mail leaves.
pub enum Transport {
    /// Not sent (no mail configured): the job is dropped with a log line.
    Off,
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Dir(AsyncFileTransport<Tokio1Executor>),
}

pub struct Mailer {
    from: Mailbox,
    transport: Transport,
    /// Where people reach this instance, for links in mail (no trailing slash).
    pub public_url: String,
}

impl Mailer {
    pub fn off(public_url: &str) -> Mailer {
        Mailer {
            from: Mailbox::new(None, "cairn@localhost".parse().expect("a valid constant address")),
            transport: Transport::Off,
            public_url: public_url.trim_end_matches('/').into(),
        }
    }

    /// `smtp_url`: `smtp://host:25`, `smtps://user:pass@host` (TLS) or
    /// `smtp://host:587?tls=required` (STARTTLS).
    pub fn smtp(smtp_url: &str, from: &str, public_url: &str) -> Result<Mailer> {
        let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| AppError::invalid("smtp_url", format!("not an SMTP URL: {e}")))?
            .build();
        Ok(Mailer { from: parse_from(from)?, transport: Transport::Smtp(t), public_url: public_url.trim_end_matches('/').into() })
    }

    /// Writes each mail as `<id>.eml` into `dir` (created if missing).
    pub fn dir(dir: PathBuf, from: &str, public_url: &str) -> Result<Mailer> {
        std::fs::create_dir_all(&dir).map_err(|e| AppError::invalid("mail_dir", format!("{}: {e}", dir.display())))?;
        let t = AsyncFileTransport::<Tokio1Executor>::new(dir);
        Ok(Mailer { from: parse_from(from)?, transport: Transport::Dir(t), public_url: public_url.trim_end_matches('/').into() })
    }

    pub(crate) async fn send(&self, m: &Mail) -> std::result::Result<(), String> {
        let to: Mailbox = m.to.parse().map_err(|e| format!("recipient '{}': {e}", m.to))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&m.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| e.to_string())?;
        match &self.transport {
            Transport::Off => {
                tracing::info!(to = %m.to, subject = %m.subject, "mail is not configured; not sent");
                Ok(())
            }
            Transport::Smtp(t) => t.send(msg).await.map(drop).map_err(|e| e.to_string()),
            Transport::Dir(t) => t.send(msg).await.map(drop).map_err(|e| e.to_string()),
        }
    }
}

fn parse_from(from: &str) -> Result<Mailbox> {
    from.parse().map_err(|e| AppError::invalid("mail_from", format!("'{from}' is not a mail address: {e}")))
}

/// One mail to deliver.
#[derive(Debug, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mail {
    pub const KIND: &'static str = "mail";

    /// Queues the mail in the caller's transaction.
    pub(crate) async fn queue(&self, c: &mut Conn, t: TenantId, now: i64) -> Result<()> {
        let payload = serde_json::to_string(self).map_err(|e| AppError::Internal(e.to_string()))?;
        jobs::enqueue(c, t, Self::KIND, &payload, now, now).await?;
        Ok(())
    }
}
