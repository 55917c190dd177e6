//! Input validation shared by every area. Each check names the input field it judges, so the
//! client gets `BAD_USER_INPUT` with `extensions.field` pointing at what to fix.

use async_graphql::parser::Positioned;
use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{MaybeUndefined, Value as Sent, Variables};
use async_graphql_value::Value as Written;

use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::scalars::{EmailAddress, Url};

/// Trims `value` and requires 1..=`max` characters.
pub fn text_of(field: &str, value: &str, max: usize) -> AppResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("{field} must not be blank (send null to clear it)"),
        ));
    }
    let length = trimmed.chars().count();
    if length > max {
        return Err(AppError::bad_input(
            field,
            format!("{field} is {length} characters long; at most {max} are allowed"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// A normalised email address: trimmed, lower case, one `@`, a dotted domain, no spaces.
pub fn email(field: &str, value: &str) -> AppResult<EmailAddress> {
    let normalised = value.trim().to_lowercase();
    let invalid = || AppError::bad_input(field, format!("`{}` is not a valid email address", value.trim()));
    if normalised.len() > 254 || normalised.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid());
    }
    let (local, domain) = normalised.split_once('@').ok_or_else(invalid)?;
    let labels_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    });
    if local.is_empty() || local.len() > 64 || !domain.contains('.') || !labels_ok {
        return Err(invalid());
    }
    Ok(EmailAddress(normalised))
}

/// An absolute http(s) URL of at most 2,048 characters. With `hosts`, its host must be one of
/// them or a subdomain of one (a LinkedIn URL on linkedin.com).
pub fn url_of(field: &str, value: &str, hosts: &[&str]) -> AppResult<Url> {
    let trimmed = value.trim();
    let invalid = |why: &str| AppError::bad_input(field, format!("`{trimmed}` is not a valid URL: {why}"));
    if trimmed.len() > 2048 {
        return Err(invalid("longer than 2048 characters"));
    }
    let parsed = url::Url::parse(trimmed).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("only http and https URLs are accepted"));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| invalid("it has no host"))?
        .to_lowercase();
    let host_allowed = hosts.is_empty()
        || hosts
            .iter()
            .any(|allowed| host == *allowed || host.ends_with(&format!(".{allowed}")));
    if !host_allowed {
        return Err(invalid(&format!("expected a link on {}", hosts.join(" or "))));
    }
    Ok(Url(trimmed.to_owned()))
}

/// A phone number as people write it: digits with optional `+`, spaces, dots, dashes and
/// parentheses; 5 to 20 digits.
pub fn phone(field: &str, value: &str) -> AppResult<String> {
    let trimmed = value.trim();
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    let allowed = trimmed
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0));
    if !allowed || !(5..=20).contains(&digits) {
        return Err(AppError::bad_input(
            field,
            format!("`{trimmed}` is not a valid phone number"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// An integer within `range`.
pub fn int_in(field: &str, value: i32, range: std::ops::RangeInclusive<i32>) -> AppResult<i32> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(AppError::bad_input(
            field,
            format!(
                "{field} must be between {} and {}, got {value}",
                range.start(),
                range.end()
            ),
        ))
    }
}

/// A list of short labels: each trimmed and checked like [`text_of`], duplicates (ignoring case)
/// dropped, at most `max_items`.
pub fn labels(field: &str, values: &[String], max_items: usize, max_len: usize) -> AppResult<Vec<String>> {
    if values.len() > max_items {
        return Err(AppError::bad_input(
            field,
            format!(
                "{field} has {} entries; at most {max_items} are allowed",
                values.len()
            ),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let label = text_of(field, value, max_len)?;
        if !out.iter().any(|seen| seen.eq_ignore_ascii_case(&label)) {
            out.push(label);
        }
    }
    Ok(out)
}

/// Validates a field of an update input: absent stays absent (`None`), null clears
/// (`Some(None)`), a value is checked (`Some(Some(v))`).
pub fn field<T, U>(
    value: MaybeUndefined<T>,
    check: impl FnOnce(T) -> AppResult<U>,
) -> AppResult<Option<Option<U>>> {
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(value) => check(value).map(|checked| Some(Some(checked))),
    }
}

/// Like [`field`] for a list of labels, where null means the empty list.
pub fn labels_field(
    value: MaybeUndefined<Vec<String>>,
    name: &str,
    max_items: usize,
) -> AppResult<Option<Vec<String>>> {
    Ok(field(value, |items| labels(name, &items, max_items, 100))?.map(Option::unwrap_or_default))
}

/// A checker for [`field`]: trimmed text of 1..=`max` characters.
pub fn text(name: &'static str, max: usize) -> impl Fn(String) -> AppResult<String> {
    move |value| text_of(name, &value, max)
}

/// A checker for [`field`]: an http(s) URL, on one of `hosts` if any are given.
pub fn url(name: &'static str, hosts: &'static [&'static str]) -> impl Fn(Url) -> AppResult<Url> {
    move |value| url_of(name, &value, hosts)
}

/// A checker for [`field`]: an ISO 4217 currency code, in any case (stored upper case).
pub fn currency(name: &'static str) -> impl Fn(String) -> AppResult<String> {
    move |value| {
        let code = value.trim().to_ascii_uppercase();
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(code)
        } else {
            Err(AppError::bad_input(
                name,
                format!("`{value}` is not an ISO 4217 currency code"),
            ))
        }
    }
}

/// A checker for [`field`]: a yearly salary, 0 to 100,000,000 in its currency.
pub fn salary(name: &'static str) -> impl Fn(i32) -> AppResult<i32> {
    move |value| int_in(name, value, 0..=100_000_000)
}

/// A lower and an upper bound that must not cross; the error names the upper one.
pub fn ordered(min_name: &str, max_name: &str, min: Option<i32>, max: Option<i32>) -> AppResult<()> {
    match (min, max) {
        (Some(min), Some(max)) if max < min => Err(AppError::bad_input(
            max_name,
            format!("{max_name} ({max}) is below {min_name} ({min})"),
        )),
        _ => Ok(()),
    }
}

/// Whether `c` is a C0 control character other than tab, line feed and carriage return: no
/// field means one, and PostgreSQL refuses NUL in text outright.
fn is_forbidden(c: char) -> bool {
    c < ' ' && !matches!(c, '\t' | '\n' | '\r')
}

/// A value of the request's input: sent in the variables, or written in the document.
#[derive(Clone, Copy)]
enum Input<'a> {
    Sent(&'a Sent),
    Written(&'a Written),
}

/// The first string in `value` (object keys included) with a forbidden character: its path
/// from the value named `name` (a field inside an object, not the object's own name, as
/// `extensions.field` names input fields elsewhere) and the character.
fn forbidden_in(name: &str, value: Input<'_>) -> Option<(String, char)> {
    // An explicit stack: a value nested a million deep must not overflow ours.
    let mut stack = vec![(None::<String>, value)];
    while let Some((path, value)) = stack.pop() {
        let here = || path.clone().unwrap_or_else(|| name.to_owned());
        let inside = |segment: &str| match &path {
            Some(path) => format!("{path}.{segment}"),
            None => segment.to_owned(),
        };
        let text = match value {
            Input::Sent(Sent::String(text)) | Input::Written(Written::String(text)) => Some(text),
            _ => None,
        };
        if let Some(c) = text.and_then(|text| text.chars().find(|c| is_forbidden(*c))) {
            return Some((here(), c));
        }
        match value {
            Input::Sent(Sent::List(items)) => {
                let base = here();
                stack.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| (Some(format!("{base}.{i}")), Input::Sent(item))),
                );
            }
            Input::Written(Written::List(items)) => {
                let base = here();
                stack.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| (Some(format!("{base}.{i}")), Input::Written(item))),
                );
            }
            Input::Sent(Sent::Object(fields)) => {
                for (key, item) in fields {
                    let path = inside(key);
                    if let Some(c) = key.chars().find(|c| is_forbidden(*c)) {
                        return Some((path, c));
                    }
                    stack.push((Some(path), Input::Sent(item)));
                }
            }
            Input::Written(Written::Object(fields)) => {
                for (key, item) in fields {
                    let path = inside(key);
                    if let Some(c) = key.chars().find(|c| is_forbidden(*c)) {
                        return Some((path, c));
                    }
                    stack.push((Some(path), Input::Written(item)));
                }
            }
            _ => {}
        }
    }
    None
}

/// Every value written in a selection set and below it (arguments, directives' arguments),
/// with the name of its argument.
fn written_in<'a>(set: &'a SelectionSet, found: &mut Vec<(&'a str, Input<'a>)>) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                found.extend(
                    field
                        .arguments
                        .iter()
                        .map(|(name, value)| (name.node.as_str(), Input::Written(&value.node))),
                );
                directive_arguments(&field.directives, found);
                written_in(&field.selection_set.node, found);
            }
            Selection::InlineFragment(fragment) => {
                directive_arguments(&fragment.node.directives, found);
                written_in(&fragment.node.selection_set.node, found);
            }
            Selection::FragmentSpread(spread) => directive_arguments(&spread.node.directives, found),
        }
    }
}

fn directive_arguments<'a>(directives: &'a [Positioned<Directive>], found: &mut Vec<(&'a str, Input<'a>)>) {
    for directive in directives {
        found.extend(
            directive
                .node
                .arguments
                .iter()
                .map(|(name, value)| (name.node.as_str(), Input::Written(&value.node))),
        );
    }
}

/// Refuses a request whose input holds a C0 control character other than tab, line feed and
/// carriage return in any string: the variables, and every value written in the document
/// (arguments, directives, variables' defaults). The one check for every input of every
/// field, before any resolver runs: `BAD_USER_INPUT` naming where it is.
pub fn control_characters(variables: &Variables, document: &ExecutableDocument) -> AppResult<()> {
    let mut inputs: Vec<(&str, Input)> = variables
        .iter()
        .map(|(name, value)| (name.as_str(), Input::Sent(value)))
        .collect();
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        directive_arguments(&operation.directives, &mut inputs);
        for variable in &operation.variable_definitions {
            directive_arguments(&variable.node.directives, &mut inputs);
            if let Some(default) = &variable.node.default_value {
                inputs.push((variable.node.name.node.as_str(), Input::Sent(&default.node)));
            }
        }
        written_in(&operation.selection_set.node, &mut inputs);
    }
    for fragment in document.fragments.values() {
        directive_arguments(&fragment.node.directives, &mut inputs);
        written_in(&fragment.node.selection_set.node, &mut inputs);
    }
    for (name, value) in inputs {
        if let Some((field, c)) = forbidden_in(name, value) {
            let message = format!(
                "`{field}` holds the control character U+{:04X}; text may hold tab, line feed and \
                 carriage return, and no other control character",
                u32::from(c)
            );
            return Err(AppError::bad_input(field, message));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("e", "  Ann@Example.COM ").ok(),
            Some(EmailAddress("ann@example.com".to_owned()))
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a nn@example.com",
            "ann@-x.com",
            "a@b..com",
        ] {
            assert!(email("e", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls() {
        assert!(url_of("u", "https://www.linkedin.com/in/ann", &["linkedin.com"]).is_ok());
        assert!(url_of("u", "https://evil.com/linkedin.com", &["linkedin.com"]).is_err());
        assert!(url_of("u", "https://notlinkedin.com/in/ann", &["linkedin.com"]).is_err());
        assert!(url_of("u", "ftp://example.com", &[]).is_err());
        assert!(url_of("u", "javascript:alert(1)", &[]).is_err());
        assert!(url_of("u", "example.com", &[]).is_err());
    }

    #[test]
    fn phones_and_labels() {
        assert!(phone("p", "+44 (20) 7946-0958").is_ok());
        assert!(phone("p", "12-34").is_err());
        assert!(phone("p", "call me").is_err());
        assert!(phone("p", "44+2079460958").is_err());
        let got = labels("l", &["Rust ".into(), "rust".into(), "Go".into()], 5, 10).ok();
        assert_eq!(got, Some(vec!["Rust".to_owned(), "Go".to_owned()]));
        assert!(labels("l", &["".into()], 5, 10).is_err());
        assert!(labels("l", &vec!["a".into(); 6], 5, 10).is_err());
    }
}
