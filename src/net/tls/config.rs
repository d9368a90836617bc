//! The rustls configurations: trust anchors, client and server certificates, ALPN, and the
//! ephemeral certificate of `raw --listen --tls`.
//!
//! The crypto provider is ring: it builds with the C compiler every Rust toolchain already
//! uses to link, where aws-lc-rs also wants cmake (and nasm on Windows) on some platforms.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use super::starttls::Protocol;
use super::verify::Checker;
use crate::error::{Error, Result};
use crate::net::trace::Trace;

/// How long an ephemeral certificate is valid: it lives as long as the process.
const EPHEMERAL_DAYS: i64 = 30;

/// A client's TLS as the user asked for it.
#[derive(Debug, Clone, Default)]
pub struct ClientSettings {
    /// The name SNI carries and the certificate is checked against: `--sni`, else HOST. An IP
    /// address is checked against the certificate's IP names and sends no SNI.
    pub name: String,
    /// PEM certificates trusted instead of the system store.
    pub ca: Option<PathBuf>,
    /// Take any certificate.
    pub insecure: bool,
    pub alpn: Vec<String>,
    /// A client certificate chain and its key (PEM).
    pub identity: Option<(PathBuf, PathBuf)>,
    pub starttls: Option<Protocol>,
}

/// A ready client side: built before connecting, so that a bad file fails before the network.
#[derive(Debug, Clone)]
pub struct Client {
    pub(super) config: Arc<ClientConfig>,
    pub(super) name: ServerName<'static>,
    pub(super) checker: Arc<Checker>,
    pub(super) starttls: Option<Protocol>,
    /// The ClientHello in words, for the trace.
    pub(super) hello: String,
}

impl Client {
    /// Loads the trust anchors (the system store, or `--ca`) and the client certificate.
    /// Unreadable files and an empty store are errors here (exit 1), not handshake failures.
    pub fn new(settings: &ClientSettings, trace: Trace) -> Result<Client> {
        let provider = provider();
        let name = ServerName::try_from(settings.name.clone()).map_err(|_| {
            Error::Failed(format!(
                "'{}' is not a host name a certificate can be checked against",
                settings.name
            ))
        })?;
        let (webpki, described) = match settings.insecure {
            true => (None, String::new()),
            false => {
                let (roots, described) = trust_anchors(settings.ca.as_deref())?;
                trace.step(format_args!("TLS: trusting {described}"));
                let verifier =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .build()
                        .map_err(|e| Error::Failed(format!("cannot use the trust anchors: {e}")))?;
                (Some(verifier), described)
            }
        };
        let checker = Arc::new(Checker::new(webpki, provider.clone(), described, trace));
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Failed(format!("cannot set up TLS: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(checker.clone());
        let mut config = match &settings.identity {
            Some((cert, key)) => {
                let (chain, key) = identity(cert, key)?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| key_mismatch(cert, &e))?
            }
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = settings
            .alpn
            .iter()
            .map(|p| p.clone().into_bytes())
            .collect();
        let sni = match &name {
            ServerName::DnsName(dns) => format!("SNI {}", dns.as_ref()),
            _ => "no SNI for an IP address".to_string(),
        };
        let alpn = match settings.alpn.is_empty() {
            true => String::new(),
            false => format!(", ALPN {}", settings.alpn.join(", ")),
        };
        Ok(Client {
            config: Arc::new(config),
            name,
            checker,
            starttls: settings.starttls,
            hello: format!("ClientHello ({sni}{alpn})"),
        })
    }
}

/// A server's TLS: its certificate (given, or made for this run) and ALPN.
#[derive(Debug, Clone)]
pub struct Server {
    pub(super) config: Arc<ServerConfig>,
    /// The server's own certificate, for its summary and fingerprint.
    pub certificate: CertificateDer<'static>,
    /// Made for this run: nobody vouches for it, its fingerprint is how to know it.
    pub ephemeral: bool,
}

impl Server {
    /// With `identity`, its chain and key (PEM); without, a self-signed certificate for
    /// `names` (host names and IP addresses) and a fresh ECDSA P-256 key.
    pub fn new(
        identity: Option<(&Path, &Path)>,
        names: &[String],
        alpn: &[String],
    ) -> Result<Server> {
        let (chain, key, ephemeral) = match identity {
            Some((cert, key)) => {
                let (chain, key) = self::identity(cert, key)?;
                (chain, key, false)
            }
            None => {
                let (cert, key) = ephemeral(names)?;
                (vec![cert], key, true)
            }
        };
        let certificate = chain[0].clone();
        let mut config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Failed(format!("cannot set up TLS: {e}")))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| match identity {
                Some((cert, _)) => key_mismatch(cert, &e),
                None => Error::Failed(format!("cannot use the ephemeral certificate: {e}")),
            })?;
        config.alpn_protocols = alpn.iter().map(|p| p.clone().into_bytes()).collect();
        Ok(Server {
            config: Arc::new(config),
            certificate,
            ephemeral,
        })
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The roots to check servers against, and how the trace names them.
fn trust_anchors(ca: Option<&Path>) -> Result<(RootCertStore, String)> {
    let mut roots = RootCertStore::empty();
    match ca {
        Some(path) => {
            let certs = certificates(path)?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(Error::Failed(format!(
                    "{} holds no certificate that can be a trust anchor",
                    path.display()
                )));
            }
            Ok((roots, format!("{} ({added} from --ca)", path.display())))
        }
        None => {
            // certificates the store cannot parse are skipped, as every TLS client does
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(Error::Failed(
                    "no trusted certificates in the system store: install ca-certificates, or \
                     give --ca FILE"
                        .into(),
                ));
            }
            Ok((
                roots,
                format!("the system trust store ({added} certificates)"),
            ))
        }
    }
}

/// Every certificate in a PEM file; none is an error.
fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = read(path)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Failed(format!("{} is not valid PEM: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(Error::Failed(format!(
            "{} holds no PEM certificate",
            path.display()
        )));
    }
    Ok(certs)
}

/// A certificate chain and its private key (PKCS#8, PKCS#1 or SEC1), from PEM files.
fn identity(
    cert: &Path,
    key: &Path,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
    let chain = certificates(cert)?;
    let pem = read(key)?;
    let key = PrivateKeyDer::from_pem_slice(&pem)
        .map_err(|_| Error::Failed(format!("{} holds no PEM private key", key.display())))?;
    Ok((chain, key))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(format!("cannot read {}", path.display()), e))
}

fn key_mismatch(cert: &Path, err: &rustls::Error) -> Error {
    Error::Failed(format!(
        "cannot use {} with that key: {}",
        cert.display(),
        super::verify::words(err, super::verify::Peer::Server, true)
    ))
}

/// A self-signed certificate for `names`, valid from a day ago (clocks differ) for
/// `EPHEMERAL_DAYS`.
fn ephemeral(names: &[String]) -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>)> {
    let failed = |e: rcgen::Error| Error::Failed(format!("cannot make a certificate: {e}"));
    let mut params = rcgen::CertificateParams::new(names.to_vec()).map_err(failed)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "netkit ephemeral");
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(EPHEMERAL_DAYS);
    let key = rcgen::KeyPair::generate().map_err(failed)?;
    let cert = params.self_signed(&key).map_err(failed)?;
    let key = PrivateKeyDer::try_from(key.serialize_der())
        .map_err(|e| Error::Failed(format!("cannot use the ephemeral key: {e}")))?;
    Ok((cert.der().clone(), key))
}

/// The names of an ephemeral certificate: localhost, the loopback addresses, this machine's
/// host name, and the address bound when it is not a wildcard.
pub fn ephemeral_names(bind: Option<&str>) -> Vec<String> {
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    if let Some(host) = host_name() {
        names.push(host);
    }
    if let Some(bind) = bind {
        let bare = crate::net::addr::bare_host(bind);
        match bare.parse::<IpAddr>() {
            Ok(ip) if ip.is_unspecified() => {}
            Ok(ip) => names.push(ip.to_string()),
            Err(_) => names.push(bare.to_string()),
        }
    }
    let mut unique = Vec::new();
    for name in names {
        if !unique.contains(&name) && usable_name(&name) {
            unique.push(name);
        }
    }
    unique
}

/// A DNS name rcgen can write into a certificate (an IP address is one too).
fn usable_name(name: &str) -> bool {
    name.parse::<IpAddr>().is_ok()
        || (!name.is_empty()
            && name.len() <= 253
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'))
}

/// This machine's host name (gethostname(2)), if it has a usable one.
fn host_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the pointer and length describe a live local buffer; gethostname writes at
    // most that many bytes
    let done = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if done != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0)?;
    let name = std::str::from_utf8(&buf[..end]).ok()?.to_string();
    (!name.is_empty() && name != "localhost").then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ephemeral_names_skip_wildcards_and_repeats() {
        let names = ephemeral_names(Some("::"));
        assert_eq!(&names[..3], ["localhost", "127.0.0.1", "::1"]);
        assert!(!names.contains(&"::".to_string()));
        let names = ephemeral_names(Some("127.0.0.2"));
        assert!(names.contains(&"127.0.0.2".to_string()));
        assert_eq!(
            ephemeral_names(Some("127.0.0.1"))
                .iter()
                .filter(|n| *n == "127.0.0.1")
                .count(),
            1
        );
    }

    #[test]
    fn an_ephemeral_server_certificate_names_its_hosts() {
        let server = Server::new(None, &ephemeral_names(None), &[]).unwrap();
        assert!(server.ephemeral);
        let cert = super::super::summary::Certificate::parse(&server.certificate).unwrap();
        let line = cert.line(jiff::Timestamp::now().as_second());
        assert!(line.starts_with("certificate: CN=netkit ephemeral, self-signed, valid until "));
        assert!(line.contains("names: localhost, 127.0.0.1, ::1"), "{line}");
    }
}
