//! A small namespace-aware XML tree over quick-xml, with the byte offset of
//! every element, for the OWL importer.
//!
//! RDF/XML needs the whole document (a class may be described in several
//! places), and diagnostics need positions, so the reader builds a tree of
//! [`Element`]s with resolved namespaces, `xml:lang` and `xml:base` in scope,
//! and decoded text. Entities declared in the internal DTD subset
//! (`<!ENTITY owl "http://...">`, common in OWL files) are expanded once, never
//! recursively. Depth is bounded, so hostile input cannot overflow the stack.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use std::collections::HashMap;

/// The deepest element nesting accepted.
pub const MAX_DEPTH: usize = 256;

/// One attribute, namespace resolved.
#[derive(Clone, Debug)]
pub struct Attr {
    /// Namespace IRI (empty when unprefixed).
    pub ns: String,
    /// Local name.
    pub local: String,
    /// The name as written (`rdf:resource`).
    pub qname: String,
    /// The decoded value.
    pub value: String,
}

/// One element with its children and text.
#[derive(Clone, Debug, Default)]
pub struct Element {
    /// Namespace IRI (empty when none).
    pub ns: String,
    /// Local name.
    pub local: String,
    /// The name as written (`owl:Class`).
    pub qname: String,
    /// Attributes in order (namespace declarations excluded).
    pub attrs: Vec<Attr>,
    /// Child elements in order.
    pub children: Vec<Element>,
    /// The element's own text (CDATA included), decoded; text between child
    /// elements is concatenated.
    pub text: String,
    /// `xml:lang` in scope.
    pub lang: Option<String>,
    /// `xml:base` in scope.
    pub base: Option<String>,
    /// Byte offset of the `<` of the start tag (in the text given to [`parse`]).
    pub start: usize,
    /// Byte offset just after the start tag.
    pub tag_end: usize,
}

impl Element {
    /// True when the element is `ns` + `local`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// The value of the attribute `ns` + `local`.
    pub fn attr(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// The start tag as written, abbreviated (for comments about it).
    pub fn describe(&self) -> String {
        let mut s = format!("<{}", self.qname);
        for a in &self.attrs {
            s.push_str(&format!(" {}=\"{}\"", a.qname, a.value));
        }
        s.push('>');
        s
    }
}

/// Why a document could not be read.
#[derive(Clone, Debug)]
pub struct XmlError {
    /// Byte offset the error refers to.
    pub pos: usize,
    /// What went wrong, in the user's words.
    pub message: String,
    /// The innermost element still open there: (byte offset, name).
    pub open: Option<(usize, String)>,
}

fn err(pos: u64, message: impl Into<String>) -> XmlError {
    XmlError {
        pos: usize::try_from(pos).unwrap_or(usize::MAX),
        message: message.into(),
        open: None,
    }
}

/// The entities an internal DTD subset declares: `<!ENTITY name "value">`
/// (parameter entities and external ones are ignored).
fn dtd_entities(dtd: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut rest = dtd;
    while let Some(i) = rest.find("<!ENTITY") {
        rest = &rest[i + "<!ENTITY".len()..];
        let trimmed = rest.trim_start();
        if trimmed.starts_with('%') {
            continue;
        }
        let name_end = trimmed
            .find(|c: char| c.is_whitespace())
            .unwrap_or(trimmed.len());
        let name = &trimmed[..name_end];
        let after = trimmed[name_end..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let body = &after[1..];
        if let Some(close) = body.find(q) {
            out.insert(name.to_string(), body[..close].to_string());
        }
    }
    out
}

fn resolved_ns(r: &ResolveResult) -> String {
    match r {
        ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.as_ref()).into_owned(),
        _ => String::new(),
    }
}

/// The namespace of `xml:` attributes (always bound).
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Parse a whole document; returns its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut entities: HashMap<String, String> = HashMap::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let before = reader.buffer_position();
        let event = reader.read_resolved_event();
        let (ns, event) = match event {
            Ok(x) => x,
            Err(e) => {
                let mut x = err(reader.error_position(), describe_error(&e));
                x.open = stack.last().map(|o| (o.start, o.qname.clone()));
                return Err(x);
            }
        };
        let ns = resolved_ns(&ns);
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        before,
                        format!("elements nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                if root.is_some() && stack.is_empty() {
                    return Err(err(
                        before,
                        "a second root element after the document's end",
                    ));
                }
                let qname = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let parent = stack.last();
                let mut el = Element {
                    ns,
                    local,
                    qname,
                    lang: parent.and_then(|p| p.lang.clone()),
                    base: parent.and_then(|p| p.base.clone()),
                    start: usize::try_from(before).unwrap_or(0),
                    tag_end: usize::try_from(reader.buffer_position()).unwrap_or(0),
                    ..Element::default()
                };
                for a in e.attributes() {
                    let a = a.map_err(|x| err(before, format!("bad attribute: {x}")))?;
                    let key = a.key;
                    let aq = String::from_utf8_lossy(key.as_ref()).into_owned();
                    if aq == "xmlns" || aq.starts_with("xmlns:") {
                        continue;
                    }
                    let (ans, alocal) = reader.resolve_attribute(key);
                    let ans = resolved_ns(&ans);
                    let alocal = String::from_utf8_lossy(alocal.as_ref()).into_owned();
                    let value = a
                        .decode_and_unescape_value_with(reader.decoder(), |name| {
                            entities.get(name).map(String::as_str)
                        })
                        .map_err(|x| err(before, format!("in attribute `{aq}`: {x}")))?
                        .into_owned();
                    if ans == XML_NS && alocal == "lang" {
                        el.lang = Some(value.clone());
                    }
                    if ans == XML_NS && alocal == "base" {
                        el.base = Some(value.clone());
                    }
                    el.attrs.push(Attr {
                        ns: ans,
                        local: alocal,
                        qname: aq,
                        value,
                    });
                }
                if empty {
                    match stack.last_mut() {
                        Some(p) => p.children.push(el),
                        None => root = Some(el),
                    }
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err(err(before, "a closing tag without an opening one"));
                };
                match stack.last_mut() {
                    Some(p) => p.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                let s = t
                    .xml10_content()
                    .map_err(|x| err(before, format!("undecodable text: {x}")))?;
                match stack.last_mut() {
                    Some(p) => p.text.push_str(&s),
                    None if s.trim().is_empty() => {}
                    None => return Err(err(before, "text outside the root element")),
                }
            }
            Event::CData(t) => {
                let s = t
                    .xml10_content()
                    .map_err(|x| err(before, format!("undecodable CDATA: {x}")))?;
                if let Some(p) = stack.last_mut() {
                    p.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let name = r
                    .decode()
                    .map_err(|x| err(before, format!("undecodable entity: {x}")))?
                    .into_owned();
                let value = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            return Err(err(
                                before,
                                format!("invalid character reference `&{name};`"),
                            ));
                        }
                    }
                } else if let Some(v) = quick_xml::escape::resolve_predefined_entity(&name) {
                    v.to_string()
                } else if let Some(v) = entities.get(&name) {
                    v.clone()
                } else {
                    return Err(err(
                        before,
                        format!("unknown entity `&{name};` (declare it in the DOCTYPE)"),
                    ));
                };
                match stack.last_mut() {
                    Some(p) => p.text.push_str(&value),
                    None => return Err(err(before, "an entity outside the root element")),
                }
            }
            Event::DocType(d) => {
                let s = d.decode().map(|c| c.into_owned()).unwrap_or_default();
                entities.extend(dtd_entities(&s));
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(XmlError {
                        pos: open.start,
                        message: format!(
                            "the file ends before `<{}>` is closed (truncated file?)",
                            open.qname
                        ),
                        open: None,
                    });
                }
                return root.ok_or_else(|| err(0, "the file has no root element"));
            }
        }
    }
}

fn describe_error(e: &quick_xml::Error) -> String {
    use quick_xml::Error as E;
    match e {
        E::IllFormed(x) => format!("malformed XML: {x}"),
        E::Syntax(x) => format!("malformed XML: {x}"),
        other => format!("malformed XML: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_lang_text_and_entities() {
        let doc = r#"<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY w "https://w.org/wbra/"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="&w;CA3">
    <rdfs:label xml:lang="en">CA3 &amp; more &#65;</rdfs:label>
  </rdf:Description>
</rdf:RDF>"#;
        let root = parse(doc).expect("parses");
        assert_eq!(root.local, "RDF");
        let d = &root.children[0];
        assert_eq!(
            d.attr("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "about"),
            Some("https://w.org/wbra/CA3")
        );
        assert_eq!(&doc[d.start..d.start + 16], "<rdf:Description");
        let label = &d.children[0];
        assert_eq!(label.text, "CA3 & more A");
        assert_eq!(label.lang.as_deref(), Some("en"));
    }

    #[test]
    fn errors_carry_positions() {
        let e = parse("<a><b></a>").expect_err("mismatched");
        assert!(e.message.contains("malformed"), "{}", e.message);
        let e = parse("<a><b>").expect_err("truncated");
        assert!(e.message.contains("ends before"), "{}", e.message);
        assert_eq!(e.pos, 3);
        let e = parse("<a>&nope;</a>").expect_err("entity");
        assert!(e.message.contains("unknown entity"), "{}", e.message);
        let deep = "<a>".repeat(MAX_DEPTH + 2);
        assert!(parse(&deep).expect_err("deep").message.contains("deeper"));
        assert!(parse("").is_err());
        assert!(parse("<a/><b/>").is_err());
    }
}
