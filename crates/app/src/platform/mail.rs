//! Outgoing email. A use case queues a [`Mail`] job in its own transaction; the worker
//! delivers it over SMTP, or writes it as an `.eml` file into a directory (a pickup
//! folder, or for reading on a machine without a mail server).

use std::path::PathBuf;

use cairn_domain::ids::TenantId;
use cairn_store::{Conn, platform::jobs};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::App;
use crate::platform::worker::Job;
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

impl Job for Mail {
    const KIND: &'static str = "mail";

    async fn run(self, app: &App, _t: TenantId) -> Result<(), String> {
        app.mailer.send(&self).await
    }
}

impl Mail {
    /// Queues the mail in the caller's transaction.
    pub(crate) async fn queue(&self, c: &mut Conn, t: TenantId, now: i64) -> Result<()> {
        let payload = serde_json::to_string(self).map_err(|e| AppError::Internal(e.to_string()))?;
        jobs::enqueue(c, t, Self::KIND, &payload, now, now).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    use super::*;

    /// Plays the receiving side of one SMTP session on `listener` and returns the
    /// envelope commands and the message it was given.
    async fn receive(listener: tokio::net::TcpListener) -> (Vec<String>, String) {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 mx.example.com ESMTP\r\n").await.unwrap();
        let (mut commands, mut message) = (Vec::new(), String::new());
        while let Some(line) = lines.next_line().await.unwrap() {
            let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
            commands.push(line.clone());
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 mx.example.com\r\n",
                "DATA" => {
                    write.write_all(b"354 go ahead\r\n").await.unwrap();
                    while let Some(l) = lines.next_line().await.unwrap() {
                        if l == "." {
                            break;
                        }
                        message.push_str(&l);
                        message.push('\n');
                    }
                    b"250 queued\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
        (commands, message)
    }

    #[tokio::test]
    async fn mail_goes_out_over_smtp() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(receive(listener));
        let mailer = Mailer::smtp(&format!("smtp://127.0.0.1:{port}"), "Cairn <cairn@example.com>", "https://desk.example.com/").unwrap();
        assert_eq!(mailer.public_url, "https://desk.example.com");
        let m = Mail { to: "mona@example.com".into(), subject: "REQ0000001 awaits your approval".into(), body: "Approve it here.".into() };
        mailer.send(&m).await.unwrap();
        let (commands, message) = server.await.unwrap();
        assert!(commands.iter().any(|c| c.starts_with("MAIL FROM:<cairn@example.com>")), "{commands:?}");
        assert!(commands.iter().any(|c| c.starts_with("RCPT TO:<mona@example.com>")), "{commands:?}");
        assert!(message.contains("Subject: REQ0000001 awaits your approval") && message.contains("Approve it here."), "{message}");
    }

    #[test]
    fn bad_settings_name_the_key() {
        assert!(Mailer::smtp("ftp://x", "a@b.c", "http://x").err().unwrap().to_string().starts_with("smtp_url"));
        assert!(Mailer::smtp("smtp://x", "nobody", "http://x").err().unwrap().to_string().starts_with("mail_from"));
    }
}
