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
complete -c netkit -n "__fish_netkit_needs_command" -f -a "discard" -d 'Discard protocol (RFC 863): a server that reads everything and answers nothing'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "echo" -d 'Echo protocol (RFC 862): serve, send messages, or measure an echo server'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "chargen" -d 'Character generator (RFC 864): a server that sends lines of text for as long as the client reads'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "time" -d 'Time protocol (RFC 868): serve the time as four bytes, or ask a server for it'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "serve" -d 'Serve several of inetd\'s internal services (echo, discard, daytime, chargen, time) from one process'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "raw" -d 'Talk to any TCP, UDP or Unix-socket service by hand or from a script, like telnet or nc'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "relay" -d 'Forward every connection to another host and port, and show what goes through if asked: socat TCP-LISTEN:P,fork TCP:HOST:PORT (with -v) without a process per connection'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "probe" -d 'Check which ports are open, or wait until they are: connect and close at once, like nc -z'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c netkit -n "__fish_netkit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and not __fish_seen_subcommand_from serve get help" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and not __fish_seen_subcommand_from serve get help" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and not __fish_seen_subcommand_from serve get help" -f -a "serve" -d 'Serve the current time: one line to each client, then close'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and not __fish_seen_subcommand_from serve get help" -f -a "get" -d 'Ask a daytime server for the time and print its answer'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and not __fish_seen_subcommand_from serve get help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -s p -l port -d 'Port number or service name [default: 13]' -r -f -a "echo\t''
discard\t''
daytime\t''
chargen\t''
ftp\t''
ssh\t''
telnet\t''
smtp\t''
time\t''
domain\t''
http\t''
pop3\t''
ntp\t''
imap\t''
imap2\t''
https\t''
submission\t''
imaps\t''
pop3s\t''"
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l format -d 'How to write the time: ctime, rfc2822, rfc3339, nist, or a `time` format description such as "[year]-[month]-[day] [hour]:[minute]:[second]"' -r -f -a "ctime\t''
rfc2822\t''
rfc3339\t''
nist\t''"
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l bind -d 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]' -r -f -a "(__fish_print_hostnames)"
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l backlog -d 'Length of the queue of connections waiting to be accepted (capped by the OS)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l max-connections -d 'Close new connections at once beyond this many open ones' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l max-per-source -d 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l udp-rate -d 'UDP replies allowed per source address per second' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l threads -d 'Event loops (threads) serving connections [default: one per core but one, at least 1]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l utc -d 'Write UTC instead of local time (local time honours TZ)'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l tcp -d 'Serve TCP (the default unless --udp is given)'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l udp -d 'Serve UDP (together with --tcp for both on the same port)'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -l inetd -d 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Log only warnings and errors'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Also log debug events'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand daytime; and __fish_seen_subcommand_from get" -s w -l wait -d 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended' -r -f
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
complete -c netkit -n "__fish_netkit_using_subcommand discard; and not __fish_seen_subcommand_from serve help" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and not __fish_seen_subcommand_from serve help" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and not __fish_seen_subcommand_from serve help" -f -a "serve" -d 'Read and drop whatever clients send; send nothing back'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and not __fish_seen_subcommand_from serve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -s p -l port -d 'Port number or service name [default: 9]' -r -f -a "echo\t''
discard\t''
daytime\t''
chargen\t''
ftp\t''
ssh\t''
telnet\t''
smtp\t''
time\t''
domain\t''
http\t''
pop3\t''
ntp\t''
imap\t''
imap2\t''
https\t''
submission\t''
imaps\t''
pop3s\t''"
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -l idle-timeout -d 'Close a connection after SECS seconds without traffic (0: never)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -l bind -d 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]' -r -f -a "(__fish_print_hostnames)"
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -l backlog -d 'Length of the queue of connections waiting to be accepted (capped by the OS)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -l max-connections -d 'Close new connections at once beyond this many open ones' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -l max-per-source -d 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -l udp-rate -d 'UDP replies allowed per source address per second' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -l threads -d 'Event loops (threads) serving connections [default: one per core but one, at least 1]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -l tcp -d 'Serve TCP (the default unless --udp is given)'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -l udp -d 'Serve UDP (together with --tcp for both on the same port)'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -l inetd -d 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Log only warnings and errors'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Also log debug events'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Read and drop whatever clients send; send nothing back'
complete -c netkit -n "__fish_netkit_using_subcommand discard; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -f -a "serve" -d 'Send every byte received back to its sender'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -f -a "send" -d 'Send messages to an echo server and print what comes back'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -f -a "bench" -d 'Measure an echo server: many connections, verified replies, rates and latency'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and not __fish_seen_subcommand_from serve send bench help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s p -l port -d 'Port number or service name [default: 7]' -r -f -a "echo\t''
discard\t''
daytime\t''
chargen\t''
ftp\t''
ssh\t''
telnet\t''
smtp\t''
time\t''
domain\t''
http\t''
pop3\t''
ntp\t''
imap\t''
imap2\t''
https\t''
submission\t''
imaps\t''
pop3s\t''"
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l idle-timeout -d 'Close a connection after SECS seconds without traffic (0: never)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l bind -d 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]' -r -f -a "(__fish_print_hostnames)"
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l backlog -d 'Length of the queue of connections waiting to be accepted (capped by the OS)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l max-connections -d 'Close new connections at once beyond this many open ones' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l max-per-source -d 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l udp-rate -d 'UDP replies allowed per source address per second' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l threads -d 'Event loops (threads) serving connections [default: one per core but one, at least 1]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l tcp -d 'Serve TCP (the default unless --udp is given)'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l udp -d 'Serve UDP (together with --tcp for both on the same port)'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l inetd -d 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Log only warnings and errors'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Also log debug events'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s c -l count -d 'Send the message N times and print each round-trip time, like ping; Ctrl-C stops early with the summary' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s i -l interval -d 'Wait SECS seconds between messages with --count' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s w -l wait -d 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -l udp -d 'Send over UDP'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s 4 -d 'Use IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s 6 -d 'Use IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -l trace -d 'Narrate the socket\'s life on stderr, step by step'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from send" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s n -l connections -d 'Connections to open' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s s -l size -d 'Bytes in each message' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s d -l duration -d 'How long to measure' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -l depth -d 'Messages in flight on each connection' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand echo; and __fish_seen_subcommand_from bench" -s w -l wait -d 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended' -r -f
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
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and not __fish_seen_subcommand_from serve help" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and not __fish_seen_subcommand_from serve help" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and not __fish_seen_subcommand_from serve help" -f -a "serve" -d 'Send RFC 864\'s rotating lines to each client, as fast as it reads them'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and not __fish_seen_subcommand_from serve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -s p -l port -d 'Port number or service name [default: 19]' -r -f -a "echo\t''
discard\t''
daytime\t''
chargen\t''
ftp\t''
ssh\t''
telnet\t''
smtp\t''
time\t''
domain\t''
http\t''
pop3\t''
ntp\t''
imap\t''
imap2\t''
https\t''
submission\t''
imaps\t''
pop3s\t''"
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -l idle-timeout -d 'Close a connection after SECS seconds in which the client took nothing (0: never)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -l bind -d 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]' -r -f -a "(__fish_print_hostnames)"
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -l backlog -d 'Length of the queue of connections waiting to be accepted (capped by the OS)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -l max-connections -d 'Close new connections at once beyond this many open ones' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -l max-per-source -d 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -l udp-rate -d 'UDP replies allowed per source address per second' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -l threads -d 'Event loops (threads) serving connections [default: one per core but one, at least 1]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -l tcp -d 'Serve TCP (the default unless --udp is given)'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -l udp -d 'Serve UDP (together with --tcp for both on the same port)'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -l inetd -d 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Log only warnings and errors'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Also log debug events'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Send RFC 864\'s rotating lines to each client, as fast as it reads them'
complete -c netkit -n "__fish_netkit_using_subcommand chargen; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand time; and not __fish_seen_subcommand_from serve get help" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand time; and not __fish_seen_subcommand_from serve get help" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand time; and not __fish_seen_subcommand_from serve get help" -f -a "serve" -d 'Serve the current time: four bytes to each client, then close'
complete -c netkit -n "__fish_netkit_using_subcommand time; and not __fish_seen_subcommand_from serve get help" -f -a "get" -d 'Ask a time server (RFC 868) for the time and print it as RFC 3339'
complete -c netkit -n "__fish_netkit_using_subcommand time; and not __fish_seen_subcommand_from serve get help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -s p -l port -d 'Port number or service name [default: 37]' -r -f -a "echo\t''
discard\t''
daytime\t''
chargen\t''
ftp\t''
ssh\t''
telnet\t''
smtp\t''
time\t''
domain\t''
http\t''
pop3\t''
ntp\t''
imap\t''
imap2\t''
https\t''
submission\t''
imaps\t''
pop3s\t''"
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -l bind -d 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]' -r -f -a "(__fish_print_hostnames)"
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -l backlog -d 'Length of the queue of connections waiting to be accepted (capped by the OS)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -l max-connections -d 'Close new connections at once beyond this many open ones' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -l max-per-source -d 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -l udp-rate -d 'UDP replies allowed per source address per second' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -l threads -d 'Event loops (threads) serving connections [default: one per core but one, at least 1]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -l tcp -d 'Serve TCP (the default unless --udp is given)'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -l udp -d 'Serve UDP (together with --tcp for both on the same port)'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -l inetd -d 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Log only warnings and errors'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Also log debug events'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from get" -s w -l wait -d 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from get" -l udp -d 'Ask over UDP: an empty datagram, up to three times within -w, then wait for the reply'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from get" -l offset -d 'Also print the offset of the server\'s clock from the local clock'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from get" -l utc -d 'Print the time in UTC instead of local time (local time honours TZ)'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from get" -s 4 -d 'Use IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from get" -s 6 -d 'Use IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from get" -l trace -d 'Narrate the socket\'s life on stderr, step by step'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Serve the current time: four bytes to each client, then close'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from help" -f -a "get" -d 'Ask a time server (RFC 868) for the time and print it as RFC 3339'
complete -c netkit -n "__fish_netkit_using_subcommand time; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand serve" -l idle-timeout -d 'Close an echo, discard or chargen connection after SECS seconds without traffic (0: never)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand serve" -l bind -d 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]' -r -f -a "(__fish_print_hostnames)"
complete -c netkit -n "__fish_netkit_using_subcommand serve" -l backlog -d 'Length of the queue of connections waiting to be accepted (capped by the OS)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand serve" -l max-connections -d 'Close new connections at once beyond this many open ones' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand serve" -l max-per-source -d 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand serve" -l udp-rate -d 'UDP replies allowed per source address per second' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand serve" -l threads -d 'Event loops (threads) serving connections [default: one per core but one, at least 1]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand serve" -l tcp -d 'Serve TCP (the default unless --udp is given)'
complete -c netkit -n "__fish_netkit_using_subcommand serve" -l udp -d 'Serve UDP (together with --tcp for both on the same port)'
complete -c netkit -n "__fish_netkit_using_subcommand serve" -l inetd -d 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand serve" -s q -l quiet -d 'Log only warnings and errors'
complete -c netkit -n "__fish_netkit_using_subcommand serve" -s v -l verbose -d 'Also log debug events'
complete -c netkit -n "__fish_netkit_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand serve" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s l -l listen -d 'Wait for one connection on PORT instead of connecting (with -u, for datagrams); with -U PATH, on that socket file, and no PORT' -r -f -a "echo\t''
discard\t''
daytime\t''
chargen\t''
ftp\t''
ssh\t''
telnet\t''
smtp\t''
time\t''
domain\t''
http\t''
pop3\t''
ntp\t''
imap\t''
imap2\t''
https\t''
submission\t''
imaps\t''
pop3s\t''"
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -l bind -d 'Address to listen on with --listen [default: ::, or 0.0.0.0 with -4 or without IPv6; -6 listens for IPv6 alone]' -r -f -a "(__fish_print_hostnames)"
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s U -l unix -d 'Connect to the Unix-domain stream socket PATH instead of HOST PORT (with --listen, create it)' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s x -l hexdump -d 'Write every chunk of both directions to FILE (- for stderr) as hexdump -C lines' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s e -l escape -d 'Make CHAR the escape character instead of Ctrl-] (^]): ^X for Ctrl-X, or the character itself. Typed on a terminal, it opens the netkit> prompt (quit, close, send brk, send ip, status, help)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s w -l wait -d 'Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long for a reply, raw that long in silence once stdin has ended' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -l sni -d 'Send NAME as SNI and check the certificate against it [default: HOST; no SNI for an IP address]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -l ca -d 'Trust the certificates in FILE (PEM) instead of the system\'s trust store' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -l alpn -d 'Offer these application protocols (ALPN), comma-separated: h2,http/1.1' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -l cert -d 'Certificate chain (PEM) to present: the client\'s, or with --listen the server\'s' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -l starttls -d 'Speak this protocol\'s plaintext upgrade first (EHLO and STARTTLS, a001 STARTTLS, STLS, AUTH TLS), then TLS; implies --tls' -r -f -a "smtp\t''
imap\t''
pop3\t''
ftp\t''"
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s C -l crlf -d 'Send each newline as CR LF (for SMTP, HTTP, IRC by hand)'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s t -l telnet -d 'Speak the telnet protocol: answer option negotiations and hide them'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s q -l quiet -d 'Do not print the connection banner'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s u -l udp -d 'Speak UDP: each piece of stdin goes out as one datagram, each datagram received is printed; after stdin ends, wait for replies until -w SECS (default 2) pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s k -l keep-open -d 'With --listen: when a client leaves, wait for the next one, until SIGINT, SIGTERM or SIGHUP'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s E -l no-escape -d 'No escape character: every key typed goes to the peer, Ctrl-] too'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s 4 -d 'Use IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s 6 -d 'Use IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -l trace -d 'Narrate the socket\'s life on stderr, step by step'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -l tls -d 'Speak TLS: check the server\'s certificate against the system\'s trust store and HOST, and show the session and the certificate on stderr after the handshake'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -l insecure -d 'Do not check the server\'s certificate at all (a warning says so)'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and not __fish_seen_subcommand_from probe" -a "probe" -d 'Probe ports instead of talking (the nc spelling of netkit probe): raw -z HOST PORT...'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -s w -d 'Give each attempt SECS seconds to be answered (a port that is silent that long is filtered) and, with --banner, as long again to send its first line [default: 2]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l wait -d 'Try again, backing off from 100 ms to 1 s, until every port is open or SECS pass' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l sni -d 'Send NAME as SNI and check the certificate against it [default: HOST; no SNI for an IP address]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l ca -d 'Trust the certificates in FILE (PEM) instead of the system\'s trust store' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l alpn -d 'Offer these application protocols (ALPN), comma-separated: h2,http/1.1' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l cert -d 'Certificate chain (PEM) to present: the client\'s, or with --listen the server\'s' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l starttls -d 'Speak this protocol\'s plaintext upgrade first (EHLO and STARTTLS, a001 STARTTLS, STLS, AUTH TLS), then TLS; implies --tls' -r -f -a "smtp\t''
imap\t''
pop3\t''
ftp\t''"
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -s u -l udp -d 'Probe UDP: send an empty datagram to each port and wait for a reply'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -s 4 -d 'Use IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -s 6 -d 'Use IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l banner -d 'Show the first line each open port sends (an SSH or SMTP greeting, at most 1 KiB), escaped, quoted, at the end of its line'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l json -d 'Print one JSON object per port: host, addr, port, proto, state, rtt_ms, service (and banner with --banner, tls with --tls)'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -s q -l quiet -d 'Print nothing on stdout; the exit code tells'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l trace -d 'Narrate each attempt on stderr'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l tls -d 'Speak TLS: check the server\'s certificate against the system\'s trust store and HOST, and show the session and the certificate on stderr after the handshake'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -l insecure -d 'Do not check the server\'s certificate at all (a warning says so)'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand raw; and __fish_seen_subcommand_from probe" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand relay" -s p -l port -d 'Port number or service name to listen on (a relay has no well-known port)' -r -f -a "echo\t''
discard\t''
daytime\t''
chargen\t''
ftp\t''
ssh\t''
telnet\t''
smtp\t''
time\t''
domain\t''
http\t''
pop3\t''
ntp\t''
imap\t''
imap2\t''
https\t''
submission\t''
imaps\t''
pop3s\t''"
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l idle-timeout -d 'Close a connection after SECS seconds without traffic either way (0: never)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand relay" -s w -l wait -d 'Give up connecting to the target after SECS seconds, all its addresses together (0: the system\'s own limit)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l dump -d 'Write every chunk of both directions to FILE, or to stderr without =FILE (or with --dump=-)' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l dump-format -d 'How --dump shows the bytes: hex (hexdump -C lines) or text (escaped)' -r -f -a "ctime\t''
rfc2822\t''
rfc3339\t''
nist\t''"
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l bind -d 'Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6]' -r -f -a "(__fish_print_hostnames)"
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l backlog -d 'Length of the queue of connections waiting to be accepted (capped by the OS)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l max-connections -d 'Close new connections at once beyond this many open ones' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l max-per-source -d 'Close new connections at once beyond this many from one client address (0: no limit; set one on a server that faces strangers)' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l threads -d 'Event loops (threads) serving connections [default: one per core but one, at least 1]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l udp-rate -d 'UDP replies allowed per source address per second' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand relay" -s 4 -d 'Use the target\'s IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand relay" -s 6 -d 'Use the target\'s IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand relay" -s q -l quiet -d 'Log only warnings and errors'
complete -c netkit -n "__fish_netkit_using_subcommand relay" -s v -l verbose -d 'Also log debug events'
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l tcp -d 'Serve TCP (the default unless --udp is given)'
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l udp -d 'Serve UDP (together with --tcp for both on the same port)'
complete -c netkit -n "__fish_netkit_using_subcommand relay" -l inetd -d 'Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a `wait` service), answer datagrams on the socket in stdin until 10 s pass without one'
complete -c netkit -n "__fish_netkit_using_subcommand relay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand relay" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -s w -d 'Give each attempt SECS seconds to be answered (a port that is silent that long is filtered) and, with --banner, as long again to send its first line [default: 2]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l wait -d 'Try again, backing off from 100 ms to 1 s, until every port is open or SECS pass' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l sni -d 'Send NAME as SNI and check the certificate against it [default: HOST; no SNI for an IP address]' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l ca -d 'Trust the certificates in FILE (PEM) instead of the system\'s trust store' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l alpn -d 'Offer these application protocols (ALPN), comma-separated: h2,http/1.1' -r -f
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l cert -d 'Certificate chain (PEM) to present: the client\'s, or with --listen the server\'s' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l starttls -d 'Speak this protocol\'s plaintext upgrade first (EHLO and STARTTLS, a001 STARTTLS, STLS, AUTH TLS), then TLS; implies --tls' -r -f -a "smtp\t''
imap\t''
pop3\t''
ftp\t''"
complete -c netkit -n "__fish_netkit_using_subcommand probe" -s u -l udp -d 'Probe UDP: send an empty datagram to each port and wait for a reply'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -s 4 -d 'Use IPv4 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -s 6 -d 'Use IPv6 addresses only'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l banner -d 'Show the first line each open port sends (an SSH or SMTP greeting, at most 1 KiB), escaped, quoted, at the end of its line'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l json -d 'Print one JSON object per port: host, addr, port, proto, state, rtt_ms, service (and banner with --banner, tls with --tls)'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -s q -l quiet -d 'Print nothing on stdout; the exit code tells'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l trace -d 'Narrate each attempt on stderr'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l tls -d 'Speak TLS: check the server\'s certificate against the system\'s trust store and HOST, and show the session and the certificate on stderr after the handshake'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -l insecure -d 'Do not check the server\'s certificate at all (a warning says so)'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c netkit -n "__fish_netkit_using_subcommand probe" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand completions" -s h -l help -d 'Print help'
complete -c netkit -n "__fish_netkit_using_subcommand completions" -s V -l version -d 'Print version'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "daytime" -d 'Daytime protocol (RFC 867): serve the time as one line, or ask a server for it'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "discard" -d 'Discard protocol (RFC 863): a server that reads everything and answers nothing'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "echo" -d 'Echo protocol (RFC 862): serve, send messages, or measure an echo server'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "chargen" -d 'Character generator (RFC 864): a server that sends lines of text for as long as the client reads'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "time" -d 'Time protocol (RFC 868): serve the time as four bytes, or ask a server for it'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "serve" -d 'Serve several of inetd\'s internal services (echo, discard, daytime, chargen, time) from one process'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "raw" -d 'Talk to any TCP, UDP or Unix-socket service by hand or from a script, like telnet or nc'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "relay" -d 'Forward every connection to another host and port, and show what goes through if asked: socat TCP-LISTEN:P,fork TCP:HOST:PORT (with -v) without a process per connection'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "probe" -d 'Check which ports are open, or wait until they are: connect and close at once, like nc -z'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c netkit -n "__fish_netkit_using_subcommand help; and not __fish_seen_subcommand_from daytime discard echo chargen time serve raw relay probe completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from daytime" -f -a "serve" -d 'Serve the current time: one line to each client, then close'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from daytime" -f -a "get" -d 'Ask a daytime server for the time and print its answer'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from discard" -f -a "serve" -d 'Read and drop whatever clients send; send nothing back'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from echo" -f -a "serve" -d 'Send every byte received back to its sender'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from echo" -f -a "send" -d 'Send messages to an echo server and print what comes back'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from echo" -f -a "bench" -d 'Measure an echo server: many connections, verified replies, rates and latency'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from chargen" -f -a "serve" -d 'Send RFC 864\'s rotating lines to each client, as fast as it reads them'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from time" -f -a "serve" -d 'Serve the current time: four bytes to each client, then close'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from time" -f -a "get" -d 'Ask a time server (RFC 868) for the time and print it as RFC 3339'
complete -c netkit -n "__fish_netkit_using_subcommand help; and __fish_seen_subcommand_from raw" -f -a "probe" -d 'Probe ports instead of talking (the nc spelling of netkit probe): raw -z HOST PORT...'
