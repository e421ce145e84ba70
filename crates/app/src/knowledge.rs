//! Knowledge management: agents write articles in Markdown, send them to a reviewer,
//! publish and retire them; every edit is a version that can be compared and restored.
//! Requesters read published articles meant for them and say whether they helped.

use cairn_domain::ids::{ArticleId, OrgId};
use cairn_domain::knowledge::{ArticleState, Audience, AudienceKind, DiffLine, diff, relevance};
use cairn_domain::platform::access::{Actor, Permission};
use cairn_store::knowledge::{self as store, Article, Find, Reader, Version};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;
use cairn_store::{BoxFuture, Conn, platform::directory, platform::tenants, problem::known_errors};

use crate::platform::directory::user_named;
use crate::ticket::kernel::{Change, Effect, Event, Tx};
use crate::{App, AppError, Result, agents_only};

/// What an author writes; on an update, fields left `None` stay as they are.
#[derive(Debug, Clone, Default)]
pub struct ArticleInput {
    pub title: Option<String>,
    pub body: Option<String>,
    pub category: Option<String>,
    pub tags: Option<Vec<String>>,
    /// `internal` (the default), `portal` or `orgs`.
    pub audience: Option<String>,
    pub orgs: Option<Vec<String>>,
    /// The agent who reviews it before it is published.
    pub reviewer: Option<String>,
    /// When it is due for review again (ms).
    pub review_at: Option<i64>,
    /// What this edit changed, kept with the version.
    pub note: Option<String>,
}

const BODY_MAX: usize = 100_000;

/// An article's versions (newest first), feedback (who, helpful, comment, when) and
/// deflection figures (opened from suggestions, then no request).
#[derive(Debug, Clone, Default)]
pub struct ArticleRecord {
    pub versions: Vec<Version>,
    pub feedback: Vec<(String, bool, String, i64)>,
    pub deflection: (i64, i64),
}

/// The difference between two of an article's versions (title first, then body).
pub fn versions_diff(versions: &[Version], number: &str, from: i64, to: i64) -> Result<Vec<DiffLine>> {
    let text = |v: i64| {
        versions
            .iter()
            .find(|x| x.version == v)
            .map(|x| format!("# {}\n\n{}", x.title, x.body))
            .ok_or_else(|| AppError::NotFound(format!("version {v} of {number}")))
    };
    Ok(diff(&text(from)?, &text(to)?))
}

/// How many of the newest matches a search ranks.
const CANDIDATES: i64 = 300;
/// How many a suggestion ranks: it runs on every agent's ticket page and as requesters
/// type, up to three times (narrowing the words), so it reads fewer.
const SUGGESTION_CANDIDATES: i64 = 60;

/// A requester who opened a suggested article and raised no request within this long
/// was helped by it.
pub const DEFLECTION_WINDOW_MS: i64 = 30 * 60_000;

/// Deflection as a ticket effect: a requester who raises a ticket soon after opening
/// suggested articles was not helped by them.
pub(crate) struct Deflection;

impl Effect for Deflection {
    fn name(&self) -> &'static str {
        "deflection"
    }

    fn after<'a>(&'a self, c: &'a mut Conn, _tx: Tx<'a>, e: &'a Event<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            match (&e.change, e.by) {
                (Change::Created, Some(by)) if !e.by_staff => {
                    Ok(store::request_raised(c, e.ticket.tenant_id, by, e.ticket.id, e.now - DEFLECTION_WINDOW_MS).await?)
                }
                _ => Ok(()),
            }
        })
    }
}

fn reader(actor: &Actor) -> Reader {
    if actor.may(Permission::WorkTickets) { Reader::Staff } else { Reader::Requester(actor.user_id) }
}

async fn load(c: &mut Conn, actor: &Actor, number: &str) -> Result<Article> {
    store::by_number(c, actor.tenant_id, number, reader(actor)).await?.ok_or_else(|| AppError::NotFound(format!("article {number}")))
}

/// Applies `input` to `a` after checking it; returns the organisations of its audience.
async fn fill(c: &mut Conn, actor: &Actor, a: &mut Article, input: ArticleInput) -> Result<Vec<OrgId>> {
    if let Some(t) = input.title {
        a.title = crate::platform::admin::check_name("title", &t, 200)?;
    }
    if let Some(b) = input.body {
        if b.trim().is_empty() || b.chars().count() > BODY_MAX {
            return Err(AppError::invalid("body", format!("write 1 to {BODY_MAX} characters")));
        }
        a.body = b;
    }
    if let Some(cat) = input.category {
        a.category = Some(cat.trim().to_string()).filter(|c| !c.is_empty());
    }
    if let Some(tags) = input.tags {
        a.tags = tags.iter().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect();
        if a.tags.iter().any(|t| t.contains(',') || t.chars().count() > 50) {
            return Err(AppError::invalid("tags", "each tag at most 50 characters, without commas"));
        }
    }
    let orgs_named = input.orgs.unwrap_or_else(|| a.orgs.clone());
    let audience = Audience::parse(input.audience.as_deref().unwrap_or(a.audience.as_str()), &orgs_named)?;
    a.audience = audience.kind();
    let mut orgs = Vec::new();
    if let Audience::Orgs(names) = &audience {
        for n in names {
            let id = directory::org_by_name(c, actor.tenant_id, n)
                .await?
                .ok_or_else(|| AppError::invalid("orgs", format!("no organisation '{n}'")))?;
            orgs.push(id);
        }
        a.orgs = names.clone();
    } else {
        a.orgs.clear();
    }
    if let Some(r) = input.reviewer {
        if r.trim().is_empty() {
            (a.reviewer, a.reviewer_name) = (None, None);
        } else {
            let u = user_named(c, actor.tenant_id, "reviewer", r.trim()).await?;
            if !u.role.is_staff() {
                return Err(AppError::invalid("reviewer", format!("'{}' is not an agent", u.username)));
            }
            (a.reviewer, a.reviewer_name) = (Some(u.id), Some(u.username));
        }
    }
    if input.review_at.is_some() {
        a.review_at = input.review_at;
    }
    Ok(orgs)
}

fn journal_entry(a: &Article, action: &'static str, field: Option<&str>, new: Option<String>) -> Entry {
    let mut e = Entry::action("article", a.id.0, action);
    e.field = field.map(str::to_string);
    e.new = new;
    e
}

/// Whether `actor` may move `a` to `to`: review needs a reviewer; only that reviewer
/// (or an administrator) publishes, and never the article's own author. Pages offer
/// only the moves this allows.
pub fn may_move(actor: &Actor, a: &Article, to: ArticleState) -> Result<()> {
    let admin = actor.may(Permission::Administer);
    match to {
        ArticleState::InReview if a.reviewer.is_none() => {
            Err(AppError::invalid("reviewer", "name a reviewer before sending the article to review"))
        }
        ArticleState::Published if a.reviewer != Some(actor.user_id) && !admin => Err(AppError::Forbidden(format!(
            "only the reviewer ({}) or an administrator publishes",
            a.reviewer_name.as_deref().unwrap_or("none named")
        ))),
        ArticleState::Published if a.owner == actor.user_id && !admin => {
            Err(AppError::Forbidden("an author does not publish their own article".into()))
        }
        _ => Ok(()),
    }
}

impl App {
    #[tracing::instrument(name = "create_article", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn create_article(&self, actor: &Actor, input: ArticleInput, source: Option<String>) -> Result<Article> {
        agents_only(actor)?;
        let (actor, now, backend) = (actor.clone(), self.now(), self.backend());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let note = input.note.clone().unwrap_or_else(|| "first version".into());
                let mut a = Article {
                    id: ArticleId(0),
                    number: String::new(),
                    title: String::new(),
                    body: String::new(),
                    category: None,
                    tags: vec![],
                    audience: AudienceKind::Internal,
                    orgs: vec![],
                    state: ArticleState::Draft,
                    owner: actor.user_id,
                    owner_name: actor.username.clone(),
                    reviewer: None,
                    reviewer_name: None,
                    review_at: None,
                    source,
                    version: 1,
                    views: 0,
                    helpful: 0,
                    not_helpful: 0,
                    created_at: now,
                    updated_at: now,
                };
                if input.title.is_none() || input.body.is_none() {
                    return Err(AppError::invalid(if input.title.is_none() { "title" } else { "body" }, "is required"));
                }
                let orgs = fill(c, &actor, &mut a, input).await?;
                a.number = format!("KB{:07}", tenants::next_number(c, t, "KB").await?.seq);
                a.id = store::insert(c, backend, t, &a, &orgs).await?;
                store::add_version(c, t, &a, Some(actor.user_id), &note).await?;
                let e = journal_entry(&a, "created", None, Some(a.number.clone()));
                journal::append(c, t, Some(actor.user_id), now, &[e]).await?;
                Ok(a)
            }))
            .await
    }

    /// Saves an edit as a new version if the caller's copy (`expected_version`) is current.
    #[tracing::instrument(name = "update_article", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn update_article(&self, actor: &Actor, number: &str, expected_version: i64, input: ArticleInput) -> Result<Article> {
        agents_only(actor)?;
        let (actor, now, backend, number) = (actor.clone(), self.now(), self.backend(), number.to_string());
        self.db
            .write(tx!(|c| {
                let mut a = load(c, &actor, &number).await?;
                if a.version != expected_version {
                    return Err(AppError::Stale);
                }
                let before = (a.title.clone(), a.body.clone(), a.audience, a.orgs.clone());
                let note = input.note.clone().unwrap_or_default();
                let orgs = fill(c, &actor, &mut a, input).await?;
                a.version += 1;
                a.updated_at = now;
                store::update(c, backend, actor.tenant_id, &a, expected_version, &orgs).await?;
                store::add_version(c, actor.tenant_id, &a, Some(actor.user_id), &note).await?;
                let mut entries = vec![journal_entry(&a, "updated", Some("version"), Some(a.version.to_string()))];
                if (before.2, &before.3) != (a.audience, &a.orgs) {
                    let who = if a.orgs.is_empty() { a.audience.as_str().to_string() } else { format!("orgs: {}", a.orgs.join(", ")) };
                    entries.push(journal_entry(&a, "updated", Some("audience"), Some(who)));
                }
                if before.0 != a.title {
                    entries.push(journal_entry(&a, "updated", Some("title"), Some(a.title.clone())));
                }
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &entries).await?;
                Ok(a)
            }))
            .await
    }

    /// Moves an article through its lifecycle (see [`may_move`]).
    #[tracing::instrument(name = "set_article_state", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn set_article_state(&self, actor: &Actor, number: &str, state: &str) -> Result<Article> {
        agents_only(actor)?;
        let to = ArticleState::parse(state)?;
        let (actor, now, backend, number) = (actor.clone(), self.now(), self.backend(), number.to_string());
        self.db
            .write(tx!(|c| {
                let mut a = load(c, &actor, &number).await?;
                let from = a.state;
                from.to(to)?;
                may_move(&actor, &a, to)?;
                let expected = a.version;
                a.state = to;
                a.version += 1;
                a.updated_at = now;
                let orgs = match a.audience {
                    AudienceKind::Orgs => {
                        let mut ids = Vec::new();
                        for n in &a.orgs {
                            ids.extend(directory::org_by_name(c, actor.tenant_id, n).await?);
                        }
                        ids
                    }
                    _ => vec![],
                };
                store::update(c, backend, actor.tenant_id, &a, expected, &orgs).await?;
                let mut e = journal_entry(&a, "state_changed", Some("state"), Some(to.as_str().into()));
                e.old = Some(from.as_str().into());
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                Ok(a)
            }))
            .await
    }

    /// An article the actor may read; each reading by someone other than its owner
    /// counts. A requester who opens it from a suggestion is remembered: if they raise
    /// no request within [`DEFLECTION_WINDOW_MS`], the article deflected one.
    #[tracing::instrument(name = "article", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn article(&self, actor: &Actor, number: &str, via_suggestion: bool) -> Result<Article> {
        let mut c = self.db.read().await?;
        let mut a = load(&mut c, actor, number).await?;
        drop(c);
        let suggestion = via_suggestion && !actor.may(Permission::WorkTickets);
        if a.owner != actor.user_id || suggestion {
            let (id, t, user, now, counted) = (a.id, actor.tenant_id, actor.user_id, self.now(), a.owner != actor.user_id);
            self.db
                .write(tx!(|c| {
                    if counted {
                        store::count_view(c, t, id).await?;
                    }
                    if suggestion {
                        store::record_opening(c, t, id, user, now).await?;
                    }
                    Ok::<_, AppError>(())
                }))
                .await?;
            a.views += i64::from(counted);
        }
        Ok(a)
    }

    /// How often requesters opened the article from a suggestion, and how many of them
    /// then raised no request within the window (agents).
    #[tracing::instrument(name = "article_deflection", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn article_deflection(&self, actor: &Actor, a: &Article) -> Result<(i64, i64)> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::deflection(&mut c, actor.tenant_id, a.id, self.now() - DEFLECTION_WINDOW_MS).await?)
    }

    /// Articles the actor may read: matching `q` best first, else the latest changed.
    #[tracing::instrument(name = "search_articles", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn search_articles(&self, actor: &Actor, q: Option<&str>, state: Option<&str>, limit: i64) -> Result<Vec<Article>> {
        let state = state.map(ArticleState::parse).transpose()?;
        if !(1..=100).contains(&limit) {
            return Err(AppError::invalid("limit", "must be between 1 and 100"));
        }
        let mut c = self.db.read().await?;
        let found = match q.filter(|q| !q.trim().is_empty()) {
            Some(q) => self.ranked(&mut c, actor, q, state, (CANDIDATES, limit)).await?,
            None => {
                let find = Find { reader: reader(actor), text: None, state, review_due_by: None, limit };
                store::search(&mut c, self.backend(), actor.tenant_id, find).await?
            }
        };
        Ok(store::completed(&mut c, actor.tenant_id, found).await?)
    }

    /// Articles whose review date has come, soonest first (agents).
    #[tracing::instrument(name = "articles_due_for_review", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn articles_due_for_review(&self, actor: &Actor, limit: i64) -> Result<Vec<Article>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let find = Find { reader: Reader::Staff, text: None, state: None, review_due_by: Some(self.now()), limit };
        let found = store::search(&mut c, self.backend(), actor.tenant_id, find).await?;
        Ok(store::completed(&mut c, actor.tenant_id, found).await?)
    }

    /// The best `limit` of the newest `candidates` matches, by [`relevance`]: ranking a
    /// bounded set keeps a search fast however many articles hold a common word.
    async fn ranked(
        &self,
        c: &mut Conn,
        actor: &Actor,
        q: &str,
        state: Option<ArticleState>,
        (candidates, limit): (i64, i64),
    ) -> Result<Vec<Article>> {
        let find = Find { reader: reader(actor), text: Some(q), state, review_due_by: None, limit: candidates };
        let mut found = store::search(c, self.backend(), actor.tenant_id, find).await?;
        let mut scored: Vec<(f64, Article)> = found.drain(..).map(|a| (relevance(q, &a.title, &a.body), a)).collect();
        scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.1.id.cmp(&x.1.id)));
        Ok(scored.into_iter().take(limit.max(0) as usize).map(|(_, a)| a).collect())
    }

    /// Published articles that may help with this text (a ticket's title, or what a
    /// requester is typing): all of its most telling words, then fewer; best match first.
    #[tracing::instrument(name = "suggested_articles", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn suggested_articles(&self, actor: &Actor, text: &str, limit: usize) -> Result<Vec<Article>> {
        let mut c = self.db.read().await?;
        let mut found: Vec<Article> = Vec::new();
        for q in cairn_domain::problem::similarity::narrowing_queries(text) {
            if found.len() >= limit {
                break;
            }
            for a in self.ranked(&mut c, actor, &q, Some(ArticleState::Published), (SUGGESTION_CANDIDATES, limit as i64)).await? {
                if !found.iter().any(|f| f.id == a.id) {
                    found.push(a);
                }
            }
        }
        found.truncate(limit);
        Ok(store::completed(&mut c, actor.tenant_id, found).await?)
    }

    /// Every version of an article, newest first (agents).
    #[tracing::instrument(name = "article_versions", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn article_versions(&self, actor: &Actor, number: &str) -> Result<Vec<Version>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let a = load(&mut c, actor, number).await?;
        Ok(store::versions(&mut c, actor.tenant_id, a.id).await?)
    }

    /// The line-by-line difference between two versions' texts (title first, then body).
    #[tracing::instrument(name = "article_diff", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn article_diff(&self, actor: &Actor, number: &str, from: i64, to: i64) -> Result<Vec<DiffLine>> {
        versions_diff(&self.article_versions(actor, number).await?, number, from, to)
    }

    /// What agents see around an article they have opened: its versions, readers'
    /// feedback and its deflection figures, read on one connection.
    #[tracing::instrument(name = "article_record", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn article_record(&self, actor: &Actor, a: &Article) -> Result<ArticleRecord> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(ArticleRecord {
            versions: store::versions(&mut c, actor.tenant_id, a.id).await?,
            feedback: store::feedback(&mut c, actor.tenant_id, a.id).await?,
            deflection: store::deflection(&mut c, actor.tenant_id, a.id, self.now() - DEFLECTION_WINDOW_MS).await?,
        })
    }

    /// Makes an earlier version's text the current one, as a new version.
    #[tracing::instrument(name = "restore_article", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn restore_article(&self, actor: &Actor, number: &str, version: i64, expected_version: i64) -> Result<Article> {
        let old = self
            .article_versions(actor, number)
            .await?
            .into_iter()
            .find(|v| v.version == version)
            .ok_or_else(|| AppError::NotFound(format!("version {version} of {number}")))?;
        let input = ArticleInput {
            title: Some(old.title),
            body: Some(old.body),
            note: Some(format!("restored version {version}")),
            ..ArticleInput::default()
        };
        self.update_article(actor, number, expected_version, input).await
    }

    /// A reader says whether the article helped, once.
    #[tracing::instrument(name = "article_feedback", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn article_feedback(&self, actor: &Actor, number: &str, helpful: bool, comment: &str) -> Result<()> {
        if comment.chars().count() > 2000 {
            return Err(AppError::invalid("comment", "at most 2000 characters"));
        }
        let (actor, now, number, comment) = (actor.clone(), self.now(), number.to_string(), comment.trim().to_string());
        self.db
            .write(tx!(|c| {
                let a = load(c, &actor, &number).await?;
                if store::gave_feedback(c, actor.tenant_id, a.id, actor.user_id).await? {
                    return Err(AppError::Conflict(format!("you already said whether {number} helped")));
                }
                store::add_feedback(c, actor.tenant_id, a.id, actor.user_id, helpful, &comment, now).await?;
                let e = journal_entry(&a, "feedback", Some("helpful"), Some(helpful.to_string()));
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                Ok(())
            }))
            .await
    }

    /// Readers' feedback with comments, newest first (agents).
    #[tracing::instrument(name = "article_feedback_list", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn article_feedback_list(&self, actor: &Actor, number: &str) -> Result<Vec<(String, bool, String, i64)>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let a = load(&mut c, actor, number).await?;
        Ok(store::feedback(&mut c, actor.tenant_id, a.id).await?)
    }

    /// A draft's text taken from a ticket: its title, what was wrong, and how it was solved.
    #[tracing::instrument(name = "article_from_ticket", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn article_from_ticket(&self, actor: &Actor, number: &str) -> Result<ArticleInput> {
        agents_only(actor)?;
        let t = self.get_ticket(actor, number).await?.ticket;
        let mut body = format!("## Symptom\n\n{}\n", t.description.trim());
        if let Some(n) = t.resolution_notes.as_deref().filter(|n| !n.trim().is_empty()) {
            body.push_str(&format!("\n## Solution\n\n{}\n", n.trim()));
        }
        Ok(ArticleInput { title: Some(t.title), body: Some(body), category: t.category, tags: Some(t.tags), ..ArticleInput::default() })
    }

    /// A draft's text taken from a known error: symptom, cause and workaround.
    #[tracing::instrument(name = "article_from_known_error", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn article_from_known_error(&self, actor: &Actor, number: &str) -> Result<ArticleInput> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let k = known_errors::by_number(&mut c, actor.tenant_id, number)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("known error {number}")))?;
        let mut body = format!("## Symptom\n\n{}\n", k.symptom.trim());
        if !k.root_cause.trim().is_empty() {
            body.push_str(&format!("\n## Cause\n\n{}\n", k.root_cause.trim()));
        }
        if !k.workaround.trim().is_empty() {
            body.push_str(&format!("\n## Workaround\n\n{}\n", k.workaround.trim()));
        }
        Ok(ArticleInput { title: Some(k.title), body: Some(body), ..ArticleInput::default() })
    }
}
