//! `vm verify`: check a proof against public data only (program hash, public stack inputs,
//! claimed stack outputs). The advice inputs are never read.

use std::path::{Path, PathBuf};

use miette::{miette, IntoDiagnostic, Report, WrapErr};
use serde_json::Value;
use vm_core::hash::{word_from_hex, word_to_hex};
use vm_core::{Felt, StackInputs, StackOutputs, Word, MODULUS, STACK_TOP_SIZE};
use vm_processor::{InputError, InputFile, OutputFile};
use vm_prover::Proved;
use vm_verifier::{preset, Acceptance, VmProof};

use super::sibling;

/// Arguments of `vm verify`.
#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The program hash (64 hex digits, as printed by `vm compile`).
    #[arg(
        short = 'x',
        long = "program-hash",
        required_unless_present = "claim",
        conflicts_with = "claim"
    )]
    program_hash: Option<String>,
    /// Inputs file; only its public `operand_stack` is read. Defaults to `<proof>.inputs`
    /// when it exists, else the initial stack is empty.
    #[arg(short = 'i', long = "input", conflicts_with = "claim")]
    input: Option<PathBuf>,
    /// Outputs file (`{"stack": [...]}`, top first); defaults to `<proof>.outputs`.
    #[arg(short = 'o', long = "output", conflicts_with = "claim")]
    output: Option<PathBuf>,
    /// Claim file written by `vm prove` (program hash, stack inputs and outputs, preset),
    /// instead of `-x`, `-i` and `-o`.
    #[arg(long = "claim")]
    claim: Option<PathBuf>,
    /// The proof file.
    #[arg(short = 'p', long = "proof")]
    proof: PathBuf,
    /// Reject proofs with less conjectured security than this many bits.
    #[arg(long = "min-security", default_value_t = 96)]
    min_security: u32,
}

/// The statement to check a proof against.
struct Statement {
    program_hash: Word,
    stack_inputs: StackInputs,
    stack_outputs: StackOutputs,
    /// The preset the claim file names, if any.
    preset: Option<String>,
    /// A note added to a rejection (for example, that no inputs file was found).
    note: Option<String>,
}

/// Verifies a proof and prints the security level it provides.
pub fn verify(args: VerifyArgs) -> Result<(), Report> {
    let bytes = std::fs::read(&args.proof)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read proof file {}", args.proof.display()))?;
    let statement = match &args.claim {
        Some(path) => read_claim(path)?,
        None => statement_from_files(&args)?,
    };
    // `from_bytes` and `verify_bytes` check every length and field before winterfell reads
    // them: no byte string makes them panic, so nothing here catches panics.
    let proof =
        VmProof::from_bytes(&bytes).map_err(|e| miette!("{}: {e}", args.proof.display()))?;
    if let Some(name) = &statement.preset {
        if name != proof.preset.name {
            return Err(miette!(
                "the claim names preset {name}, but the proof was made under preset {}",
                proof.preset.name
            ));
        }
    }
    let result = vm_verifier::verify_bytes(
        statement.program_hash,
        statement.stack_inputs.clone(),
        statement.stack_outputs,
        &bytes,
        &Acceptance::min_security(args.min_security),
    );
    match result {
        Ok(bits) => {
            println!(
                "verified: {bits}-bit conjectured security (preset {})",
                proof.preset.name
            );
            Ok(())
        }
        Err(e) => Err(match statement.note {
            Some(note) => miette!(help = note, "not verified: {e}"),
            None => miette!("not verified: {e}"),
        }),
    }
}

fn statement_from_files(args: &VerifyArgs) -> Result<Statement, Report> {
    let hash = args.program_hash.as_deref().unwrap_or_default();
    let program_hash =
        word_from_hex(hash.trim()).map_err(|e| miette!("invalid program hash: {e}"))?;
    let mut note = None;
    let input = match &args.input {
        Some(p) => Some(p.clone()),
        None => {
            let p = sibling(&args.proof, "inputs");
            if p.exists() {
                Some(p)
            } else {
                note = Some(format!(
                    "no inputs file was given and {} does not exist: the proof was checked \
                     against an empty initial stack",
                    p.display()
                ));
                None
            }
        }
    };
    let stack_inputs = match &input {
        Some(path) => read_stack_inputs(path)?,
        None => StackInputs::default(),
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| sibling(&args.proof, "outputs"));
    let stack_outputs = read_stack_outputs(&output)?;
    Ok(Statement {
        program_hash,
        stack_inputs,
        stack_outputs,
        preset: None,
        note,
    })
}

fn read_text(path: &Path, what: &str) -> Result<String, Report> {
    std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {what} {}", path.display()))
}

/// Reads the public `operand_stack` of an inputs file; the advice fields are not looked at.
fn read_stack_inputs(path: &Path) -> Result<StackInputs, Report> {
    let text = read_text(path, "inputs file")?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| miette!("{}: invalid JSON: {e}", path.display()))?;
    let obj = v
        .as_object()
        .ok_or_else(|| miette!("{}: inputs: expected an object", path.display()))?;
    let public = match obj.get("operand_stack") {
        Some(s) => serde_json::json!({ "operand_stack": s }),
        None => serde_json::json!({}),
    };
    let parsed =
        InputFile::parse(&public.to_string()).map_err(|e| miette!("{}: {e}", path.display()))?;
    Ok(parsed.stack_inputs())
}

fn read_stack_outputs(path: &Path) -> Result<StackOutputs, Report> {
    let text = read_text(path, "outputs file")?;
    let file = OutputFile::parse(&text).map_err(|e| match e {
        InputError::TooManyStackValues(n) => miette!(
            "{}: stack: {n} values given, at most {STACK_TOP_SIZE} are allowed",
            path.display()
        ),
        e => miette!("{}: {e}", path.display()),
    })?;
    Ok(file.stack_outputs())
}

/// The public claim `vm prove` writes next to the proof.
///
/// ```json
/// {
///   "program_hash": "0x…",
///   "stack_inputs": ["1000"],
///   "stack_outputs": ["16245143635561662896", "0", …],
///   "preset": "96",
///   "security_bits": 96
/// }
/// ```
///
/// Both stacks are decimal strings, top of the stack first (`stack_inputs` is therefore the
/// reverse of an inputs file's `operand_stack`).
pub struct Claim {
    /// The program hash, as `vm compile` prints it.
    pub program_hash: String,
    /// The initial stack values, top first.
    pub stack_inputs: Vec<u64>,
    /// The final top 16 stack values, top first.
    pub stack_outputs: Vec<u64>,
    /// The proof preset's name.
    pub preset: String,
    /// The proof's conjectured security in bits (informational).
    pub security_bits: u32,
}

impl Claim {
    /// The claim of a proven run.
    pub fn new(proved: &Proved, security_bits: u32) -> Self {
        let public = &proved.public;
        Self {
            program_hash: word_to_hex(&public.program_hash),
            stack_inputs: public
                .stack_inputs
                .top_first()
                .iter()
                .map(|f| f.as_int())
                .collect(),
            stack_outputs: public.stack_outputs.as_ints(),
            preset: proved.proof.preset.name.to_string(),
            security_bits,
        }
    }

    /// Renders the claim as JSON, one field a line.
    pub fn to_json(&self) -> String {
        let strings = |v: &[u64]| {
            let v: Vec<String> = v.iter().map(|x| x.to_string()).collect();
            serde_json::to_string(&v).unwrap_or_default()
        };
        let string = |s: &str| serde_json::to_string(s).unwrap_or_default();
        format!(
            "{{\n  \"program_hash\": {},\n  \"stack_inputs\": {},\n  \"stack_outputs\": {},\n  \
             \"preset\": {},\n  \"security_bits\": {}\n}}\n",
            string(&self.program_hash),
            strings(&self.stack_inputs),
            strings(&self.stack_outputs),
            string(&self.preset),
            self.security_bits
        )
    }
}

fn read_claim(path: &Path) -> Result<Statement, Report> {
    let text = read_text(path, "claim file")?;
    let at = |m: String| miette!("{}: {m}", path.display());
    let v: Value = serde_json::from_str(&text).map_err(|e| at(format!("invalid JSON: {e}")))?;
    if !v.is_object() {
        return Err(at("claim: expected an object".into()));
    }
    let hash = v
        .get("program_hash")
        .and_then(Value::as_str)
        .ok_or_else(|| at("program_hash: expected a hex string".into()))?;
    let program_hash = word_from_hex(hash).map_err(|e| at(format!("program_hash: {e}")))?;
    let mut inputs = claim_felts(&v, "stack_inputs").map_err(at)?;
    inputs.reverse();
    let stack_inputs = StackInputs::new(inputs).map_err(|e| at(format!("stack_inputs: {e}")))?;
    let outputs = claim_felts(&v, "stack_outputs").map_err(at)?;
    let stack_outputs =
        StackOutputs::new(&outputs).map_err(|e| at(format!("stack_outputs: {e}")))?;
    let preset = match v.get("preset") {
        None => None,
        Some(Value::String(name)) => {
            if preset::by_name(name).is_none() {
                let names: Vec<&str> = preset::PRESETS.iter().map(|p| p.name).collect();
                return Err(at(format!(
                    "preset: unknown preset {name:?} (known: {})",
                    names.join(", ")
                )));
            }
            Some(name.clone())
        }
        Some(_) => return Err(at("preset: expected a string".into())),
    };
    Ok(Statement {
        program_hash,
        stack_inputs,
        stack_outputs,
        preset,
        note: None,
    })
}

/// Reads a claim's stack field: at most 16 decimal values below the field modulus.
fn claim_felts(claim: &Value, field: &str) -> Result<Vec<Felt>, String> {
    let values = match claim.get(field) {
        None => return Err(format!("{field}: missing")),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(format!("{field}: expected an array")),
    };
    if values.len() > STACK_TOP_SIZE {
        return Err(format!(
            "{field}: {} values given, at most {STACK_TOP_SIZE} are allowed",
            values.len()
        ));
    }
    values
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let text = match x {
                Value::String(s) => s.trim().to_string(),
                Value::Number(n) => n.to_string(),
                _ => return Err(format!("{field}[{i}]: expected a decimal string")),
            };
            let n: u64 = text
                .parse()
                .map_err(|_| format!("{field}[{i}]: {text:?} is not a decimal u64"))?;
            if n >= MODULUS {
                return Err(format!(
                    "{field}[{i}]: {n} is not below the field modulus 2^64 - 2^32 + 1"
                ));
            }
            Ok(Felt::new(n))
        })
        .collect()
}
