//! Syntax diagnostics, worded and laid out as Elixir 1.14 prints them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagKind {
    /// `** (SyntaxError)`
    Syntax,
    /// `** (TokenMissingError)`: the input ended too early (iex would wait
    /// for more lines).
    TokenMissing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub kind: DiagKind,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// Whether the banner shows the offending line (Elixir leaves it out
    /// under the errors it rewords).
    pub snippet: bool,
}

impl Diag {
    /// The banner with the three-line snippet of the offending line.
    pub fn banner_with(&self, file: &str, source_line: Option<&str>) -> String {
        let kind = match self.kind {
            DiagKind::Syntax => "SyntaxError",
            DiagKind::TokenMissing => "TokenMissingError",
        };
        let mut out = format!(
            "** ({kind}) {file}:{}:{}: {}",
            self.line, self.column, self.message
        );
        if let Some(src) = source_line.filter(|s| self.snippet && !s.trim().is_empty()) {
            let d = self.line.to_string().len();
            let w = d.max(2);
            out.push_str(&format!("\n {} |", " ".repeat(w)));
            out.push_str(&format!(
                "\n {}{} | {}",
                if d < 2 { " " } else { "" },
                self.line,
                src
            ));
            out.push_str(&format!(
                "\n {} | {}^",
                " ".repeat(w),
                " ".repeat(self.column.saturating_sub(1) as usize)
            ));
        }
        out
    }
}

/// A diagnostic with the source it points into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxDiag {
    pub diag: Diag,
    pub snippet_line: Option<String>,
}

impl SyntaxDiag {
    pub fn banner(&self, file: &str) -> String {
        self.diag.banner_with(file, self.snippet_line.as_deref())
    }

    pub fn is_incomplete(&self) -> bool {
        self.diag.kind == DiagKind::TokenMissing
    }
}
