//! A journal entry as the practices read it to say in words what happened.

/// One change the journal recorded: what was done, to which field, from what to what.
#[derive(Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub action: &'a str,
    pub field: Option<&'a str>,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

impl Entry<'_> {
    /// The old value for display, "—" when there was none.
    pub fn before(&self) -> String {
        shown(self.old)
    }

    /// The new value for display, "—" when there is none.
    pub fn after(&self) -> String {
        shown(self.new)
    }
}

/// A value for display, "—" when blank.
pub(crate) fn shown(x: Option<&str>) -> String {
    x.filter(|s| !s.is_empty()).unwrap_or("—").to_string()
}
