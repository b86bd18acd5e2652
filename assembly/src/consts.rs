//! Literals and constant expressions.

use std::collections::HashMap;

use vm_core::{Felt, FieldElement, MODULUS};

use crate::ast::{BinOp, ConstDecl, ConstExpr, Span};

/// The value of a literal or constant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstVal {
    /// A number (may be >= p for literals; constants are checked to be < p).
    Felt(u64),
    /// A word (from a 64-hex-digit literal or `[a, b, c, d]`).
    Word([u64; 4]),
    /// A string (an error message).
    Str(String),
}

/// The constants of one module by name.
pub type Consts = HashMap<String, ConstVal>;

/// Parses a decimal, `0x` hex or `0b` binary literal. A hex literal of exactly 64 digits is
/// a word whose elements are read little-endian, 16 digits each. `None` when the value does
/// not fit in 64 bits (or a hex literal has more than 16 digits without being a word).
pub fn parse_lit(text: &str) -> Option<ConstVal> {
    if let Some(h) = text.strip_prefix("0x") {
        if h.len() == 64 {
            let mut w = [0u64; 4];
            for (i, e) in w.iter_mut().enumerate() {
                let mut bytes = [0u8; 8];
                for (j, b) in bytes.iter_mut().enumerate() {
                    let k = 16 * i + 2 * j;
                    *b = u8::from_str_radix(&h[k..k + 2], 16).ok()?;
                }
                *e = u64::from_le_bytes(bytes);
            }
            return Some(ConstVal::Word(w));
        }
        return u64::from_str_radix(h, 16).ok().map(ConstVal::Felt);
    }
    if let Some(b) = text.strip_prefix("0b") {
        return u64::from_str_radix(b, 2).ok().map(ConstVal::Felt);
    }
    text.parse::<u64>().ok().map(ConstVal::Felt)
}

/// Why a constant could not be evaluated: a message, a label and the span.
pub type ConstError = (String, String, Span);

/// Evaluates a module's constants in order (each may use earlier ones).
pub fn eval_all(decls: &[ConstDecl]) -> (Consts, Vec<ConstError>) {
    let mut consts = Consts::new();
    let mut errors = Vec::new();
    for d in decls {
        if consts.contains_key(&d.name.text) {
            errors.push((
                format!("duplicate constant `{}`", d.name.text),
                "defined again here".into(),
                d.name.span,
            ));
            continue;
        }
        match eval(&d.value, &consts) {
            Ok(v) => {
                consts.insert(d.name.text.clone(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    (consts, errors)
}

fn eval(e: &ConstExpr, consts: &Consts) -> Result<ConstVal, ConstError> {
    match e {
        ConstExpr::Lit(l) => match parse_lit(&l.text) {
            Some(ConstVal::Felt(v)) if v < MODULUS => Ok(ConstVal::Felt(v)),
            Some(ConstVal::Word(w)) if w.iter().all(|x| *x < MODULUS) => Ok(ConstVal::Word(w)),
            _ => Err((
                format!("constant value `{}` is out of range", l.text),
                "not below the field modulus".into(),
                l.span,
            )),
        },
        ConstExpr::Ref(n) => consts.get(&n.text).cloned().ok_or_else(|| {
            (
                format!("unknown constant `{}`", n.text),
                "not defined before this point".into(),
                n.span,
            )
        }),
        ConstExpr::Str(s) => Ok(ConstVal::Str(s.clone())),
        ConstExpr::Word(lits, span) => {
            if lits.len() != 4 {
                return Err((
                    "a word constant has exactly 4 elements".into(),
                    format!("{} elements", lits.len()),
                    *span,
                ));
            }
            let mut w = [0u64; 4];
            for (slot, l) in w.iter_mut().zip(lits) {
                match parse_lit(&l.text) {
                    Some(ConstVal::Felt(v)) if v < MODULUS => *slot = v,
                    _ => {
                        return Err((
                            format!("word element `{}` is out of range", l.text),
                            "not a field element".into(),
                            l.span,
                        ))
                    }
                }
            }
            Ok(ConstVal::Word(w))
        }
        ConstExpr::Bin(a, op, b, span) => {
            let (ConstVal::Felt(x), ConstVal::Felt(y)) = (eval(a, consts)?, eval(b, consts)?)
            else {
                return Err((
                    "arithmetic is only defined on numbers".into(),
                    "not a number".into(),
                    *span,
                ));
            };
            let (fx, fy) = (Felt::new(x), Felt::new(y));
            let v = match op {
                BinOp::Add => fx + fy,
                BinOp::Sub => fx - fy,
                BinOp::Mul => fx * fy,
                BinOp::Div if y == 0 => {
                    return Err((
                        "division by zero in a constant".into(),
                        "divides by zero".into(),
                        *span,
                    ))
                }
                BinOp::Div => fx * fy.inv(),
                BinOp::IntDiv if y == 0 => {
                    return Err((
                        "division by zero in a constant".into(),
                        "divides by zero".into(),
                        *span,
                    ))
                }
                BinOp::IntDiv => Felt::new(x / y),
            };
            Ok(ConstVal::Felt(v.as_int()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(parse_lit("42"), Some(ConstVal::Felt(42)));
        assert_eq!(parse_lit("0x10"), Some(ConstVal::Felt(16)));
        assert_eq!(parse_lit("0b101"), Some(ConstVal::Felt(5)));
        assert_eq!(parse_lit("18446744073709551616"), None);
        let w = "0x".to_string() + &"0100000000000000".repeat(4);
        assert_eq!(parse_lit(&w), Some(ConstVal::Word([1, 1, 1, 1])));
    }
}
