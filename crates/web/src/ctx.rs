//! What every handler is given: the use cases and the web layer's settings.

use cairn_app::App;

/// Settings the web layer needs.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (when Cairn is served over HTTPS).
    pub secure_cookies: bool,
    /// Connections at once and the timeouts on them.
    pub limits: crate::ServerLimits,
}

#[derive(Clone)]
pub(crate) struct Ctx {
    pub app: App,
    pub config: WebConfig,
}
