//! A screen as the console prints it: a rule, the media named, the plain
//! text, then the buttons numbered in reading order (the number a person
//! types to press one). Its own file so that the console's parts print
//! alike without importing `console/mod.rs`, which imports them.

use std::io::{self, Write};

use crate::engine::Screen;

pub fn print_screen(output: &mut impl Write, screen: &Screen<'_>) -> io::Result<()> {
    writeln!(output, "{}", "─".repeat(40))?;
    if let Some(media) = screen.media {
        writeln!(output, "[{:?}: {}]", media.kind, media.file)?;
    }
    writeln!(output, "{}", screen.plain)?;
    writeln!(output)?;
    let mut number = 0;
    for row in &screen.buttons {
        let labels: Vec<String> = row
            .iter()
            .map(|button| {
                number += 1;
                format!("[{number}] {}", button.label)
            })
            .collect();
        writeln!(output, "{}", labels.join("   "))?;
    }
    Ok(())
}
