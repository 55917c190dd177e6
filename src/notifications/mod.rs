//! What the hiring side tells a person (docs/domain.md §6; Assist-Ten Notification): an
//! interview booked or called off, a candidacy moved or withdrawn, feedback submitted, an
//! invitation to an organisation. The area that makes the change calls [`notify`] inside its
//! own transaction, so a notification exists exactly when its cause committed; each one also
//! goes out through the event hub to the recipient's `notificationReceived` subscriptions on
//! every server copy. A notification belongs to its recipient alone.

pub mod enums;
pub mod graphql;
pub mod store;

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::applications::events::{self, Event, NotificationEvent};
use crate::graphql::ids::NodeType;
use enums::{NotificationPriority, NotificationType};

/// One notification to write: for whom, what, and what it is about.
#[derive(Clone, Debug)]
pub struct Notice {
    pub user_id: Uuid,
    pub notification_type: NotificationType,
    pub priority: NotificationPriority,
    pub title: String,
    pub message: String,
    /// The object it is about, which the recipient may or may not be allowed to read.
    pub related: Option<(NodeType, Uuid)>,
    pub action_url: Option<String>,
}

impl Notice {
    /// A notice of normal priority about nothing in particular; see the builder methods.
    pub fn new(
        user_id: Uuid,
        notification_type: NotificationType,
        title: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            user_id,
            notification_type,
            priority: NotificationPriority::Normal,
            title: title.into(),
            message: message.into(),
            related: None,
            action_url: None,
        }
    }

    /// What it is about; also where a client shows it (see [`action_path`]).
    pub fn about(mut self, node_type: NodeType, id: Uuid) -> Self {
        self.related = Some((node_type, id));
        self.action_url = Some(action_path(node_type, id));
        self
    }

    pub fn priority(mut self, priority: NotificationPriority) -> Self {
        self.priority = priority;
        self
    }
}

/// The path, in a client app, of the page that shows an object: its type name in kebab case,
/// then its global id (`/interview-feedback/SW50ZXJ2…`). A path rather than an absolute URL
/// because the same notification is read from whichever app (web, mobile, GraphiQL) the
/// recipient uses, each with its own origin and one route per type.
pub fn action_path(node_type: NodeType, id: Uuid) -> String {
    let mut path = String::from("/");
    for (i, c) in node_type.name().char_indices() {
        if c.is_ascii_uppercase() && i > 0 {
            path.push('-');
        }
        path.push(c.to_ascii_lowercase());
    }
    format!("{path}/{}", node_type.id(id).as_str())
}

/// Writes `notices` and announces each to its recipient, in the caller's transaction: both
/// take effect when it commits, and neither if it rolls back. A recipient named twice gets one.
pub async fn notify(conn: &mut AsyncPgConnection, mut notices: Vec<Notice>) -> QueryResult<()> {
    let mut seen = std::collections::HashSet::new();
    notices.retain(|notice| seen.insert(notice.user_id));
    if notices.is_empty() {
        return Ok(());
    }
    for (notification_id, user_id) in store::insert_notifications(conn, &notices).await? {
        let event = Event::Notification(NotificationEvent {
            user_id,
            notification_id,
        });
        events::publish(conn, &event).await?;
    }
    Ok(())
}
