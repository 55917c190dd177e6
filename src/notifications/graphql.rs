//! GraphQL for notifications: the `Notification` type, the recipient's list and unread count
//! (shown on `User` by the accounts area), marking read and archiving, and the
//! `notificationReceived` subscription.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Bool, Nullable, Text};
use diesel_async::AsyncConnection;
use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use super::enums::{NotificationPriority, NotificationType};
use super::store::{self, NotificationById, NotificationRow, Selection, UnreadCountOfUser};
use crate::applications::events::{self, Event};
use crate::applications::graphql::{feed_ended, hub};
use crate::db::schema::notifications;
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};

#[derive(Clone, Debug)]
pub struct Notification(pub NotificationRow);

/// Something the hiring side tells its recipient (Assist-Ten Notification): an interview booked
/// or called off, a candidacy moved or withdrawn, feedback submitted, an invitation to an
/// organisation. Only its recipient reads it (anyone else gets `NOT_FOUND`). It arrives live
/// through `notificationReceived`.
#[Object]
impl Notification {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Notification.id(self.0.id)
    }
    /// What part of the product it comes from.
    async fn notification_type(&self) -> NotificationType {
        self.0.notification_type
    }
    /// How urgently it wants attention.
    async fn priority(&self) -> NotificationPriority {
        self.0.priority
    }
    /// A one-line summary, up to 200 characters.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The full text, up to 2,000 characters.
    async fn message(&self) -> &str {
        &self.0.message
    }
    /// The GraphQL type name of the object it is about (`Interview`, `Application`,
    /// `Candidacy`, …); null when it is about nothing in particular.
    async fn related_entity_type(&self) -> Option<&str> {
        self.0.related_entity_type.as_deref()
    }
    /// The global id of the object it is about, for `node(id:)`; null when it is about nothing
    /// in particular. The object may be one the recipient cannot read (an invitation, read by
    /// the organisation's admins): `node` then answers `NOT_FOUND`.
    async fn related_entity_id(&self) -> Option<ID> {
        let node_type = NodeType::named(self.0.related_entity_type.as_deref()?)?;
        Some(node_type.id(self.0.related_entity_id?))
    }
    /// Where a client shows what it is about: a path relative to the client app, the related
    /// object's type in kebab case and its global id (`/interview/SW50ZXJ2aWV3Oj…`); null when
    /// it is about nothing in particular.
    async fn action_url(&self) -> Option<&str> {
        self.0.action_url.as_deref()
    }
    /// Whether the recipient has read it (`markNotificationsRead`, or archiving it).
    async fn is_read(&self) -> bool {
        self.0.is_read
    }
    /// When it was first marked read; null while unread.
    async fn read_at(&self) -> Option<DateTime<Utc>> {
        self.0.read_at
    }
    /// Whether the recipient archived it: it then leaves the default list and the unread
    /// count.
    async fn is_archived(&self) -> bool {
        self.0.is_archived
    }
    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Which notifications to list.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NotificationFilter {
    /// true: only unread ones; false: only read ones; omitted: both.
    pub unread: Option<bool>,
    /// Only notifications of this type.
    #[graphql(name = "type")]
    pub notification_type: Option<NotificationType>,
    /// true: only archived ones (the archive); false or omitted: only those not archived.
    #[graphql(default)]
    pub archived: bool,
}

/// A user's notifications, newest first.
pub struct NotificationsOfUser;

impl Listing for NotificationsOfUser {
    type Table = notifications::table;
    type Row = NotificationRow;
    type Filter = NotificationFilter;
    const FROM: &'static str = "notifications t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and t.is_archived = $7 and ($8::bool is null or t.is_read = not $8) \
                                 and ($9::text is null or t.notification_type = $9)";

    fn order_by(_: &Self::Filter) -> &'static str {
        "t.created_at desc, t.id desc"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        filter: &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query
            .bind::<Bool, _>(filter.archived)
            .bind::<Nullable<Bool>, _>(filter.unread)
            .bind::<Nullable<Text>, _>(filter.notification_type.map(NotificationType::as_str))
    }
}

/// `User.notifications`.
pub async fn notifications_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    filter: NotificationFilter,
    args: PageArgs,
) -> AppResult<Conn<Notification>> {
    let key = PageKey {
        parent: user_id,
        args,
        filter,
    };
    let page = viewer(ctx)?.loaders.page::<NotificationsOfUser>(key).await?;
    Ok(page.into_connection(|row| row.id, Notification))
}

/// `User.unreadNotificationCount`.
pub async fn unread_count_of(ctx: &Context<'_>, user_id: Uuid) -> AppResult<i32> {
    let count = viewer(ctx)?.loaders.one::<UnreadCountOfUser>(user_id).await?;
    Ok(count.map_or(0, |count| count.unread as i32))
}

/// `node(id:)` for a notification.
pub async fn notification_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Notification>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<NotificationById>(id)
        .await?
        .map(Notification))
}

/// Which of the viewer's notifications a change applies to: name them with `ids`, or set
/// `all`; not both.
#[derive(InputObject)]
pub struct NotificationSelectionInput {
    /// Up to 100 of the viewer's notifications. `NOT_FOUND` (and nothing changes) if any is
    /// not theirs.
    pub ids: Option<Vec<ID>>,
    /// Every notification of the viewer (not archived ones again).
    #[graphql(default)]
    pub all: bool,
}

impl NotificationSelectionInput {
    fn selection(&self) -> AppResult<Selection> {
        match (&self.ids, self.all) {
            (Some(_), true) => Err(AppError::bad_input(
                "all",
                "name notifications by `ids` or set `all`, not both",
            )),
            (None, false) => Err(AppError::bad_input(
                "ids",
                "name notifications by `ids`, or set `all`",
            )),
            (None, true) => Ok(Selection::All),
            (Some(ids), false) => {
                if ids.is_empty() || ids.len() > 100 {
                    return Err(AppError::bad_input("ids", "name 1 to 100 notifications"));
                }
                let mut uuids = Vec::with_capacity(ids.len());
                for id in ids {
                    let uuid = decode_as(id, NodeType::Notification, "ids")?;
                    if !uuids.contains(&uuid) {
                        uuids.push(uuid);
                    }
                }
                Ok(Selection::Ids(uuids))
            }
        }
    }
}

/// What `markNotificationsRead` and `archiveNotifications` answer.
#[derive(SimpleObject)]
pub struct NotificationsPayload {
    /// The notifications this call changed (those already read, or already archived, are not
    /// repeated), newest first.
    pub notifications: Vec<Notification>,
    /// The viewer's unread notifications that are not archived, after the change.
    pub unread_count: i32,
}

#[derive(Default)]
pub struct NotificationsMutation;

impl NotificationsMutation {
    async fn change(
        ctx: &Context<'_>,
        input: &NotificationSelectionInput,
        archive: bool,
    ) -> AppResult<NotificationsPayload> {
        let who = viewer(ctx)?.principal();
        let selection = input.selection()?;
        let mut conn = services(ctx).pool.get().await?;
        let (mut rows, unread) = conn
            .transaction::<_, AppError, _>(async |conn| {
                if let Selection::Ids(ids) = &selection
                    && store::count_writable(conn, who, ids).await? != ids.len() as i64
                {
                    return Err(AppError::NotFound("Notification"));
                }
                let rows = if archive {
                    store::archive(conn, who, &selection).await?
                } else {
                    store::mark_read(conn, who, &selection).await?
                };
                Ok((rows, store::unread_count(conn, who).await?))
            })
            .await?;
        rows.sort_by_key(|row| std::cmp::Reverse((row.created_at, row.id)));
        Ok(NotificationsPayload {
            notifications: rows.into_iter().map(Notification).collect(),
            unread_count: unread as i32,
        })
    }
}

#[Object]
impl NotificationsMutation {
    /// Marks notifications of the viewer read: those named, or all. Already read ones keep
    /// when they were read. `NOT_FOUND` when a named one is not the viewer's;
    /// `BAD_USER_INPUT` without a selection or with both `ids` and `all`.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which notifications.")] input: NotificationSelectionInput,
    ) -> AppResult<NotificationsPayload> {
        Self::change(ctx, &input, false).await
    }

    /// Archives notifications of the viewer: those named, or all. Archived ones leave the
    /// default list (`filter: {archived: true}` lists them) and the unread count, and count
    /// as read. `NOT_FOUND` when a named one is not the viewer's; `BAD_USER_INPUT` without a
    /// selection or with both `ids` and `all`.
    async fn archive_notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which notifications.")] input: NotificationSelectionInput,
    ) -> AppResult<NotificationsPayload> {
        Self::change(ctx, &input, true).await
    }
}

#[derive(Default)]
pub struct NotificationsSubscription;

#[Subscription]
impl NotificationsSubscription {
    /// The viewer's notifications as they are sent, on whichever server copy the change that
    /// sent them ran. Only live ones: read `viewer.notifications` for those sent before. A
    /// subscriber that falls behind gets an `UNAVAILABLE` error as its last message and should
    /// read the list again, then subscribe again.
    async fn notification_received(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Notification>> + use<>> {
        let who = viewer(ctx)?.principal();
        let pool = services(ctx).pool.clone();
        Ok(events::live_events(hub(ctx), who).filter_map(move |event| {
            let pool = pool.clone();
            async move {
                let event = match event {
                    Ok(event) => event,
                    Err(end) => return Some(Err(feed_ended(end))),
                };
                let Event::Notification(sent) = event.as_ref() else {
                    return None;
                };
                let mut conn = pool.get().await.ok()?;
                match store::notification_of(&mut conn, who, sent.notification_id).await {
                    Ok(row) => row.map(|row| Ok(Notification(row))),
                    Err(error) => {
                        tracing::warn!(%error, "cannot load a sent notification");
                        None
                    }
                }
            }
        }))
    }
}
