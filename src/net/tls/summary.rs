//! The session and certificate lines a person reads after the handshake.

use std::net::IpAddr;

use rustls::pki_types::CertificateDer;
use x509_parser::extensions::GeneralName;
use x509_parser::x509::X509Name;

/// Seconds in a day, for "days left".
const DAY: i64 = 86_400;

/// `TLS 1.3, TLS13_AES_256_GCM_SHA384, ALPN http/1.1` (no ALPN part when none was agreed).
pub fn session(conn: &rustls::CommonState) -> String {
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_string(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_string(),
        Some(other) => format!("{other:?}"),
        None => "TLS".to_string(),
    };
    let mut line = version;
    if let Some(suite) = conn.negotiated_cipher_suite() {
        let suite = suite.suite();
        line.push_str(", ");
        match suite.as_str() {
            Some(name) => line.push_str(name),
            None => line.push_str(&format!("cipher suite {:#06x}", u16::from(suite))),
        }
    }
    if let Some(alpn) = conn.alpn_protocol() {
        line.push_str(", ALPN ");
        line.push_str(&String::from_utf8_lossy(alpn));
    }
    line
}

/// What the summary shows of a certificate, read with x509-parser.
#[derive(Debug, Clone)]
pub struct Certificate {
    subject: String,
    issuer: String,
    self_signed: bool,
    not_before: i64,
    not_after: i64,
    names: Vec<String>,
}

impl Certificate {
    /// `None` when the DER is not a certificate x509-parser can read.
    pub fn parse(der: &CertificateDer<'_>) -> Option<Certificate> {
        let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
        let mut names = Vec::new();
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for name in &san.value.general_names {
                match name {
                    GeneralName::DNSName(dns) => names.push(dns.to_string()),
                    GeneralName::IPAddress(bytes) => {
                        if let Some(ip) = ip_of(bytes) {
                            names.push(ip.to_string());
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(Certificate {
            subject: name_of(cert.subject()),
            issuer: name_of(cert.issuer()),
            self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            names,
        })
    }

    /// Subject and issuer the same: nobody vouches for it but itself.
    pub fn self_signed(&self) -> bool {
        self.self_signed
    }

    /// Its DNS names and IP addresses (subjectAltName).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// `CN=example.org, issued by CN=Example CA` (or `CN=x, self-signed`).
    pub fn identity(&self) -> String {
        match self.self_signed {
            true => format!("{}, self-signed", self.subject),
            false => format!("{}, issued by {}", self.subject, self.issuer),
        }
    }

    /// `certificate: CN=example.org, issued by CN=Example CA, valid until 2027-03-01 (90 days),
    /// names: example.org, www.example.org`, as of `now` (seconds since 1970).
    pub fn line(&self, now: i64) -> String {
        let days = (self.not_after - now).div_euclid(DAY);
        let left = match days {
            _ if self.not_after < now => {
                let ago = (now - self.not_after).div_euclid(DAY);
                format!("expired {ago} day{} ago", plural(ago))
            }
            _ if self.not_before > now => {
                format!("not valid before {}", date(self.not_before))
            }
            days => format!("{days} day{}", plural(days)),
        };
        let mut line = format!(
            "certificate: {}, valid until {} ({left})",
            self.identity(),
            date(self.not_after)
        );
        if !self.names.is_empty() {
            line.push_str(", names: ");
            line.push_str(&self.names.join(", "));
        }
        line
    }

    /// When it expires, in seconds since 1970.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    /// Whole days from `now` until the certificate expires, negative once it has.
    pub fn days_left(&self, now: i64) -> i64 {
        (self.not_after - now).div_euclid(DAY)
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `CN=example.org` when the name has a common name, else the whole name
/// (`O=Example, C=NL`); the other parts of a name with a CN would only crowd the line.
fn name_of(name: &X509Name<'_>) -> String {
    let common = name
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok());
    match common {
        Some(cn) => format!("CN={cn}"),
        None => {
            let whole = name.to_string();
            if whole.is_empty() {
                "an empty name".into()
            } else {
                whole
            }
        }
    }
}

fn ip_of(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from),
        _ => None,
    }
}

/// `2027-03-01`: the UTC date of `secs` since 1970.
pub fn date(secs: impl TryInto<i64>) -> String {
    let secs = secs.try_into().unwrap_or(i64::MAX);
    match jiff::Timestamp::from_second(secs) {
        Ok(at) => at.strftime("%Y-%m-%d").to_string(),
        Err(_) => format!("{secs} s after 1970"),
    }
}

/// The SHA-256 fingerprint of a certificate as openssl prints it: `AB:CD:...`.
pub fn fingerprint(der: &CertificateDer<'_>) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der.as_ref());
    let hex: Vec<String> = digest.as_ref().iter().map(|b| format!("{b:02X}")).collect();
    hex.join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(not_before: i64, not_after: i64) -> Certificate {
        Certificate {
            subject: "CN=example.org".into(),
            issuer: "CN=Example CA".into(),
            self_signed: false,
            not_before,
            not_after,
            names: vec!["example.org".into(), "127.0.0.1".into()],
        }
    }

    #[test]
    fn the_line_has_the_days_left() {
        let now = 1_780_000_000;
        assert_eq!(
            cert(0, now + 90 * DAY + 5).line(now),
            format!(
                "certificate: CN=example.org, issued by CN=Example CA, valid until {} (90 days), \
                 names: example.org, 127.0.0.1",
                date(now + 90 * DAY + 5)
            )
        );
        assert!(cert(0, now - 3 * DAY)
            .line(now)
            .contains("(expired 3 days ago)"));
        assert!(cert(now + DAY, now + 9 * DAY)
            .line(now)
            .contains("(not valid before"));
    }

    #[test]
    fn dates_are_utc_days() {
        assert_eq!(date(1_767_225_600), "2026-01-01");
    }
}
