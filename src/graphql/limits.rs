//! What a document may ask for, checked before the engine validates it, in time linear in the
//! document.
//!
//! Each fragment is measured once and its measure reused wherever it is spread. A document that
//! spreads a fragment twice in each of 25 nested fragments names 2^25 fields in under 1 KB;
//! async-graphql's own depth and complexity checks expand every spread, which cost seconds of
//! CPU before such a document was refused. Measured here it takes 25 steps, and the engine only
//! sees documents whose expanded size is within the limits.

use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, ServerError};

/// How much one document may ask for. Every count is of the document with its fragments
/// expanded, except `directives`, which counts what is written.
#[derive(Clone, Copy, Debug)]
pub struct DocumentLimits {
    /// Deepest nesting of fields.
    pub depth: usize,
    /// Most fields an operation selects (each spread of a fragment counting its fields again).
    pub fields: usize,
    /// Most aliased fields in an operation.
    pub aliases: usize,
    /// Most fields at an operation's root.
    pub root_fields: usize,
    /// Most directives in the document.
    pub directives: usize,
}

/// async-graphql's limit on selection sets inside one another (its recursion depth: fields,
/// inline fragments and spreads each count one), which it checks before validating. Checked
/// here the same way, it also bounds this module's recursion.
const WRITTEN_NESTING: usize = 32;

/// Why a document was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Over a size limit: `QUERY_TOO_COMPLEX`.
    TooComplex(String),
    /// More credential-checking fields than one: `GRAPHQL_VALIDATION_FAILED`.
    CredentialFields(u64),
    /// Selection sets inside one another deeper than the engine accepts:
    /// `GRAPHQL_PARSE_FAILED`, as the engine itself would answer.
    Unparsable,
}

impl Refusal {
    pub fn into_error(self) -> ServerError {
        let (code, message) = match self {
            Self::TooComplex(message) => ("QUERY_TOO_COMPLEX", message),
            Self::Unparsable => (
                "GRAPHQL_PARSE_FAILED",
                format!("The recursion depth of the query cannot be greater than `{WRITTEN_NESTING}`"),
            ),
            Self::CredentialFields(count) => (
                "GRAPHQL_VALIDATION_FAILED",
                format!(
                    "a request may check credentials once (signIn, signUp or refreshSession, \
                     aliases and batch entries included); this one asks {count} times"
                ),
            ),
        };
        crate::graphql::errors::coded(message, code)
    }
}

/// What a selection set amounts to with every fragment in it expanded.
#[derive(Clone, Copy, Debug, Default)]
struct Measure {
    fields: u64,
    aliases: u64,
    /// Fields directly in this set (through fragments, not inside other fields).
    top_fields: u64,
    /// Of those, the ones that check credentials.
    top_credentials: u64,
    /// Deepest field nesting (what `--max-depth` limits).
    depth: u64,
    /// Deepest nesting of selection sets below this one, the engine's way (see
    /// [`WRITTEN_NESTING`]).
    nesting: usize,
}

impl Measure {
    fn add(&mut self, other: Measure) {
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.top_fields = self.top_fields.saturating_add(other.top_fields);
        self.top_credentials = self.top_credentials.saturating_add(other.top_credentials);
        self.depth = self.depth.max(other.depth);
        self.nesting = self.nesting.max(other.nesting);
    }

    /// This measure as seen from the selection set one level up.
    fn nested(mut self) -> Self {
        self.nesting += 1;
        self
    }
}

struct Measurer<'a> {
    document: &'a ExecutableDocument,
    credential_fields: &'a [&'a str],
    fragments: HashMap<&'a Name, Measure>,
    /// Fragments being measured: a cycle is the engine's to report, not ours to follow.
    open: Vec<&'a Name>,
    /// Selection sets measured so far: at most one per set written in the document.
    steps: usize,
}

impl<'a> Measurer<'a> {
    /// Measures `set`, which sits `nesting` selection sets below its operation's root.
    fn selection_set(&mut self, set: &'a SelectionSet, nesting: usize) -> Result<Measure, Refusal> {
        if nesting > WRITTEN_NESTING {
            return Err(Refusal::Unparsable);
        }
        self.steps += 1;
        let mut measure = Measure::default();
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let children = &field.selection_set.node;
                    let inner = if children.items.is_empty() {
                        Measure::default()
                    } else {
                        self.selection_set(children, nesting + 1)?.nested()
                    };
                    let credential = self.credential_fields.contains(&field.name.node.as_str());
                    measure.add(Measure {
                        fields: inner.fields.saturating_add(1),
                        aliases: inner.aliases + u64::from(field.alias.is_some()),
                        top_fields: 1,
                        top_credentials: u64::from(credential),
                        depth: inner.depth + 1,
                        nesting: inner.nesting,
                    });
                }
                Selection::InlineFragment(fragment) => {
                    let inner = self.selection_set(&fragment.node.selection_set.node, nesting + 1)?;
                    measure.add(inner.nested());
                }
                Selection::FragmentSpread(spread) => {
                    let inner = self.fragment(&spread.node.fragment_name.node, nesting + 1)?;
                    if nesting + 1 + inner.nesting > WRITTEN_NESTING {
                        return Err(Refusal::Unparsable);
                    }
                    measure.add(inner.nested());
                }
            }
        }
        Ok(measure)
    }

    fn fragment(&mut self, name: &'a Name, nesting: usize) -> Result<Measure, Refusal> {
        if let Some(measure) = self.fragments.get(name) {
            return Ok(*measure);
        }
        // Unknown fragments and cycles are validation errors the engine reports.
        let Some(definition) = self.document.fragments.get(name) else {
            return Ok(Measure::default());
        };
        if self.open.contains(&name) {
            return Ok(Measure::default());
        }
        self.open.push(name);
        let measure = self.selection_set(&definition.node.selection_set.node, nesting);
        self.open.pop();
        let measure = measure?;
        self.fragments.insert(name, measure);
        Ok(measure)
    }
}

fn directive_count(document: &ExecutableDocument) -> usize {
    fn in_set(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|selection| match &selection.node {
                Selection::Field(field) => {
                    field.node.directives.len() + in_set(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => {
                    fragment.node.directives.len() + in_set(&fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => spread.node.directives.len(),
            })
            .sum()
    }
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, operation)| {
            let operation = &operation.node;
            operation.directives.len()
                + operation
                    .variable_definitions
                    .iter()
                    .map(|variable| variable.node.directives.len())
                    .sum::<usize>()
                + in_set(&operation.selection_set.node)
        })
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|fragment| fragment.node.directives.len() + in_set(&fragment.node.selection_set.node))
        .sum();
    operations + fragments
}

/// The operation a request runs: the only one, or the one it names. None when that is not
/// decided (the engine then answers why).
pub fn selected<'a>(
    document: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations
            .iter()
            .find(|(candidate, _)| candidate.as_str() == name)
            .map(|(_, operation)| operation),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next()
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Checks `document` against `limits`; the number of credential-checking root fields of the
/// mutation it runs (`credential_fields` names them) when it passes.
pub fn check(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    limits: &DocumentLimits,
    credential_fields: &[&str],
) -> Result<u64, Refusal> {
    let directives = directive_count(document);
    if directives > limits.directives {
        return Err(Refusal::TooComplex(format!(
            "the document has {directives} directives; at most {} are allowed",
            limits.directives
        )));
    }
    let mut measurer = Measurer {
        document,
        credential_fields,
        fragments: HashMap::new(),
        open: Vec::new(),
        steps: 0,
    };
    // Every operation is validated by the engine, so every one is measured, run or not.
    let (mut credentials, mut expanded) = (0, 0u64);
    let chosen = selected(document, operation_name);
    for (_, operation) in document.operations.iter() {
        let measure = measurer.selection_set(&operation.node.selection_set.node, 0)?;
        let over = |what: &str, value: u64, limit: usize| {
            (value > limit as u64).then(|| {
                Refusal::TooComplex(format!(
                    "the operation has {value} {what}; at most {limit} are allowed"
                ))
            })
        };
        if let Some(refusal) = over(
            "fields once fragments are expanded",
            measure.fields,
            limits.fields,
        )
        .or_else(|| over("levels of nesting", measure.depth, limits.depth))
        .or_else(|| over("aliases", measure.aliases, limits.aliases))
        .or_else(|| over("root fields", measure.top_fields, limits.root_fields))
        {
            return Err(refusal);
        }
        if operation.node.ty == OperationType::Mutation
            && chosen.is_some_and(|chosen| std::ptr::eq(chosen, operation))
        {
            credentials = measure.top_credentials;
        }
        expanded = expanded.saturating_add(measure.fields);
    }
    // The engine walks every operation in full, and every fragment definition (used or not)
    // when it checks that fields can merge: what it would expand, all told, is bounded too.
    for name in document.fragments.keys() {
        expanded = expanded.saturating_add(measurer.fragment(name, 0)?.fields);
    }
    if expanded > limits.fields as u64 {
        return Err(Refusal::TooComplex(format!(
            "the document has {expanded} fields once fragments are expanded, over all its \
             operations and fragments; at most {} are allowed",
            limits.fields
        )));
    }
    Ok(credentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: DocumentLimits = DocumentLimits {
        depth: 16,
        fields: 50_000,
        aliases: 30,
        root_fields: 30,
        directives: 50,
    };

    fn run(document: &str) -> Result<u64, Refusal> {
        let document = async_graphql::parser::parse_query(document).expect("parses");
        check(&document, None, &LIMITS, &["signIn", "signUp"])
    }

    fn bomb(levels: usize) -> String {
        let mut document = String::from("{ viewer { ...F0 } }");
        for level in 0..levels {
            document.push_str(&format!(
                " fragment F{level} on User {{ ...F{n} ...F{n} }}",
                n = level + 1
            ));
        }
        document.push_str(&format!(" fragment F{levels} on User {{ email }}"));
        document
    }

    #[test]
    fn a_fragment_bomb_is_measured_once_per_fragment_and_refused() {
        assert!(matches!(run(&bomb(25)), Err(Refusal::TooComplex(m)) if m.contains("33554433 fields")));
        assert_eq!(run(&bomb(10)), Ok(0), "1,025 fields are allowed");

        let document = async_graphql::parser::parse_query(bomb(25)).expect("parses");
        let mut measurer = Measurer {
            document: &document,
            credential_fields: &[],
            fragments: HashMap::new(),
            open: Vec::new(),
            steps: 0,
        };
        let DocumentOperations::Single(operation) = &document.operations else {
            panic!("one operation");
        };
        let measure = measurer
            .selection_set(&operation.node.selection_set.node, 0)
            .expect("measured");
        assert_eq!(measure.fields, (1 << 25) + 1);
        // The operation, `viewer`, and each of the 26 fragments once.
        assert_eq!(measurer.steps, 28);
    }

    #[test]
    fn what_all_operations_and_fragments_expand_to_is_bounded_together() {
        let mut document = bomb(12);
        for n in 0..20 {
            document.push_str(&format!(" query q{n} {{ viewer {{ ...F0 }} }}"));
        }
        let document = document.replacen("{ viewer { ...F0 } }", "query q { viewer { ...F0 } }", 1);
        assert!(
            matches!(run(&document), Err(Refusal::TooComplex(m)) if m.contains("over all its operations"))
        );
        let mut unused = String::from("{ __typename }");
        for level in 0..40 {
            unused.push_str(&format!(" fragment F{level} on User {{ ...F{} }}", level + 1));
        }
        unused.push_str(" fragment F40 on User { email }");
        assert_eq!(
            run(&unused),
            Err(Refusal::Unparsable),
            "unused fragments are measured too"
        );
    }

    #[test]
    fn cycles_and_unknown_fragments_are_left_to_validation() {
        assert_eq!(
            run("{ viewer { ...A } } fragment A on User { ...B } fragment B on User { ...A }"),
            Ok(0)
        );
        assert_eq!(run("{ viewer { ...Missing } }"), Ok(0));
    }

    #[test]
    fn aliases_root_fields_depth_and_directives_have_limits() {
        let aliases: String = (0..31).map(|i| format!("a{i}: __typename ")).collect();
        assert!(
            matches!(run(&format!("{{ viewer {{ {aliases} }} }}")), Err(Refusal::TooComplex(m)) if m.contains("aliases"))
        );
        let roots: String = (0..31).map(|_| "__typename ").collect();
        assert!(
            matches!(run(&format!("{{ {roots} }}")), Err(Refusal::TooComplex(m)) if m.contains("root fields"))
        );
        let deep = format!("{}{}", "{ a ".repeat(17), "}".repeat(17));
        assert!(matches!(run(&deep), Err(Refusal::TooComplex(m)) if m.contains("nesting")));
        let deeper = format!("{}{}", "{ a ".repeat(40), "}".repeat(40));
        assert_eq!(run(&deeper), Err(Refusal::Unparsable));
        let mut chain = String::from("{ viewer { ...F0 } }");
        for level in 0..40 {
            chain.push_str(&format!(" fragment F{level} on User {{ ...F{} }}", level + 1));
        }
        chain.push_str(" fragment F40 on User { email }");
        assert_eq!(run(&chain), Err(Refusal::Unparsable), "spreads nest too");
        let directives: String = (0..51).map(|_| "@include(if: true) ").collect();
        assert!(
            matches!(run(&format!("{{ viewer {directives} {{ email }} }}")), Err(Refusal::TooComplex(m)) if m.contains("directives"))
        );
    }

    #[test]
    fn credential_fields_are_counted_through_aliases_and_fragments() {
        assert_eq!(
            run("mutation { a: signIn(x: 1) b: signIn(x: 2) ...M } fragment M on Mutation { signUp(x: 3) }"),
            Ok(3)
        );
        assert_eq!(run("query { signIn }"), Ok(0), "only mutations check credentials");
    }
}
