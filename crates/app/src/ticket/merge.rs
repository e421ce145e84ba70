//! Merging a duplicate into the ticket that survives: conversation and watchers move,
//! the duplicate closes with a pointer, both histories say so.

use crate::platform::notify::News;
use cairn_domain::platform::access::{Actor, Permission};
use cairn_domain::platform::news::NewsKind;
use cairn_domain::platform::visibility::TicketAction;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::ticket as store;
use cairn_store::ticket::watchers;
use cairn_store::tx;

use crate::platform::notify::notify;
use crate::ticket::kernel::{By, Prepared, change_entries};
use crate::ticket::{TicketView, load};
use crate::{App, AppError, Result};

impl App {
    /// Merges ticket `number` into `into`; returns the survivor.
    #[tracing::instrument(name = "merge_ticket", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn merge_ticket(&self, actor: &Actor, number: &str, into: &str) -> Result<TicketView> {
        if !actor.may(Permission::WorkTickets) {
            return Err(AppError::Forbidden("only agents can merge tickets".into()));
        }
        let who = actor.clone();
        let (actor, now, backend, number, into) = (actor.clone(), self.now(), self.backend(), number.to_string(), into.to_string());
        let kernel = self.kernel.clone();
        let survivor = self
            .db
            .write(tx!(|c| {
                let scope = actor.scope();
                let mut dup = load(c, &scope, &number).await?;
                let keep = load(c, &scope, &into).await.map_err(|_| AppError::invalid("into", format!("no ticket '{into}'")))?;
                if dup.id == keep.id {
                    return Err(AppError::invalid("into", "a ticket cannot be merged into itself"));
                }
                if !keep.status.is_open() && keep.status != cairn_domain::ticket::status::Status::Resolved {
                    return Err(AppError::invalid(
                        "into",
                        format!("{} is {}; merge into an open ticket", keep.number, keep.status.as_str()),
                    ));
                }
                let before = dup.clone();
                let changes = dup.close_as_duplicate(&keep.number, now)?;
                let replies = store::agent_replies(c, &scope, dup.id).await?;
                let moved = store::move_comments(c, backend, &scope, dup.id, keep.id).await?;
                watchers::move_all(c, scope.tenant_id(), dup.id, keep.id).await?;
                // The duplicate's requester keeps hearing about the problem they reported.
                if dup.requester_id != keep.requester_id {
                    watchers::add(c, scope.tenant_id(), keep.id, dup.requester_id).await?;
                }
                if let Err(e) = store::insert_link(c, &scope, dup.id, keep.id, "duplicate_of", now).await
                    && !matches!(e, cairn_store::StoreError::Conflict(_))
                {
                    return Err(e.into());
                }
                let mut into_entry = Entry::ticket(dup.id.0, TicketAction::Merged);
                into_entry.field = Some("into".into());
                into_entry.new = Some(keep.number.clone());
                let mut from_entry = Entry::ticket(keep.id.0, TicketAction::Merged);
                from_entry.field = Some("from".into());
                from_entry.new = Some(format!("{} ({moved} comments)", dup.number));
                // Agents' replies moved with the conversation count for the survivor's clocks.
                let mut replies_entry = Entry::ticket(keep.id.0, TicketAction::RepliesMoved);
                replies_entry.new = Some(replies.to_string());
                let (by, p) = (By::user(actor.user_id, true), Prepared::default());
                let entries = [vec![into_entry], change_entries(&dup, &changes)].concat();
                kernel.update(c, &p, &before, &mut dup, entries, by, now).await?;
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[from_entry, replies_entry]).await?;
                kernel.touched(c, &p, &keep, by, now).await?;
                if dup.requester_id != actor.user_id {
                    notify(
                        c,
                        &dup,
                        dup.requester_id,
                        News::new(
                            NewsKind::Other,
                            TicketAction::Merged.visibility(Some("into")),
                            format!("{} was merged into {}", dup.number, keep.number),
                        ),
                        now,
                    )
                    .await?;
                }
                Ok(keep.number)
            }))
            .await?;
        self.get_ticket(&who, &survivor).await
    }
}
