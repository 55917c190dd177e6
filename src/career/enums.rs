//! The career record's enums (docs/domain.md §3).

use crate::text_enum;

text_enum! {
    /// How the candidate was engaged.
    pub enum EmploymentType {
        /// A permanent full-time job.
        FullTime = "full_time",
        /// A permanent part-time job.
        PartTime = "part_time",
        /// A fixed-term contract through an employer or agency.
        Contract = "contract",
        /// Consulting on one's own account; only these experiences hold engagements.
        IndependentConsulting = "independent_consulting",
        /// Work for several clients without a consultancy of one's own.
        Freelance = "freelance",
        /// An internship or apprenticeship.
        Internship = "internship",
        /// Unpaid work.
        Volunteer = "volunteer",
    }
}

text_enum! {
    /// What kind of client engagement.
    pub enum ProjectType {
        /// Advice: assessments, strategy, reviews.
        Advisory = "advisory",
        /// Building a product for the client.
        ProductBuild = "product_build",
        /// Putting an existing product or system in place.
        Implementation = "implementation",
    }
}

text_enum! {
    /// The fixed set of STAR story tags.
    pub enum StarTag {
        /// Leading people or a direction.
        Leadership = "leadership",
        /// Shipping under constraints.
        Delivery = "delivery",
        /// Taking responsibility beyond the brief.
        Ownership = "ownership",
        /// Working across people or teams.
        Collaboration = "collaboration",
        /// Resolving a disagreement.
        Conflict = "conflict",
        /// A new idea or approach.
        Innovation = "innovation",
        /// Serving a customer or user.
        Customer = "customer",
        /// A failure and what was learnt.
        Failure = "failure",
        /// Helping someone grow.
        Mentoring = "mentoring",
        /// Explaining or persuading.
        Communication = "communication",
    }
}

text_enum! {
    /// What a bullet states.
    pub enum BulletType {
        /// Something accomplished.
        Achievement = "achievement",
        /// Something the candidate was in charge of.
        Responsibility = "responsibility",
        /// A result with a number.
        MetricImpact = "metric_impact",
    }
}

text_enum! {
    /// How much a bullet matters.
    pub enum Importance {
        /// Lead with it.
        High = "high",
        /// Include it when there is room.
        Medium = "medium",
        /// Include it only when tailoring calls for it.
        Low = "low",
    }
}

text_enum! {
    /// Who may see a record of the career record besides its owner.
    pub enum Visibility {
        /// Shown wherever the record is shared: to the organisations the candidate applied to
        /// (while consent lasts), in the snapshot a candidacy keeps, and to tailoring.
        Shared = "shared",
        /// Kept to the candidate: never shown to an organisation, never put in a shared
        /// snapshot, and left out of tailored resumes (a resume shows it only when the
        /// candidate adds it by hand). What sits under a private record (an experience's
        /// bullets, stories, projects and skills) is private with it.
        Private = "private",
    }
}
