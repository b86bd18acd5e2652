//! Advice inputs and Miden-style JSON inputs/outputs files.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::Value;
use vm_core::{hash, Felt, StackInputs, StackOutputs, Word, MODULUS, STACK_TOP_SIZE, ZERO_WORD};

/// A word as canonical integers (the key type of the advice map and the Merkle store).
pub type WordKey = [u64; 4];

/// Converts a word into its canonical integer form.
pub fn word_key(w: &Word) -> WordKey {
    [w[0].as_int(), w[1].as_int(), w[2].as_int(), w[3].as_int()]
}

/// Depth of the sparse Merkle trees of inputs files (Miden's `SimpleSmt<64>`), and of the
/// tree `adv.push_smtpeek` reads.
pub const SMT_DEPTH: u8 = 64;

/// Deepest node of a partial Merkle tree (Miden's `PartialMerkleTree::MAX_DEPTH`).
pub const PMT_MAX_DEPTH: u8 = 64;

/// Roots of empty subtrees by height, and the height of each (height >= 1) by root.
struct EmptyRoots {
    roots: Vec<Word>,
    heights: HashMap<WordKey, usize>,
}

fn empty_roots() -> &'static EmptyRoots {
    static ROOTS: OnceLock<EmptyRoots> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut roots = vec![ZERO_WORD];
        for h in 1..=255 {
            let child = roots[h - 1];
            roots.push(hash::merge(&child, &child));
        }
        let heights = roots
            .iter()
            .enumerate()
            .skip(1)
            .map(|(h, r)| (word_key(r), h))
            .collect();
        EmptyRoots { roots, heights }
    })
}

/// The root of an empty subtree of height `height`: the empty word at height 0, and
/// `hash::merge(E, E)` of the root `E` one level down above it (Miden's `EmptySubtreeRoots`,
/// with our hash).
pub fn empty_subtree_root(height: u8) -> Word {
    empty_roots().roots[height as usize]
}

/// The children of `node` if it is the root of an empty subtree of height 1 to 255. Miden's
/// Merkle store starts out holding these nodes; the executor falls back on this table when
/// a node is not in [`AdviceInputs::merkle_nodes`], which gives the same lookups.
pub(crate) fn empty_subtree_children(node: &Word) -> Option<(Word, Word)> {
    let roots = empty_roots();
    let h = *roots.heights.get(&word_key(node))?;
    Some((roots.roots[h - 1], roots.roots[h - 1]))
}

/// Why a sparse or partial Merkle tree cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MerkleDataError {
    /// A sparse-Merkle-tree leaf index given twice.
    #[error("leaf index {0} is given more than once")]
    DuplicateLeaf(u64),
    /// A partial-Merkle-tree node given twice.
    #[error("node (depth {depth}, index {index}) is given more than once")]
    DuplicateNode {
        /// Depth of the node.
        depth: u64,
        /// Index of the node.
        index: u64,
    },
    /// A partial-Merkle-tree node deeper than 64.
    #[error("node depth {0} is greater than 64")]
    DepthTooBig(u64),
    /// A node index that does not fit its depth.
    #[error("node index {index} does not exist at depth {depth} (it must be below 2^{depth})")]
    InvalidNodeIndex {
        /// Depth of the node.
        depth: u64,
        /// Index of the node.
        index: u64,
    },
    /// A partial-Merkle-tree node whose sibling is neither given nor computable.
    #[error("node (depth {depth}, index {index}) has no sibling: node (depth {depth}, index {sibling}) is neither given nor computed from given nodes")]
    MissingSibling {
        /// Depth of the node.
        depth: u64,
        /// Index of the node.
        index: u64,
        /// Index of the missing sibling.
        sibling: u64,
    },
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

    /// Adds a sparse Merkle tree of depth 64 to the Merkle store and returns its root, as
    /// Miden's `SimpleSmt::<64>::with_leaves` and `MerkleStore::extend(tree.inner_nodes())`
    /// do (with `hash::merge` for RPO): leaf `i` holds the given word (a leaf is its own
    /// node), every other leaf the empty word, and empty subtrees have the roots of
    /// [`empty_subtree_root`]. Only nodes above a non-empty leaf are stored; the executor
    /// knows the empty-subtree nodes without them. A leaf index given twice is an error.
    pub fn add_sparse_merkle_tree(
        &mut self,
        leaves: &[(u64, Word)],
    ) -> Result<Word, MerkleDataError> {
        let mut seen = HashSet::with_capacity(leaves.len());
        let mut level: BTreeMap<u64, Word> = BTreeMap::new();
        for &(index, value) in leaves {
            if !seen.insert(index) {
                return Err(MerkleDataError::DuplicateLeaf(index));
            }
            if value != ZERO_WORD {
                level.insert(index, value);
            }
        }
        for height in 0..SMT_DEPTH {
            let empty = empty_subtree_root(height);
            let mut parents = BTreeMap::new();
            for (&index, &node) in &level {
                let parent = index >> 1;
                if parents.contains_key(&parent) {
                    continue; // the right child of a pair already merged
                }
                let (left, right) = if index & 1 == 0 {
                    (node, level.get(&(index | 1)).copied().unwrap_or(empty))
                } else {
                    (empty, node) // a left sibling would have come first
                };
                parents.insert(parent, self.add_merkle_node(left, right));
            }
            level = parents;
        }
        Ok(level
            .get(&0)
            .copied()
            .unwrap_or_else(|| empty_subtree_root(SMT_DEPTH)))
    }

    /// Adds a partial Merkle tree to the Merkle store and returns its root, as Miden's
    /// `PartialMerkleTree::with_leaves` and `MerkleStore::extend(tree.inner_nodes())` do
    /// (with `hash::merge`): `nodes` are ((depth, index), value) at any depths up to 64;
    /// from the deepest level up, each node whose parent is not given is merged with its
    /// sibling (given, or computed from the level below) into the parent. A given node is
    /// never recomputed. The root is the node at depth 0 (the empty word if there is none).
    /// Errors: a node given twice, a depth over 64, an index of 2^depth or more, a missing
    /// sibling.
    pub fn add_partial_merkle_tree(
        &mut self,
        nodes: &[((u64, u64), Word)],
    ) -> Result<Word, MerkleDataError> {
        let mut known: HashMap<(u64, u64), Word> = HashMap::with_capacity(2 * nodes.len());
        let mut given: HashSet<(u64, u64)> = HashSet::with_capacity(nodes.len());
        let mut max_depth = 0;
        for &((depth, index), value) in nodes {
            if depth > PMT_MAX_DEPTH as u64 {
                return Err(MerkleDataError::DepthTooBig(depth));
            }
            if depth < 64 && index >> depth != 0 {
                return Err(MerkleDataError::InvalidNodeIndex { depth, index });
            }
            if known.insert((depth, index), value).is_some() {
                return Err(MerkleDataError::DuplicateNode { depth, index });
            }
            given.insert((depth, index));
            max_depth = max_depth.max(depth);
        }
        // Node indices per depth, in order of appearance (given first, then computed).
        let mut layers: Vec<Vec<u64>> = vec![Vec::new(); max_depth as usize + 1];
        let mut in_layer: Vec<HashSet<u64>> = vec![HashSet::new(); max_depth as usize + 1];
        for &((depth, index), _) in nodes {
            layers[depth as usize].push(index);
            in_layer[depth as usize].insert(index);
        }
        for depth in (1..=max_depth).rev() {
            let d = depth as usize;
            for index in std::mem::take(&mut layers[d]) {
                let parent = index / 2;
                if in_layer[d - 1].contains(&parent) {
                    continue;
                }
                let node = known[&(depth, index)];
                let sibling = index ^ 1;
                let sib = *known
                    .get(&(depth, sibling))
                    .ok_or(MerkleDataError::MissingSibling {
                        depth,
                        index,
                        sibling,
                    })?;
                let (left, right) = if index & 1 == 0 {
                    (node, sib)
                } else {
                    (sib, node)
                };
                known.insert((depth - 1, parent), hash::merge(&left, &right));
                layers[d - 1].push(parent);
                in_layer[d - 1].insert(parent);
            }
        }
        // The computed nodes are the inner nodes; their children are known.
        for (&(depth, index), _) in known.iter().filter(|(k, _)| !given.contains(k)) {
            let left = known[&(depth + 1, 2 * index)];
            let right = known[&(depth + 1, 2 * index + 1)];
            self.add_merkle_node(left, right);
        }
        Ok(known.get(&(0, 0)).copied().unwrap_or(ZERO_WORD))
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
#[non_exhaustive]
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
    #[error("{field}: unsupported Merkle store entry {kind:?} (expected \"merkle_tree\", \"sparse_merkle_tree\" or \"partial_merkle_tree\")")]
    UnsupportedMerkleEntry {
        /// Path of the field.
        field: String,
        /// The entry's key.
        kind: String,
    },
    /// A sparse or partial Merkle tree that cannot be built.
    #[error("{field}: {source}")]
    MerkleData {
        /// Path of the field.
        field: String,
        /// What is wrong.
        source: MerkleDataError,
    },
}

impl AdviceInputs {
    /// Adds one `merkle_store` entry of an inputs file (Miden v0.16's `MerkleData`): an
    /// object with one key, `merkle_tree` (leaf words), `sparse_merkle_tree`
    /// (`[index, word]` pairs) or `partial_merkle_tree` (`[[depth, index], word]` pairs).
    fn add_merkle_store_entry(&mut self, entry: &Value, field: &str) -> Result<(), InputError> {
        let (kind, data) = match entry.as_object() {
            Some(o) if o.len() == 1 => o.iter().next().expect("one key"),
            _ => {
                return Err(InputError::Shape {
                    field: field.into(),
                    expected: "an object with one key: \"merkle_tree\", \"sparse_merkle_tree\" or \"partial_merkle_tree\"",
                })
            }
        };
        let field = format!("{field}.{kind}");
        let items = || parse_array(data, &field);
        let tree_error = |source| InputError::MerkleData {
            field: field.clone(),
            source,
        };
        match kind.as_str() {
            "merkle_tree" => {
                let leaves = items()?
                    .iter()
                    .enumerate()
                    .map(|(j, l)| parse_word(l, &format!("{field}[{j}]")))
                    .collect::<Result<Vec<_>, _>>()?;
                self.add_merkle_tree(&leaves);
            }
            "sparse_merkle_tree" => {
                let mut leaves = Vec::new();
                for (j, item) in items()?.iter().enumerate() {
                    let f = format!("{field}[{j}]");
                    let (index, word) = parse_pair(item, &f, "a pair [leaf index, word]")?;
                    leaves.push((
                        parse_u64(index, &format!("{f}[0]"))?,
                        parse_word(word, &format!("{f}[1]"))?,
                    ));
                }
                self.add_sparse_merkle_tree(&leaves).map_err(tree_error)?;
            }
            "partial_merkle_tree" => {
                let mut nodes = Vec::new();
                for (j, item) in items()?.iter().enumerate() {
                    let f = format!("{field}[{j}]");
                    let expected = "a pair [[depth, index], word]";
                    let (at, word) = parse_pair(item, &f, expected)?;
                    let (depth, index) =
                        parse_pair(at, &format!("{f}[0]"), "a pair [depth, index]")?;
                    nodes.push((
                        (
                            parse_u64(depth, &format!("{f}[0][0]"))?,
                            parse_u64(index, &format!("{f}[0][1]"))?,
                        ),
                        parse_word(word, &format!("{f}[1]"))?,
                    ));
                }
                self.add_partial_merkle_tree(&nodes).map_err(tree_error)?;
            }
            _ => {
                return Err(InputError::UnsupportedMerkleEntry {
                    field: field[..field.len() - kind.len() - 1].to_string(),
                    kind: kind.clone(),
                })
            }
        }
        Ok(())
    }
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

/// A u64 (a leaf index, a node depth or index): a JSON number, or a decimal or `0x` string.
fn parse_u64(v: &Value, field: &str) -> Result<u64, InputError> {
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
        text.parse::<u64>().ok()
    } else {
        None
    };
    parsed.ok_or(InputError::NotANumber {
        field: field.into(),
        value: text,
    })
}

/// A JSON array of exactly two elements.
fn parse_pair<'a>(
    v: &'a Value,
    field: &str,
    expected: &'static str,
) -> Result<(&'a Value, &'a Value), InputError> {
    match v.as_array().map(Vec::as_slice) {
        Some([a, b]) => Ok((a, b)),
        _ => Err(InputError::Shape {
            field: field.into(),
            expected,
        }),
    }
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
                out.advice
                    .add_merkle_store_entry(entry, &format!("merkle_store[{i}]"))?;
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
