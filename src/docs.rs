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
    clap_complete::generate(target, &mut with_hints(Cli::command()), "netkit", &mut out);
    out
}

/// The command tree as completion scripts see it: a port offers service names, `--format` its
/// named formats, a host name host names, a number nothing (rather than the shell's file
/// names). Only the scripts see these parsers; the command line keeps its own.
fn with_hints(mut command: clap::Command) -> clap::Command {
    let args: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in args {
        command = command.mut_arg(id, hint);
    }
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subcommands {
        command = command.mut_subcommand(name, with_hints);
    }
    command
}

fn hint(arg: clap::Arg) -> clap::Arg {
    use clap::builder::PossibleValuesParser;
    use clap::ValueHint;
    if !arg.get_action().takes_values() {
        return arg;
    }
    let name = arg
        .get_value_names()
        .and_then(|names| names.first())
        .map_or_else(|| arg.get_id().as_str().to_uppercase(), |n| n.to_string());
    match name.as_str() {
        "PORT" | "PORTS" => arg.value_parser(PossibleValuesParser::new(
            crate::net::addr::well_known_names(),
        )),
        "FORMAT" => arg.value_parser(PossibleValuesParser::new(crate::timefmt::NAMED)),
        "HOST" | "ADDR" | "TARGET_HOST" => arg.value_hint(ValueHint::Hostname),
        "FILE" | "PATH" => arg.value_hint(ValueHint::FilePath),
        "COMMAND" => arg.value_hint(ValueHint::CommandName),
        _ => arg.value_hint(ValueHint::Other),
    }
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
    let mut root = without_help(Cli::command());
    root.build();
    man_pages(&root, "netkit", &mut files);
    files
}

/// The examples of each page, the README's: (page, command line, what it does). A page shows
/// its own and those of the pages below it (`netkit-echo` shows serve's, send's and bench's).
#[cfg(test)]
const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "netkit",
        "netkit daytime serve --port 55555",
        "serve the time on TCP port 55555",
    ),
    (
        "netkit",
        "netkit echo send HOST 55555",
        "type lines, see them echoed",
    ),
    (
        "netkit",
        "netkit raw time-a.nist.gov 13",
        "talk to any service, like telnet",
    ),
    (
        "netkit-daytime-serve",
        "netkit daytime serve --port 55555 --tcp --udp --format rfc3339",
        "serve the time over TCP and UDP in RFC 3339 form",
    ),
    (
        "netkit-daytime-get",
        "netkit daytime get time-a.nist.gov --offset",
        "print a server's time and how far the local clock is from it",
    ),
    (
        "netkit-discard-serve",
        "netkit discard serve --port 55009 --tcp --udp",
        "read and drop whatever clients send, over TCP and UDP",
    ),
    (
        "netkit-discard-serve",
        "printf 'into the void\\n' | netkit raw 127.0.0.1 55009",
        "send it something; its closed line counts the bytes",
    ),
    (
        "netkit-chargen-serve",
        "netkit chargen serve --port 55019 --tcp --udp",
        "send RFC 864's rotating lines to each client, as fast as it reads them",
    ),
    (
        "netkit-chargen-serve",
        "netkit raw 127.0.0.1 55019 | head -n 3",
        "its first three lines",
    ),
    (
        "netkit-time-serve",
        "netkit time serve --port 55037 --tcp --udp",
        "serve the time as RFC 868's four bytes, over TCP and UDP",
    ),
    (
        "netkit-time-get",
        "netkit time get time.nist.gov --offset",
        "a server's time in RFC 3339, and how far the local clock is from it",
    ),
    (
        "netkit-serve",
        "netkit serve echo:10007 daytime:10013 chargen:10019 discard:10009 time:10037 --tcp --udp",
        "all of inetd's internal services from one process, on ports that need no privilege",
    ),
    (
        "netkit-echo-serve",
        "netkit echo serve --port 55555 --tcp --udp",
        "echo every byte back, over TCP and UDP",
    ),
    (
        "netkit-echo-send",
        "netkit echo send 127.0.0.1 55555 --count 5",
        "five messages and their round-trip times, like ping",
    ),
    (
        "netkit-echo-bench",
        "netkit echo bench 127.0.0.1 55555 -n 50 -s 64 -d 5",
        "50 connections of 64-byte messages for 5 seconds",
    ),
    (
        "netkit-raw",
        "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | netkit raw -C 127.0.0.1 80",
        "an HTTP request by hand",
    ),
    (
        "netkit-raw",
        "netkit raw -t 127.0.0.1 telnet",
        "a telnet session",
    ),
    (
        "netkit-raw",
        "netkit raw -t -e '^A' 127.0.0.1 telnet",
        "a telnet session whose netkit> prompt opens with Ctrl-A instead of Ctrl-]",
    ),
    (
        "netkit-raw",
        "netkit raw --listen 5555 > received.bin",
        "receive one connection's bytes into a file",
    ),
    (
        "netkit-raw",
        "netkit raw --tls example.org 443",
        "TLS by hand: the certificate checked and summed up, like openssl s_client",
    ),
    (
        "netkit-raw",
        "netkit raw -C --starttls smtp mail.example.org 25",
        "an SMTP session upgraded to TLS with STARTTLS",
    ),
    (
        "netkit-raw",
        "netkit raw --listen 4433 --tls",
        "a TLS server with a certificate made for the run",
    ),
    (
        "netkit-relay",
        "netkit relay example.org 80 --port 8080 --dump --dump-format text",
        "forward port 8080 to example.org:80 and show what goes through as text",
    ),
    (
        "netkit-probe",
        "netkit probe 127.0.0.1 ssh 80 8000-8002",
        "which of these ports are open, one line each",
    ),
    (
        "netkit-probe",
        "netkit probe -q --wait 30 db 5432 -- ./start-app.sh",
        "wait until the database accepts connections, then start the app",
    ),
    (
        "netkit-probe",
        "netkit probe -q --tls example.org 443",
        "a certificate check for cron: exit 6 when the handshake or the certificate fails",
    ),
    (
        "netkit-raw-probe",
        "netkit raw -z -w 1 10.0.0.5 20-30",
        "the same, spelt as with nc -z",
    ),
    (
        "netkit-raw",
        "printf 'hello\\n' | netkit raw -u 127.0.0.1 55555",
        "one datagram to a UDP service, and its answer",
    ),
    (
        "netkit-raw",
        "printf 'GET /version HTTP/1.0\\r\\n\\r\\n' | netkit raw -U /var/run/docker.sock",
        "ask a service on a Unix socket (Docker's API)",
    ),
    (
        "netkit-raw",
        "netkit raw --listen -U /tmp/netkit.sock",
        "listen on a Unix socket; its file goes when netkit does",
    ),
    (
        "netkit-raw",
        "netkit raw --listen 5555 -k",
        "serve one client after another, like nc -lk",
    ),
    (
        "netkit-raw",
        "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | netkit raw -C -x dump.txt 127.0.0.1 80",
        "an HTTP request, with every byte both ways in dump.txt as hexdump -C lines",
    ),
    (
        "netkit-completions",
        "netkit completions bash > /usr/share/bash-completion/completions/netkit",
        "install the bash completion",
    ),
];

/// The examples shown on page `name`.
#[cfg(test)]
fn examples(
    name: &str,
) -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> + '_ {
    EXAMPLES.iter().filter(move |(page, ..)| {
        *page == name || (name != "netkit" && page.starts_with(&format!("{name}-")))
    })
}

/// The command tree as the pages show it: without clap's `help` subcommand, which has no page.
#[cfg(test)]
fn without_help(mut command: clap::Command) -> clap::Command {
    command = command.disable_help_subcommand(true);
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, without_help);
    }
    command
}

/// `netkit.1`, then one page per subcommand, nested ones included (`netkit-echo-serve.1`).
#[cfg(test)]
fn man_pages(command: &clap::Command, name: &str, files: &mut Vec<(String, Vec<u8>)>) {
    let page = command
        .clone()
        .name(name.to_string())
        .bin_name(name.replace('-', " "));
    files.push((format!("man/{name}.1"), man_page(page, name)));
    for sub in command.get_subcommands() {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), files);
    }
}

/// One page: clap_mangen's sections, the notes, then EXAMPLES, EXIT STATUS and SEE ALSO.
#[cfg(test)]
fn man_page(page: clap::Command, name: &str) -> Vec<u8> {
    use roff::{bold, italic, roman, Roff};
    let man = clap_mangen::Man::new(page.clone());
    let mut out = Vec::new();
    // rendering into memory cannot fail
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    if page.get_arguments().any(|a| !a.is_hide_set()) {
        let _ = man.render_options_section(&mut out);
    }
    if page.get_subcommands().next().is_some() {
        let _ = man.render_subcommands_section(&mut out);
    }
    if page.get_after_long_help().is_some() {
        let mut notes = Vec::new();
        let _ = man.render_extra_section(&mut notes);
        let notes = String::from_utf8_lossy(&notes).replacen(".SH EXTRA", ".SH NOTES", 1);
        out.extend_from_slice(notes.as_bytes());
    }
    let mut roff = Roff::new();
    roff.control("SH", ["EXAMPLES"]);
    for (_, line, what) in examples(name) {
        roff.control("TP", [])
            .text([bold(*line)])
            .text([roman(*what)]);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in crate::error::EXIT_STATUS {
        roff.control("TP", [])
            .text([bold(code.to_string())])
            .text([roman(*meaning)]);
    }
    let mut related: Vec<String> = Vec::new();
    if let Some((parent, _)) = name.rsplit_once('-') {
        related.push(parent.to_string());
    }
    related.extend(
        page.get_subcommands()
            .map(|s| format!("{name}-{}", s.get_name())),
    );
    if !related.is_empty() {
        roff.control("SH", ["SEE ALSO"]);
        let mut refs = Vec::new();
        for (i, page) in related.iter().enumerate() {
            if i > 0 {
                refs.push(roman(", "));
            }
            refs.push(italic(page.as_str()));
            refs.push(roman("(1)"));
        }
        roff.text(refs);
    }
    let _ = roff.to_writer(&mut out);
    if page.get_version().is_some() {
        let _ = man.render_version_section(&mut out);
    }
    out
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

    #[test]
    fn every_page_has_examples_and_exit_status() {
        for (path, content) in super::generated() {
            if !path.starts_with("man/") {
                continue;
            }
            let page = String::from_utf8_lossy(&content);
            let name = path.trim_start_matches("man/").trim_end_matches(".1");
            assert!(
                super::examples(name).next().is_some(),
                "{path} has no example: add one to EXAMPLES in src/docs.rs"
            );
            for section in [".SH EXAMPLES", ".SH \"EXIT STATUS\""] {
                assert!(page.contains(section), "{path} has no {section}");
            }
            assert!(
                !page.contains("netkit\\-help"),
                "{path} names a help page that does not exist"
            );
        }
    }

    #[test]
    fn completion_offers_service_names_and_formats_not_files() {
        let bash = String::from_utf8(super::completion(crate::cli::Shell::Bash)).unwrap();
        let after = |flag: &str| -> Vec<String> {
            let mut found = Vec::new();
            let mut lines = bash.lines();
            while let Some(line) = lines.next() {
                if line.trim() == format!("{flag})") {
                    found.push(lines.next().unwrap_or_default().trim().to_string());
                }
            }
            found
        };
        let ports = after("--port");
        assert!(!ports.is_empty());
        for reply in &ports {
            assert!(
                reply.contains("compgen -W \"echo discard daytime"),
                "--port: {reply}"
            );
        }
        let formats = after("--format");
        assert_eq!(formats.len(), 1);
        assert!(
            formats[0].contains("\"ctime rfc2822 rfc3339 nist\""),
            "{}",
            formats[0]
        );
        for reply in after("-w") {
            assert!(
                !reply.contains("compgen -f"),
                "-w offers file names: {reply}"
            );
        }
    }

    #[test]
    fn examples_are_the_readmes() {
        let readme = include_str!("../README.md");
        for (page, line, _) in super::EXAMPLES {
            assert!(
                readme.contains(*line),
                "the example of {page} is not in the README: {line}"
            );
        }
    }
}
