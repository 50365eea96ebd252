//! The README's firmware code is cut from the template that CI builds and
//! runs (`examples/cortex-m`, `scripts/template.sh`), so it cannot drift
//! into code that does not compile.
//!
//! Every ```` ```rust,ignore ```` block of README.md must follow a line
//! `<!-- excerpt: PATH NAME -->` and equal, line for line, the region of
//! `PATH` (under `examples/cortex-m/src/`) between the lines
//! `// README: begin NAME` and `// README: end NAME`, with the region's
//! common indentation removed. And every such region must be shown, so
//! that no marker is left behind after a README block goes.

use std::fs;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SOURCES: &str = "examples/cortex-m/src/";

/// A ```` ```rust,ignore ```` block: its first line's number (1-based),
/// its marker line, and its lines.
struct Block {
    line: usize,
    marker: Option<String>,
    lines: Vec<String>,
}

fn ignore_blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut previous: Option<&str> = None;
    let mut lines = readme.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        if line.trim_end() == "```rust,ignore" {
            let body = lines
                .by_ref()
                .map(|(_, l)| l)
                .take_while(|l| l.trim_end() != "```")
                .map(str::to_owned)
                .collect();
            blocks.push(Block {
                line: i + 1,
                marker: previous.map(str::to_owned),
                lines: body,
            });
            previous = None;
        } else if !line.trim().is_empty() {
            previous = Some(line);
        }
    }
    blocks
}

/// `(path, name)` from `<!-- excerpt: PATH NAME -->`.
fn parse_marker(marker: &str) -> Option<(String, String)> {
    let inner = marker
        .trim()
        .strip_prefix("<!-- excerpt:")?
        .strip_suffix("-->")?;
    let mut words = inner.split_whitespace();
    let (path, name) = (words.next()?, words.next()?);
    words
        .next()
        .is_none()
        .then(|| (path.to_owned(), name.to_owned()))
}

/// The lines of region `name` in `source`, without their common
/// indentation.
fn region(source: &str, name: &str) -> Result<Vec<String>, String> {
    let begin = format!("// README: begin {name}");
    let end = format!("// README: end {name}");
    let lines: Vec<&str> = source.lines().collect();
    let find = |marker: &str| {
        let hits: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].trim() == marker)
            .collect();
        match hits[..] {
            [i] => Ok(i),
            [] => Err(format!("no line `{marker}`")),
            _ => Err(format!("`{marker}` appears {} times", hits.len())),
        }
    };
    let (b, e) = (find(&begin)?, find(&end)?);
    if e <= b {
        return Err(format!("`{end}` comes before `{begin}`"));
    }
    let body = &lines[b + 1..e];
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    Ok(body
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end().to_owned())
        .collect())
}

/// Why `block` is not its marked region, or `None` if it is.
fn check(block: &Block) -> Option<String> {
    let Some(marker) = &block.marker else {
        return Some("no `<!-- excerpt: PATH NAME -->` line before it".into());
    };
    let Some((path, name)) = parse_marker(marker) else {
        return Some(format!(
            "the line before it, `{marker}`, is not `<!-- excerpt: PATH NAME -->`"
        ));
    };
    if !path.starts_with(SOURCES) || path.contains("..") {
        return Some(format!("`{path}` is not under {SOURCES}"));
    }
    let source = match fs::read_to_string(Path::new(ROOT).join(&path)) {
        Ok(s) => s,
        Err(e) => return Some(format!("cannot read {path}: {e}")),
    };
    let expected = match region(&source, &name) {
        Ok(r) => r,
        Err(e) => return Some(format!("{path}: {e}")),
    };
    let got: Vec<String> = block
        .lines
        .iter()
        .map(|l| l.trim_end().to_owned())
        .collect();
    if got == expected {
        return None;
    }
    let at = got
        .iter()
        .zip(&expected)
        .position(|(g, e)| g != e)
        .unwrap_or(got.len().min(expected.len()));
    Some(format!(
        "it differs from region `{name}` of {path} at its line {}:\n  README: {:?}\n  source: {:?}\n\
         (README {} lines, region {} lines; copy the region into the README)",
        at + 1,
        got.get(at).map_or("<end of block>", String::as_str),
        expected.get(at).map_or("<end of region>", String::as_str),
        got.len(),
        expected.len()
    ))
}

#[test]
fn readme_firmware_blocks_are_excerpts_of_the_template() {
    let readme = fs::read_to_string(Path::new(ROOT).join("README.md")).expect("README.md");
    let blocks = ignore_blocks(&readme);
    assert!(!blocks.is_empty(), "README.md has no ```rust,ignore block");
    let failures: Vec<String> = blocks
        .iter()
        .filter_map(|b| check(b).map(|why| format!("README.md block at line {}: {why}", b.line)))
        .collect();
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n\n"));
}

/// `(path, name)` of every `// README: begin NAME` under `dir`.
fn marked_regions(dir: &Path, found: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("the template's sources")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            marked_regions(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = fs::read_to_string(&path).expect("a template source");
            let relative = path
                .strip_prefix(ROOT)
                .expect("under the repository")
                .to_string_lossy()
                .replace('\\', "/");
            for line in source.lines() {
                if let Some(name) = line.trim().strip_prefix("// README: begin ") {
                    found.push((relative.clone(), name.to_owned()));
                }
            }
        }
    }
}

#[test]
fn every_marked_region_is_in_the_readme() {
    let readme = fs::read_to_string(Path::new(ROOT).join("README.md")).expect("README.md");
    let shown: Vec<(String, String)> = ignore_blocks(&readme)
        .iter()
        .filter_map(|b| b.marker.as_deref().and_then(parse_marker))
        .collect();
    let mut marked = Vec::new();
    marked_regions(&Path::new(ROOT).join(SOURCES), &mut marked);
    assert!(
        !marked.is_empty(),
        "no `// README: begin` marker under {SOURCES}"
    );
    let unshown: Vec<String> = marked
        .iter()
        .filter(|m| !shown.contains(m))
        .map(|(path, name)| format!("region `{name}` of {path}"))
        .collect();
    assert!(
        unshown.is_empty(),
        "marked for the README but not shown there (add a block or remove the markers): {}",
        unshown.join(", ")
    );
}

#[test]
fn a_drifted_block_is_caught() {
    let source = "fn main() {\n    // README: begin x\n    let a = 1;\n\n    let b = a;\n    // README: end x\n}\n";
    assert_eq!(
        region(source, "x").unwrap(),
        ["let a = 1;", "", "let b = a;"]
    );
    let readme = "<!-- excerpt: examples/cortex-m/src/bin/train.rs main -->\n```rust,ignore\nfn main() {}\n```\n";
    let blocks = ignore_blocks(readme);
    assert_eq!(blocks.len(), 1);
    let why = check(&blocks[0]).expect("a block that is not the region must fail");
    assert!(why.contains("region `main`"), "{why}");
    let unmarked = ignore_blocks("```rust,ignore\nlet x = 1;\n```\n");
    assert!(check(&unmarked[0]).is_some_and(|w| w.contains("no `<!-- excerpt")));
    let prose = ignore_blocks("text\n\n```rust,ignore\nlet x = 1;\n```\n");
    assert!(check(&prose[0]).is_some_and(|w| w.contains("`text`, is not")));
}
