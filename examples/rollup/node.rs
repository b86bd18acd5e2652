//! The rollup node of `examples/rollup`: accounts and the state tree in a redb database,
//! batches of signed transfers, the advice for `rollup.masm`, proving and verifying. Only
//! the `vm` facade is used, as an integrator would. `main.rs` drives it; `tests/rollup.rs`
//! tests it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use vm::core::hash::{self, word_to_hex};
use vm::processor::word_key;
use vm::signature::PrivateKey;
use vm::{
    Acceptance, AdviceInputs, DefaultHost, Error, ExecutionOptions, Felt, Program, ProvingOptions,
    StackInputs, StackOutputs, Word,
};

/// The program, embedded so that the node and its tests run it from anywhere.
pub const SOURCE: &str = include_str!("rollup.masm");

/// The example's genesis state: (account, balance).
pub const DEMO_GENESIS: &[(u64, u64)] = &[(0, 1000), (1, 1000), (2, 1000)];

/// The example's batch: (from, to, amount), each signed with the sender's next nonce.
pub const DEMO_BATCH: &[(u64, u64, u64)] = &[(0, 1, 10), (1, 2, 20), (2, 0, 5)];

/// Height of each account's hash-based key: `2^KEY_HEIGHT` one-time keys, one per nonce.
pub const KEY_HEIGHT: u32 = 5;

/// account id -> (balance, nonce, key seed): 48 bytes, little-endian.
const ACCOUNTS: TableDefinition<u64, &[u8]> = TableDefinition::new("accounts");
/// The state tree's Merkle store: node digest (32 bytes) -> its two children (64 bytes).
const NODES: TableDefinition<&[u8], &[u8]> = TableDefinition::new("tree_nodes");
/// "root": the state root (32 bytes); "batches": batches applied (8 bytes).
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

const ZERO: Word = [Felt::new(0); 4];

/// Why the node could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The database failed.
    #[error("database: {0}")]
    Db(String),
    /// The database disagrees with itself (its accounts do not hash to its root).
    #[error("the stored state is corrupt: {0}")]
    Corrupt(String),
    /// A transfer names an account the node does not know.
    #[error("account {0} does not exist")]
    NoAccount(u64),
    /// The account has no key: it cannot send.
    #[error("account {0} has no key: it can receive, not send")]
    NoKey(u64),
    /// An account has signed as many transfers as its key allows.
    #[error("account {0} has used all {n} one-time keys", n = 1u64 << KEY_HEIGHT)]
    KeyExhausted(u64),
    /// The VM rejected the batch, or the proof failed.
    #[error(transparent)]
    Vm(#[from] Error),
}

fn db<E: std::fmt::Display>(e: E) -> NodeError {
    NodeError::Db(e.to_string())
}

/// One account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Account {
    /// Balance (a u32 value).
    pub balance: u64,
    /// Transfers it has sent; also the leaf of its key that signs the next one.
    pub nonce: u64,
    /// The seed of its hash-based key and its public key (the node plays the users in this
    /// example); `None` for an account created by a transfer to it, which cannot send.
    pub key: Option<([u8; 32], Word)>,
}

/// Bytes of an account record: balance, nonce, a key flag, seed, public key.
const RECORD: usize = 8 + 8 + 1 + 32 + 32;

impl Account {
    /// A new account with a key from `seed` (key generation: about 36 000 permutations).
    pub fn with_key(balance: u64, seed: [u8; 32]) -> Self {
        let pk = PrivateKey::generate(seed, KEY_HEIGHT)
            .expect("a valid height")
            .public_key()
            .0;
        Self {
            balance,
            nonce: 0,
            key: Some((seed, pk)),
        }
    }

    fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(RECORD);
        b.extend_from_slice(&self.balance.to_le_bytes());
        b.extend_from_slice(&self.nonce.to_le_bytes());
        let (seed, pk) = self.key.unwrap_or(([0; 32], ZERO));
        b.push(self.key.is_some() as u8);
        b.extend_from_slice(&seed);
        b.extend_from_slice(&word_bytes(&pk));
        b
    }

    fn decode(b: &[u8]) -> Result<Self, NodeError> {
        if b.len() != RECORD || b[16] > 1 {
            return Err(NodeError::Corrupt(format!(
                "an account record of {} bytes",
                b.len()
            )));
        }
        let u = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        let key = if b[16] == 1 {
            Some((
                b[17..49].try_into().expect("32 bytes"),
                word_from_bytes(&b[49..])?,
            ))
        } else {
            None
        };
        Ok(Self {
            balance: u(0),
            nonce: u(8),
            key,
        })
    }

    /// The account's private key (deterministic from its seed).
    pub fn private_key(&self, id: u64) -> Result<PrivateKey, NodeError> {
        let (seed, _) = self.key.ok_or(NodeError::NoKey(id))?;
        Ok(PrivateKey::generate(seed, KEY_HEIGHT).expect("a valid height"))
    }
}

/// A transfer, with the signature the sender gives it.
#[derive(Clone, Debug)]
pub struct Transfer {
    /// Sender.
    pub from: u64,
    /// Receiver.
    pub to: u64,
    /// Amount.
    pub amount: u64,
    /// The sender's nonce it is signed for.
    pub nonce: u64,
    /// The sender's hash-based signature of [`Transfer::message`].
    pub signature: vm::signature::Signature,
}

impl Transfer {
    /// The word `[from, to, amount, nonce]`.
    pub fn word(&self) -> Word {
        [self.from, self.to, self.amount, self.nonce].map(Felt::new)
    }

    /// What the sender signs: `merge([from, to, amount, nonce], 0)`.
    pub fn message(from: u64, to: u64, amount: u64, nonce: u64) -> Word {
        hash::merge(&[from, to, amount, nonce].map(Felt::new), &ZERO)
    }

    /// A transfer signed by `signer` with the leaf of `nonce`.
    pub fn signed(
        signer: &Account,
        from: u64,
        to: u64,
        amount: u64,
        nonce: u64,
    ) -> Result<Self, NodeError> {
        if nonce >= 1 << KEY_HEIGHT {
            return Err(NodeError::KeyExhausted(from));
        }
        let msg = Self::message(from, to, amount, nonce);
        let signature = signer
            .private_key(from)?
            .sign_leaf(nonce, &msg)
            .map_err(|e| NodeError::Db(format!("signing: {e}")))?;
        Ok(Self {
            from,
            to,
            amount,
            nonce,
            signature,
        })
    }
}

/// The sparse Merkle tree keys of an account (see `rollup.masm`).
pub fn state_key(id: u64) -> Word {
    [0, 0, 0, 2 * id].map(Felt::new)
}

/// The key under which an account's public key lives.
pub fn pk_key(id: u64) -> Word {
    [1, 0, 0, 2 * id + 1].map(Felt::new)
}

fn state_value(a: &Account) -> Word {
    [0, 0, a.nonce, a.balance].map(Felt::new)
}

/// The (key, value) pairs of the tree for `accounts`.
pub fn tree_pairs(accounts: &BTreeMap<u64, Account>) -> Vec<(Word, Word)> {
    let mut pairs = Vec::new();
    for (&id, a) in accounts {
        pairs.push((state_key(id), state_value(a)));
        if let Some((_, pk)) = a.key {
            pairs.push((pk_key(id), pk));
        }
    }
    // An empty value is no entry (as `smt.set` removes it).
    pairs.retain(|(_, v)| *v != ZERO);
    pairs
}

/// The state tree of `accounts`: its root, and advice holding its nodes and leaf preimages.
pub fn tree(accounts: &BTreeMap<u64, Account>) -> (Word, AdviceInputs) {
    let mut advice = AdviceInputs::default();
    let pairs = tree_pairs(accounts);
    let leaves: Vec<(u64, Word)> = pairs
        .iter()
        .map(|(k, v)| (k[3].as_int(), hash::merge(k, v)))
        .collect();
    let root = advice
        .add_sparse_merkle_tree(&leaves)
        .expect("one key per leaf index");
    for (k, v) in &pairs {
        let mut preimage = k.to_vec();
        preimage.extend_from_slice(v);
        advice.map.insert(word_key(&hash::merge(k, v)), preimage);
    }
    (root, advice)
}

/// What the batch's run claims: the public statement a verifier checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The state root before the batch.
    pub old_root: Word,
    /// The state root after it.
    pub new_root: Word,
    /// `merge(...merge(0, T1)..., Tn)` over the batch's transfers.
    pub batch: Word,
}

impl Statement {
    /// The program's stack inputs: the old root.
    pub fn stack_inputs(&self) -> StackInputs {
        root_inputs(&self.old_root)
    }

    /// The program's stack outputs: new root, old root, batch commitment (top first).
    pub fn stack_outputs(&self) -> StackOutputs {
        let mut top = Vec::with_capacity(12);
        for w in [self.new_root, self.old_root, self.batch] {
            top.extend(w.iter().rev()); // a word lies with element 3 on top
        }
        StackOutputs::new(&top).expect("12 values")
    }
}

fn root_inputs(root: &Word) -> StackInputs {
    // File order: the last value is the top, and element 3 of a word is its top.
    StackInputs::new(root.to_vec()).expect("4 values")
}

/// The batch commitment of `transfers`.
pub fn batch_commitment(transfers: &[Transfer]) -> Word {
    transfers
        .iter()
        .fold(ZERO, |c, t| hash::merge(&c, &t.word()))
}

/// The advice for a batch on the tree `tree_advice`: the transfers and their signatures on
/// the advice stack, the signatures' Merkle paths added to the store.
pub fn batch_advice(mut advice: AdviceInputs, transfers: &[Transfer]) -> AdviceInputs {
    advice.stack.push(Felt::new(transfers.len() as u64));
    for t in transfers {
        advice.stack.extend(t.word());
        advice.stack.extend(t.signature.advice_stack());
        let msg = Transfer::message(t.from, t.to, t.amount, t.nonce);
        for (left, right) in t.signature.merkle_nodes(&msg) {
            advice.add_merkle_node(left, right);
        }
    }
    advice
}

/// A Miden-style inputs file (JSON) for `vm run examples/rollup/rollup.masm -i ...`: the
/// batch on the tree of `accounts`, with the same advice as [`batch_advice`] (the tree as a
/// `sparse_merkle_tree`, each signature's path as a `partial_merkle_tree`, the leaf
/// preimages in `advice_map`). `examples/rollup/rollup.inputs` is this for the genesis state.
pub fn inputs_json(accounts: &BTreeMap<u64, Account>, transfers: &[Transfer]) -> String {
    let (root, _) = tree(accounts);
    let num = |e: &Felt| format!("\"{}\"", e.as_int());
    let list = |v: &[Felt]| v.iter().map(num).collect::<Vec<_>>().join(", ");
    let hex = |w: &Word| format!("\"{}\"", word_to_hex(w));
    let advice = batch_advice(AdviceInputs::default(), transfers);
    let pairs = tree_pairs(accounts);
    let leaves: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("[{}, {}]", k[3].as_int(), hex(&hash::merge(k, v))))
        .collect();
    let map: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let mut pre = k.to_vec();
            pre.extend_from_slice(v);
            format!("{}: [{}]", hex(&hash::merge(k, v)), list(&pre))
        })
        .collect();
    let mut store = vec![format!(
        "{{ \"sparse_merkle_tree\": [{}] }}",
        leaves.join(", ")
    )];
    for t in transfers {
        // The leaf at depth h, index l, then its siblings up to the public key.
        let (h, l) = (KEY_HEIGHT as u64, t.nonce);
        let msg = Transfer::message(t.from, t.to, t.amount, t.nonce);
        let mut nodes = Vec::new();
        for (i, (left, right)) in t.signature.merkle_nodes(&msg).iter().enumerate() {
            let (node, sib) = if (l >> i) & 1 == 0 {
                (left, right)
            } else {
                (right, left)
            };
            if i == 0 {
                nodes.push(format!("[[{h}, {l}], {}]", hex(node)));
            }
            nodes.push(format!(
                "[[{}, {}], {}]",
                h - i as u64,
                (l >> i) ^ 1,
                hex(sib)
            ));
        }
        store.push(format!(
            "{{ \"partial_merkle_tree\": [{}] }}",
            nodes.join(", ")
        ));
    }
    // File order: the last value is the top, and a word's element 3 is its top.
    format!(
        "{{\n  \"operand_stack\": [{}],\n  \"advice_stack\": [{}],\n  \"advice_map\": {{ {} }},\n  \"merkle_store\": [\n    {}\n  ]\n}}\n",
        list(&root),
        list(&advice.stack),
        map.join(", "),
        store.join(",\n    ")
    )
}

/// A batch run: its statement, the accounts after it, and the recorded execution.
pub struct Applied {
    /// The public statement.
    pub statement: Statement,
    /// The accounts after the batch.
    pub accounts: BTreeMap<u64, Account>,
    /// The recorded execution, to prove (`None` while the prover refuses the program).
    pub execution: Option<vm::Execution>,
    /// Cycles executed.
    pub cycles: u64,
    /// Time to execute.
    pub time: Duration,
}

/// The node: a database and the compiled program.
pub struct Node {
    db: Database,
    program: Program,
}

impl Node {
    /// Opens (or creates) the node's database at `path`; a new one starts with `genesis`.
    pub fn open(path: &Path, genesis: &[(u64, u64)]) -> Result<Self, NodeError> {
        let db = Database::create(path).map_err(db)?;
        let program = vm::compile("rollup.masm", SOURCE).map_err(Error::from)?;
        let node = Self { db, program };
        if node.root()?.is_none() {
            let accounts = genesis
                .iter()
                .map(|&(id, balance)| {
                    // Demonstration seeds: a real node never holds its users' keys.
                    let mut seed = [0u8; 32];
                    seed[..8].copy_from_slice(&id.to_le_bytes());
                    seed[8..16].copy_from_slice(b"rollupex");
                    (id, Account::with_key(balance, seed))
                })
                .collect();
            node.commit(&accounts, false)?;
        }
        Ok(node)
    }

    /// The program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The stored state root (`None` before genesis).
    pub fn root(&self) -> Result<Option<Word>, NodeError> {
        let tx = self.db.begin_read().map_err(db)?;
        let table = match tx.open_table(META) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(db(e)),
        };
        let root = table.get("root").map_err(db)?;
        root.map(|v| word_from_bytes(v.value())).transpose()
    }

    /// Batches applied so far.
    pub fn batches(&self) -> Result<u64, NodeError> {
        let tx = self.db.begin_read().map_err(db)?;
        let table = tx.open_table(META).map_err(db)?;
        let v = table.get("batches").map_err(db)?;
        Ok(
            v.map(|v| u64::from_le_bytes(v.value().try_into().unwrap_or([0; 8])))
                .unwrap_or(0),
        )
    }

    /// The stored accounts, checked against the stored root.
    pub fn accounts(&self) -> Result<BTreeMap<u64, Account>, NodeError> {
        let tx = self.db.begin_read().map_err(db)?;
        let table = tx.open_table(ACCOUNTS).map_err(db)?;
        let mut out = BTreeMap::new();
        for row in table.iter().map_err(db)? {
            let (id, v) = row.map_err(db)?;
            out.insert(id.value(), Account::decode(v.value())?);
        }
        Ok(out)
    }

    /// The advice of the stored tree: its Merkle store from the database, its leaf
    /// preimages from the accounts; the root is checked.
    pub fn tree_advice(&self) -> Result<(Word, AdviceInputs), NodeError> {
        let accounts = self.accounts()?;
        let (root, mut advice) = tree(&accounts);
        let stored = self
            .root()?
            .ok_or_else(|| NodeError::Corrupt("no root".into()))?;
        if root != stored {
            return Err(NodeError::Corrupt(format!(
                "the accounts hash to {}, the stored root is {}",
                word_to_hex(&root),
                word_to_hex(&stored)
            )));
        }
        // The Merkle store is read from the database (it is what the node keeps); the
        // nodes recomputed above must all be there.
        let computed = std::mem::take(&mut advice.merkle_nodes);
        let tx = self.db.begin_read().map_err(db)?;
        let table = tx.open_table(NODES).map_err(db)?;
        let mut stored_nodes = HashMap::with_capacity(computed.len());
        for row in table.iter().map_err(db)? {
            let (k, v) = row.map_err(db)?;
            let node = word_from_bytes(k.value())?;
            let v = v.value();
            if v.len() != 64 {
                return Err(NodeError::Corrupt(
                    "a tree node record is not 64 bytes".into(),
                ));
            }
            stored_nodes.insert(
                word_key(&node),
                (word_from_bytes(&v[..32])?, word_from_bytes(&v[32..])?),
            );
        }
        if computed.keys().any(|k| !stored_nodes.contains_key(k)) {
            return Err(NodeError::Corrupt("the stored tree lacks nodes".into()));
        }
        advice.merkle_nodes = stored_nodes;
        Ok((root, advice))
    }

    /// Signs a transfer from `from` with its next nonce.
    pub fn sign(&self, from: u64, to: u64, amount: u64) -> Result<Transfer, NodeError> {
        let accounts = self.accounts()?;
        let a = accounts.get(&from).ok_or(NodeError::NoAccount(from))?;
        Transfer::signed(a, from, to, amount, a.nonce)
    }

    /// Runs the batch on the stored state (nothing is written): the VM checks every
    /// signature, nonce and balance, and fails with its assertion's message when one is
    /// wrong.
    pub fn apply(&self, transfers: &[Transfer]) -> Result<Applied, NodeError> {
        let (old_root, advice) = self.tree_advice()?;
        let mut accounts = self.accounts()?;
        let advice = batch_advice(advice, transfers);
        let started = Instant::now();
        // Execute once, keeping the trace for the prover, when the prover can prove the
        // program; else (the Merkle instructions are refused until their proofs land) run
        // the fast executor, which checks the same things.
        let (execution, output) = if vm::check_provable(&self.program).is_ok() {
            let execution = vm::execute_for_proof(
                &self.program,
                root_inputs(&old_root),
                advice,
                &mut DefaultHost,
                ExecutionOptions::default(),
            )
            .map_err(Error::from)?;
            let output = execution.output().clone();
            (Some(execution), output)
        } else {
            let output = vm::execute(
                &self.program,
                root_inputs(&old_root),
                advice,
                &mut DefaultHost,
                ExecutionOptions::default(),
            )
            .map_err(Error::from)?;
            (None, output)
        };
        let time = started.elapsed();
        let out = output.stack;
        // The node's own bookkeeping follows the VM's checks (which passed).
        for t in transfers {
            let from = accounts
                .get_mut(&t.from)
                .ok_or(NodeError::NoAccount(t.from))?;
            from.balance -= t.amount;
            from.nonce += 1;
            // A receiver without an account gets one without a key it could sign with.
            let to = accounts.entry(t.to).or_insert(Account {
                balance: 0,
                nonce: 0,
                key: None,
            });
            to.balance += t.amount;
        }
        let (new_root, _) = tree(&accounts);
        let statement = Statement {
            old_root,
            new_root,
            batch: batch_commitment(transfers),
        };
        if out != statement.stack_outputs() {
            return Err(NodeError::Corrupt(format!(
                "the program's outputs {:?} are not the node's statement",
                out.as_ints()
            )));
        }
        Ok(Applied {
            statement,
            accounts,
            cycles: output.cycles,
            execution,
            time,
        })
    }

    /// Proves an applied batch.
    pub fn prove(
        &self,
        applied: &Applied,
        options: &ProvingOptions,
    ) -> Result<vm::Proven, NodeError> {
        match &applied.execution {
            Some(execution) => Ok(vm::prove_execution(&self.program, execution, options)?),
            None => {
                vm::check_provable(&self.program).map_err(Error::from)?;
                Err(NodeError::Corrupt(
                    "the batch was run without its trace".into(),
                ))
            }
        }
    }

    /// Writes the accounts after a batch, its tree and its root, in one transaction;
    /// `batch` says whether this is a batch (counted) or the genesis state.
    pub fn commit(
        &self,
        accounts: &BTreeMap<u64, Account>,
        batch: bool,
    ) -> Result<Word, NodeError> {
        let (root, advice) = tree(accounts);
        let tx = self.db.begin_write().map_err(db)?;
        {
            let mut table = tx.open_table(ACCOUNTS).map_err(db)?;
            for (id, a) in accounts {
                table.insert(id, a.encode().as_slice()).map_err(db)?;
            }
            let mut nodes = tx.open_table(NODES).map_err(db)?;
            nodes.retain(|_, _| false).map_err(db)?;
            for (l, r) in advice.merkle_nodes.values() {
                let p = hash::merge(l, r);
                let mut children = word_bytes(l).to_vec();
                children.extend_from_slice(&word_bytes(r));
                nodes
                    .insert(word_bytes(&p).as_slice(), children.as_slice())
                    .map_err(db)?;
            }
            let mut meta = tx.open_table(META).map_err(db)?;
            let batches = match meta.get("batches").map_err(db)? {
                Some(v) => u64::from_le_bytes(v.value().try_into().unwrap_or([0; 8])),
                None => 0,
            };
            let batches = batches + batch as u64;
            meta.insert("root", word_bytes(&root).as_slice())
                .map_err(db)?;
            meta.insert("batches", batches.to_le_bytes().as_slice())
                .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(root)
    }
}

/// Verifies a batch proof from its bytes against the statement (the two roots and the
/// batch commitment), as another node would: no program text, no advice.
pub fn verify(
    program_hash: Word,
    statement: &Statement,
    proof_bytes: &[u8],
) -> Result<u32, vm::VerifyError> {
    vm::verify_bytes(
        program_hash,
        statement.stack_inputs(),
        statement.stack_outputs(),
        proof_bytes,
        &Acceptance::min_security(96),
    )
}

fn word_bytes(w: &Word) -> [u8; 32] {
    let mut b = [0u8; 32];
    for (i, x) in w.iter().enumerate() {
        b[8 * i..8 * i + 8].copy_from_slice(&x.as_int().to_le_bytes());
    }
    b
}

fn word_from_bytes(b: &[u8]) -> Result<Word, NodeError> {
    if b.len() != 32 {
        return Err(NodeError::Corrupt(format!(
            "a stored word of {} bytes",
            b.len()
        )));
    }
    let mut w = ZERO;
    for (i, x) in w.iter_mut().enumerate() {
        let v = u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().expect("8 bytes"));
        if v >= vm::core::MODULUS {
            return Err(NodeError::Corrupt("a stored word is not canonical".into()));
        }
        *x = Felt::new(v);
    }
    Ok(w)
}
