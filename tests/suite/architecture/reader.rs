//! Reads the crate's sources for the architecture test: a lexer that drops
//! comments and keeps literals opaque, a reader of `use` trees, the module
//! tree of the library and the binary, and the graph of imports between
//! files with its cycles (Tarjan's).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------- lexing

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Ident(String),
    Punct(char),
    /// A literal or a lifetime: never a name.
    Other,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub kind: Kind,
    pub line: usize,
}

impl Token {
    pub fn ident(&self) -> Option<&str> {
        match &self.kind {
            Kind::Ident(name) => Some(name),
            _ => None,
        }
    }

    pub fn is(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }
}

/// Rust source as identifiers and punctuation; comments are dropped and
/// literals kept as opaque tokens, so a name in a string or a doc comment
/// is never mistaken for code.
pub fn lex(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        let start_line = line;
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1, &mut line);
            tokens.push(Token {
                kind: Kind::Other,
                line: start_line,
            });
        } else if c == '\'' {
            if at(i + 1) == '\\' {
                // An escaped char (`'\''`, `'\u{..}'`): up to its closing quote.
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                // A lifetime or a label.
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
            }
            tokens.push(Token {
                kind: Kind::Other,
                line: start_line,
            });
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token {
                kind: Kind::Other,
                line: start_line,
            });
        } else if c.is_alphabetic() || c == '_' {
            let begin = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[begin..i].iter().collect();
            let raw_prefix = matches!(word.as_str(), "r" | "br" | "cr");
            if raw_prefix && (at(i) == '"' || (at(i) == '#' && matches!(at(i + 1), '#' | '"'))) {
                let mut hashes = 0;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                i += 1;
                loop {
                    if i >= chars.len() {
                        break;
                    }
                    if chars[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                        i += 1 + hashes;
                        break;
                    }
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
                tokens.push(Token {
                    kind: Kind::Other,
                    line: start_line,
                });
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                i = skip_string(&chars, i + 1, &mut line);
                tokens.push(Token {
                    kind: Kind::Other,
                    line: start_line,
                });
            } else if word == "b" && at(i) == '\'' {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                tokens.push(Token {
                    kind: Kind::Other,
                    line: start_line,
                });
            } else if word == "r" && at(i) == '#' {
                // A raw identifier, `r#type`.
                i += 1;
                let begin = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[begin..i].iter().collect();
                tokens.push(Token {
                    kind: Kind::Ident(word),
                    line: start_line,
                });
            } else {
                tokens.push(Token {
                    kind: Kind::Ident(word),
                    line: start_line,
                });
            }
        } else {
            tokens.push(Token {
                kind: Kind::Punct(c),
                line: start_line,
            });
            i += 1;
        }
    }
    tokens
}

/// From just after an opening quote to just after the closing one.
fn skip_string(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                *line += usize::from(chars.get(i + 1) == Some(&'\n'));
                i += 2;
            }
            '"' => return i + 1,
            c => {
                *line += usize::from(c == '\n');
                i += 1;
            }
        }
    }
    i
}

pub fn is_path_sep(tokens: &[Token], i: usize) -> bool {
    tokens.get(i).is_some_and(|t| t.is(':')) && tokens.get(i + 1).is_some_and(|t| t.is(':'))
}

/// One name a `use` item brings in: `name` is what the module calls it.
#[derive(Clone, Debug)]
pub struct Leaf {
    pub path: Vec<String>,
    pub name: String,
}

/// Parses a use tree from `tokens[*i]`, appending its leaves to `out`:
/// nested `{}` groups, `self`, `as` and `*`, across any number of lines.
pub fn use_tree(tokens: &[Token], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Leaf>) {
    let mut path = prefix;
    if is_path_sep(tokens, *i) {
        *i += 2;
    }
    loop {
        let Some(token) = tokens.get(*i) else { return };
        if let Some(name) = token.ident() {
            path.push(name.to_string());
            *i += 1;
        } else if token.is('{') {
            *i += 1;
            while tokens.get(*i).is_some_and(|t| !t.is('}')) {
                use_tree(tokens, i, path.clone(), out);
                if tokens.get(*i).is_some_and(|t| t.is(',')) {
                    *i += 1;
                }
            }
            *i += 1;
            return;
        } else if token.is('*') {
            *i += 1;
            out.push(Leaf { path, name: "*".into() });
            return;
        } else {
            break;
        }
        if is_path_sep(tokens, *i) {
            *i += 2;
        } else {
            break;
        }
    }
    if path.last().is_some_and(|last| last == "self") {
        path.pop();
    }
    let mut name = path.last().cloned().unwrap_or_default();
    if tokens.get(*i).and_then(Token::ident) == Some("as") {
        name = tokens.get(*i + 1).and_then(Token::ident).unwrap_or("_").to_string();
        *i += 2;
    }
    if !path.is_empty() {
        out.push(Leaf { path, name });
    }
}

// ---------------------------------------------------------------- the tree

/// Which crate of the package a module belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Crate {
    Library,
    Binary,
}

type ModulePath = (Crate, Vec<String>);

/// Every file of `src/`, lexed, and every module the two crates declare.
pub struct Tree {
    /// File name (`src/content/load.rs`) to its tokens.
    pub files: BTreeMap<String, Vec<Token>>,
    /// Module to the file that holds it (an inline module: its file).
    modules: HashMap<ModulePath, String>,
    /// Per module, what its `use` items call each name, as absolute paths.
    imports: HashMap<ModulePath, HashMap<String, ModulePath>>,
    /// Every path in code or `use`, in the module it is written in.
    references: Vec<Reference>,
}

struct Reference {
    file: String,
    line: usize,
    module: ModulePath,
    /// As written: relative to `module` until resolved.
    path: Vec<String>,
    from_use: bool,
    /// An edge of the graph: not a re-export (`pub use`), not test code.
    counts: bool,
}

impl Tree {
    pub fn read() -> Tree {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut tree = Tree {
            files: BTreeMap::new(),
            modules: HashMap::new(),
            imports: HashMap::new(),
            references: Vec::new(),
        };
        for (krate, file) in [(Crate::Library, "src/lib.rs"), (Crate::Binary, "src/main.rs")] {
            tree.read_module(root, krate, Vec::new(), PathBuf::from(file), false);
        }
        let on_disk = rust_files(&root.join("src"));
        let unread: Vec<&String> = on_disk.iter().filter(|f| !tree.files.contains_key(*f)).collect();
        assert!(
            unread.is_empty(),
            "files no module declares (the reader would miss them): {unread:?}"
        );
        tree.resolve_imports();
        tree
    }

    /// Lexes the module's file and everything it declares with `mod name;`.
    /// `test`: the whole file is compiled for tests only.
    fn read_module(&mut self, root: &Path, krate: Crate, module: Vec<String>, file: PathBuf, test: bool) {
        let name = file.to_string_lossy().into_owned();
        let source = std::fs::read_to_string(root.join(&file)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let tokens = lex(&source);
        // A module's children live beside `lib.rs`/`main.rs`/`mod.rs`, or in a
        // folder named after any other file.
        let child_dir = match file.file_name().and_then(|n| n.to_str()) {
            Some("lib.rs" | "main.rs" | "mod.rs") => file.parent().unwrap().to_path_buf(),
            _ => file.with_extension(""),
        };
        // Per open brace: the inline module it opened, if any, and whether
        // what it holds is test code.
        let mut stack: Vec<(Option<String>, bool)> = Vec::new();
        let mut inline: Vec<String> = Vec::new();
        let mut pending_mod: Option<String> = None;
        // `#[cfg(test)]` or `#[test]` seen, for the next item.
        let mut pending_test = false;
        let mut children = Vec::new();
        let mut i = 0;
        self.modules.insert((krate, module.clone()), name.clone());
        while i < tokens.len() {
            let current: Vec<String> = module.iter().chain(inline.iter()).cloned().collect();
            let in_test = test || stack.last().is_some_and(|(_, t)| *t);
            let token = &tokens[i];
            if token.is('#') {
                let open = i + 1 + usize::from(tokens.get(i + 1).is_some_and(|t| t.is('!')));
                if tokens.get(open).is_some_and(|t| t.is('[')) {
                    let close = matching(&tokens, open);
                    let words: Vec<&str> = tokens[open + 1..close]
                        .iter()
                        .map(|t| t.ident().unwrap_or(if t.is('(') { "(" } else { ")" }))
                        .collect();
                    pending_test |= words == ["test"] || words == ["cfg", "(", "test", ")"];
                    i = close + 1;
                    continue;
                }
            }
            if token.is(';') {
                pending_test = false;
            }
            if token.is('{') {
                let opened = pending_mod.take();
                if let Some(child) = &opened {
                    inline.push(child.clone());
                    let path: Vec<String> = module.iter().chain(inline.iter()).cloned().collect();
                    self.modules.insert((krate, path), name.clone());
                }
                stack.push((opened, in_test || pending_test));
                pending_test = false;
                i += 1;
                continue;
            }
            if token.is('}') {
                if let Some((Some(_), _)) = stack.pop() {
                    inline.pop();
                }
                i += 1;
                continue;
            }
            match token.ident() {
                Some("mod") if tokens.get(i + 2).is_some() => {
                    let child = tokens[i + 1].ident().unwrap_or_default().to_string();
                    if tokens[i + 2].is(';') && inline.is_empty() {
                        children.push((child, in_test || pending_test));
                    } else if tokens[i + 2].is('{') {
                        pending_mod = Some(child);
                    }
                    i += 2;
                    continue;
                }
                Some("use") => {
                    let line = token.line;
                    // A re-export forwards a name; it is not a need of this file.
                    let reexport = (i >= 1 && tokens[i - 1].ident() == Some("pub"))
                        || (i >= 4 && tokens[i - 1].is(')') && tokens[i - 4].ident() == Some("pub"));
                    let item_test = in_test || pending_test;
                    i += 1;
                    let mut leaves = Vec::new();
                    use_tree(&tokens, &mut i, Vec::new(), &mut leaves);
                    for leaf in leaves {
                        self.references.push(Reference {
                            file: name.clone(),
                            line,
                            module: (krate, current.clone()),
                            path: leaf.path.clone(),
                            from_use: true,
                            counts: !reexport && !item_test,
                        });
                        if leaf.name != "*" && leaf.name != "_" {
                            self.imports
                                .entry((krate, current.clone()))
                                .or_default()
                                // Made absolute in `resolve_imports`.
                                .insert(leaf.name, (krate, leaf.path));
                        }
                    }
                }
                Some("crate" | "super" | "self" | "overdose_bot") if is_path_sep(&tokens, i + 1) => {
                    let line = token.line;
                    let mut path = vec![token.ident().unwrap().to_string()];
                    i += 1;
                    while is_path_sep(&tokens, i) {
                        match tokens.get(i + 2).and_then(Token::ident) {
                            Some(segment) => {
                                path.push(segment.to_string());
                                i += 3;
                            }
                            None => break,
                        }
                    }
                    self.references.push(Reference {
                        file: name.clone(),
                        line,
                        module: (krate, current),
                        path,
                        from_use: false,
                        counts: !in_test,
                    });
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        self.files.insert(name, tokens);
        for (child, test) in children {
            let flat = child_dir.join(format!("{child}.rs"));
            let folder = child_dir.join(&child).join("mod.rs");
            let file = if root.join(&flat).exists() { flat } else { folder };
            let mut path = module.clone();
            path.push(child);
            self.read_module(root, krate, path, file, test);
        }
    }

    /// Turns every import into an absolute module path (it was as written).
    fn resolve_imports(&mut self) {
        let written: Vec<(ModulePath, String, Vec<String>)> = self
            .imports
            .iter()
            .flat_map(|(module, names)| {
                names
                    .iter()
                    .map(move |(name, (_, path))| (module.clone(), name.clone(), path.clone()))
            })
            .collect();
        for (module, name, path) in written {
            let absolute = self.absolute(&module, &path, true);
            let names = self.imports.get_mut(&module).unwrap();
            match absolute {
                Some(absolute) => {
                    names.insert(name, absolute);
                }
                None => {
                    names.remove(&name);
                }
            }
        }
    }

    /// `path` written in `module`, as a path from its crate's root; `None`
    /// for another crate (std, chrono, ...).
    fn absolute(&self, module: &ModulePath, path: &[String], from_use: bool) -> Option<ModulePath> {
        let (krate, here) = module;
        let first = path.first()?;
        let mut base = here.clone();
        let mut rest = path;
        let mut krate = *krate;
        match first.as_str() {
            "crate" => {
                base.clear();
                rest = &path[1..];
            }
            "overdose_bot" => {
                krate = Crate::Library;
                base.clear();
                rest = &path[1..];
            }
            "self" => rest = &path[1..],
            "super" => {
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
            }
            // Uniform paths: a `use` may start at a child module or at a name
            // the module imported.
            child if from_use => {
                let mut candidate = here.clone();
                candidate.push(child.to_string());
                if !self.modules.contains_key(&(krate, candidate)) {
                    return None;
                }
            }
            _ => return None,
        }
        let mut absolute = base;
        absolute.extend(rest.iter().cloned());
        Some((krate, absolute))
    }

    /// The file that defines what `path` (absolute) names.
    fn file_of(&self, path: &ModulePath, depth: usize) -> Option<String> {
        let (krate, segments) = path;
        let mut module = Vec::new();
        for (n, segment) in segments.iter().enumerate() {
            let mut child = module.clone();
            child.push(segment.clone());
            if self.modules.contains_key(&(*krate, child.clone())) {
                module = child;
                continue;
            }
            // An item of `module`: defined there, or imported into it.
            if depth < 8
                && let Some(target) = self.imports.get(&(*krate, module.clone())).and_then(|m| m.get(segment))
            {
                let mut onward = target.1.clone();
                onward.extend(segments[n + 1..].iter().cloned());
                if let Some(file) = self.file_of(&(target.0, onward), depth + 1) {
                    return Some(file);
                }
            }
            break;
        }
        self.modules.get(&(*krate, module)).cloned()
    }

    pub fn graph(&self) -> Graph {
        let mut edges = BTreeSet::new();
        for reference in self.references.iter().filter(|r| r.counts) {
            let Some(absolute) = self.absolute(&reference.module, &reference.path, reference.from_use) else {
                continue;
            };
            let Some(target) = self.file_of(&absolute, 0) else {
                continue;
            };
            if target != reference.file {
                edges.insert((
                    reference.file.clone(),
                    target,
                    format!("{}:{}: {}", reference.file, reference.line, reference.path.join("::")),
                ));
            }
        }
        Graph { edges }
    }
}

/// The index of the bracket that closes the one at `tokens[open]`.
fn matching(tokens: &[Token], open: usize) -> usize {
    let (opening, closing) = match tokens[open].kind {
        Kind::Punct('[') => ('[', ']'),
        Kind::Punct('(') => ('(', ')'),
        _ => ('{', '}'),
    };
    let mut depth = 0;
    for (k, token) in tokens.iter().enumerate().skip(open) {
        if token.is(opening) {
            depth += 1;
        } else if token.is(closing) {
            depth -= 1;
            if depth == 0 {
                return k;
            }
        }
    }
    tokens.len() - 1
}

/// Whether the `{}` group opening at `tokens[open]` names `word` at its top level.
pub fn grouped(tokens: &[Token], open: usize, word: &str) -> bool {
    let mut depth = 0;
    for (k, token) in tokens.iter().enumerate().skip(open) {
        if token.is('{') {
            depth += 1;
        } else if token.is('}') {
            depth -= 1;
            if depth == 0 {
                return false;
            }
        } else if depth == 1 && token.ident() == Some(word) && !tokens[k - 1].is(':') {
            return true;
        }
    }
    false
}

fn rust_files(dir: &Path) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
    found
}

// ---------------------------------------------------------------- the graph

/// Files and the imports between them; each edge keeps where it was written.
pub struct Graph {
    edges: BTreeSet<(String, String, String)>,
}

impl Graph {
    pub fn edges(&self) -> impl Iterator<Item = (&String, &String, &String)> {
        self.edges.iter().map(|(from, to, site)| (from, to, site))
    }

    /// The strongly connected groups of more than one file (Tarjan's).
    pub fn cycles(&self) -> Vec<BTreeSet<String>> {
        let mut next: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (from, to, _) in self.edges() {
            next.entry(from).or_default().insert(to);
            next.entry(to).or_default();
        }
        struct State<'a> {
            next: &'a BTreeMap<&'a str, BTreeSet<&'a str>>,
            index: HashMap<&'a str, usize>,
            low: HashMap<&'a str, usize>,
            stack: Vec<&'a str>,
            on_stack: BTreeSet<&'a str>,
            found: Vec<BTreeSet<String>>,
        }
        fn visit<'a>(s: &mut State<'a>, node: &'a str) {
            let n = s.index.len();
            s.index.insert(node, n);
            s.low.insert(node, n);
            s.stack.push(node);
            s.on_stack.insert(node);
            for &to in &s.next[node] {
                if !s.index.contains_key(to) {
                    visit(s, to);
                    let low = s.low[node].min(s.low[to]);
                    s.low.insert(node, low);
                } else if s.on_stack.contains(to) {
                    let low = s.low[node].min(s.index[to]);
                    s.low.insert(node, low);
                }
            }
            if s.low[node] == s.index[node] {
                let mut group = BTreeSet::new();
                while let Some(top) = s.stack.pop() {
                    s.on_stack.remove(top);
                    group.insert(top.to_string());
                    if top == node {
                        break;
                    }
                }
                if group.len() > 1 {
                    s.found.push(group);
                }
            }
        }
        let mut state = State {
            next: &next,
            index: HashMap::new(),
            low: HashMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            found: Vec::new(),
        };
        for &node in next.keys() {
            if !state.index.contains_key(node) {
                visit(&mut state, node);
            }
        }
        state.found
    }
}
