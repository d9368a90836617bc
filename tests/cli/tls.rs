//! `raw --tls` end to end against openssl s_server, a Python ssl server and rustls servers
//! written here, with certificates made for the run; and `raw --listen --tls` for s_client.

use std::io::{BufRead, Read, Write};
use std::process::Command;
use std::thread;

use crate::common::tls::{
    date, pki, python_server, read_command, rustls_client, s_server, starttls_server, Proc, DAY,
};
use crate::common::{have, netkit, peer};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The summary line of the run's `leaf` certificate.
fn leaf_line() -> String {
    let pki = pki();
    let days = (pki.leaf_not_after - now()).div_euclid(DAY);
    format!(
        "certificate: CN=localhost, issued by CN=netkit test CA, valid until {} ({days} days), \
         names: localhost, 127.0.0.1, ::1\n",
        date(pki.leaf_not_after)
    )
}

fn refused(port: u16, reason: &str) -> String {
    format!("netkit: TLS with 127.0.0.1:{port} failed: {reason}\n")
}

#[test]
fn raw_tls_talks_both_ways_and_shows_the_session() {
    if !have("openssl") {
        return;
    }
    let ca = pki().cert("ca");
    let (mut server, port) = s_server("leaf", &["-alpn", "http/1.1"]);
    let port_text = port.to_string();
    let mut raw = Proc::netkit(&[
        "raw",
        "--tls",
        "--ca",
        &ca,
        "--alpn",
        "h2,http/1.1",
        "127.0.0.1",
        &port_text,
    ]);
    raw.write(b"hello from netkit\n");
    server.wait_stdout_contains("hello from netkit\n");
    server.write(b"hello from s_server\n");
    raw.wait_stdout_contains("hello from s_server\n");
    raw.close_stdin();
    // s_server reads netkit's close_notify as the end of the session
    server.wait_stdout_contains("DONE");
    assert!(raw.wait("netkit to exit").success(), "{}", raw.stderr());
    assert_eq!(
        raw.stderr(),
        format!(
            "Connected to 127.0.0.1 (127.0.0.1) port {port}.\n\
             TLS 1.3, TLS13_AES_256_GCM_SHA384, ALPN http/1.1\n{}",
            leaf_line()
        )
    );
    assert_eq!(raw.stdout_text(), "hello from s_server\n");
}

#[test]
fn raw_tls_quiet_hides_the_summary() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("leaf", &[]);
    netkit()
        .args(["raw", "-q", "--tls", "--ca", &pki().cert("ca"), "127.0.0.1"])
        .arg(port.to_string())
        .write_stdin("")
        .assert()
        .success()
        .stderr("");
}

#[test]
fn raw_tls_refuses_an_unknown_issuer() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("leaf", &[]);
    netkit()
        .args([
            "raw",
            "--tls",
            "-q",
            "--ca",
            &pki().cert("other-ca"),
            "127.0.0.1",
        ])
        .arg(port.to_string())
        .write_stdin("")
        .assert()
        .code(6)
        .stderr(refused(port, "certificate is not trusted (unknown issuer)"));
}

#[test]
fn raw_tls_checks_the_system_store_by_default() {
    if !std::path::Path::new("/etc/ssl/certs/ca-certificates.crt").exists() {
        crate::common::skip("no system trust store (bash .ci/run installs ca-certificates)");
        return;
    }
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("leaf", &[]);
    netkit()
        .args(["raw", "--tls", "-q", "127.0.0.1"])
        .arg(port.to_string())
        .write_stdin("")
        .assert()
        .code(6)
        .stderr(refused(port, "certificate is not trusted (unknown issuer)"));
}

#[test]
fn raw_tls_names_a_self_signed_certificate() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("self", &[]);
    netkit()
        .args(["raw", "--tls", "-q", "--ca", &pki().cert("ca"), "127.0.0.1"])
        .arg(port.to_string())
        .write_stdin("")
        .assert()
        .code(6)
        .stderr(refused(port, "certificate is not trusted (self-signed)"));
}

#[test]
fn raw_tls_gives_the_date_of_an_expired_certificate() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("expired", &[]);
    let expected = format!("certificate expired on {}", date(pki().expired_not_after));
    netkit()
        .args(["raw", "--tls", "-q", "--ca", &pki().cert("ca"), "127.0.0.1"])
        .arg(port.to_string())
        .write_stdin("")
        .assert()
        .code(6)
        .stderr(refused(port, &expected));
}

#[test]
fn raw_tls_refuses_a_certificate_not_yet_valid() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("future", &[]);
    let expected = format!(
        "certificate is not yet valid (valid from {})",
        date(pki().future_not_before)
    );
    netkit()
        .args(["raw", "--tls", "-q", "--ca", &pki().cert("ca"), "127.0.0.1"])
        .arg(port.to_string())
        .write_stdin("")
        .assert()
        .code(6)
        .stderr(refused(port, &expected));
}

#[test]
fn raw_tls_names_a_name_mismatch() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("other", &[]);
    netkit()
        .args(["raw", "--tls", "-q", "--ca", &pki().cert("ca"), "127.0.0.1"])
        .arg(port.to_string())
        .write_stdin("")
        .assert()
        .code(6)
        .stderr(refused(
            port,
            "name mismatch: certificate is for other.example",
        ));
}

#[test]
fn raw_tls_sni_names_the_certificate_to_check() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("other", &[]);
    netkit()
        .args([
            "raw",
            "--tls",
            "--ca",
            &pki().cert("ca"),
            "--sni",
            "other.example",
        ])
        .args(["127.0.0.1", &port.to_string()])
        .write_stdin("")
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "certificate: CN=other.example, issued by CN=netkit test CA",
        ));
}

#[test]
fn raw_tls_says_when_the_peer_does_not_speak_tls() {
    let port = peer(|mut stream| {
        let _ = stream.write_all(b"220 plain.example ESMTP\r\n");
        let mut buf = [0u8; 512];
        let _ = stream.read(&mut buf);
    });
    netkit()
        .args(["raw", "--tls", "-q", "127.0.0.1", &port.to_string()])
        .write_stdin("")
        .assert()
        .code(6)
        .stderr(refused(
            port,
            "the server does not speak TLS (it sent \"220 plain.example ESMTP\")",
        ));
}

#[test]
fn raw_tls_says_when_a_plain_server_hangs_up() {
    let port = peer(|mut stream| {
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf);
    });
    netkit()
        .args(["raw", "--tls", "-q", "127.0.0.1", &port.to_string()])
        .write_stdin("")
        .assert()
        .code(6)
        .stderr(refused(
            port,
            "the server closed the connection without a TLS answer (does it speak TLS?)",
        ));
}

#[test]
fn raw_tls_handshake_is_bounded_by_w() {
    let port = peer(|mut stream| {
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf);
        thread::sleep(std::time::Duration::from_secs(5));
    });
    netkit()
        .args([
            "raw",
            "--tls",
            "-q",
            "-w",
            "0.3",
            "127.0.0.1",
            &port.to_string(),
        ])
        .write_stdin("")
        .assert()
        .code(5)
        .stderr(format!(
            "netkit: TLS with 127.0.0.1:{port} failed: timed out\n"
        ));
}

#[test]
fn raw_tls_insecure_warns_even_when_quiet() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("self", &[]);
    let warning = "netkit: warning: --insecure: the certificate of 127.0.0.1 is not checked; \
                   anyone on the way can read and change this session\n";
    netkit()
        .args([
            "raw",
            "--tls",
            "--insecure",
            "-q",
            "127.0.0.1",
            &port.to_string(),
        ])
        .write_stdin("")
        .assert()
        .success()
        .stderr(warning);
    let (_server, port) = s_server("self", &[]);
    netkit()
        .args(["raw", "--tls", "--insecure", "127.0.0.1", &port.to_string()])
        .write_stdin("")
        .assert()
        .success()
        .stderr(predicates::str::contains(warning))
        .stderr(predicates::str::contains(
            "certificate: CN=self-made, self-signed, valid until ",
        ));
}

#[test]
fn raw_tls_sends_sni_for_a_name_only() {
    if !have("python3") {
        return;
    }
    let (mut server, port) = python_server("leaf", &[], false);
    let mut raw = Proc::netkit(&[
        "raw",
        "--tls",
        "-q",
        "--ca",
        &pki().cert("ca"),
        "localhost",
        &port.to_string(),
        "-4",
    ]);
    server.wait_stdout_contains("sni localhost\n");
    raw.write(b"ping\n");
    raw.wait_stdout_contains("echo ping\n");
    raw.close_stdin();
    assert!(raw.wait("netkit to exit").success(), "{}", raw.stderr());
    server.wait_stdout_contains("eof\n");
    server.wait("the Python server to exit");

    let (server, port) = python_server("leaf", &[], false);
    let mut raw = Proc::netkit(&[
        "raw",
        "--tls",
        "-q",
        "--ca",
        &pki().cert("ca"),
        "127.0.0.1",
        &port.to_string(),
    ]);
    server.wait_stdout_contains("sni none\n");
    raw.close_stdin();
    assert!(raw.wait("netkit to exit").success(), "{}", raw.stderr());
}

#[test]
fn raw_tls_takes_the_protocol_the_server_chooses() {
    if !have("python3") {
        return;
    }
    let (server, port) = python_server("leaf", &["h2", "http/1.1"], false);
    let mut raw = Proc::netkit(&[
        "raw",
        "--tls",
        "--ca",
        &pki().cert("ca"),
        "--alpn",
        "http/1.1",
        "127.0.0.1",
        &port.to_string(),
    ]);
    server.wait_stdout_contains("alpn http/1.1\n");
    raw.wait_stderr("the session line", |e| {
        e.contains("TLS 1.3, TLS13_AES_256_GCM_SHA384, ALPN http/1.1\n")
            .then_some(())
    });
    raw.close_stdin();
    assert!(raw.wait("netkit to exit").success(), "{}", raw.stderr());
}

#[test]
fn raw_tls_presents_a_client_certificate() {
    if !have("python3") {
        return;
    }
    let pki = pki();
    let (server, port) = python_server("leaf", &[], true);
    let (cert, key) = (pki.cert("client"), pki.key("client"));
    let mut raw = Proc::netkit(&[
        "raw",
        "--tls",
        "-q",
        "--ca",
        &pki.cert("ca"),
        "--cert",
        &cert,
        "--key",
        &key,
        "127.0.0.1",
        &port.to_string(),
    ]);
    server.wait_stdout_contains("client client.example\n");
    raw.write(b"hi\n");
    raw.wait_stdout_contains("echo hi\n");
    raw.close_stdin();
    assert!(raw.wait("netkit to exit").success(), "{}", raw.stderr());
}

#[test]
fn raw_tls_names_the_alert_for_a_missing_client_certificate() {
    if !have("python3") {
        return;
    }
    let (server, port) = python_server("leaf", &[], true);
    let mut raw = Proc::netkit(&[
        "raw",
        "--tls",
        "-q",
        "--ca",
        &pki().cert("ca"),
        "127.0.0.1",
        &port.to_string(),
    ]);
    server.wait_stdout_contains("failed");
    let status = raw.wait("netkit to exit");
    assert_eq!(status.code(), Some(6), "{}", raw.stderr());
    assert_eq!(
        raw.stderr(),
        refused(
            port,
            "the server sent alert certificate_required (it wants a client certificate: \
             --cert FILE --key FILE)"
        )
    );
}

#[test]
fn raw_tls_sends_close_notify_at_end_of_input_and_prints_the_rest() {
    let (port, server) = starttls_server(|_| true);
    netkit()
        .args(["raw", "--tls", "-q", "--ca", &pki().cert("ca"), "127.0.0.1"])
        .arg(port.to_string())
        .write_stdin("one\ntwo\n")
        .assert()
        .success()
        .stdout("echo one\necho two\nbye\n");
    assert_eq!(server.join().unwrap(), ["one", "two", "close_notify"]);
}

#[test]
fn raw_starttls_smtp_upgrades_after_ehlo() {
    let (port, server) = starttls_server(|reader| {
        let tcp = reader.get_mut();
        tcp.write_all(b"220-mail.test ESMTP\r\n220 ready\r\n")
            .unwrap();
        let ehlo = read_command(reader);
        assert!(ehlo.starts_with("EHLO [127.0.0.1]"), "{ehlo}");
        let tcp = reader.get_mut();
        tcp.write_all(b"250-mail.test\r\n250-STARTTLS\r\n250 SIZE 1000\r\n")
            .unwrap();
        assert_eq!(read_command(reader), "STARTTLS");
        reader.get_mut().write_all(b"220 go ahead\r\n").unwrap();
        true
    });
    netkit()
        .args(["raw", "--starttls", "smtp", "-q", "--ca", &pki().cert("ca")])
        .args(["127.0.0.1", &port.to_string()])
        .write_stdin("EHLO again\n")
        .assert()
        .success()
        .stdout("echo EHLO again\nbye\n");
    assert_eq!(server.join().unwrap(), ["EHLO again", "close_notify"]);
}

#[test]
fn raw_starttls_smtp_says_when_it_is_not_offered() {
    let (port, server) = starttls_server(|reader| {
        reader
            .get_mut()
            .write_all(b"220 mail.test ESMTP\r\n")
            .unwrap();
        read_command(reader);
        let tcp = reader.get_mut();
        tcp.write_all(b"250-mail.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n")
            .unwrap();
        let mut rest = String::new();
        let _ = reader.read_line(&mut rest);
        false
    });
    netkit()
        .args([
            "raw",
            "--starttls",
            "smtp",
            "-q",
            "127.0.0.1",
            &port.to_string(),
        ])
        .write_stdin("")
        .assert()
        .code(6)
        .stderr(refused(
            port,
            "the server does not offer STARTTLS (its EHLO reply lists \"PIPELINING, SIZE\")",
        ));
    assert_eq!(server.join().unwrap(), ["no upgrade"]);
}

#[test]
fn raw_starttls_imap_upgrades_after_a001_ok() {
    let (port, server) = starttls_server(|reader| {
        let greeting = b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n";
        reader.get_mut().write_all(greeting).unwrap();
        assert_eq!(read_command(reader), "a001 STARTTLS");
        reader
            .get_mut()
            .write_all(b"a001 OK Begin TLS negotiation now\r\n")
            .unwrap();
        true
    });
    netkit()
        .args(["raw", "--starttls", "imap", "-q", "--ca", &pki().cert("ca")])
        .args(["127.0.0.1", &port.to_string()])
        .write_stdin("a002 CAPABILITY\n")
        .assert()
        .success()
        .stdout("echo a002 CAPABILITY\nbye\n");
    assert_eq!(server.join().unwrap(), ["a002 CAPABILITY", "close_notify"]);
}

#[test]
fn raw_starttls_imap_quotes_a_refusal() {
    let (port, _server) = starttls_server(|reader| {
        reader.get_mut().write_all(b"* OK ready\r\n").unwrap();
        read_command(reader);
        let tcp = reader.get_mut();
        tcp.write_all(b"a001 BAD STARTTLS not supported\r\n")
            .unwrap();
        let mut rest = String::new();
        let _ = reader.read_line(&mut rest);
        false
    });
    netkit()
        .args([
            "raw",
            "--starttls",
            "imap",
            "-q",
            "127.0.0.1",
            &port.to_string(),
        ])
        .write_stdin("")
        .assert()
        .code(6)
        .stderr(refused(
            port,
            "the server refused STARTTLS: \"a001 BAD STARTTLS not supported\"",
        ));
}

#[test]
fn raw_tls_options_need_tls() {
    netkit()
        .args(["raw", "--sni", "x.example", "127.0.0.1", "443"])
        .assert()
        .code(2);
    netkit()
        .args(["raw", "--listen", "0", "--tls", "--insecure"])
        .assert()
        .code(2);
}

#[test]
fn raw_tls_bad_files_fail_before_connecting() {
    let (_socket, port) = crate::common::refused_addr();
    netkit()
        .args(["raw", "--tls", "--ca", "/nonexistent/ca.pem", "127.0.0.1"])
        .arg(port.to_string())
        .assert()
        .code(1)
        .stderr("netkit: cannot read /nonexistent/ca.pem: no such file or directory\n");
}

/// Reads `netkit raw --listen 0 --tls` up to its `Listening on` line: the fingerprint it
/// printed and the port.
fn listening(raw: &Proc) -> (String, u16) {
    raw.wait_stderr("the fingerprint and the Listening line", |err| {
        let print = err
            .lines()
            .find_map(|l| l.split_once("fingerprint").map(|(_, rest)| rest))?
            .rsplit(' ')
            .next()?
            .to_string();
        let port = err
            .lines()
            .find_map(|l| l.strip_prefix("Listening on 127.0.0.1 port "))?
            .trim_end_matches('.')
            .parse()
            .ok()?;
        Some((print, port))
    })
}

/// The SHA-256 fingerprint `openssl x509` prints for the PEM certificates in `text`.
fn openssl_fingerprint(text: &str) -> String {
    let start = text
        .find("-----BEGIN CERTIFICATE-----")
        .expect("a certificate");
    let end = text.find("-----END CERTIFICATE-----").expect("its end") + 25;
    let mut x509 = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    x509.stdin
        .take()
        .unwrap()
        .write_all(&text.as_bytes()[start..end])
        .unwrap();
    let out = x509.wait_with_output().unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    line.trim()
        .split_once('=')
        .expect("sha256 Fingerprint=...")
        .1
        .to_string()
}

#[test]
fn raw_listen_tls_shows_the_fingerprint_s_client_sees() {
    if !have("openssl") {
        return;
    }
    let mut raw = Proc::netkit(&["raw", "--listen", "0", "--bind", "127.0.0.1", "--tls"]);
    let (print, port) = listening(&raw);
    let mut client = Command::new("openssl");
    client.args([
        "s_client",
        "-connect",
        &format!("127.0.0.1:{port}"),
        "-showcerts",
    ]);
    let mut client = Proc::start(client);
    raw.wait_stderr("the session line", |e| {
        e.contains("TLS 1.3, ").then_some(())
    });
    client.write(b"from s_client\n");
    raw.wait_stdout_contains("from s_client\n");
    raw.write(b"from netkit\n");
    client.wait_stdout_contains("from netkit\n");
    assert_eq!(openssl_fingerprint(&client.stdout_text()), print);
    raw.close_stdin();
    client.close_stdin();
    assert!(raw.wait("netkit to exit").success(), "{}", raw.stderr());
    let stderr = raw.stderr();
    assert!(
        stderr.starts_with("certificate: CN=netkit ephemeral, self-signed, valid until "),
        "{stderr}"
    );
    assert!(
        stderr.contains("names: localhost, 127.0.0.1, ::1"),
        "{stderr}"
    );
}

#[test]
fn raw_listen_tls_serves_the_given_certificate() {
    let pki = pki();
    let mut raw = Proc::netkit(&[
        "raw",
        "--listen",
        "0",
        "--bind",
        "127.0.0.1",
        "--tls",
        "--cert",
        &pki.cert("leaf"),
        "--key",
        &pki.key("leaf"),
    ]);
    let (_, port) = listening(&raw);
    // netkit as the client: the server's certificate is verified against the CA
    let mut client = Proc::netkit(&[
        "raw",
        "--tls",
        "-q",
        "--ca",
        &pki.cert("ca"),
        "127.0.0.1",
        &port.to_string(),
    ]);
    client.write(b"hello\n");
    raw.wait_stdout_contains("hello\n");
    client.close_stdin();
    raw.close_stdin();
    assert!(
        raw.wait("the listener to exit").success(),
        "{}",
        raw.stderr()
    );
    assert!(
        client.wait("the client to exit").success(),
        "{}",
        client.stderr()
    );
    assert!(raw.stderr().starts_with(&leaf_line()), "{}", raw.stderr());
}

#[test]
fn raw_listen_tls_names_a_client_that_does_not_speak_tls() {
    let mut raw = Proc::netkit(&["raw", "--listen", "0", "--bind", "127.0.0.1", "--tls"]);
    let (_, port) = listening(&raw);
    let mut plain = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let local = plain.local_addr().unwrap();
    plain.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    let status = raw.wait("netkit to exit");
    assert_eq!(status.code(), Some(6), "{}", raw.stderr());
    assert!(
        raw.stderr().ends_with(&format!(
            "netkit: TLS with {local} failed: the client does not speak TLS (it sent \"GET / HTTP/1.0\")\n"
        )),
        "{}",
        raw.stderr()
    );
}

#[test]
fn probe_tls_shows_the_version_and_the_days_left() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("leaf", &[]);
    let days = (pki().leaf_not_after - now()).div_euclid(DAY);
    let out = netkit()
        .args(["probe", "--tls", "--ca", &pki().cert("ca"), "127.0.0.1"])
        .arg(port.to_string())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.starts_with(&format!("127.0.0.1 {port}/tcp open "))
            && stdout.ends_with(&format!(
                " ms, TLS 1.3, certificate expires in {days} days\n"
            )),
        "{stdout}"
    );
}

#[test]
fn probe_tls_failure_is_exit_6_with_the_reason() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("expired", &[]);
    let reason = format!("certificate expired on {}", date(pki().expired_not_after));
    netkit()
        .args(["probe", "--tls", "--ca", &pki().cert("ca"), "127.0.0.1"])
        .arg(port.to_string())
        .assert()
        .code(6)
        .stdout(format!("127.0.0.1 {port}/tcp open, TLS failed: {reason}\n"));
    let (_server, port) = s_server("expired", &[]);
    let out = netkit()
        .args([
            "probe",
            "--json",
            "--tls",
            "--ca",
            &pki().cert("ca"),
            "127.0.0.1",
        ])
        .arg(port.to_string())
        .assert()
        .code(6);
    let line: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(line["state"], "open");
    assert_eq!(line["tls"], serde_json::json!({ "error": reason }));
}

#[test]
fn probe_tls_json_has_version_and_days_left() {
    if !have("openssl") {
        return;
    }
    let (_server, port) = s_server("leaf", &[]);
    let out = netkit()
        .args([
            "probe",
            "--json",
            "--tls",
            "--ca",
            &pki().cert("ca"),
            "127.0.0.1",
        ])
        .arg(port.to_string())
        .assert()
        .success();
    let line: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let days = (pki().leaf_not_after - now()).div_euclid(DAY);
    assert_eq!(line["tls"]["version"], "TLS 1.3");
    assert_eq!(line["tls"]["days_left"], days);
    assert_eq!(line["tls"]["not_after"], date(pki().leaf_not_after));
}

#[test]
fn probe_tls_names_a_port_that_does_not_speak_tls() {
    let port = peer(|mut stream| {
        let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.6\r\n");
        let mut buf = [0u8; 512];
        let _ = stream.read(&mut buf);
    });
    netkit()
        .args(["probe", "--tls", "127.0.0.1", &port.to_string()])
        .assert()
        .code(6)
        .stdout(format!(
            "127.0.0.1 {port}/tcp open, TLS failed: the server does not speak TLS (it sent \
             \"SSH-2.0-OpenSSH_9.6\")\n"
        ));
}

#[test]
fn probe_starttls_checks_an_smtp_server() {
    let (port, _server) = starttls_server(|reader| {
        reader
            .get_mut()
            .write_all(b"220 mail.test ESMTP\r\n")
            .unwrap();
        read_command(reader);
        let tcp = reader.get_mut();
        tcp.write_all(b"250-mail.test\r\n250 STARTTLS\r\n").unwrap();
        assert_eq!(read_command(reader), "STARTTLS");
        reader.get_mut().write_all(b"220 go ahead\r\n").unwrap();
        true
    });
    let out = netkit()
        .args([
            "probe",
            "--starttls",
            "smtp",
            "--ca",
            &pki().cert("ca"),
            "127.0.0.1",
        ])
        .arg(port.to_string())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains(" ms, TLS 1.3, certificate expires in "),
        "{stdout}"
    );
}

#[test]
fn probe_tls_is_for_tcp_without_banner() {
    netkit()
        .args(["probe", "--tls", "-u", "127.0.0.1", "443"])
        .assert()
        .code(2);
    netkit()
        .args(["probe", "--tls", "--banner", "127.0.0.1", "443"])
        .assert()
        .code(2);
}

#[test]
fn raw_listen_tls_keep_open_survives_a_client_without_tls() {
    let mut raw = Proc::netkit(&["raw", "--listen", "0", "--bind", "127.0.0.1", "-k", "--tls"]);
    let (_, port) = listening(&raw);
    let mut plain = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let local = plain.local_addr().unwrap();
    plain.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    raw.wait_stderr("the line for the client without TLS", |err| {
        err.contains(&format!(
            "netkit: TLS with {local} failed: the client does not speak TLS (it sent \"GET / HTTP/1.0\")\n"
        ))
        .then_some(())
    });
    let mut client = Proc::netkit(&[
        "raw",
        "--tls",
        "--insecure",
        "-q",
        "127.0.0.1",
        &port.to_string(),
    ]);
    client.write(b"second\n");
    raw.wait_stdout_contains("second\n");
    client.close_stdin();
    raw.terminate();
    assert!(
        raw.wait("netkit to exit on SIGTERM").success(),
        "{}",
        raw.stderr()
    );
    client.wait("the client to exit");
}

/// A client that connects and says nothing gets `-w` (10 s without it) for its handshake; with
/// -k, its line follows, and the next client is served.
#[test]
fn raw_listen_tls_keep_open_times_out_a_silent_handshake() {
    let mut raw = Proc::netkit(&["raw", "--listen", "0", "--bind", "127.0.0.1", "-k", "--tls"]);
    let (_, port) = listening(&raw);
    let silent = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let local = silent.local_addr().unwrap();
    let mut client = Proc::netkit(&[
        "raw",
        "--tls",
        "--insecure",
        "-q",
        "127.0.0.1",
        &port.to_string(),
    ]);
    client.write(b"second\n");
    // the silent client's 10 s, and as long again for a loaded machine
    crate::common::wait_for(
        "the second client's line after the first one's handshake timed out",
        std::time::Duration::from_secs(30),
        || raw.stdout_text().contains("second\n").then_some(()),
    );
    let line = format!("netkit: TLS with {local} failed: timed out\n");
    assert!(raw.stderr().contains(&line), "{}", raw.stderr());
    client.close_stdin();
    raw.terminate();
    assert!(
        raw.wait("netkit to exit on SIGTERM").success(),
        "{}",
        raw.stderr()
    );
    client.wait("the client to exit");
    drop(silent);
}

/// SIGINT while a client's handshake is under way ends the listener (exit 0), however long
/// -w would let the handshake take.
#[test]
fn raw_listen_tls_keep_open_ends_on_sigint_during_a_handshake() {
    let mut raw = Proc::netkit(&[
        "raw",
        "--listen",
        "0",
        "--bind",
        "127.0.0.1",
        "-k",
        "--tls",
        "-w",
        "300",
    ]);
    let (_, port) = listening(&raw);
    let silent = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    raw.wait_stderr("the silent client's Connection line", |err| {
        err.contains("Connection from 127.0.0.1 port ")
            .then_some(())
    });
    raw.signal(libc::SIGINT);
    let status = raw.wait("netkit to exit on SIGINT during the handshake");
    assert!(status.success(), "{status}: {}", raw.stderr());
    drop(silent);
}

/// A client's first bytes that come in the same segment as its Finished are printed at once,
/// not when more arrives.
#[test]
fn raw_listen_tls_prints_data_that_came_with_the_handshake() {
    let pki = pki();
    let mut raw = Proc::netkit(&[
        "raw",
        "--listen",
        "0",
        "--bind",
        "127.0.0.1",
        "--tls",
        "--cert",
        &pki.cert("leaf"),
        "--key",
        &pki.key("leaf"),
    ]);
    let (_, port) = listening(&raw);
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut conn = rustls::ClientConnection::new(rustls_client(), name).unwrap();
    let mut tcp = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(crate::common::tls::LIMIT))
        .unwrap();
    for _ in 0..20 {
        if !conn.is_handshaking() {
            break;
        }
        while conn.wants_write() {
            conn.write_tls(&mut tcp).unwrap();
        }
        assert!(conn.read_tls(&mut tcp).unwrap() > 0, "the server closed");
        conn.process_new_packets().unwrap();
    }
    assert!(!conn.is_handshaking(), "the handshake never ended");
    // the Finished is queued, not sent: the line goes out with it, in one write
    conn.writer().write_all(b"with the finished\n").unwrap();
    while conn.wants_write() {
        conn.write_tls(&mut tcp).unwrap();
    }
    raw.wait_stdout_contains("with the finished\n");
    drop(tcp);
    raw.close_stdin();
    raw.wait("netkit to exit");
}
