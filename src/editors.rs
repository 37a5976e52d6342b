//! The content editors' subcommands: the tree as a diagram, search
//! explained, the preview site, the schemas, translators' and reviewers'
//! queues and stamps, a new language. Each reads the content and reports,
//! or writes files (through `write_inside`); none serves.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use overdose_bot::diagnostics::Format;
use overdose_bot::schema::{
    HAZARDS_SCHEMA_FILE, MANIFEST_SCHEMA_FILE, NODES_SCHEMA_FILE, SERVICES_SCHEMA_FILE, hazards_schema,
    manifest_schema, nodes_schema, services_schema,
};
use overdose_bot::write::write_inside;

use crate::cli::{GraphArgs, PreviewArgs, ReviewArgs, SchemaArgs, SearchArgs, SourceArgs, TranslationsArgs};
use crate::{locale_for, print, refuse};

pub fn graph(args: GraphArgs) -> anyhow::Result<ExitCode> {
    let loaded = args.sources.load();
    let Some(content) = loaded.content.as_ref() else {
        return Ok(refuse(&loaded));
    };
    let locale = locale_for(content, args.lang.as_deref());
    print(&overdose_bot::graph::render(content, locale, args.format), "graph")?;
    Ok(ExitCode::SUCCESS)
}

pub fn search(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let loaded = args.sources.load();
    let Some(content) = loaded.content.as_ref() else {
        return Ok(refuse(&loaded));
    };
    let locale = locale_for(content, args.lang.as_deref());
    print(
        &overdose_bot::search_report::report(content, locale, &args.text, args.explain),
        "report",
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn preview(args: PreviewArgs) -> anyhow::Result<ExitCode> {
    let loaded = args.sources.load();
    let Some(content) = loaded.content.as_ref() else {
        return Ok(refuse(&loaded));
    };
    let hazards = match args.sources.safety_dir() {
        Some(dir) => {
            let (mut map, mut found) = (Default::default(), Default::default());
            let hazards = overdose_bot::safety::check(&dir, Some(content), &mut map, &mut found);
            if found.has_errors() {
                eprintln!("the hazard log has errors: run `overdose-bot check`; the preview shows it as it is");
            }
            hazards
        }
        None => Vec::new(),
    };
    let files = overdose_bot::preview::site(content, &hazards);
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    for file in &files {
        write_inside(&args.out, &args.out.join(&file.path), &file.bytes)?;
    }
    let index = args.out.join("index.html");
    println!(
        "wrote {} files to {}; open {}",
        files.len(),
        args.out.display(),
        index.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn schema(args: SchemaArgs) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    for (name, schema) in [
        (NODES_SCHEMA_FILE, nodes_schema()),
        (MANIFEST_SCHEMA_FILE, manifest_schema()),
        (SERVICES_SCHEMA_FILE, services_schema()),
        (HAZARDS_SCHEMA_FILE, hazards_schema()),
    ] {
        let path = args.out.join(name);
        write_inside(&args.out, &path, schema.as_bytes())?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn translations(args: TranslationsArgs) -> anyhow::Result<ExitCode> {
    let TranslationsArgs {
        sources,
        lang,
        format,
        stamp,
        node,
    } = args;
    let loaded = sources.load();
    if stamp {
        let langs: Vec<String> = lang.into_iter().collect();
        let (stamps, changed) = overdose_bot::translations::stamp(&loaded, &langs, &node)?;
        let path = sources.content.join(overdose_bot::content::stamps::STAMPS_FILE);
        write_inside(
            &sources.content,
            &path,
            overdose_bot::content::stamps::render(&stamps).as_bytes(),
        )?;
        println!("stamped {changed} translations in {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let report = overdose_bot::translations::report(&loaded, lang.as_deref())?;
    print(
        &match format {
            Format::Human => report.human(),
            Format::Json => report.json(),
        },
        "report",
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn review(args: ReviewArgs) -> anyhow::Result<ExitCode> {
    let loaded = args.sources.load();
    if let Some((page, by)) = args.sign.zip(args.by) {
        let on = args.on.unwrap_or_else(|| chrono::Local::now().date_naive());
        let signed = overdose_bot::review::sign(&loaded, &page, &by, on)?;
        write_inside(&args.sources.content, Path::new(&signed.path), signed.text.as_bytes())?;
        println!(
            "{page}: reviewed by {by} on {on}, texts {} ({})",
            signed.hash, signed.path
        );
        return Ok(ExitCode::SUCCESS);
    }
    let queue = overdose_bot::review::queue(&loaded);
    print(
        &match args.format {
            Format::Human => queue.human(),
            Format::Json => queue.json(),
        },
        "queue",
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn locale_add(sources: &SourceArgs, code: &str) -> anyhow::Result<ExitCode> {
    let loaded = sources.load();
    let files = overdose_bot::locale::add(&loaded, &sources.content, &sources.locales, code)?;
    for file in &files {
        let root = if file.path.starts_with(&sources.content) {
            &sources.content
        } else {
            &sources.locales
        };
        write_inside(root, &file.path, file.text.as_bytes())?;
        println!("wrote {}", file.path.display());
    }
    println!("translate the files above and the content's texts; `overdose-bot translations --lang {code}` lists them");
    Ok(ExitCode::SUCCESS)
}
