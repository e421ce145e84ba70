//! The process's limit on open files, and the connection cap drawn from it: every
//! connection is a file descriptor, and so are the database, mail and log files, so
//! the cap leaves headroom below the limit (a full table stops `accept` for everyone,
//! `/healthz` included).

use std::time::Duration;

use cairn_web::ServerLimits;

use crate::config::Config;

/// The most connections served at once unless configured otherwise: beyond a few
/// thousand, memory per connection matters more than descriptors.
const DEFAULT_CAP: u64 = 4096;
/// Descriptors kept for everything but connections.
const RESERVED: u64 = 256;

/// Raises the soft limit on open files to the hard limit, where the system allows,
/// and returns the soft limit in force.
pub fn raise_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let before = rlimit::getrlimit(rlimit::Resource::NOFILE).ok()?.0;
        match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(now) => {
                if now != before {
                    tracing::info!(from = before, to = now, "raised the limit on open files");
                } else {
                    tracing::info!(limit = now, "limit on open files");
                }
                Some(now)
            }
            Err(e) => {
                tracing::warn!(limit = before, error = %e, "could not raise the limit on open files");
                Some(before)
            }
        }
    }
    #[cfg(not(unix))]
    None
}

/// The connection cap for a limit on open files: a quarter of the limit (at least
/// `RESERVED`) left for the rest, at most `DEFAULT_CAP`, at least 16.
pub fn connection_cap(file_limit: Option<u64>) -> usize {
    let cap = match file_limit {
        Some(n) => n.saturating_sub((n / 4).max(RESERVED)).min(DEFAULT_CAP),
        None => DEFAULT_CAP,
    };
    cap.max(16) as usize
}

/// The server's limits from the configuration (`max_connections = 0`: drawn from the
/// limit on open files).
pub fn server_limits(cfg: &Config, file_limit: Option<u64>) -> ServerLimits {
    let max_connections = if cfg.max_connections == 0 { connection_cap(file_limit) } else { cfg.max_connections };
    if let Some(limit) = file_limit
        && max_connections as u64 + RESERVED > limit
    {
        tracing::warn!(max_connections, file_limit = limit, "max_connections leaves little headroom under the limit on open files");
    }
    ServerLimits {
        max_connections,
        header_read_timeout: Duration::from_secs(cfg.header_read_timeout_secs),
        idle_timeout: Duration::from_secs(cfg.idle_timeout_secs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_headroom_under_the_file_limit() {
        assert_eq!(connection_cap(Some(1024)), 768);
        assert_eq!(connection_cap(Some(512)), 256);
        assert_eq!(connection_cap(Some(100)), 16);
        assert_eq!(connection_cap(Some(1 << 20)), 4096);
        assert_eq!(connection_cap(None), 4096);
    }
}
