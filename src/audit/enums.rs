//! The audit log's enums (ETPS LogEntry.level, and the kind of change).

use crate::text_enum;

text_enum! {
    /// How much an audit entry matters (ETPS LogEntry level). Changes to data are `INFO`.
    pub enum LogLevel {
        /// Detail for diagnosis.
        Debug = "debug",
        /// A normal event: every change to data.
        Info = "info",
        /// Something worth a look.
        Warning = "warning",
        /// Something failed.
        Error = "error",
    }
}

text_enum! {
    /// What a change did to its row.
    pub enum AuditAction {
        /// The row was created.
        Insert = "insert",
        /// Some of its fields changed.
        Update = "update",
        /// The row was deleted.
        Delete = "delete",
    }
}
