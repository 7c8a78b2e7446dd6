//! `bra-syntax`: the front end of `bra`.
//!
//! It turns `.bra` text (and the same model written as YAML) into one
//! [`ast::File`] whose every node carries a byte [`Span`], reports every syntax
//! error of a file as a [`Diagnostic`], and prints a tree back canonically
//! (the formatter). It knows nothing of graphs, units or simulation.

pub mod ast;
pub mod diag;
pub mod fmt;
pub mod parser;
pub mod span;
pub mod yaml;

pub use diag::{Diagnostic, Label, Severity};
pub use fmt::{Layout, check_formatted, format, format_source, format_with};
pub use parser::{is_keyword, parse};
pub use span::{FileId, SourceFile, Sources, Span};
pub use yaml::{parse_yaml, parse_yaml_with_layout, to_yaml, to_yaml_with};
