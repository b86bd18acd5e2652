//! Literals and constant expressions.

use std::collections::HashMap;

use vm_core::{Felt, FieldElement, MODULUS};

use crate::ast::{BinOp, ConstDecl, ConstExpr, Span};
use crate::error::{at, did_you_mean, AssemblyError, Source};

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

/// Whether `name` is a valid constant name: an upper-case letter, then upper-case letters,
/// digits and underscores (so constants never collide with words like `u64` in `exp.u64`).
pub fn is_constant_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Evaluates a module's constants in order (each may use earlier ones), reporting every
/// invalid one.
pub fn eval_all(decls: &[ConstDecl], src: &Source) -> (Consts, Vec<AssemblyError>) {
    let mut consts = Consts::new();
    let mut first: HashMap<&str, Span> = HashMap::new();
    let mut errors = Vec::new();
    for d in decls {
        if let Some(f) = first.get(d.name.text.as_str()) {
            errors.push(AssemblyError::DuplicateConstant {
                name: d.name.text.clone(),
                src: src.clone(),
                first: at(*f),
                span: at(d.name.span),
            });
            continue;
        }
        first.insert(&d.name.text, d.name.span);
        if !is_constant_name(&d.name.text) {
            let upper = d.name.text.to_ascii_uppercase();
            errors.push(AssemblyError::ConstantName {
                name: d.name.text.clone(),
                src: src.clone(),
                span: at(d.name.span),
                help: is_constant_name(&upper).then(|| format!("write `{upper}`")),
            });
            continue;
        }
        match eval(&d.value, &consts, src) {
            Ok(v) => {
                consts.insert(d.name.text.clone(), v);
            }
            Err(e) => errors.push(*e),
        }
    }
    (consts, errors)
}

/// Evaluates one expression (the error is boxed: diagnostics are large and rare).
fn eval(e: &ConstExpr, consts: &Consts, src: &Source) -> Result<ConstVal, Box<AssemblyError>> {
    let out_of_range = |text: &str, span: Span| AssemblyError::ConstantOutOfRange {
        value: text.to_string(),
        src: src.clone(),
        span: at(span),
    };
    match e {
        ConstExpr::Lit(l) => match parse_lit(&l.text) {
            Some(ConstVal::Felt(v)) if v < MODULUS => Ok(ConstVal::Felt(v)),
            Some(ConstVal::Word(w)) if w.iter().all(|x| *x < MODULUS) => Ok(ConstVal::Word(w)),
            _ => Err(Box::new(out_of_range(&l.text, l.span))),
        },
        ConstExpr::Ref(n) => consts.get(&n.text).cloned().ok_or_else(|| {
            Box::new(AssemblyError::UnknownConstant {
                name: n.text.clone(),
                src: src.clone(),
                span: at(n.span),
                help: did_you_mean(&n.text, consts.keys().map(String::as_str)),
            })
        }),
        ConstExpr::Str(s) => Ok(ConstVal::Str(s.clone())),
        ConstExpr::Word(lits, span) => {
            if lits.len() != 4 {
                return Err(Box::new(AssemblyError::WordConstantLength {
                    count: lits.len(),
                    src: src.clone(),
                    span: at(*span),
                }));
            }
            let mut w = [0u64; 4];
            for (slot, l) in w.iter_mut().zip(lits) {
                match parse_lit(&l.text) {
                    Some(ConstVal::Felt(v)) if v < MODULUS => *slot = v,
                    _ => return Err(Box::new(out_of_range(&l.text, l.span))),
                }
            }
            Ok(ConstVal::Word(w))
        }
        ConstExpr::Bin(a, op, b, span) => {
            let (ConstVal::Felt(x), ConstVal::Felt(y)) =
                (eval(a, consts, src)?, eval(b, consts, src)?)
            else {
                return Err(Box::new(AssemblyError::ConstantNotANumber {
                    src: src.clone(),
                    span: at(*span),
                }));
            };
            if y == 0 && matches!(op, BinOp::Div | BinOp::IntDiv) {
                return Err(Box::new(AssemblyError::DivisionByZero {
                    src: src.clone(),
                    span: at(*span),
                }));
            }
            let (fx, fy) = (Felt::new(x), Felt::new(y));
            let v = match op {
                BinOp::Add => fx + fy,
                BinOp::Sub => fx - fy,
                BinOp::Mul => fx * fy,
                BinOp::Div => fx * fy.inv(),
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
        let w = "0x".to_string() + &"0100000000000000".repeat(3) + "ff00000000000001";
        assert_eq!(
            parse_lit(&w),
            Some(ConstVal::Word([1, 1, 1, 0x0100_0000_0000_00ff]))
        );
        // 17 to 63 hex digits are neither a number nor a word.
        assert_eq!(parse_lit(&("0x".to_string() + &"1".repeat(17))), None);
    }

    fn eval_src(text: &str) -> (Consts, Vec<AssemblyError>) {
        let src = crate::error::source("c.masm", text);
        let forms = crate::parse::parse_module(&src).expect("parses");
        let decls: Vec<ConstDecl> = forms
            .into_iter()
            .filter_map(|f| match f {
                crate::ast::Form::Const(c) => Some(c),
                _ => None,
            })
            .collect();
        eval_all(&decls, &src)
    }

    #[test]
    fn expressions() {
        let (c, e) = eval_src(
            "const.A=2 const.B=A*3+1 const.C=(B-1)//4 const.D=1/2 const.E=0-1 const.F=0x10+0b11 \
             const.W=[1,2,3,4] const.S=\"msg\"",
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(c["B"], ConstVal::Felt(7));
        assert_eq!(c["C"], ConstVal::Felt(1));
        // Field division: 1/2 is the inverse of 2.
        assert_eq!(c["D"], ConstVal::Felt(MODULUS.div_ceil(2)));
        assert_eq!(c["E"], ConstVal::Felt(MODULUS - 1));
        assert_eq!(c["F"], ConstVal::Felt(19));
        assert_eq!(c["W"], ConstVal::Word([1, 2, 3, 4]));
        assert_eq!(c["S"], ConstVal::Str("msg".into()));
    }

    #[test]
    fn invalid_constants() {
        let (_, e) = eval_src(
            "const.a=1 const.B=18446744069414584321 const.C=1/0 const.D=[1,2] const.E=X+1 \
             const.F=[1,2,3,4]+1 const.G=1 const.G=2",
        );
        let kinds: Vec<String> = e.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            kinds,
            vec![
                "constant name `a` must be upper-case",
                "constant value `18446744069414584321` is out of range",
                "division by zero in a constant expression",
                "a word constant has exactly 4 elements, this one has 2",
                "unknown constant `X`",
                "arithmetic in constant expressions is only defined on numbers",
                "duplicate constant `G`",
            ]
        );
    }
}
