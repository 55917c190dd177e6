//! What a document may ask for, checked before the engine validates it, in time linear in the
//! document.
//!
//! Each fragment is measured once and its measure reused wherever it is spread. A document that
//! spreads a fragment twice in each of 25 nested fragments names 2^25 fields in under 1 KB;
//! async-graphql's own depth and complexity checks expand every spread, which cost seconds of
//! CPU before such a document was refused. Measured here it takes 25 steps, and the engine only
//! sees documents whose expanded size is within the limits.
//!
//! The same pass counts the operation's cost in nodes, as GitHub does: each connection counts
//! its page size (`first` or `last`; 50 without either, at most 100) times one plus the nodes
//! under each of its items, and the operation's cost is the sum over its connections (at least
//! 1). Plain objects and lists count nothing of their own; their size is not the request's to
//! choose, and the field and depth limits bound them.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, OperationDefinition, OperationType, Selection,
    SelectionSet, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Positioned, ServerError, Value, Variables};
use async_graphql_value::Value as Written;

use crate::graphql::connection::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

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
    /// Highest cost of the operation run, in nodes (see the module's opening).
    pub cost: u64,
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
    /// Over the cost limit: `QUERY_TOO_COMPLEX` with `extensions.cost` and `extensions.limit`.
    TooCostly { cost: u64, limit: u64 },
    /// More credential-checking fields than one: `GRAPHQL_VALIDATION_FAILED`.
    CredentialFields(u64),
    /// Selection sets inside one another deeper than the engine accepts:
    /// `GRAPHQL_PARSE_FAILED`, as the engine itself would answer.
    Unparsable,
}

impl Refusal {
    pub fn into_error(self) -> ServerError {
        let (code, message) = match self {
            Self::TooCostly { cost, limit } => {
                let message = format!(
                    "the operation would return up to {cost} nodes; at most {limit} are allowed \
                     (each connection counts its page size, `first` or `last`, 50 without either, \
                     times the nodes under each item: ask for smaller pages)"
                );
                let mut error = crate::graphql::errors::coded(message, "QUERY_TOO_COMPLEX");
                let extensions = error.extensions.get_or_insert_with(Default::default);
                extensions.set("cost", cost);
                extensions.set("limit", limit);
                return error;
            }
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
    /// Nodes the set may return (see the module's opening).
    nodes: u64,
}

impl Measure {
    fn add(&mut self, other: Measure) {
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.top_fields = self.top_fields.saturating_add(other.top_fields);
        self.top_credentials = self.top_credentials.saturating_add(other.top_credentials);
        self.depth = self.depth.max(other.depth);
        self.nesting = self.nesting.max(other.nesting);
        self.nodes = self.nodes.saturating_add(other.nodes);
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
    shapes: &'a Shapes,
    variables: &'a Variables,
    fragments: HashMap<&'a Name, Measure>,
    /// Fragments being measured: a cycle is the engine's to report, not ours to follow.
    open: Vec<&'a Name>,
    /// Selection sets measured so far: at most one per set written in the document.
    steps: usize,
}

impl<'a> Measurer<'a> {
    /// The page a connection field asks for: `first` or `last` (the larger if both), 50
    /// without either, clamped to 0..=100 as the resolvers refuse anything else. A variable
    /// the request does not send counts as the largest page.
    fn page(&self, field: &Field) -> u64 {
        let sizes = ["first", "last"].map(|name| {
            field.get_argument(name).map(|value| match &value.node {
                Written::Number(n) => n.as_i64(),
                Written::Variable(variable) => match self.variables.get(variable) {
                    Some(Value::Number(n)) => n.as_i64(),
                    Some(_) => None,
                    None => Some(MAX_PAGE_SIZE),
                },
                _ => None,
            })
        });
        let size = match sizes {
            [None, None] => DEFAULT_PAGE_SIZE,
            [first, last] => first.flatten().max(last.flatten()).unwrap_or(DEFAULT_PAGE_SIZE),
        };
        size.clamp(0, MAX_PAGE_SIZE) as u64
    }

    /// Measures `set`, of type `ty` (None when unknown: validation reports it), which sits
    /// `nesting` selection sets below its operation's root.
    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        ty: Option<&'a str>,
        nesting: usize,
    ) -> Result<Measure, Refusal> {
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
                    let shape = self.shapes.field(ty, field.name.node.as_str());
                    let inner = if children.items.is_empty() {
                        Measure::default()
                    } else {
                        self.selection_set(children, shape.map(|(returned, _)| returned), nesting + 1)?
                            .nested()
                    };
                    let nodes = match shape {
                        Some((_, true)) => self.page(field).saturating_mul(inner.nodes.saturating_add(1)),
                        _ => inner.nodes,
                    };
                    let credential = self.credential_fields.contains(&field.name.node.as_str());
                    measure.add(Measure {
                        fields: inner.fields.saturating_add(1),
                        aliases: inner.aliases + u64::from(field.alias.is_some()),
                        top_fields: 1,
                        top_credentials: u64::from(credential),
                        depth: inner.depth + 1,
                        nesting: inner.nesting,
                        nodes,
                    });
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let ty = match &fragment.type_condition {
                        Some(condition) => Some(condition.node.on.node.as_str()),
                        None => ty,
                    };
                    let inner = self.selection_set(&fragment.selection_set.node, ty, nesting + 1)?;
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
        let ty = definition.node.type_condition.node.on.node.as_str();
        let measure = self.selection_set(&definition.node.selection_set.node, Some(ty), nesting);
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

/// What a document that passed the limits will run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Admitted {
    /// Credential-checking root fields of the mutation it runs.
    pub credentials: u64,
    /// The cost of the operation it runs, in nodes (at least 1).
    pub cost: u64,
}

/// Checks `document` against `limits`, its connections' sizes read from `shapes` and
/// `variables`; what it runs (`credential_fields` names the credential-checking fields) when it
/// passes.
pub fn check(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    shapes: &Shapes,
    limits: &DocumentLimits,
    credential_fields: &[&str],
) -> Result<Admitted, Refusal> {
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
        shapes,
        variables,
        fragments: HashMap::new(),
        open: Vec::new(),
        steps: 0,
    };
    // Every operation is validated by the engine, so every one is measured, run or not.
    let (mut admitted, mut expanded) = (Admitted::default(), 0u64);
    let chosen = selected(document, operation_name);
    for (_, operation) in document.operations.iter() {
        let root = shapes.root(operation.node.ty);
        let measure = measurer.selection_set(&operation.node.selection_set.node, Some(root), 0)?;
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
        if chosen.is_some_and(|chosen| std::ptr::eq(chosen, operation)) {
            if operation.node.ty == OperationType::Mutation {
                admitted.credentials = measure.top_credentials;
            }
            admitted.cost = measure.nodes.max(1);
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
    if admitted.cost > limits.cost {
        return Err(Refusal::TooCostly {
            cost: admitted.cost,
            limit: limits.cost,
        });
    }
    Ok(admitted)
}
/// What the node count needs to know of the schema: the type each field of each object and
/// interface returns, and which types are connections (they have `edges` and `pageInfo`).
#[derive(Debug, Default)]
pub struct Shapes {
    fields: HashMap<String, HashMap<String, String>>,
    connections: HashSet<String>,
    roots: [String; 3],
}

impl Shapes {
    /// The shapes of the schema whose SDL is `sdl`.
    pub fn from_sdl(sdl: &str) -> Result<Self, ServerError> {
        let document = async_graphql::parser::parse_schema(sdl).map_err(ServerError::from)?;
        let mut shapes = Self {
            roots: [
                "Query".to_owned(),
                "Mutation".to_owned(),
                "Subscription".to_owned(),
            ],
            ..Self::default()
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    for (root, name) in
                        shapes
                            .roots
                            .iter_mut()
                            .zip([schema.query, schema.mutation, schema.subscription])
                    {
                        if let Some(name) = name {
                            *root = name.node.to_string();
                        }
                    }
                }
                TypeSystemDefinition::Type(definition) => {
                    let definition = definition.node;
                    let fields = match definition.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        _ => continue,
                    };
                    let fields: HashMap<String, String> = fields
                        .into_iter()
                        .map(|field| {
                            let mut ty = &field.node.ty.node.base;
                            while let BaseType::List(inner) = ty {
                                ty = &inner.base;
                            }
                            let named = match ty {
                                BaseType::Named(name) => name.to_string(),
                                BaseType::List(_) => String::new(),
                            };
                            (field.node.name.node.to_string(), named)
                        })
                        .collect();
                    let name = definition.name.node.to_string();
                    if fields.contains_key("edges") && fields.contains_key("pageInfo") {
                        shapes.connections.insert(name.clone());
                    }
                    shapes.fields.insert(name, fields);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        Ok(shapes)
    }

    fn root(&self, ty: OperationType) -> &str {
        match ty {
            OperationType::Query => &self.roots[0],
            OperationType::Mutation => &self.roots[1],
            OperationType::Subscription => &self.roots[2],
        }
    }

    /// The type `field` of `ty` returns, and whether it is a connection.
    fn field(&self, ty: Option<&str>, field: &str) -> Option<(&str, bool)> {
        let returned = self.fields.get(ty?)?.get(field)?;
        Some((returned.as_str(), self.connections.contains(returned)))
    }
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
        cost: 50_000,
    };

    fn run(document: &str) -> Result<u64, Refusal> {
        let document = async_graphql::parser::parse_query(document).expect("parses");
        check(
            &document,
            None,
            &Variables::default(),
            &Shapes::default(),
            &LIMITS,
            &["signIn", "signUp"],
        )
        .map(|admitted| admitted.credentials)
    }

    const SDL: &str = "type Query { viewer: User }
        type User { name: String experiences(first: Int, last: Int): ExperienceConnection! }
        type ExperienceConnection { edges: [ExperienceEdge!]! pageInfo: PageInfo! totalCount: Int! }
        type ExperienceEdge { node: Experience! }
        type Experience { bullets(first: Int): BulletConnection! tags: [String!]! }
        type BulletConnection { edges: [BulletEdge!]! pageInfo: PageInfo! }
        type BulletEdge { node: Bullet! }
        type Bullet { text: String }
        type PageInfo { hasNextPage: Boolean! }";

    fn cost(document: &str, variables: serde_json::Value) -> Result<u64, Refusal> {
        let document = async_graphql::parser::parse_query(document).expect("parses");
        let shapes = Shapes::from_sdl(SDL).expect("the SDL parses");
        check(
            &document,
            None,
            &Variables::from_json(variables),
            &shapes,
            &LIMITS,
            &[],
        )
        .map(|admitted| admitted.cost)
    }

    #[test]
    fn connections_count_their_page_times_the_nodes_under_each_item() {
        let nothing = serde_json::json!({});
        assert_eq!(cost("{ viewer { name } }", nothing.clone()), Ok(1));
        // 50 experiences (the default page), each with 50 bullets.
        assert_eq!(
            cost(
                "{ viewer { experiences { totalCount edges { node { tags bullets { edges { node { text } } } } } } } }",
                nothing.clone()
            ),
            Ok(50 * (1 + 50))
        );
        // Fragments count where they are spread, pages come from literals and variables, and
        // a page over 100 counts as 100.
        assert_eq!(
            cost(
                "query($n: Int) { viewer { experiences(first: $n) { edges { node { ...B } } } } }
                 fragment B on Experience { bullets(first: 1000) { pageInfo { hasNextPage } } }",
                serde_json::json!({ "n": 3 })
            ),
            Ok(3 * (1 + 100))
        );
        assert_eq!(
            cost(
                "query($n: Int) { viewer { experiences(last: $n) { totalCount } } }",
                nothing.clone()
            ),
            Ok(100),
            "a variable not sent counts as the largest page"
        );
        let one = "experiences(first: 100) { edges { node { bullets(first: 100) { totalCount } } } }";
        let huge: String = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|alias| format!("{alias}: {one} "))
            .collect();
        let huge = format!("{{ viewer {{ {huge} }} }}");
        assert_eq!(
            cost(&huge, nothing),
            Err(Refusal::TooCostly {
                cost: 5 * 100 * 101,
                limit: 50_000
            })
        );
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
            shapes: &Shapes::default(),
            variables: &Variables::default(),
            fragments: HashMap::new(),
            open: Vec::new(),
            steps: 0,
        };
        let DocumentOperations::Single(operation) = &document.operations else {
            panic!("one operation");
        };
        let measure = measurer
            .selection_set(&operation.node.selection_set.node, None, 0)
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
