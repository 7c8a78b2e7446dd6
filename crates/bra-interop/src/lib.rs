//! `bra-interop`: exchange with the Whole Brain Architecture Initiative's
//! formats and with diagram tools.
//!
//! - [`owl`]: import BIF data written in the BIF ontology (OWL, RDF/XML) —
//!   circuits, their parts, connections, references — into a `.bra` spec.
//! - [`sheets`]: import and export the five sheets of the BRA template v2-2
//!   (Project, References, Circuits, Connections, FRG) as CSV, losslessly for
//!   what the sheets carry.
//! - [`graph`]: draw a spec's BIF (circuits nested by part-of, connections
//!   styled by the sender's modulation type), HCD (components and flows) or
//!   FRG (the function tree) as Graphviz DOT, Mermaid, draw.io (mxGraph XML)
//!   or SVG (through Graphviz).
//! - [`write`](mod@write): atomic output (a temporary file renamed over the target).
//!
//! Importers generate spec *text* and run it through `bra_syntax`'s formatter,
//! so an imported spec is `bra fmt`-clean and every later diagnostic points at
//! its own text. Problems with the input are [`bra_syntax::Diagnostic`]s in
//! the input file (registered in a [`bra_syntax::Sources`]), with these codes:
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | I001 | error | malformed XML (position of the fault) |
//! | I002 | error | the file is not UTF-8 text |
//! | I003 | error | not RDF/XML: the root is not `rdf:RDF` |
//! | I004 | warning | an OWL file with no BIF circuit or connection (the ontology itself, say) |
//! | I010 | error | malformed CSV (unterminated quote, stray quote, wrong cell count) |
//! | I011 | error | a column of the template is missing from a sheet's header |
//! | I012 | warning | a column that is not part of the template (its cells are ignored) |
//! | I013 | error | a value outside the template's list (Uniform, Transmitter, Modulation Type, relations, FRG node prefixes) |
//! | I014 | error | an ID given twice in one sheet |
//! | I015 | warning | the file starts with a UTF-8 byte-order mark (ignored) |
//! | I016 | warning | the file mixes line endings (CRLF, LF, CR) |
//! | I017 | error | a required cell is empty (an ID, a sender, a receiver) or an ID cannot be written (contains a backtick) |
//! | I018 | warning | a cell had leading or trailing spaces, removed |
//! | I019 | error / warning | a sheet file is missing (the Circuits sheet is required; the others are optional) |
//!
//! Exports never change a spec: what the target format cannot carry is
//! listed in the export's summary.

pub mod graph;
pub mod owl;
pub mod sheets;
pub mod write;

mod csvfile;
mod spec;
mod xml;

/// The text of a file read as bytes: the UTF-8 text with a leading
/// byte-order mark removed, and whether there was one. Errors (not UTF-8)
/// give the byte offset of the first bad byte.
pub fn decode_text(bytes: &[u8]) -> Result<(String, bool), usize> {
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(body) {
        Ok(s) => Ok((s.to_string(), bom)),
        Err(e) => Err(e.valid_up_to() + if bom { 3 } else { 0 }),
    }
}
