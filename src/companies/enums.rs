//! The company catalog's enums.

use crate::text_enum;

text_enum! {
    /// How far a company has come with data and AI (ETPS `data_ai_maturity`).
    pub enum DataAiMaturity {
        /// Little use of data or AI beyond reporting.
        Low = "low",
        /// Teams and first products under way.
        Developing = "developing",
        /// Data and AI at the core of its products and decisions.
        Advanced = "advanced",
    }
}
