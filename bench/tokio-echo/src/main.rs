//! Reference tokio servers for the netkit benchmarks.
//!
//!   tokio-echo echo PORT      echo server on 127.0.0.1:PORT
//!   tokio-echo daytime PORT   RFC 867 daytime server on 127.0.0.1:PORT
//!
//! This is intentionally the idiomatic, minimal tokio server (the shape of
//! tokio's own `examples/echo.rs`): multi-thread runtime, one spawned task per
//! connection, a 4 KiB heap buffer per connection. It is the "what you get
//! for free with tokio" baseline that netkit is compared against, so do not
//! optimise it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 || !(args[1] == "echo" || args[1] == "daytime") {
        eprintln!("usage: tokio-echo echo|daytime PORT");
        std::process::exit(2);
    }
    let port: u16 = match args[2].parse() {
        Ok(p) => p,
        Err(_) => {
            eprintln!("tokio-echo: bad port {:?}", args[2]);
            std::process::exit(2);
        }
    };
    let listener = match TcpListener::bind(("127.0.0.1", port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("tokio-echo: bind 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    eprintln!(
        "tokio-echo: {} listening on {}",
        args[1],
        listener.local_addr().unwrap()
    );
    if args[1] == "echo" {
        serve_echo(listener).await
    } else {
        serve_daytime(listener).await
    }
}

async fn accept(listener: &TcpListener) -> tokio::net::TcpStream {
    loop {
        match listener.accept().await {
            Ok((s, _)) => return s,
            // The tokio example uses `?` here and would exit on EMFILE or
            // ECONNABORTED; a benchmark reference must survive those, so back
            // off briefly instead of dying mid-run.
            Err(e) => {
                eprintln!("tokio-echo: accept: {e}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

async fn serve_echo(listener: TcpListener) -> ! {
    loop {
        let mut socket = accept(&listener).await;
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            loop {
                let n = match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                if socket.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        });
    }
}

async fn serve_daytime(listener: TcpListener) -> ! {
    loop {
        let mut socket = accept(&listener).await;
        tokio::spawn(async move {
            let line = daytime_line(SystemTime::now());
            let _ = socket.write_all(line.as_bytes()).await;
            // Dropping the socket closes it: the server closes first, so the
            // TIME_WAIT lands here and not on the load generator's ports.
        });
    }
}

/// ctime(3)-style UTC line, e.g. "Tue Nov 25 12:51:00 2025\r\n".
/// Hand-rolled to keep the reference free of date crates.
fn daytime_line(now: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}\r\n",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        d,
        sod / 3600,
        (sod / 60) % 60,
        sod % 60,
        y
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctime_format() {
        // 2025-11-25T12:51:00Z was a Tuesday.
        let t = UNIX_EPOCH + Duration::from_secs(1_764_075_060);
        assert_eq!(daytime_line(t), "Tue Nov 25 12:51:00 2025\r\n");
        assert_eq!(daytime_line(UNIX_EPOCH), "Thu Jan  1 00:00:00 1970\r\n");
    }
}
