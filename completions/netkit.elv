
use builtin;
use str;

set edit:completion:arg-completer[netkit] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'netkit'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'netkit'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand daytime 'Daytime protocol (RFC 867): serve the time as one line, or ask a server for it'
            cand discard 'Discard protocol (RFC 863): a server that reads everything and answers nothing'
            cand echo 'Echo protocol (RFC 862): serve, send messages, or measure an echo server'
            cand chargen 'Character generator (RFC 864): a server that sends lines of text for as long as the client reads'
            cand time 'Time protocol (RFC 868): serve the time as four bytes, or ask a server for it'
            cand serve 'Serve several of inetd''s internal services (echo, discard, daytime, chargen, time) from one process'
            cand raw 'Talk to any TCP, UDP or Unix-socket service by hand or from a script, like telnet or nc'
            cand relay 'Forward every connection to another host and port, and show what goes through if asked: socat TCP-LISTEN:P,fork TCP:HOST:PORT (with -v) without a process per connection'
            cand probe 'Check which ports are open, or wait until they are: connect and close at once, like nc -z'
            cand completions 'Print a shell completion script to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;daytime'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Serve the current time: one line to each client, then close'
            cand get 'Ask a daytime server for the time and print its answer'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;daytime;serve'= {
            cand -p 'Port number or service name [default: 13]'
            cand --port 'Port number or service name [default: 13]'
            cand --format 'How to write the time: ctime, rfc2822, rfc3339, nist, or a `time` format description such as "[year]-[month]-[day] [hour]:[minute]:[second]"'
            cand --bind 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]'
            cand --backlog 'Length of the queue of connections waiting to be accepted (capped by the OS)'
            cand --max-connections 'Close new connections at once beyond this many open ones'
            cand --max-per-source 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)'
            cand --udp-rate 'UDP replies allowed per source address per second'
            cand --threads 'Event loops (threads) serving connections [default: one per core but one, at least 1]'
            cand --utc 'Write UTC instead of local time (local time honours TZ)'
            cand --tcp 'Serve TCP (the default unless --udp is given)'
            cand --udp 'Serve UDP (together with --tcp for both on the same port)'
            cand --inetd 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
            cand -q 'Log only warnings and errors'
            cand --quiet 'Log only warnings and errors'
            cand -v 'Also log debug events'
            cand --verbose 'Also log debug events'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;daytime;get'= {
            cand -w 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended'
            cand --wait 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended'
            cand --udp 'Ask over UDP: one empty datagram, then wait for the reply'
            cand --offset 'Also print the offset of the server''s clock from the local clock'
            cand -4 'Use IPv4 addresses only'
            cand -6 'Use IPv6 addresses only'
            cand --trace 'Narrate the socket''s life on stderr, step by step'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;daytime;help'= {
            cand serve 'Serve the current time: one line to each client, then close'
            cand get 'Ask a daytime server for the time and print its answer'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;daytime;help;serve'= {
        }
        &'netkit;daytime;help;get'= {
        }
        &'netkit;daytime;help;help'= {
        }
        &'netkit;discard'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Read and drop whatever clients send; send nothing back'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;discard;serve'= {
            cand -p 'Port number or service name [default: 9]'
            cand --port 'Port number or service name [default: 9]'
            cand --idle-timeout 'Close a connection after SECS seconds without traffic (0: never)'
            cand --bind 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]'
            cand --backlog 'Length of the queue of connections waiting to be accepted (capped by the OS)'
            cand --max-connections 'Close new connections at once beyond this many open ones'
            cand --max-per-source 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)'
            cand --udp-rate 'UDP replies allowed per source address per second'
            cand --threads 'Event loops (threads) serving connections [default: one per core but one, at least 1]'
            cand --tcp 'Serve TCP (the default unless --udp is given)'
            cand --udp 'Serve UDP (together with --tcp for both on the same port)'
            cand --inetd 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
            cand -q 'Log only warnings and errors'
            cand --quiet 'Log only warnings and errors'
            cand -v 'Also log debug events'
            cand --verbose 'Also log debug events'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;discard;help'= {
            cand serve 'Read and drop whatever clients send; send nothing back'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;discard;help;serve'= {
        }
        &'netkit;discard;help;help'= {
        }
        &'netkit;echo'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Send every byte received back to its sender'
            cand send 'Send messages to an echo server and print what comes back'
            cand bench 'Measure an echo server: many connections, verified replies, rates and latency'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;echo;serve'= {
            cand -p 'Port number or service name [default: 7]'
            cand --port 'Port number or service name [default: 7]'
            cand --idle-timeout 'Close a connection after SECS seconds without traffic (0: never)'
            cand --bind 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]'
            cand --backlog 'Length of the queue of connections waiting to be accepted (capped by the OS)'
            cand --max-connections 'Close new connections at once beyond this many open ones'
            cand --max-per-source 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)'
            cand --udp-rate 'UDP replies allowed per source address per second'
            cand --threads 'Event loops (threads) serving connections [default: one per core but one, at least 1]'
            cand --tcp 'Serve TCP (the default unless --udp is given)'
            cand --udp 'Serve UDP (together with --tcp for both on the same port)'
            cand --inetd 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
            cand -q 'Log only warnings and errors'
            cand --quiet 'Log only warnings and errors'
            cand -v 'Also log debug events'
            cand --verbose 'Also log debug events'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;echo;send'= {
            cand -c 'Send the message N times and print each round-trip time, like ping; Ctrl-C stops early with the summary'
            cand --count 'Send the message N times and print each round-trip time, like ping; Ctrl-C stops early with the summary'
            cand -i 'Wait SECS seconds between messages with --count'
            cand --interval 'Wait SECS seconds between messages with --count'
            cand -w 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended'
            cand --wait 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended'
            cand --udp 'Send over UDP'
            cand -4 'Use IPv4 addresses only'
            cand -6 'Use IPv6 addresses only'
            cand --trace 'Narrate the socket''s life on stderr, step by step'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;echo;bench'= {
            cand -n 'Connections to open'
            cand --connections 'Connections to open'
            cand -s 'Bytes in each message'
            cand --size 'Bytes in each message'
            cand -d 'How long to measure'
            cand --duration 'How long to measure'
            cand --depth 'Messages in flight on each connection'
            cand -w 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended'
            cand --wait 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended'
            cand --json 'Print the result as one JSON object'
            cand --udp 'Measure over UDP: a socket per connection, a datagram per message (at most 65507 bytes); an echo missing after 1 s is counted lost, not a failure'
            cand -4 'Use IPv4 addresses only'
            cand -6 'Use IPv6 addresses only'
            cand --trace 'Narrate the socket''s life on stderr, step by step'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;echo;help'= {
            cand serve 'Send every byte received back to its sender'
            cand send 'Send messages to an echo server and print what comes back'
            cand bench 'Measure an echo server: many connections, verified replies, rates and latency'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;echo;help;serve'= {
        }
        &'netkit;echo;help;send'= {
        }
        &'netkit;echo;help;bench'= {
        }
        &'netkit;echo;help;help'= {
        }
        &'netkit;chargen'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Send RFC 864''s rotating lines to each client, as fast as it reads them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;chargen;serve'= {
            cand -p 'Port number or service name [default: 19]'
            cand --port 'Port number or service name [default: 19]'
            cand --idle-timeout 'Close a connection after SECS seconds in which the client took nothing (0: never)'
            cand --bind 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]'
            cand --backlog 'Length of the queue of connections waiting to be accepted (capped by the OS)'
            cand --max-connections 'Close new connections at once beyond this many open ones'
            cand --max-per-source 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)'
            cand --udp-rate 'UDP replies allowed per source address per second'
            cand --threads 'Event loops (threads) serving connections [default: one per core but one, at least 1]'
            cand --tcp 'Serve TCP (the default unless --udp is given)'
            cand --udp 'Serve UDP (together with --tcp for both on the same port)'
            cand --inetd 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
            cand -q 'Log only warnings and errors'
            cand --quiet 'Log only warnings and errors'
            cand -v 'Also log debug events'
            cand --verbose 'Also log debug events'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;chargen;help'= {
            cand serve 'Send RFC 864''s rotating lines to each client, as fast as it reads them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;chargen;help;serve'= {
        }
        &'netkit;chargen;help;help'= {
        }
        &'netkit;time'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Serve the current time: four bytes to each client, then close'
            cand get 'Ask a time server (RFC 868) for the time and print it as RFC 3339'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;time;serve'= {
            cand -p 'Port number or service name [default: 37]'
            cand --port 'Port number or service name [default: 37]'
            cand --bind 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]'
            cand --backlog 'Length of the queue of connections waiting to be accepted (capped by the OS)'
            cand --max-connections 'Close new connections at once beyond this many open ones'
            cand --max-per-source 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)'
            cand --udp-rate 'UDP replies allowed per source address per second'
            cand --threads 'Event loops (threads) serving connections [default: one per core but one, at least 1]'
            cand --tcp 'Serve TCP (the default unless --udp is given)'
            cand --udp 'Serve UDP (together with --tcp for both on the same port)'
            cand --inetd 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
            cand -q 'Log only warnings and errors'
            cand --quiet 'Log only warnings and errors'
            cand -v 'Also log debug events'
            cand --verbose 'Also log debug events'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;time;get'= {
            cand -w 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended'
            cand --wait 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended'
            cand --udp 'Ask over UDP: an empty datagram, up to three times within -w, then wait for the reply'
            cand --offset 'Also print the offset of the server''s clock from the local clock'
            cand --utc 'Print the time in UTC instead of local time (local time honours TZ)'
            cand -4 'Use IPv4 addresses only'
            cand -6 'Use IPv6 addresses only'
            cand --trace 'Narrate the socket''s life on stderr, step by step'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;time;help'= {
            cand serve 'Serve the current time: four bytes to each client, then close'
            cand get 'Ask a time server (RFC 868) for the time and print it as RFC 3339'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;time;help;serve'= {
        }
        &'netkit;time;help;get'= {
        }
        &'netkit;time;help;help'= {
        }
        &'netkit;serve'= {
            cand --idle-timeout 'Close an echo, discard or chargen connection after SECS seconds without traffic (0: never)'
            cand --bind 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]'
            cand --backlog 'Length of the queue of connections waiting to be accepted (capped by the OS)'
            cand --max-connections 'Close new connections at once beyond this many open ones'
            cand --max-per-source 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)'
            cand --udp-rate 'UDP replies allowed per source address per second'
            cand --threads 'Event loops (threads) serving connections [default: one per core but one, at least 1]'
            cand --tcp 'Serve TCP (the default unless --udp is given)'
            cand --udp 'Serve UDP (together with --tcp for both on the same port)'
            cand --inetd 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
            cand -q 'Log only warnings and errors'
            cand --quiet 'Log only warnings and errors'
            cand -v 'Also log debug events'
            cand --verbose 'Also log debug events'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;raw'= {
            cand -l 'Wait for one connection on PORT instead of connecting (with -u, for datagrams); with -U PATH, on that socket file, and no PORT'
            cand --listen 'Wait for one connection on PORT instead of connecting (with -u, for datagrams); with -U PATH, on that socket file, and no PORT'
            cand --bind 'Address to listen on with --listen [default: ::, or 0.0.0.0 with -4 or without IPv6; -6 listens for IPv6 alone]'
            cand -U 'Connect to the Unix-domain stream socket PATH instead of HOST PORT (with --listen, create it)'
            cand --unix 'Connect to the Unix-domain stream socket PATH instead of HOST PORT (with --listen, create it)'
            cand -x 'Write every chunk of both directions to FILE (- for stderr) as hexdump -C lines'
            cand --hexdump 'Write every chunk of both directions to FILE (- for stderr) as hexdump -C lines'
            cand -e 'Make CHAR the escape character instead of Ctrl-] (^]): ^X for Ctrl-X, or the character itself. Typed on a terminal, it opens the netkit> prompt (quit, close, send brk, send ip, status, help)'
            cand --escape 'Make CHAR the escape character instead of Ctrl-] (^]): ^X for Ctrl-X, or the character itself. Typed on a terminal, it opens the netkit> prompt (quit, close, send brk, send ip, status, help)'
            cand -w 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended'
            cand --wait 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended'
            cand --sni 'Send NAME as SNI and check the certificate against it [default: HOST; no SNI for an IP address]'
            cand --ca 'Trust the certificates in FILE (PEM) instead of the system''s trust store'
            cand --alpn 'Offer these application protocols (ALPN), comma-separated: h2,http/1.1'
            cand --cert 'Certificate chain (PEM) to present: the client''s, or with --listen the server''s'
            cand --key 'Private key (PEM) of --cert'
            cand --starttls 'Speak this protocol''s plaintext upgrade first (EHLO and STARTTLS, a001 STARTTLS, STLS, AUTH TLS), then TLS; implies --tls'
            cand -C 'Send each newline as CR LF (for SMTP, HTTP, IRC by hand)'
            cand --crlf 'Send each newline as CR LF (for SMTP, HTTP, IRC by hand)'
            cand -t 'Speak the telnet protocol: answer option negotiations and hide them'
            cand --telnet 'Speak the telnet protocol: answer option negotiations and hide them'
            cand -q 'Do not print the connection banner'
            cand --quiet 'Do not print the connection banner'
            cand -u 'Speak UDP: each piece of stdin goes out as one datagram, each datagram received is printed; after stdin ends, wait for replies until -w SECS (default 2) pass without one'
            cand --udp 'Speak UDP: each piece of stdin goes out as one datagram, each datagram received is printed; after stdin ends, wait for replies until -w SECS (default 2) pass without one'
            cand -k 'With --listen: when a client leaves, wait for the next one, until SIGINT, SIGTERM or SIGHUP'
            cand --keep-open 'With --listen: when a client leaves, wait for the next one, until SIGINT, SIGTERM or SIGHUP'
            cand -E 'No escape character: every key typed goes to the peer, Ctrl-] too'
            cand --no-escape 'No escape character: every key typed goes to the peer, Ctrl-] too'
            cand -4 'Use IPv4 addresses only'
            cand -6 'Use IPv6 addresses only'
            cand --trace 'Narrate the socket''s life on stderr, step by step'
            cand --tls 'Speak TLS: check the server''s certificate against the system''s trust store and HOST, and show the session and the certificate on stderr after the handshake'
            cand --insecure 'Do not check the server''s certificate at all (a warning says so)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand probe 'Probe ports instead of talking (the nc spelling of netkit probe): raw -z HOST PORT...'
        }
        &'netkit;raw;probe'= {
            cand -w 'Give each attempt SECS seconds to be answered (a port that is silent that long is filtered) and, with --banner, as long again to send its first line [default: 2]'
            cand --wait 'Try again, backing off from 100 ms to 1 s, until every port is open or SECS pass'
            cand --sni 'Send NAME as SNI and check the certificate against it [default: HOST; no SNI for an IP address]'
            cand --ca 'Trust the certificates in FILE (PEM) instead of the system''s trust store'
            cand --alpn 'Offer these application protocols (ALPN), comma-separated: h2,http/1.1'
            cand --cert 'Certificate chain (PEM) to present: the client''s, or with --listen the server''s'
            cand --key 'Private key (PEM) of --cert'
            cand --starttls 'Speak this protocol''s plaintext upgrade first (EHLO and STARTTLS, a001 STARTTLS, STLS, AUTH TLS), then TLS; implies --tls'
            cand -u 'Probe UDP: send an empty datagram to each port and wait for a reply'
            cand --udp 'Probe UDP: send an empty datagram to each port and wait for a reply'
            cand -4 'Use IPv4 addresses only'
            cand -6 'Use IPv6 addresses only'
            cand --banner 'Show the first line each open port sends (an SSH or SMTP greeting, at most 1 KiB), escaped, quoted, at the end of its line'
            cand --json 'Print one JSON object per port: host, addr, port, proto, state, rtt_ms, service (and banner with --banner, tls with --tls)'
            cand -q 'Print nothing on stdout; the exit code tells'
            cand --quiet 'Print nothing on stdout; the exit code tells'
            cand --trace 'Narrate each attempt on stderr'
            cand --tls 'Speak TLS: check the server''s certificate against the system''s trust store and HOST, and show the session and the certificate on stderr after the handshake'
            cand --insecure 'Do not check the server''s certificate at all (a warning says so)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;relay'= {
            cand -p 'Port number or service name to listen on (a relay has no well-known port)'
            cand --port 'Port number or service name to listen on (a relay has no well-known port)'
            cand --idle-timeout 'Close a connection after SECS seconds without traffic either way (0: never)'
            cand -w 'Give up connecting to the target after SECS seconds, all its addresses together (0: the system''s own limit)'
            cand --wait 'Give up connecting to the target after SECS seconds, all its addresses together (0: the system''s own limit)'
            cand --dump 'Write every chunk of both directions to FILE, or to stderr without =FILE (or with --dump=-)'
            cand --dump-format 'How --dump shows the bytes: hex (hexdump -C lines) or text (escaped)'
            cand --bind 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]'
            cand --backlog 'Length of the queue of connections waiting to be accepted (capped by the OS)'
            cand --max-connections 'Close new connections at once beyond this many open ones'
            cand --max-per-source 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)'
            cand --threads 'Event loops (threads) serving connections [default: one per core but one, at least 1]'
            cand --udp-rate 'UDP replies allowed per source address per second'
            cand -4 'Use the target''s IPv4 addresses only'
            cand -6 'Use the target''s IPv6 addresses only'
            cand -q 'Log only warnings and errors'
            cand --quiet 'Log only warnings and errors'
            cand -v 'Also log debug events'
            cand --verbose 'Also log debug events'
            cand --tcp 'Serve TCP (the default unless --udp is given)'
            cand --udp 'Serve UDP (together with --tcp for both on the same port)'
            cand --inetd 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;probe'= {
            cand -w 'Give each attempt SECS seconds to be answered (a port that is silent that long is filtered) and, with --banner, as long again to send its first line [default: 2]'
            cand --wait 'Try again, backing off from 100 ms to 1 s, until every port is open or SECS pass'
            cand --sni 'Send NAME as SNI and check the certificate against it [default: HOST; no SNI for an IP address]'
            cand --ca 'Trust the certificates in FILE (PEM) instead of the system''s trust store'
            cand --alpn 'Offer these application protocols (ALPN), comma-separated: h2,http/1.1'
            cand --cert 'Certificate chain (PEM) to present: the client''s, or with --listen the server''s'
            cand --key 'Private key (PEM) of --cert'
            cand --starttls 'Speak this protocol''s plaintext upgrade first (EHLO and STARTTLS, a001 STARTTLS, STLS, AUTH TLS), then TLS; implies --tls'
            cand -u 'Probe UDP: send an empty datagram to each port and wait for a reply'
            cand --udp 'Probe UDP: send an empty datagram to each port and wait for a reply'
            cand -4 'Use IPv4 addresses only'
            cand -6 'Use IPv6 addresses only'
            cand --banner 'Show the first line each open port sends (an SSH or SMTP greeting, at most 1 KiB), escaped, quoted, at the end of its line'
            cand --json 'Print one JSON object per port: host, addr, port, proto, state, rtt_ms, service (and banner with --banner, tls with --tls)'
            cand -q 'Print nothing on stdout; the exit code tells'
            cand --quiet 'Print nothing on stdout; the exit code tells'
            cand --trace 'Narrate each attempt on stderr'
            cand --tls 'Speak TLS: check the server''s certificate against the system''s trust store and HOST, and show the session and the certificate on stderr after the handshake'
            cand --insecure 'Do not check the server''s certificate at all (a warning says so)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'netkit;help'= {
            cand daytime 'Daytime protocol (RFC 867): serve the time as one line, or ask a server for it'
            cand discard 'Discard protocol (RFC 863): a server that reads everything and answers nothing'
            cand echo 'Echo protocol (RFC 862): serve, send messages, or measure an echo server'
            cand chargen 'Character generator (RFC 864): a server that sends lines of text for as long as the client reads'
            cand time 'Time protocol (RFC 868): serve the time as four bytes, or ask a server for it'
            cand serve 'Serve several of inetd''s internal services (echo, discard, daytime, chargen, time) from one process'
            cand raw 'Talk to any TCP, UDP or Unix-socket service by hand or from a script, like telnet or nc'
            cand relay 'Forward every connection to another host and port, and show what goes through if asked: socat TCP-LISTEN:P,fork TCP:HOST:PORT (with -v) without a process per connection'
            cand probe 'Check which ports are open, or wait until they are: connect and close at once, like nc -z'
            cand completions 'Print a shell completion script to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'netkit;help;daytime'= {
            cand serve 'Serve the current time: one line to each client, then close'
            cand get 'Ask a daytime server for the time and print its answer'
        }
        &'netkit;help;daytime;serve'= {
        }
        &'netkit;help;daytime;get'= {
        }
        &'netkit;help;discard'= {
            cand serve 'Read and drop whatever clients send; send nothing back'
        }
        &'netkit;help;discard;serve'= {
        }
        &'netkit;help;echo'= {
            cand serve 'Send every byte received back to its sender'
            cand send 'Send messages to an echo server and print what comes back'
            cand bench 'Measure an echo server: many connections, verified replies, rates and latency'
        }
        &'netkit;help;echo;serve'= {
        }
        &'netkit;help;echo;send'= {
        }
        &'netkit;help;echo;bench'= {
        }
        &'netkit;help;chargen'= {
            cand serve 'Send RFC 864''s rotating lines to each client, as fast as it reads them'
        }
        &'netkit;help;chargen;serve'= {
        }
        &'netkit;help;time'= {
            cand serve 'Serve the current time: four bytes to each client, then close'
            cand get 'Ask a time server (RFC 868) for the time and print it as RFC 3339'
        }
        &'netkit;help;time;serve'= {
        }
        &'netkit;help;time;get'= {
        }
        &'netkit;help;serve'= {
        }
        &'netkit;help;raw'= {
            cand probe 'Probe ports instead of talking (the nc spelling of netkit probe): raw -z HOST PORT...'
        }
        &'netkit;help;raw;probe'= {
        }
        &'netkit;help;relay'= {
        }
        &'netkit;help;probe'= {
        }
        &'netkit;help;completions'= {
        }
        &'netkit;help;help'= {
        }
    ]
    $completions[$command]
}
