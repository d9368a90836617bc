//! Checking the server's certificate, and every TLS failure told in words.

use std::fmt;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{AlertDescription, CertificateError, DigitallySignedStruct, Error, SignatureScheme};

use super::summary;
use crate::net::trace::Trace;

/// Who is at the other end, for the words of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    Server,
    Client,
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Peer::Server => "server",
            Peer::Client => "client",
        })
    }
}

/// The verifier of a client: the WebPKI checks against `roots` (or none, `--insecure`),
/// narrated under `--trace`, remembering what a bare rustls error cannot say (that a
/// certificate of an unknown issuer is self-signed).
#[derive(Debug)]
pub struct Checker {
    webpki: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    /// The trust anchors in words, for the trace: `the system trust store (140 certificates)`.
    roots: String,
    trace: Trace,
    /// The leaf of the last chain seen, and whether it came alone: what a refusal quotes.
    leaf: Mutex<Option<(summary::Certificate, bool)>>,
}

impl Checker {
    /// `webpki` is `None` under `--insecure`: any certificate is taken, but the handshake's
    /// signatures are still checked with it, so the session is at least with its holder.
    pub fn new(
        webpki: Option<Arc<WebPkiServerVerifier>>,
        provider: Arc<CryptoProvider>,
        roots: String,
        trace: Trace,
    ) -> Checker {
        Checker {
            webpki,
            provider,
            roots,
            trace,
            leaf: Mutex::new(None),
        }
    }

    /// A refused certificate in words, with what the certificate itself says: the names it
    /// is for, or that it is self-signed (which rustls reports as an unknown issuer).
    pub fn refusal(&self, err: &CertificateError) -> String {
        let leaf = self.leaf.lock().ok().and_then(|leaf| leaf.clone());
        match (err, leaf) {
            (CertificateError::UnknownIssuer, Some((leaf, true))) if leaf.self_signed() => {
                "certificate is not trusted (self-signed)".into()
            }
            (
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
                Some((leaf, _)),
            ) => match leaf.names().is_empty() {
                true => "name mismatch: certificate names no host".into(),
                false => format!(
                    "name mismatch: certificate is for {}",
                    leaf.names().join(", ")
                ),
            },
            (err, _) => certificate_words(err),
        }
    }
}

impl ServerCertVerifier for Checker {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let leaf = summary::Certificate::parse(end_entity);
        self.trace.step(format_args!(
            "TLS: the server sent {} certificate{}; its own: {}",
            intermediates.len() + 1,
            if intermediates.is_empty() { "" } else { "s" },
            leaf.as_ref().map_or("unreadable".into(), |c| c.identity())
        ));
        if let Ok(mut last) = self.leaf.lock() {
            *last = leaf.map(|leaf| (leaf, intermediates.is_empty()));
        }
        let Some(webpki) = &self.webpki else {
            self.trace.step("TLS: certificate not checked (--insecure)");
            return Ok(ServerCertVerified::assertion());
        };
        let checked =
            webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        if checked.is_ok() {
            self.trace.step(format_args!(
                "TLS: certificate verified for {} against {}",
                server_name.to_str(),
                self.roots
            ));
        }
        checked
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A rustls failure in words: `certificate is not trusted (unknown issuer)`, `the server sent
/// alert handshake_failure`. `spoke_tls` says whether the peer got as far as a TLS answer;
/// before that, a broken message means it speaks something else.
pub fn words(err: &Error, peer: Peer, spoke_tls: bool) -> String {
    match err {
        Error::InvalidCertificate(err) => certificate_words(err),
        Error::AlertReceived(AlertDescription::CertificateRequired) => format!(
            "the {peer} sent alert certificate_required (it wants a client certificate: --cert FILE --key FILE)"
        ),
        Error::AlertReceived(alert) => format!("the {peer} sent alert {}", alert_name(*alert)),
        Error::InvalidMessage(_)
        | Error::InappropriateMessage { .. }
        | Error::InappropriateHandshakeMessage { .. }
            if !spoke_tls =>
        {
            format!("the {peer} does not speak TLS")
        }
        Error::InvalidMessage(what) => format!(
            "the {peer} broke the TLS protocol ({})",
            spaced(&format!("{what:?}"))
        ),
        Error::InappropriateMessage { got_type, .. } => format!(
            "the {peer} broke the TLS protocol (unexpected {} message)",
            spaced(&format!("{got_type:?}"))
        ),
        Error::InappropriateHandshakeMessage { got_type, .. } => format!(
            "the {peer} broke the TLS protocol (unexpected {} message)",
            spaced(&format!("{got_type:?}"))
        ),
        Error::PeerMisbehaved(what) => format!(
            "the {peer} broke the TLS protocol ({})",
            spaced(&format!("{what:?}"))
        ),
        Error::PeerIncompatible(what) => format!(
            "the {peer} and netkit have no TLS version or parameters in common ({})",
            spaced(&format!("{what:?}"))
        ),
        Error::NoCertificatesPresented => format!("the {peer} sent no certificate"),
        Error::DecryptError => format!("cannot decrypt what the {peer} sent"),
        Error::PeerSentOversizedRecord => format!("the {peer} sent an oversized record"),
        Error::NoApplicationProtocol => {
            format!("the {peer} speaks none of the application protocols offered (--alpn)")
        }
        Error::General(text) => text.clone(),
        other => spaced(&other.to_string()),
    }
}

/// A refused certificate in words, with the dates and names that make it refused.
pub fn certificate_words(err: &CertificateError) -> String {
    match err {
        CertificateError::UnknownIssuer => "certificate is not trusted (unknown issuer)".into(),
        CertificateError::ExpiredContext { not_after, .. } => {
            format!(
                "certificate expired on {}",
                summary::date(not_after.as_secs())
            )
        }
        CertificateError::Expired => "certificate expired".into(),
        CertificateError::NotValidYetContext { not_before, .. } => format!(
            "certificate is not yet valid (valid from {})",
            summary::date(not_before.as_secs())
        ),
        CertificateError::NotValidYet => "certificate is not yet valid".into(),
        CertificateError::NotValidForNameContext { presented, .. } if presented.is_empty() => {
            "name mismatch: certificate names no host".into()
        }
        CertificateError::NotValidForNameContext { presented, .. } => {
            let names: Vec<&str> = presented.iter().map(|name| undebug(name)).collect();
            format!("name mismatch: certificate is for {}", names.join(", "))
        }
        CertificateError::NotValidForName => "name mismatch".into(),
        CertificateError::BadSignature => "certificate has a bad signature".into(),
        CertificateError::BadEncoding => "certificate is malformed".into(),
        CertificateError::Revoked => "certificate is revoked".into(),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "certificate is not meant for this use".into()
        }
        CertificateError::UnhandledCriticalExtension => {
            "certificate has a critical extension netkit does not know".into()
        }
        CertificateError::Other(other) => format!("certificate refused: {}", other.0),
        other => format!("certificate refused ({})", spaced(&format!("{other:?}"))),
    }
}

/// webpki lists a certificate's names in their Debug form, `DnsName("a.example")`; the name.
fn undebug(name: &str) -> &str {
    let inner = name
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or(name);
    inner.trim_matches('"')
}

/// An alert's name as the RFCs write it: `UnknownCA` → `unknown_ca`.
pub fn alert_name(alert: AlertDescription) -> String {
    match alert.as_str() {
        Some(name) => split_words(name).join("_"),
        None => format!("{}", u8::from(alert)),
    }
}

/// A CamelCase name as lowercase words: `HandshakeFailure` → `handshake failure`; anything
/// after a `(` or `{` (the fields of a Debug form) is dropped.
fn spaced(name: &str) -> String {
    let head = name.split(['(', '{']).next().unwrap_or(name).trim();
    split_words(head).join(" ")
}

/// `UnknownPSKIdentity` → `unknown`, `psk`, `identity`: a word starts at a capital after a
/// small letter, or at the last capital of a run that a small letter follows.
fn split_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let starts = c.is_uppercase()
            && i > 0
            && (chars[i - 1].is_lowercase()
                || chars[i - 1].is_ascii_digit()
                || (chars[i - 1].is_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_lowercase())));
        if (starts || c == ' ' || c == '_') && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c != ' ' && c != '_' {
            word.extend(c.to_lowercase());
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_named_as_the_rfcs_do() {
        assert_eq!(alert_name(AlertDescription::UnknownCA), "unknown_ca");
        assert_eq!(
            alert_name(AlertDescription::HandshakeFailure),
            "handshake_failure"
        );
        assert_eq!(
            alert_name(AlertDescription::UnknownPSKIdentity),
            "unknown_psk_identity"
        );
        assert_eq!(alert_name(AlertDescription::Unknown(200)), "200");
    }

    #[test]
    fn failures_are_words_not_debug() {
        let bad = Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        assert_eq!(
            words(&bad, Peer::Server, false),
            "the server does not speak TLS"
        );
        assert_eq!(
            words(&bad, Peer::Server, true),
            "the server broke the TLS protocol (invalid content type)"
        );
        let mismatch = Error::InvalidCertificate(CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("a.example").unwrap(),
            presented: vec!["DnsName(\"other.example\")".into(), "127.0.0.1".into()],
        });
        assert_eq!(
            words(&mismatch, Peer::Server, true),
            "name mismatch: certificate is for other.example, 127.0.0.1"
        );
        let expired = CertificateError::ExpiredContext {
            time: UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_800_000_000)),
            not_after: UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_767_225_600)),
        };
        assert_eq!(
            certificate_words(&expired),
            "certificate expired on 2026-01-01"
        );
    }
}
