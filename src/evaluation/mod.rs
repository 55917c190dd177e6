//! The hiring team's evaluation of candidacies (docs/domain.md §6; Assist-Ten ApplicationNote,
//! InterviewSession, InterviewFeedback): notes on a candidacy, interviews with their
//! interviewers, and each interviewer's feedback. It sits above the pipeline, whose
//! `Candidacy` shows its notes and interviews through a part this area implements.

pub mod enums;
pub mod graphql;
pub mod notices;
pub mod store;
