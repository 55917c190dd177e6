//! MBTI types and how a type follows from the four scores.

use crate::text_enum;

text_enum! {
    /// One of the 16 Myers–Briggs types.
    pub enum MbtiType {
        /// Introversion, intuition, thinking, judging.
        Intj = "INTJ",
        /// Introversion, intuition, thinking, perceiving.
        Intp = "INTP",
        /// Extraversion, intuition, thinking, judging.
        Entj = "ENTJ",
        /// Extraversion, intuition, thinking, perceiving.
        Entp = "ENTP",
        /// Introversion, intuition, feeling, judging.
        Infj = "INFJ",
        /// Introversion, intuition, feeling, perceiving.
        Infp = "INFP",
        /// Extraversion, intuition, feeling, judging.
        Enfj = "ENFJ",
        /// Extraversion, intuition, feeling, perceiving.
        Enfp = "ENFP",
        /// Introversion, sensing, thinking, judging.
        Istj = "ISTJ",
        /// Introversion, sensing, feeling, judging.
        Isfj = "ISFJ",
        /// Extraversion, sensing, thinking, judging.
        Estj = "ESTJ",
        /// Extraversion, sensing, feeling, judging.
        Esfj = "ESFJ",
        /// Introversion, sensing, thinking, perceiving.
        Istp = "ISTP",
        /// Introversion, sensing, feeling, perceiving.
        Isfp = "ISFP",
        /// Extraversion, sensing, thinking, perceiving.
        Estp = "ESTP",
        /// Extraversion, sensing, feeling, perceiving.
        Esfp = "ESFP",
    }
}

/// The four scores, each the percentage (0–100) leaning towards the first letter of its pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MbtiScores {
    pub ie: i16,
    pub ns: i16,
    pub tf: i16,
    pub jp: i16,
}

impl MbtiScores {
    /// Each score of 50 or more picks the first letter of its pair (I, N, T, J); below 50, the
    /// second (E, S, F, P). A tie goes to the first letter so that the result is never ambiguous.
    pub fn derive_type(self) -> MbtiType {
        let pick = |score: i16, first: char, second: char| if score >= 50 { first } else { second };
        let letters: String = [
            pick(self.ie, 'I', 'E'),
            pick(self.ns, 'N', 'S'),
            pick(self.tf, 'T', 'F'),
            pick(self.jp, 'J', 'P'),
        ]
        .iter()
        .collect();
        // Every combination of the four letters is one of the 16 types.
        MbtiType::parse(&letters).unwrap_or(MbtiType::Intj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_each_letter_from_its_score() {
        let scores = |ie, ns, tf, jp| MbtiScores { ie, ns, tf, jp };
        assert_eq!(scores(80, 70, 60, 55).derive_type(), MbtiType::Intj);
        assert_eq!(scores(20, 30, 40, 45).derive_type(), MbtiType::Esfp);
        assert_eq!(scores(50, 49, 50, 0).derive_type(), MbtiType::Istp);
        assert_eq!(scores(0, 100, 0, 100).derive_type(), MbtiType::Enfj);
        // All 16 are reachable.
        let mut seen = std::collections::HashSet::new();
        for bits in 0..16 {
            let s = |b: i16| if bits & (1 << b) != 0 { 90 } else { 10 };
            seen.insert(scores(s(0), s(1), s(2), s(3)).derive_type());
        }
        assert_eq!(seen.len(), MbtiType::ALL.len());
    }
}
