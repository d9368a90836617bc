//! Completion scripts and man pages, rendered from the clap definitions.

use clap::CommandFactory;
use clap_complete::Shell as Target;

use crate::cli::{Cli, Shell};

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let target = match shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
        Shell::Elvish => Target::Elvish,
        Shell::Powershell => Target::PowerShell,
    };
    let mut out = Vec::new();
    clap_complete::generate(target, &mut Cli::command(), "netkit", &mut out);
    out
}

/// Every generated file, by its path in the repository.
#[cfg(test)]
fn generated() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (shell, name) in [
        (Shell::Bash, "netkit.bash"),
        (Shell::Zsh, "_netkit"),
        (Shell::Fish, "netkit.fish"),
        (Shell::Elvish, "netkit.elv"),
        (Shell::Powershell, "_netkit.ps1"),
    ] {
        files.push((format!("completions/{name}"), completion(shell)));
    }
    let mut root = Cli::command();
    root.build();
    man_pages(&root, "netkit", &mut files);
    files
}

#[cfg(test)]
/// `netkit.1`, then one page per subcommand, nested ones included (`netkit-echo-serve.1`).
fn man_pages(command: &clap::Command, name: &str, files: &mut Vec<(String, Vec<u8>)>) {
    let page = command
        .clone()
        .name(name.to_string())
        .bin_name(name.replace('-', " "));
    let mut out = Vec::new();
    // rendering into memory cannot fail
    if clap_mangen::Man::new(page).render(&mut out).is_ok() {
        files.push((format!("man/{name}.1"), out));
    }
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), files);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn generated_files_are_current() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let regenerate = std::env::var_os("NETKIT_REGENERATE").is_some();
        let mut stale = Vec::new();
        for (path, content) in super::generated() {
            let file = root.join(&path);
            if regenerate {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, &content).unwrap();
            } else if std::fs::read(&file).ok().as_deref() != Some(&content[..]) {
                stale.push(path);
            }
        }
        assert!(
            stale.is_empty(),
            "{} is stale: run NETKIT_REGENERATE=1 cargo test generated and commit",
            stale.join(", ")
        );
    }
}
