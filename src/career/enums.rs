//! The career record's enums (docs/domain.md §3).

use crate::text_enum;

text_enum! {
    /// How the candidate was engaged.
    pub enum EmploymentType {
        FullTime = "full_time",
        PartTime = "part_time",
        Contract = "contract",
        /// Consulting on one's own account; only these experiences hold engagements.
        IndependentConsulting = "independent_consulting",
        Freelance = "freelance",
        Internship = "internship",
        Volunteer = "volunteer",
    }
}

text_enum! {
    /// What kind of client engagement.
    pub enum ProjectType {
        Advisory = "advisory",
        ProductBuild = "product_build",
        Implementation = "implementation",
    }
}

text_enum! {
    /// The fixed set of STAR story tags.
    pub enum StarTag {
        Leadership = "leadership",
        Delivery = "delivery",
        Ownership = "ownership",
        Collaboration = "collaboration",
        Conflict = "conflict",
        Innovation = "innovation",
        Customer = "customer",
        Failure = "failure",
        Mentoring = "mentoring",
        Communication = "communication",
    }
}

text_enum! {
    /// What a bullet states.
    pub enum BulletType {
        Achievement = "achievement",
        Responsibility = "responsibility",
        MetricImpact = "metric_impact",
    }
}

text_enum! {
    /// How much a bullet matters.
    pub enum Importance {
        High = "high",
        Medium = "medium",
        Low = "low",
    }
}
