# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_netkit_global_optspecs
    string join \n h/help V/version
end

function __fish_netkit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_netkit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_netkit_using_subcommand
    set -l cmd (__fish_netkit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c netkit -n "__fish_netkit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_needs_command" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "daytime" -d 'Daytime protocol (RFC 867): serve the time as one line, or ask a server for it'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "echo" -d 'Echo protocol (RFC 862): serve, send messages, or measure an echo server'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "raw" -d 'Talk to any TCP, UDP or Unix-socket service by hand or from a script, like telnet or nc'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and not __fish_seen_subcommand_from serve get help" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and not __fish_seen_subcommand_from serve get help" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and not __fish_seen_subcommand_from serve get help" -f -a "serve" -d 'Serve the current time: one line to each client, then close'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and not __fish_seen_subcommand_from serve get help" -f -a "get" -d 'Ask a daytime server for the time and print its answer'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and not __fish_seen_subcommand_from serve get help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -s p -l port -d 'Port number or service name [default: 13]' -r
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l format -d 'How to write the time: ctime, rfc2822, rfc3339, nist, or a `time` format description such as "[year]-[month]-[day] [hour]:[minute]:[second]"' -r
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l bind -d 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]' -r
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l backlog -d 'Length of the queue of connections waiting to be accepted (capped by the OS)' -r
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l max-connections -d 'Close new connections at once beyond this many open ones' -r
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l max-per-source -d 'Close new connections at once beyond this many from one client address' -r
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l udp-rate -d 'UDP replies allowed per source address per second' -r
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l threads -d 'Event loops (threads) serving connections [default: one per core but one, at least 1]' -r
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l utc -d 'Write UTC instead of local time (local time honours TZ)'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l tcp -d 'Serve TCP (the default unless --udp is given)'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l udp -d 'Serve UDP (together with --tcp for both on the same port)'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l inetd -d 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Log only warnings and errors'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Also log debug events'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from get" -s w -l wait -d 'Give up connecting after SECS seconds (0: never); daytime and echo also wait that long for a reply, raw that long in silence once stdin has ended' -r
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from get" -l udp -d 'Ask over UDP: one empty datagram, then wait for the reply'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from get" -l offset -d 'Also print the offset of the server\'s clock from the local clock'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from get" -s 4 -d 'Use IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from get" -s 6 -d 'Use IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from get" -l trace -d 'Narrate the socket\'s life on stderr, step by step'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Serve the current time: one line to each client, then close'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from help" -f -a "get" -d 'Ask a daytime server for the time and print its answer'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -f -a "serve" -d 'Send every byte received back to its sender'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -f -a "send" -d 'Send messages to an echo server and print what comes back'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -f -a "bench" -d 'Measure an echo server: many connections, verified replies, rates and latency'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s p -l port -d 'Port number or service name [default: 7]' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l idle-timeout -d 'Close a connection after SECS seconds without traffic (0: never)' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l bind -d 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l backlog -d 'Length of the queue of connections waiting to be accepted (capped by the OS)' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l max-connections -d 'Close new connections at once beyond this many open ones' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l max-per-source -d 'Close new connections at once beyond this many from one client address' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l udp-rate -d 'UDP replies allowed per source address per second' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l threads -d 'Event loops (threads) serving connections [default: one per core but one, at least 1]' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l tcp -d 'Serve TCP (the default unless --udp is given)'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l udp -d 'Serve UDP (together with --tcp for both on the same port)'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l inetd -d 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Log only warnings and errors'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Also log debug events'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s c -l count -d 'Send the message N times and print each round-trip time, like ping; Ctrl-C stops early with the summary' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s i -l interval -d 'Wait SECS seconds between messages with --count' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s w -l wait -d 'Give up connecting after SECS seconds (0: never); daytime and echo also wait that long for a reply, raw that long in silence once stdin has ended' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -l udp -d 'Send over UDP'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s 4 -d 'Use IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s 6 -d 'Use IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -l trace -d 'Narrate the socket\'s life on stderr, step by step'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s n -l connections -d 'Connections to open' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s s -l size -d 'Bytes in each message' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s d -l duration -d 'How long to measure' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -l depth -d 'Messages in flight on each connection' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s w -l wait -d 'Give up connecting after SECS seconds (0: never); daytime and echo also wait that long for a reply, raw that long in silence once stdin has ended' -r
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -l json -d 'Print the result as one JSON object'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -l udp -d 'Measure over UDP: a socket per connection, a datagram per message (at most 65507 bytes); an echo missing after 1 s is counted lost, not a failure'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s 4 -d 'Use IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s 6 -d 'Use IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -l trace -d 'Narrate the socket\'s life on stderr, step by step'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Send every byte received back to its sender'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from help" -f -a "send" -d 'Send messages to an echo server and print what comes back'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from help" -f -a "bench" -d 'Measure an echo server: many connections, verified replies, rates and latency'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s l -l listen -d 'Wait for one connection on PORT instead of connecting (with -u, for datagrams); with -U PATH, on that socket file, and no PORT' -r
complete -c netkit -n "__fish_netkit_using_subcommand raw" -l bind -d 'Address to listen on with --listen [default: ::, or 0.0.0.0 with -4 or without IPv6; -6 listens for IPv6 alone]' -r
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s U -l unix -d 'Connect to the Unix-domain stream socket PATH instead of HOST PORT (with --listen, create it)' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s x -l hexdump -d 'Write every chunk of both directions to FILE (- for stderr) as hexdump -C lines' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s w -l wait -d 'Give up connecting after SECS seconds (0: never); daytime and echo also wait that long for a reply, raw that long in silence once stdin has ended' -r
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s C -l crlf -d 'Send each newline as CR LF (for SMTP, HTTP, IRC by hand)'
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s t -l telnet -d 'Speak the telnet protocol: answer option negotiations and hide them'
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s q -l quiet -d 'Do not print the connection banner'
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s u -l udp -d 'Speak UDP: each piece of stdin goes out as one datagram, each datagram received is printed; after stdin ends, wait for replies until -w SECS (default 2) pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s k -l keep-open -d 'With --listen: when a client leaves, wait for the next one, until SIGINT or SIGTERM'
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s 4 -d 'Use IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s 6 -d 'Use IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand raw" -l trace -d 'Narrate the socket\'s life on stderr, step by step'
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand raw" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand completions" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand completions" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime echo raw completions help" -f -a "daytime" -d 'Daytime protocol (RFC 867): serve the time as one line, or ask a server for it'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime echo raw completions help" -f -a "echo" -d 'Echo protocol (RFC 862): serve, send messages, or measure an echo server'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime echo raw completions help" -f -a "raw" -d 'Talk to any TCP, UDP or Unix-socket service by hand or from a script, like telnet or nc'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime echo raw completions help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime echo raw completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from daytime" -f -a "serve" -d 'Serve the current time: one line to each client, then close'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from daytime" -f -a "get" -d 'Ask a daytime server for the time and print its answer'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from echo" -f -a "serve" -d 'Send every byte received back to its sender'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from echo" -f -a "send" -d 'Send messages to an echo server and print what comes back'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from echo" -f -a "bench" -d 'Measure an echo server: many connections, verified replies, rates and latency'
