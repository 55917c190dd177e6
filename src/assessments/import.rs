//! `importQuestionSet`: a question set as a JSON document, checked item by item before
//! anything is written. Each error names the item and its field
//! (`document.questions[3].correctOption`), and the first bad item stops the import.

use serde_json::Value;

use super::enums::QuestionDifficulty;
use super::store::{NewQuestion, NewQuestionSet};
use crate::graphql::errors::{AppError, AppResult};
use crate::hiring::enums::SkillLevel;
use crate::validate;

/// At most this many questions in one document.
pub const MAX_QUESTIONS: usize = 500;

fn bad(field: impl Into<String>, message: impl Into<String>) -> AppError {
    AppError::bad_input(field, message)
}

fn text(object: &Value, key: &str, field: &str, max: usize) -> AppResult<String> {
    match object.get(key) {
        Some(Value::String(value)) => validate::text_of(field, value, max),
        Some(_) => Err(bad(field, format!("{field} must be a string"))),
        None => Err(bad(field, format!("{field} is required"))),
    }
}

fn optional_text(object: &Value, key: &str, field: &str, max: usize) -> AppResult<Option<String>> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => text(object, key, field, max).map(Some),
    }
}

/// An enum value by its GraphQL spelling (any case).
fn choice<T: Copy>(value: &str, all: &[T], as_str: fn(T) -> &'static str) -> Option<T> {
    all.iter()
        .copied()
        .find(|item| as_str(*item).eq_ignore_ascii_case(value.trim()))
}

/// The document: `{"skill", "level", "generationModel"?, "source"?, "questions": [{"text",
/// "options": [2..8 strings], "correctOption": index, "difficulty"?, "topic"?, "source"?}]}`.
pub fn parse(document: &str) -> AppResult<(NewQuestionSet, Vec<NewQuestion>)> {
    let root: Value = serde_json::from_str(document)
        .map_err(|error| bad("document", format!("document is not JSON: {error}")))?;
    if !root.is_object() {
        return Err(bad("document", "document must be a JSON object"));
    }
    let skill = text(&root, "skill", "document.skill", 100)?;
    let level_text = text(&root, "level", "document.level", 20)?;
    let level = choice(&level_text, SkillLevel::ALL, SkillLevel::as_str).ok_or_else(|| {
        bad(
            "document.level",
            format!("document.level `{level_text}` is not one of BEGINNER, INTERMEDIATE, EXPERT"),
        )
    })?;
    let set = NewQuestionSet {
        skill,
        level,
        generation_model: optional_text(&root, "generationModel", "document.generationModel", 100)?,
        source: optional_text(&root, "source", "document.source", 200)?,
    };
    let items = match root.get("questions") {
        Some(Value::Array(items)) => items,
        _ => return Err(bad("document.questions", "document.questions must be a list")),
    };
    if items.is_empty() || items.len() > MAX_QUESTIONS {
        return Err(bad(
            "document.questions",
            format!(
                "document.questions has {} items; 1 to {MAX_QUESTIONS} are allowed",
                items.len()
            ),
        ));
    }
    let questions = items
        .iter()
        .enumerate()
        .map(|(index, item)| question(index, item))
        .collect::<AppResult<Vec<_>>>()?;
    Ok((set, questions))
}

fn question(index: usize, item: &Value) -> AppResult<NewQuestion> {
    let at = |key: &str| format!("document.questions[{index}].{key}");
    if !item.is_object() {
        return Err(bad(
            format!("document.questions[{index}]"),
            format!("document.questions[{index}] must be an object"),
        ));
    }
    let text_value = text(item, "text", &at("text"), 5000)?;
    let options = match item.get("options") {
        Some(Value::Array(options)) => options
            .iter()
            .enumerate()
            .map(|(i, option)| match option {
                Value::String(value) => validate::text_of(&at(&format!("options[{i}]")), value, 1000),
                _ => Err(bad(at("options"), format!("{} must hold strings", at("options")))),
            })
            .collect::<AppResult<Vec<_>>>()?,
        _ => return Err(bad(at("options"), format!("{} must be a list", at("options")))),
    };
    let options = check_options(&at("options"), options)?;
    let correct_option = correct(&at("correctOption"), item.get("correctOption"), options.len())?;
    let difficulty = match optional_text(item, "difficulty", &at("difficulty"), 20)? {
        None => None,
        Some(value) => Some(
            choice(&value, QuestionDifficulty::ALL, QuestionDifficulty::as_str).ok_or_else(|| {
                bad(
                    at("difficulty"),
                    format!("{} `{value}` is not one of EASY, MEDIUM, HARD", at("difficulty")),
                )
            })?,
        ),
    };
    Ok(NewQuestion {
        text: text_value,
        options,
        correct_option,
        difficulty,
        topic: optional_text(item, "topic", &at("topic"), 200)?,
        source: optional_text(item, "source", &at("source"), 200)?,
    })
}

/// 2 to 8 options, no two the same.
pub fn check_options(field: &str, options: Vec<String>) -> AppResult<Vec<String>> {
    if !(2..=8).contains(&options.len()) {
        return Err(bad(
            field,
            format!("{field} has {} options; 2 to 8 are allowed", options.len()),
        ));
    }
    for (i, option) in options.iter().enumerate() {
        if options[..i].iter().any(|seen| seen == option) {
            return Err(bad(field, format!("{field} repeats `{option}`")));
        }
    }
    Ok(options)
}

fn correct(field: &str, value: Option<&Value>, count: usize) -> AppResult<i32> {
    let index = value.and_then(Value::as_i64).ok_or_else(|| {
        bad(
            field,
            format!("{field} is required: the index (from 0) of the correct option"),
        )
    })?;
    check_correct(field, index, count)
}

/// The index of the correct option must name one of `count` options.
pub fn check_correct(field: &str, index: i64, count: usize) -> AppResult<i32> {
    if index < 0 || index as usize >= count {
        return Err(bad(
            field,
            format!(
                "{field} is {index}; it must be an option's index, 0 to {}",
                count - 1
            ),
        ));
    }
    Ok(index as i32)
}
