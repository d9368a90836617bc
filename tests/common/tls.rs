//! TLS test material: certificates made for the test run (rcgen), and TLS peers to talk to:
//! `openssl s_server`, a Python `ssl` server, and rustls servers in the test process.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::thread::{self, JoinHandle};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use time::OffsetDateTime;

pub use super::process::{Proc, LIMIT};
use super::wait_for;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The certificates of the run, in files: a private CA and leaves it signed.
pub struct Pki {
    dir: PathBuf,
    /// When the `leaf` certificate expires (seconds since 1970).
    pub leaf_not_after: i64,
    /// When the `expired` certificate expired.
    pub expired_not_after: i64,
    /// When the `future` certificate becomes valid.
    pub future_not_before: i64,
}

impl Pki {
    /// `NAME.pem` (certificate) in the run's directory; `ca`, `other-ca`, `leaf` (localhost,
    /// 127.0.0.1, ::1), `other` (other.example), `expired`, `future`, `self` (self-signed
    /// for localhost and 127.0.0.1) and `client` (a client certificate from `ca`).
    pub fn cert(&self, name: &str) -> String {
        self.path(&format!("{name}.pem"))
    }

    /// `NAME.key`, the private key of `NAME.pem`.
    pub fn key(&self, name: &str) -> String {
        self.path(&format!("{name}.key"))
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).to_string_lossy().into_owned()
    }
}

/// The certificates, made once per test process.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(make_pki)
}

fn make_pki() -> Pki {
    let dir = std::env::temp_dir().join(format!("netkit-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let now = OffsetDateTime::now_utc();
    let ca = ca(&dir, "ca", "netkit test CA");
    ca_file(&dir, "other-ca", "another test CA");
    let hours = time::Duration::hours;
    let days = time::Duration::days;
    // an hour past a whole number of days, so "N days" does not change during the run
    let leaf_after = now + days(90) + hours(1);
    leaf(
        &dir,
        "leaf",
        &["localhost", "127.0.0.1", "::1"],
        now - days(1),
        leaf_after,
        &ca,
        false,
    );
    leaf(
        &dir,
        "other",
        &["other.example"],
        now - days(1),
        leaf_after,
        &ca,
        false,
    );
    let expired_after = now - days(30);
    leaf(
        &dir,
        "expired",
        &["localhost", "127.0.0.1"],
        now - days(400),
        expired_after,
        &ca,
        false,
    );
    let future_before = now + days(10);
    leaf(
        &dir,
        "future",
        &["localhost", "127.0.0.1"],
        future_before,
        now + days(100),
        &ca,
        false,
    );
    leaf(
        &dir,
        "client",
        &["client.example"],
        now - days(1),
        leaf_after,
        &ca,
        true,
    );
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "self-made");
    let cert = params.self_signed(&key).unwrap();
    write(&dir, "self", &cert.pem(), &key.serialize_pem());
    Pki {
        dir,
        leaf_not_after: leaf_after.unix_timestamp(),
        expired_not_after: expired_after.unix_timestamp(),
        future_not_before: future_before.unix_timestamp(),
    }
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

fn ca(dir: &Path, file: &str, name: &str) -> Issuer<'static, KeyPair> {
    let key = KeyPair::generate().unwrap();
    let params = ca_params(name);
    let cert = params.self_signed(&key).unwrap();
    write(dir, file, &cert.pem(), &key.serialize_pem());
    Issuer::new(params, key)
}

fn ca_file(dir: &Path, file: &str, name: &str) {
    ca(dir, file, name);
}

fn leaf(
    dir: &Path,
    file: &str,
    names: &[&str],
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    ca: &Issuer<'static, KeyPair>,
    client: bool,
) {
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names.clone()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, &names[0]);
    params.not_before = not_before;
    params.not_after = not_after;
    params.extended_key_usages = vec![match client {
        true => ExtendedKeyUsagePurpose::ClientAuth,
        false => ExtendedKeyUsagePurpose::ServerAuth,
    }];
    let cert = params.signed_by(&key, ca).unwrap();
    write(dir, file, &cert.pem(), &key.serialize_pem());
}

fn write(dir: &Path, name: &str, cert: &str, key: &str) {
    std::fs::write(dir.join(format!("{name}.pem")), cert).unwrap();
    std::fs::write(dir.join(format!("{name}.key")), key).unwrap();
}

/// `2027-03-01`, the UTC date of `secs` since 1970.
pub fn date(secs: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp(secs).unwrap();
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// `openssl s_server` on 127.0.0.1, port 0, for one connection, with `cert` and `extra`
/// options; returns it and its port (from its `ACCEPT` line).
pub fn s_server(cert: &str, extra: &[&str]) -> (Proc, u16) {
    let pki = pki();
    let mut command = Command::new("openssl");
    command.args([
        "s_server",
        "-accept",
        "127.0.0.1:0",
        "-naccept",
        "1",
        "-cert",
        &pki.cert(cert),
        "-key",
        &pki.key(cert),
    ]);
    command.args(extra);
    let server = Proc::start(command);
    let port = wait_for("s_server's ACCEPT line", LIMIT, || {
        let out = server.stdout_text();
        let line = out.lines().find(|l| l.starts_with("ACCEPT "))?;
        line.rsplit(':').next()?.trim().parse().ok()
    });
    (server, port)
}

/// A Python `ssl` server on 127.0.0.1, port 0, for one connection with `cert`, ALPN
/// `alpn`, and, with `client_ca`, a client certificate required. It prints `port N`, then
/// `sni NAME` (or `sni none`), `alpn P`, `client CN` when a certificate came, then
/// every line it receives as `got LINE`, answering each with `echo LINE`, and `eof` at the
/// end of data.
pub fn python_server(cert: &str, alpn: &[&str], client_ca: bool) -> (Proc, u16) {
    const SCRIPT: &str = r#"
import socket, ssl, sys
cert, key, alpn, ca = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if alpn:
    ctx.set_alpn_protocols(alpn.split(","))
if ca:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(ca)
names = []
ctx.sni_callback = lambda sock, name, c: names.append(name)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print("port", listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
try:
    tls = ctx.wrap_socket(conn, server_side=True)
except (ssl.SSLError, OSError) as err:
    print("sni", names[0] if names and names[0] else "none", flush=True)
    print("failed", err, flush=True)
    sys.exit(0)
print("sni", names[0] if names and names[0] else "none", flush=True)
print("alpn", tls.selected_alpn_protocol(), flush=True)
peer = tls.getpeercert()
if peer:
    cn = [v for rdn in peer["subject"] for (k, v) in rdn if k == "commonName"]
    print("client", cn[0], flush=True)
reader = tls.makefile("rb")
try:
    for line in reader:
        text = line.decode().rstrip("\n")
        print("got", text, flush=True)
        tls.sendall(("echo " + text + "\n").encode())
    print("eof", flush=True)
    tls.unwrap()
except (ssl.SSLError, OSError) as err:
    print("failed", err, flush=True)
"#;
    let pki = pki();
    let ca = if client_ca {
        pki.cert("ca")
    } else {
        String::new()
    };
    let mut command = Command::new("python3");
    command.args([
        "-c",
        SCRIPT,
        &pki.cert(cert),
        &pki.key(cert),
        &alpn.join(","),
        &ca,
    ]);
    let server = Proc::start(command);
    let port = wait_for("the Python server's port line", LIMIT, || {
        let out = server.stdout_text();
        out.lines()
            .find_map(|l| l.strip_prefix("port "))?
            .trim()
            .parse()
            .ok()
    });
    (server, port)
}

/// The rustls server configuration of `cert`, for servers written in the test.
pub fn rustls_server(cert: &str) -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let pki = pki();
    let chain = CertificateDer::pem_file_iter(pki.cert(cert))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(pki.key(cert)).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    Arc::new(config)
}

/// The rustls client configuration that trusts the run's CA, for clients written in the test.
pub fn rustls_client() -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(pki().cert("ca")).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// A server for one connection in a thread: `plaintext` speaks the greeting and the
/// upgrade on the socket (and says whether to go on), then, over TLS with `leaf`, each line
/// received is answered `echo LINE`; at close_notify it sends `bye` and closes. The handle
/// gives what it saw: the lines, then `close_notify`, or what went wrong.
pub fn starttls_server(
    plaintext: impl FnOnce(&mut BufReader<TcpStream>) -> bool + Send + 'static,
) -> (u16, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = rustls_server("leaf");
    let handle = thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(LIMIT)).unwrap();
        let mut reader = BufReader::new(tcp);
        if !plaintext(&mut reader) {
            return vec!["no upgrade".to_string()];
        }
        assert!(
            reader.buffer().is_empty(),
            "the client sent more before TLS"
        );
        let tcp = reader.into_inner();
        let conn = rustls::ServerConnection::new(config).unwrap();
        let mut tls = BufReader::new(rustls::StreamOwned::new(conn, tcp));
        let mut seen = Vec::new();
        loop {
            let mut line = String::new();
            match tls.read_line(&mut line) {
                Ok(0) => {
                    seen.push("close_notify".to_string());
                    let tls = tls.get_mut();
                    let _ = tls.write_all(b"bye\n");
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                    break;
                }
                Ok(_) => {
                    let text = line.trim_end().to_string();
                    let _ = tls.get_mut().write_all(format!("echo {text}\n").as_bytes());
                    seen.push(text);
                }
                Err(err) => {
                    seen.push(format!("error: {err}"));
                    break;
                }
            }
        }
        seen
    });
    (port, handle)
}

/// Reads one line from the client of a plaintext exchange, without its line ending.
pub fn read_command(reader: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    line.trim_end().to_string()
}
