//! The Bot API spec (`spec/api.json`, MIT, embedded) and validation of
//! request parameters against it: method exists, required fields present,
//! no unknown fields, values of the declared types, recursively.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

/// One field of a method or type.
#[derive(Debug)]
pub struct Field {
    pub name: String,
    pub types: Vec<String>,
    pub required: bool,
}

/// The parsed spec.
pub struct Spec {
    /// Canonical method name by lowercase name.
    method_names: HashMap<String, String>,
    methods: HashMap<String, Vec<Field>>,
    /// Object types: their fields.
    types: HashMap<String, Vec<Field>>,
    /// Union types: their members.
    subtypes: HashMap<String, Vec<String>>,
}

/// The spec, parsed once.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| Spec::parse(include_str!("../spec/api.json")))
}

fn fields(value: &Value) -> Vec<Field> {
    value["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| Field {
                    name: f["name"].as_str().unwrap_or_default().to_owned(),
                    types: f["types"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|t| t.as_str().map(String::from))
                        .collect(),
                    required: f["required"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Spec {
    fn parse(json: &str) -> Spec {
        let root: Value = serde_json::from_str(json).expect("the embedded spec is valid JSON");
        let mut spec = Spec {
            method_names: HashMap::new(),
            methods: HashMap::new(),
            types: HashMap::new(),
            subtypes: HashMap::new(),
        };
        for (name, method) in root["methods"].as_object().into_iter().flatten() {
            spec.method_names.insert(name.to_lowercase(), name.clone());
            spec.methods.insert(name.clone(), fields(method));
        }
        for (name, ty) in root["types"].as_object().into_iter().flatten() {
            if let Some(members) = ty["subtypes"].as_array() {
                spec.subtypes.insert(
                    name.clone(),
                    members.iter().filter_map(|m| m.as_str().map(String::from)).collect(),
                );
            } else {
                spec.types.insert(name.clone(), fields(ty));
            }
        }
        spec
    }

    /// The canonical spelling of a method name, matched case-insensitively as Telegram does.
    pub fn method(&self, name: &str) -> Option<&str> {
        self.method_names.get(&name.to_lowercase()).map(String::as_str)
    }

    pub fn method_fields(&self, method: &str) -> &[Field] {
        self.methods.get(method).map_or(&[], Vec::as_slice)
    }

    /// Every problem of `params` (an object) as parameters of `method`.
    pub fn check_method(&self, method: &str, params: &Value, uploads: &[String]) -> Vec<String> {
        let mut problems = Vec::new();
        self.check_fields(method, self.method_fields(method), params, uploads, &mut problems);
        problems
    }

    fn check_fields(
        &self,
        path: &str,
        fields: &[Field],
        value: &Value,
        uploads: &[String],
        problems: &mut Vec<String>,
    ) {
        let Some(object) = value.as_object() else {
            problems.push(format!("{path}: expected an object, got {}", kind(value)));
            return;
        };
        for field in fields {
            if field.required && !object.contains_key(&field.name) && !uploads.contains(&field.name) {
                problems.push(format!("{path}: required field `{}` is missing", field.name));
            }
        }
        for (name, item) in object {
            match fields.iter().find(|f| &f.name == name) {
                None => problems.push(format!("{path}: unknown field `{name}`")),
                Some(field) => {
                    let inner = format!("{path}.{name}");
                    self.check_any(&inner, &field.types, item, uploads, problems);
                }
            }
        }
    }

    /// `value` must match one of `types`; reports the closest match's problems.
    fn check_any(&self, path: &str, types: &[String], value: &Value, uploads: &[String], problems: &mut Vec<String>) {
        let mut best: Option<Vec<String>> = None;
        for ty in types {
            let mut found = Vec::new();
            self.check_type(path, ty, value, uploads, &mut found);
            if found.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| found.len() < b.len()) {
                best = Some(found);
            }
        }
        problems.extend(best.unwrap_or_default());
    }

    fn check_type(&self, path: &str, ty: &str, value: &Value, uploads: &[String], problems: &mut Vec<String>) {
        let ok = match ty {
            "Integer" => value.is_i64() || value.is_u64(),
            "Float" => value.is_number(),
            "Boolean" => value.is_boolean(),
            "True" => value == &Value::Bool(true),
            "String" => value.is_string(),
            "InputFile" => value.as_str().is_some_and(|s| {
                s.strip_prefix("attach://")
                    .is_some_and(|name| uploads.iter().any(|u| u == name))
            }),
            _ => {
                if let Some(element) = ty.strip_prefix("Array of ") {
                    match value.as_array() {
                        Some(items) => {
                            for (index, item) in items.iter().enumerate() {
                                self.check_any(
                                    &format!("{path}[{index}]"),
                                    &[element.to_owned()],
                                    item,
                                    uploads,
                                    problems,
                                );
                            }
                        }
                        None => problems.push(format!("{path}: expected {ty}, got {}", kind(value))),
                    }
                } else if let Some(members) = self.subtypes.get(ty) {
                    self.check_any(path, members, value, uploads, problems);
                } else if let Some(fields) = self.types.get(ty) {
                    self.check_fields(path, fields, value, uploads, problems);
                } else {
                    problems.push(format!("{path}: the spec has no type `{ty}`"));
                }
                return;
            }
        };
        if !ok {
            problems.push(format!("{path}: expected {ty}, got {}", kind(value)));
        }
    }

    /// The declared types of a method field (for parsing multipart text).
    pub fn field_types(&self, method: &str, field: &str) -> &[String] {
        self.method_fields(method)
            .iter()
            .find(|f| f.name == field)
            .map_or(&[], |f| f.types.as_slice())
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn valid_send_message_passes() {
        let params = json!({
            "chat_id": 42, "text": "hi", "parse_mode": "HTML",
            "reply_markup": { "inline_keyboard": [[{ "text": "Back", "callback_data": "1abc" }]] }
        });
        assert_eq!(spec().check_method("sendMessage", &params, &[]), Vec::<String>::new());
    }

    #[test]
    fn reports_unknown_missing_and_mistyped_fields_deep_inside() {
        let params = json!({
            "chat_id": "42x", "txt": "hi",
            "reply_markup": { "inline_keyboard": [[{ "text": "Back", "callback_dta": "x" }]] }
        });
        let problems = spec().check_method("sendMessage", &params, &[]);
        assert!(
            problems.contains(&"sendMessage: required field `text` is missing".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.contains(&"sendMessage: unknown field `txt`".to_owned()),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.contains("callback_dta")), "{problems:?}");
        let problems = spec().check_method("sendMessage", &json!({ "chat_id": true, "text": "x" }), &[]);
        assert!(
            problems.iter().any(|p| p.contains("sendMessage.chat_id: expected")),
            "{problems:?}"
        );
    }

    #[test]
    fn unions_accept_any_member() {
        let params = json!({
            "inline_query_id": "1",
            "results": [{ "type": "article", "id": "a", "title": "T",
                          "input_message_content": { "message_text": "x", "parse_mode": "HTML" } }]
        });
        assert_eq!(
            spec().check_method("answerInlineQuery", &params, &[]),
            Vec::<String>::new()
        );
        assert_eq!(spec().method("SENDMESSAGE"), Some("sendMessage"));
        assert_eq!(spec().method("sendMessages"), None);
    }
}
