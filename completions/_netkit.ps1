
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'netkit' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'netkit'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'netkit' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('daytime', 'daytime', [CompletionResultType]::ParameterValue, 'Daytime protocol (RFC 867): serve the time as one line, or ask a server for it')
            [CompletionResult]::new('discard', 'discard', [CompletionResultType]::ParameterValue, 'Discard protocol (RFC 863): a server that reads everything and answers nothing')
            [CompletionResult]::new('echo', 'echo', [CompletionResultType]::ParameterValue, 'Echo protocol (RFC 862): serve, send messages, or measure an echo server')
            [CompletionResult]::new('chargen', 'chargen', [CompletionResultType]::ParameterValue, 'Character generator (RFC 864): a server that sends lines of text for as long as the client reads')
            [CompletionResult]::new('time', 'time', [CompletionResultType]::ParameterValue, 'Time protocol (RFC 868): serve the time as four bytes, or ask a server for it')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve several of inetd''s internal services (echo, discard, daytime, chargen, time) from one process')
            [CompletionResult]::new('raw', 'raw', [CompletionResultType]::ParameterValue, 'Talk to any TCP, UDP or Unix-socket service by hand or from a script, like telnet or nc')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Forward every connection to another host and port, and show what goes through if asked: socat TCP-LISTEN:P,fork TCP:HOST:PORT (with -v) without a process per connection')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Check which ports are open, or wait until they are: connect and close at once, like nc -z')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;daytime' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the current time: one line to each client, then close')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Ask a daytime server for the time and print its answer')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;daytime;serve' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port number or service name [default: 13]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port number or service name [default: 13]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to write the time: ctime, rfc2822, rfc3339, nist, or a `time` format description such as "[year]-[month]-[day] [hour]:[minute]:[second]"')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of the queue of connections waiting to be accepted (capped by the OS)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many open ones')
            [CompletionResult]::new('--max-per-source', '--max-per-source', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)')
            [CompletionResult]::new('--udp-rate', '--udp-rate', [CompletionResultType]::ParameterName, 'UDP replies allowed per source address per second')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Event loops (threads) serving connections [default: one per core but one, at least 1]')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Write UTC instead of local time (local time honours TZ)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Serve TCP (the default unless --udp is given)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Serve UDP (together with --tcp for both on the same port)')
            [CompletionResult]::new('--inetd', '--inetd', [CompletionResultType]::ParameterName, 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;daytime;get' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Ask over UDP: one empty datagram, then wait for the reply')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'Also print the offset of the server''s clock from the local clock')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate the socket''s life on stderr, step by step')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;daytime;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the current time: one line to each client, then close')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Ask a daytime server for the time and print its answer')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;daytime;help;serve' {
            break
        }
        'netkit;daytime;help;get' {
            break
        }
        'netkit;daytime;help;help' {
            break
        }
        'netkit;discard' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Read and drop whatever clients send; send nothing back')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;discard;serve' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port number or service name [default: 9]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port number or service name [default: 9]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close a connection after SECS seconds without traffic (0: never)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of the queue of connections waiting to be accepted (capped by the OS)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many open ones')
            [CompletionResult]::new('--max-per-source', '--max-per-source', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)')
            [CompletionResult]::new('--udp-rate', '--udp-rate', [CompletionResultType]::ParameterName, 'UDP replies allowed per source address per second')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Event loops (threads) serving connections [default: one per core but one, at least 1]')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Serve TCP (the default unless --udp is given)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Serve UDP (together with --tcp for both on the same port)')
            [CompletionResult]::new('--inetd', '--inetd', [CompletionResultType]::ParameterName, 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;discard;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Read and drop whatever clients send; send nothing back')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;discard;help;serve' {
            break
        }
        'netkit;discard;help;help' {
            break
        }
        'netkit;echo' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Send every byte received back to its sender')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send messages to an echo server and print what comes back')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure an echo server: many connections, verified replies, rates and latency')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;echo;serve' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port number or service name [default: 7]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port number or service name [default: 7]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close a connection after SECS seconds without traffic (0: never)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of the queue of connections waiting to be accepted (capped by the OS)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many open ones')
            [CompletionResult]::new('--max-per-source', '--max-per-source', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)')
            [CompletionResult]::new('--udp-rate', '--udp-rate', [CompletionResultType]::ParameterName, 'UDP replies allowed per source address per second')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Event loops (threads) serving connections [default: one per core but one, at least 1]')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Serve TCP (the default unless --udp is given)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Serve UDP (together with --tcp for both on the same port)')
            [CompletionResult]::new('--inetd', '--inetd', [CompletionResultType]::ParameterName, 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;echo;send' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Send the message N times and print each round-trip time, like ping; Ctrl-C stops early with the summary')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Send the message N times and print each round-trip time, like ping; Ctrl-C stops early with the summary')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Wait SECS seconds between messages with --count')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Wait SECS seconds between messages with --count')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Send over UDP')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate the socket''s life on stderr, step by step')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;echo;bench' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Connections to open')
            [CompletionResult]::new('--connections', '--connections', [CompletionResultType]::ParameterName, 'Connections to open')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Bytes in each message')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Bytes in each message')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'How long to measure')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long to measure')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'Messages in flight on each connection')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Measure over UDP: a socket per connection, a datagram per message (at most 65507 bytes); an echo missing after 1 s is counted lost, not a failure')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate the socket''s life on stderr, step by step')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;echo;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Send every byte received back to its sender')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send messages to an echo server and print what comes back')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure an echo server: many connections, verified replies, rates and latency')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;echo;help;serve' {
            break
        }
        'netkit;echo;help;send' {
            break
        }
        'netkit;echo;help;bench' {
            break
        }
        'netkit;echo;help;help' {
            break
        }
        'netkit;chargen' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Send RFC 864''s rotating lines to each client, as fast as it reads them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;chargen;serve' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port number or service name [default: 19]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port number or service name [default: 19]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close a connection after SECS seconds in which the client took nothing (0: never)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of the queue of connections waiting to be accepted (capped by the OS)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many open ones')
            [CompletionResult]::new('--max-per-source', '--max-per-source', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)')
            [CompletionResult]::new('--udp-rate', '--udp-rate', [CompletionResultType]::ParameterName, 'UDP replies allowed per source address per second')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Event loops (threads) serving connections [default: one per core but one, at least 1]')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Serve TCP (the default unless --udp is given)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Serve UDP (together with --tcp for both on the same port)')
            [CompletionResult]::new('--inetd', '--inetd', [CompletionResultType]::ParameterName, 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;chargen;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Send RFC 864''s rotating lines to each client, as fast as it reads them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;chargen;help;serve' {
            break
        }
        'netkit;chargen;help;help' {
            break
        }
        'netkit;time' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the current time: four bytes to each client, then close')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Ask a time server (RFC 868) for the time and print it as RFC 3339')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;time;serve' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port number or service name [default: 37]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port number or service name [default: 37]')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of the queue of connections waiting to be accepted (capped by the OS)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many open ones')
            [CompletionResult]::new('--max-per-source', '--max-per-source', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)')
            [CompletionResult]::new('--udp-rate', '--udp-rate', [CompletionResultType]::ParameterName, 'UDP replies allowed per source address per second')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Event loops (threads) serving connections [default: one per core but one, at least 1]')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Serve TCP (the default unless --udp is given)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Serve UDP (together with --tcp for both on the same port)')
            [CompletionResult]::new('--inetd', '--inetd', [CompletionResultType]::ParameterName, 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;time;get' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Ask over UDP: an empty datagram, up to three times within -w, then wait for the reply')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'Also print the offset of the server''s clock from the local clock')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Print the time in UTC instead of local time (local time honours TZ)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate the socket''s life on stderr, step by step')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;time;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the current time: four bytes to each client, then close')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Ask a time server (RFC 868) for the time and print it as RFC 3339')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;time;help;serve' {
            break
        }
        'netkit;time;help;get' {
            break
        }
        'netkit;time;help;help' {
            break
        }
        'netkit;serve' {
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close an echo, discard or chargen connection after SECS seconds without traffic (0: never)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of the queue of connections waiting to be accepted (capped by the OS)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many open ones')
            [CompletionResult]::new('--max-per-source', '--max-per-source', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)')
            [CompletionResult]::new('--udp-rate', '--udp-rate', [CompletionResultType]::ParameterName, 'UDP replies allowed per source address per second')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Event loops (threads) serving connections [default: one per core but one, at least 1]')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Serve TCP (the default unless --udp is given)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Serve UDP (together with --tcp for both on the same port)')
            [CompletionResult]::new('--inetd', '--inetd', [CompletionResultType]::ParameterName, 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;raw' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Wait for one connection on PORT instead of connecting (with -u, for datagrams); with -U PATH, on that socket file, and no PORT')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Wait for one connection on PORT instead of connecting (with -u, for datagrams); with -U PATH, on that socket file, and no PORT')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on with --listen [default: ::, or 0.0.0.0 with -4 or without IPv6; -6 listens for IPv6 alone]')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'Connect to the Unix-domain stream socket PATH instead of HOST PORT (with --listen, create it)')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'Connect to the Unix-domain stream socket PATH instead of HOST PORT (with --listen, create it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Write every chunk of both directions to FILE (- for stderr) as hexdump -C lines')
            [CompletionResult]::new('--hexdump', '--hexdump', [CompletionResultType]::ParameterName, 'Write every chunk of both directions to FILE (- for stderr) as hexdump -C lines')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Make CHAR the escape character instead of Ctrl-] (^]): ^X for Ctrl-X, or the character itself. Typed on a terminal, it opens the netkit> prompt (quit, close, send brk, send ip, status, help)')
            [CompletionResult]::new('--escape', '--escape', [CompletionResultType]::ParameterName, 'Make CHAR the escape character instead of Ctrl-] (^]): ^X for Ctrl-X, or the character itself. Typed on a terminal, it opens the netkit> prompt (quit, close, send brk, send ip, status, help)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Send NAME as SNI and check the certificate against it [default: HOST; no SNI for an IP address]')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Trust the certificates in FILE (PEM) instead of the system''s trust store')
            [CompletionResult]::new('--alpn', '--alpn', [CompletionResultType]::ParameterName, 'Offer these application protocols (ALPN), comma-separated: h2,http/1.1')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Certificate chain (PEM) to present: the client''s, or with --listen the server''s')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Speak this protocol''s plaintext upgrade first (EHLO and STARTTLS, a001 STARTTLS, STLS, AUTH TLS), then TLS; implies --tls')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Send each newline as CR LF (for SMTP, HTTP, IRC by hand)')
            [CompletionResult]::new('--crlf', '--crlf', [CompletionResultType]::ParameterName, 'Send each newline as CR LF (for SMTP, HTTP, IRC by hand)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Speak the telnet protocol: answer option negotiations and hide them')
            [CompletionResult]::new('--telnet', '--telnet', [CompletionResultType]::ParameterName, 'Speak the telnet protocol: answer option negotiations and hide them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print the connection banner')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print the connection banner')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Speak UDP: each piece of stdin goes out as one datagram, each datagram received is printed; after stdin ends, wait for replies until -w SECS (default 2) pass without one')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Speak UDP: each piece of stdin goes out as one datagram, each datagram received is printed; after stdin ends, wait for replies until -w SECS (default 2) pass without one')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'With --listen: when a client leaves, wait for the next one, until SIGINT, SIGTERM or SIGHUP')
            [CompletionResult]::new('--keep-open', '--keep-open', [CompletionResultType]::ParameterName, 'With --listen: when a client leaves, wait for the next one, until SIGINT, SIGTERM or SIGHUP')
            [CompletionResult]::new('-E', '-E ', [CompletionResultType]::ParameterName, 'No escape character: every key typed goes to the peer, Ctrl-] too')
            [CompletionResult]::new('--no-escape', '--no-escape', [CompletionResultType]::ParameterName, 'No escape character: every key typed goes to the peer, Ctrl-] too')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate the socket''s life on stderr, step by step')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Speak TLS: check the server''s certificate against the system''s trust store and HOST, and show the session and the certificate on stderr after the handshake')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate at all (a warning says so)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Probe ports instead of talking (the nc spelling of netkit probe): raw -z HOST PORT...')
            break
        }
        'netkit;raw;probe' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Give each attempt SECS seconds to be answered (a port that is silent that long is filtered) and, with --banner, as long again to send its first line [default: 2]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Try again, backing off from 100 ms to 1 s, until every port is open or SECS pass')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Send NAME as SNI and check the certificate against it [default: HOST; no SNI for an IP address]')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Trust the certificates in FILE (PEM) instead of the system''s trust store')
            [CompletionResult]::new('--alpn', '--alpn', [CompletionResultType]::ParameterName, 'Offer these application protocols (ALPN), comma-separated: h2,http/1.1')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Certificate chain (PEM) to present: the client''s, or with --listen the server''s')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Speak this protocol''s plaintext upgrade first (EHLO and STARTTLS, a001 STARTTLS, STLS, AUTH TLS), then TLS; implies --tls')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Probe UDP: send an empty datagram to each port and wait for a reply')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Probe UDP: send an empty datagram to each port and wait for a reply')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--banner', '--banner', [CompletionResultType]::ParameterName, 'Show the first line each open port sends (an SSH or SMTP greeting, at most 1 KiB), escaped, quoted, at the end of its line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per port: host, addr, port, proto, state, rtt_ms, service (and banner with --banner, tls with --tls)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code tells')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code tells')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate each attempt on stderr')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Speak TLS: check the server''s certificate against the system''s trust store and HOST, and show the session and the certificate on stderr after the handshake')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate at all (a warning says so)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;relay' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port number or service name to listen on (a relay has no well-known port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port number or service name to listen on (a relay has no well-known port)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close a connection after SECS seconds without traffic either way (0: never)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Give up connecting to the target after SECS seconds, all its addresses together (0: the system''s own limit)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Give up connecting to the target after SECS seconds, all its addresses together (0: the system''s own limit)')
            [CompletionResult]::new('--dump', '--dump', [CompletionResultType]::ParameterName, 'Write every chunk of both directions to FILE, or to stderr without =FILE (or with --dump=-)')
            [CompletionResult]::new('--dump-format', '--dump-format', [CompletionResultType]::ParameterName, 'How --dump shows the bytes: hex (hexdump -C lines) or text (escaped)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'Length of the queue of connections waiting to be accepted (capped by the OS)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many open ones')
            [CompletionResult]::new('--max-per-source', '--max-per-source', [CompletionResultType]::ParameterName, 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Event loops (threads) serving connections [default: one per core but one, at least 1]')
            [CompletionResult]::new('--udp-rate', '--udp-rate', [CompletionResultType]::ParameterName, 'UDP replies allowed per source address per second')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use the target''s IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use the target''s IPv6 addresses only')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only warnings and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also log debug events')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Serve TCP (the default unless --udp is given)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Serve UDP (together with --tcp for both on the same port)')
            [CompletionResult]::new('--inetd', '--inetd', [CompletionResultType]::ParameterName, 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;probe' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Give each attempt SECS seconds to be answered (a port that is silent that long is filtered) and, with --banner, as long again to send its first line [default: 2]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Try again, backing off from 100 ms to 1 s, until every port is open or SECS pass')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Send NAME as SNI and check the certificate against it [default: HOST; no SNI for an IP address]')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Trust the certificates in FILE (PEM) instead of the system''s trust store')
            [CompletionResult]::new('--alpn', '--alpn', [CompletionResultType]::ParameterName, 'Offer these application protocols (ALPN), comma-separated: h2,http/1.1')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Certificate chain (PEM) to present: the client''s, or with --listen the server''s')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Speak this protocol''s plaintext upgrade first (EHLO and STARTTLS, a001 STARTTLS, STLS, AUTH TLS), then TLS; implies --tls')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Probe UDP: send an empty datagram to each port and wait for a reply')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Probe UDP: send an empty datagram to each port and wait for a reply')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--banner', '--banner', [CompletionResultType]::ParameterName, 'Show the first line each open port sends (an SSH or SMTP greeting, at most 1 KiB), escaped, quoted, at the end of its line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per port: host, addr, port, proto, state, rtt_ms, service (and banner with --banner, tls with --tls)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code tells')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit code tells')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate each attempt on stderr')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Speak TLS: check the server''s certificate against the system''s trust store and HOST, and show the session and the certificate on stderr after the handshake')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate at all (a warning says so)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'netkit;help' {
            [CompletionResult]::new('daytime', 'daytime', [CompletionResultType]::ParameterValue, 'Daytime protocol (RFC 867): serve the time as one line, or ask a server for it')
            [CompletionResult]::new('discard', 'discard', [CompletionResultType]::ParameterValue, 'Discard protocol (RFC 863): a server that reads everything and answers nothing')
            [CompletionResult]::new('echo', 'echo', [CompletionResultType]::ParameterValue, 'Echo protocol (RFC 862): serve, send messages, or measure an echo server')
            [CompletionResult]::new('chargen', 'chargen', [CompletionResultType]::ParameterValue, 'Character generator (RFC 864): a server that sends lines of text for as long as the client reads')
            [CompletionResult]::new('time', 'time', [CompletionResultType]::ParameterValue, 'Time protocol (RFC 868): serve the time as four bytes, or ask a server for it')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve several of inetd''s internal services (echo, discard, daytime, chargen, time) from one process')
            [CompletionResult]::new('raw', 'raw', [CompletionResultType]::ParameterValue, 'Talk to any TCP, UDP or Unix-socket service by hand or from a script, like telnet or nc')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Forward every connection to another host and port, and show what goes through if asked: socat TCP-LISTEN:P,fork TCP:HOST:PORT (with -v) without a process per connection')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Check which ports are open, or wait until they are: connect and close at once, like nc -z')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'netkit;help;daytime' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the current time: one line to each client, then close')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Ask a daytime server for the time and print its answer')
            break
        }
        'netkit;help;daytime;serve' {
            break
        }
        'netkit;help;daytime;get' {
            break
        }
        'netkit;help;discard' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Read and drop whatever clients send; send nothing back')
            break
        }
        'netkit;help;discard;serve' {
            break
        }
        'netkit;help;echo' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Send every byte received back to its sender')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send messages to an echo server and print what comes back')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure an echo server: many connections, verified replies, rates and latency')
            break
        }
        'netkit;help;echo;serve' {
            break
        }
        'netkit;help;echo;send' {
            break
        }
        'netkit;help;echo;bench' {
            break
        }
        'netkit;help;chargen' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Send RFC 864''s rotating lines to each client, as fast as it reads them')
            break
        }
        'netkit;help;chargen;serve' {
            break
        }
        'netkit;help;time' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the current time: four bytes to each client, then close')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Ask a time server (RFC 868) for the time and print it as RFC 3339')
            break
        }
        'netkit;help;time;serve' {
            break
        }
        'netkit;help;time;get' {
            break
        }
        'netkit;help;serve' {
            break
        }
        'netkit;help;raw' {
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Probe ports instead of talking (the nc spelling of netkit probe): raw -z HOST PORT...')
            break
        }
        'netkit;help;raw;probe' {
            break
        }
        'netkit;help;relay' {
            break
        }
        'netkit;help;probe' {
            break
        }
        'netkit;help;completions' {
            break
        }
        'netkit;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
