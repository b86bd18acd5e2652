//! Advice inputs and Miden-style JSON inputs/outputs files.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use vm_core::{hash, Felt, StackInputs, StackOutputs, Word, MODULUS, STACK_TOP_SIZE, ZERO_WORD};

/// A word as canonical integers (the key type of the advice map and the Merkle store).
pub type WordKey = [u64; 4];

/// Converts a word into its canonical integer form.
pub fn word_key(w: &Word) -> WordKey {
    [w[0].as_int(), w[1].as_int(), w[2].as_int(), w[3].as_int()]
}

/// Private (non-deterministic) inputs: the advice stack, the advice map and the Merkle store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdviceInputs {
    /// Advice stack values; the first element is popped first.
    pub stack: Vec<Felt>,
    /// Advice map: key word -> values.
    pub map: BTreeMap<WordKey, Vec<Felt>>,
    /// Merkle store: node digest -> (left child, right child).
    pub merkle_nodes: HashMap<WordKey, (Word, Word)>,
}

impl AdviceInputs {
    /// Adds a full binary Merkle tree over `leaves` (zero-padded to a power of two) to the
    /// Merkle store and returns its root. One leaf is its own root.
    pub fn add_merkle_tree(&mut self, leaves: &[Word]) -> Word {
        if leaves.is_empty() {
            return ZERO_WORD;
        }
        let mut level: Vec<Word> = leaves.to_vec();
        level.resize(leaves.len().next_power_of_two(), ZERO_WORD);
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|p| {
                    let parent = hash::merge(&p[0], &p[1]);
                    self.merkle_nodes.insert(word_key(&parent), (p[0], p[1]));
                    parent
                })
                .collect();
        }
        level[0]
    }

    /// Inserts a Merkle node with its two children.
    pub fn add_merkle_node(&mut self, left: Word, right: Word) -> Word {
        let parent = hash::merge(&left, &right);
        self.merkle_nodes.insert(word_key(&parent), (left, right));
        parent
    }
}

/// Errors reading an inputs or outputs file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The text is not JSON.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// A field has the wrong JSON type.
    #[error("{field}: expected {expected}")]
    Shape {
        /// Path of the field.
        field: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A value is not a non-negative integer.
    #[error("{field}: {value:?} is not a number")]
    NotANumber {
        /// Path of the field.
        field: String,
        /// The text found.
        value: String,
    },
    /// A value is not below the field modulus.
    #[error("{field}: {value} is not below the field modulus 2^64 - 2^32 + 1")]
    NotAFieldElement {
        /// Path of the field.
        field: String,
        /// The text found.
        value: String,
    },
    /// More than 16 operand-stack values.
    #[error("operand_stack: {0} values given, at most 16 are allowed")]
    TooManyStackValues(usize),
    /// A malformed word (advice-map key or Merkle leaf).
    #[error("{field}: {message}")]
    BadWord {
        /// Path of the field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// An unsupported Merkle store entry kind.
    #[error("{field}: unsupported Merkle store entry (only \"merkle_tree\" is supported)")]
    UnsupportedMerkleEntry {
        /// Path of the field.
        field: String,
    },
}

/// A parsed inputs file (Miden's JSON shape).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputFile {
    /// Operand-stack values in file order (the last one is the top).
    pub operand_stack: Vec<Felt>,
    /// Advice inputs.
    pub advice: AdviceInputs,
}

fn parse_felt(v: &Value, field: &str) -> Result<Felt, InputError> {
    let text = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(InputError::Shape {
                field: field.into(),
                expected: "a number or a numeric string",
            })
        }
    };
    let parsed = if let Some(h) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        match text.parse::<u128>() {
            Ok(x) if x > u64::MAX as u128 => {
                return Err(InputError::NotAFieldElement {
                    field: field.into(),
                    value: text,
                })
            }
            Ok(x) => Some(x as u64),
            Err(_) => None,
        }
    } else {
        None
    };
    let Some(x) = parsed else {
        return Err(InputError::NotANumber {
            field: field.into(),
            value: text,
        });
    };
    if x >= MODULUS {
        return Err(InputError::NotAFieldElement {
            field: field.into(),
            value: text,
        });
    }
    Ok(Felt::new(x))
}

fn parse_array<'a>(v: &'a Value, field: &str) -> Result<&'a Vec<Value>, InputError> {
    v.as_array().ok_or_else(|| InputError::Shape {
        field: field.into(),
        expected: "an array",
    })
}

fn parse_felts(v: &Value, field: &str) -> Result<Vec<Felt>, InputError> {
    parse_array(v, field)?
        .iter()
        .enumerate()
        .map(|(i, x)| parse_felt(x, &format!("{field}[{i}]")))
        .collect()
}

fn parse_word(s: &Value, field: &str) -> Result<Word, InputError> {
    let s = s.as_str().ok_or(InputError::Shape {
        field: field.into(),
        expected: "a hex string",
    })?;
    hash::word_from_hex(s).map_err(|message| InputError::BadWord {
        field: field.into(),
        message,
    })
}

impl InputFile {
    /// Parses an inputs file. All fields are optional; numbers may be JSON numbers or
    /// decimal (or `0x` hex) strings and must be below the field modulus.
    pub fn parse(json: &str) -> Result<InputFile, InputError> {
        let v: Value = serde_json::from_str(json).map_err(|e| InputError::Json(e.to_string()))?;
        let obj = v.as_object().ok_or(InputError::Shape {
            field: "inputs".into(),
            expected: "an object",
        })?;
        let mut out = InputFile::default();
        if let Some(s) = obj.get("operand_stack") {
            out.operand_stack = parse_felts(s, "operand_stack")?;
            if out.operand_stack.len() > STACK_TOP_SIZE {
                return Err(InputError::TooManyStackValues(out.operand_stack.len()));
            }
        }
        if let Some(s) = obj.get("advice_stack") {
            out.advice.stack = parse_felts(s, "advice_stack")?;
        }
        if let Some(m) = obj.get("advice_map") {
            let m = m.as_object().ok_or(InputError::Shape {
                field: "advice_map".into(),
                expected: "an object",
            })?;
            for (k, vals) in m {
                let field = format!("advice_map[{k:?}]");
                let key = hash::word_from_hex(k).map_err(|message| InputError::BadWord {
                    field: field.clone(),
                    message,
                })?;
                out.advice
                    .map
                    .insert(word_key(&key), parse_felts(vals, &field)?);
            }
        }
        if let Some(store) = obj.get("merkle_store") {
            for (i, entry) in parse_array(store, "merkle_store")?.iter().enumerate() {
                let field = format!("merkle_store[{i}]");
                let tree = entry.as_object().and_then(|o| o.get("merkle_tree")).ok_or(
                    InputError::UnsupportedMerkleEntry {
                        field: field.clone(),
                    },
                )?;
                let field = format!("{field}.merkle_tree");
                let leaves = parse_array(tree, &field)?
                    .iter()
                    .enumerate()
                    .map(|(j, l)| parse_word(l, &format!("{field}[{j}]")))
                    .collect::<Result<Vec<_>, _>>()?;
                out.advice.add_merkle_tree(&leaves);
            }
        }
        Ok(out)
    }

    /// The operand-stack inputs (the last file value on top).
    pub fn stack_inputs(&self) -> StackInputs {
        StackInputs::new(self.operand_stack.clone()).expect("checked at parse time")
    }

    /// The advice inputs.
    pub fn advice_inputs(&self) -> AdviceInputs {
        self.advice.clone()
    }
}

/// An outputs file: `{"stack": [...]}`, top of the stack first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// The output stack, top first, as canonical integers.
    pub stack: Vec<u64>,
}

impl OutputFile {
    /// The outputs file for a run's stack outputs.
    pub fn new(outputs: &StackOutputs) -> Self {
        Self {
            stack: outputs.as_ints(),
        }
    }

    /// Renders `{"stack": ["..", ...]}` (decimal strings, top first).
    pub fn to_json(&self) -> String {
        let stack: Vec<String> = self.stack.iter().map(|x| x.to_string()).collect();
        serde_json::json!({ "stack": stack }).to_string()
    }

    /// Parses an outputs file.
    pub fn parse(json: &str) -> Result<OutputFile, InputError> {
        let v: Value = serde_json::from_str(json).map_err(|e| InputError::Json(e.to_string()))?;
        let s = v.get("stack").ok_or(InputError::Shape {
            field: "stack".into(),
            expected: "an array",
        })?;
        let stack = parse_felts(s, "stack")?
            .iter()
            .map(|f| f.as_int())
            .collect::<Vec<_>>();
        if stack.len() > STACK_TOP_SIZE {
            return Err(InputError::TooManyStackValues(stack.len()));
        }
        Ok(OutputFile { stack })
    }

    /// The outputs as [`StackOutputs`].
    pub fn stack_outputs(&self) -> StackOutputs {
        let v: Vec<Felt> = self.stack.iter().map(|&x| Felt::new(x)).collect();
        StackOutputs::new(&v).expect("checked at parse time")
    }
}
