//! Keeps `docs/isa.md` true: its opcode table must be exactly the one derived from
//! `vm_core::op::OPCODES`. Run with `UPDATE_DOCS=1` to rewrite the table in place.

const BEGIN: &str = "<!-- BEGIN OPCODES -->\n";
const END: &str = "<!-- END OPCODES -->";

#[test]
fn isa_doc_matches_opcode_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/isa.md");
    let doc = std::fs::read_to_string(path).expect("docs/isa.md exists");
    let start = doc.find(BEGIN).expect("BEGIN OPCODES marker") + BEGIN.len();
    let end = doc.find(END).expect("END OPCODES marker");
    let table = vm_core::op::markdown_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let new = format!("{}{}{}", &doc[..start], table, &doc[end..]);
        std::fs::write(path, new).unwrap();
        return;
    }
    assert_eq!(
        &doc[start..end],
        table,
        "docs/isa.md is stale: run UPDATE_DOCS=1 cargo test -p vm-core --test isa_doc"
    );
}
