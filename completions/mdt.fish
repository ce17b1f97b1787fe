function __mdt_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __mdt_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __mdt_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __mdt_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __mdt_parse_tokens -S
    set -l unparsed_tokens (__mdt_tokens -pc)
    switch $unparsed_tokens[1]
    case 'mdt'
        __mdt_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'collect'
            __mdt_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'run'
                __mdt_parse_subcommand 0 'config=' 'v/verbose' 'log-level=' 'q/quiet' 'color=' 'name=' 'symbols=' 'sinks=' 'depth=' 'shard=' 'duration=' 'stop-timeout=' 'heartbeat-timeout=' 'clickhouse-url=' 'clickhouse-user=' 'clickhouse-database=' 'clickhouse-password-file=' 'brokers=' 'kafka-property=+' 'topic-prefix=' 'redis-url=' 'redis-password-file=' 'iqfeed-host=' 'l1-port=' 'lookup-port=' 'l2-port=' 'admin-port=' 'version' 'h/help'
            case 'start'
                __mdt_parse_subcommand 0 'config=' 'v/verbose' 'log-level=' 'q/quiet' 'color=' 'name=' 'symbols=' 'sinks=' 'depth=' 'shard=' 'duration=' 'stop-timeout=' 'heartbeat-timeout=' 'clickhouse-url=' 'clickhouse-user=' 'clickhouse-database=' 'clickhouse-password-file=' 'brokers=' 'kafka-property=+' 'topic-prefix=' 'redis-url=' 'redis-password-file=' 'iqfeed-host=' 'l1-port=' 'lookup-port=' 'l2-port=' 'admin-port=' 'wait-timeout=' 'version' 'h/help'
            case 'stop'
                __mdt_parse_subcommand 1 'config=' 'v/verbose' 'log-level=' 'q/quiet' 'color=' 'all' 'timeout=' 'version' 'h/help'
            case 'status'
                __mdt_parse_subcommand 0 'config=' 'v/verbose' 'log-level=' 'q/quiet' 'color=' 'format=' 'no-header' 'json' 'version' 'h/help'
            end
        case 'download'
            __mdt_parse_subcommand 0 'version' 'h/help'
        case 'replay'
            __mdt_parse_subcommand 0 'synthetic' 'input=' 'serve' 'host=' 'ports=' 'symbols=' 'rate=' 'seed=' 'count=' 'lookup-rate-limit=' 'max-symbols=' 'port-file=' 'version' 'h/help'
        case 'book'
            __mdt_parse_subcommand 0 'version' 'h/help'
        case 'query'
            __mdt_parse_subcommand 0 'version' 'h/help'
        case 'topics'
            __mdt_parse_subcommand 0 'version' 'h/help'
        case 'health'
            __mdt_parse_subcommand 0 'config=' 'v/verbose' 'log-level=' 'q/quiet' 'color=' 'clickhouse-url=' 'clickhouse-user=' 'clickhouse-database=' 'clickhouse-password-file=' 'brokers=' 'kafka-property=+' 'topic-prefix=' 'redis-url=' 'redis-password-file=' 'iqfeed-host=' 'l1-port=' 'lookup-port=' 'l2-port=' 'admin-port=' 'component=+' 'skip=+' 'json' 'nagios' 'prometheus=' 'w/warning=' 'c/critical=' 't/timeout=' 'heartbeat-max-age=' 'serve=' 'cache=' 'version' 'h/help'
        case 'bench'
            __mdt_parse_subcommand 0 'version' 'h/help'
        case 'config'
            __mdt_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'show'
                __mdt_parse_subcommand 0 'config=' 'v/verbose' 'log-level=' 'q/quiet' 'color=' 'clickhouse-url=' 'clickhouse-user=' 'clickhouse-database=' 'clickhouse-password-file=' 'brokers=' 'kafka-property=+' 'topic-prefix=' 'redis-url=' 'redis-password-file=' 'iqfeed-host=' 'l1-port=' 'lookup-port=' 'l2-port=' 'admin-port=' 'json' 'path' 'version' 'h/help'
            case 'init'
                __mdt_parse_subcommand 0 'config=' 'v/verbose' 'log-level=' 'q/quiet' 'color=' 'force' 'version' 'h/help'
            end
        case 'help'
            __mdt_parse_subcommand -r 1 'version'
        end
    end
end

function __mdt_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __mdt_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __mdt_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __mdt_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__mdt_tokens -p)
    if test -z "$(__mdt_tokens -t)"
        set -l index (count (__mdt_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'mdt' -f
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt" -eq 1' -fa 'collect' -d 'Collect L1/L2 data from IQFeed into Kafka, ClickHouse and Redis (foreground or background).'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt" -eq 1' -fa 'download' -d 'Not built yet.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt" -eq 1' -fa 'replay' -d 'Replay market data: serve a synthetic (or recorded) IQFeed on the IQConnect ports.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt" -eq 1' -fa 'book' -d 'Not built yet.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt" -eq 1' -fa 'query' -d 'Not built yet.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt" -eq 1' -fa 'topics' -d 'Not built yet.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt" -eq 1' -fa 'health' -d 'Check ClickHouse, Kafka, Redis, IQFeed, the manifest and data freshness; exit 0/1/2/3.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt" -eq 1' -fa 'bench' -d 'Not built yet.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt" -eq 1' -fa 'config' -d 'Show the effective configuration and the source of each value, or write a default mdt.toml.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt collect" -eq 1' -fa 'run' -d 'Collect in the foreground (the default).'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt collect" -eq 1' -fa 'start' -d 'Start a named collector in the background (own session, log under $MDT_HOME/logs).'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt collect" -eq 1' -fa 'stop' -d 'Stop background collectors: SIGTERM, wait for the flush, SIGKILL after --timeout.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt collect" -eq 1' -fa 'status' -d 'List collectors: alive, stale PID, last heartbeat, rates, backlog.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" config' -l 'config' -d 'Config file (default $MDT_CONFIG, else $MDT_HOME/mdt.toml).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run"' -l 'verbose' -s 'v' -d 'More log output on stderr: -v info, -vv debug.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error, critical.' -rfka 'trace debug info notice warning error critical'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" q quiet' -l 'quiet' -s 'q' -d 'Only errors on stderr; no progress.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" color' -l 'color' -d 'Colour: auto (when a terminal), on, off.' -rfka 'auto on off'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" name' -l 'name' -d 'Process name (manifest, spool, logs, metrics keys).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" symbols' -l 'symbols' -d 'Symbols: A,B,C or @FILE (one per line). Default: the manifest\'s active symbols.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" sinks' -l 'sinks' -d 'Sinks to write: any of kafka,clickhouse,redis (default: collect.sinks).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" depth' -l 'depth' -d 'Level 2 watch: prices (WPL), orders (WOR) or none.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" shard' -l 'shard' -d 'Watch only this stable-hash share of the symbols, i/n (e.g. 0/4).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" duration' -l 'duration' -d 'Stop after this many seconds (default: run until signalled).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" stop-timeout' -l 'stop-timeout' -d 'Seconds to let the sinks drain on stop before leaving the rest in the spool.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" heartbeat-timeout' -l 'heartbeat-timeout' -d 'Seconds without a T/STATS heartbeat before the feed reconnects.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" clickhouse-url' -l 'clickhouse-url' -d 'ClickHouse HTTP URL (default http://localhost:8123).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" clickhouse-user' -l 'clickhouse-user' -d 'ClickHouse user.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" clickhouse-database' -l 'clickhouse-database' -d 'ClickHouse database.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" clickhouse-password-file' -l 'clickhouse-password-file' -d 'File holding the ClickHouse password (mode 0600).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" brokers' -l 'brokers' -d 'Kafka bootstrap brokers (default localhost:9092).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run"' -l 'kafka-property' -d 'librdkafka property, repeatable (like kcat -X).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" topic-prefix' -l 'topic-prefix' -d 'Prefix added to topic names.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" redis-url' -l 'redis-url' -d 'Redis URL (default redis://localhost:6380).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" redis-password-file' -l 'redis-password-file' -d 'File holding the Redis password (mode 0600).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" iqfeed-host' -l 'iqfeed-host' -d 'IQConnect host (default localhost).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" l1-port' -l 'l1-port' -d 'Level 1 port (default 5009).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" lookup-port' -l 'lookup-port' -d 'History lookup port (default 9100).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" l2-port' -l 'l2-port' -d 'Level 2 port (default 9200).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" admin-port' -l 'admin-port' -d 'Admin port (default 9300).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" config' -l 'config' -d 'Config file (default $MDT_CONFIG, else $MDT_HOME/mdt.toml).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start"' -l 'verbose' -s 'v' -d 'More log output on stderr: -v info, -vv debug.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error, critical.' -rfka 'trace debug info notice warning error critical'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" q quiet' -l 'quiet' -s 'q' -d 'Only errors on stderr; no progress.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" color' -l 'color' -d 'Colour: auto (when a terminal), on, off.' -rfka 'auto on off'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" name' -l 'name' -d 'Process name (manifest, spool, logs, metrics keys).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" symbols' -l 'symbols' -d 'Symbols: A,B,C or @FILE (one per line). Default: the manifest\'s active symbols.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" sinks' -l 'sinks' -d 'Sinks to write: any of kafka,clickhouse,redis (default: collect.sinks).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" depth' -l 'depth' -d 'Level 2 watch: prices (WPL), orders (WOR) or none.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" shard' -l 'shard' -d 'Watch only this stable-hash share of the symbols, i/n (e.g. 0/4).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" duration' -l 'duration' -d 'Stop after this many seconds (default: run until signalled).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" stop-timeout' -l 'stop-timeout' -d 'Seconds to let the sinks drain on stop before leaving the rest in the spool.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" heartbeat-timeout' -l 'heartbeat-timeout' -d 'Seconds without a T/STATS heartbeat before the feed reconnects.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" clickhouse-url' -l 'clickhouse-url' -d 'ClickHouse HTTP URL (default http://localhost:8123).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" clickhouse-user' -l 'clickhouse-user' -d 'ClickHouse user.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" clickhouse-database' -l 'clickhouse-database' -d 'ClickHouse database.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" clickhouse-password-file' -l 'clickhouse-password-file' -d 'File holding the ClickHouse password (mode 0600).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" brokers' -l 'brokers' -d 'Kafka bootstrap brokers (default localhost:9092).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start"' -l 'kafka-property' -d 'librdkafka property, repeatable (like kcat -X).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" topic-prefix' -l 'topic-prefix' -d 'Prefix added to topic names.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" redis-url' -l 'redis-url' -d 'Redis URL (default redis://localhost:6380).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" redis-password-file' -l 'redis-password-file' -d 'File holding the Redis password (mode 0600).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" iqfeed-host' -l 'iqfeed-host' -d 'IQConnect host (default localhost).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" l1-port' -l 'l1-port' -d 'Level 1 port (default 5009).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" lookup-port' -l 'lookup-port' -d 'History lookup port (default 9100).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" l2-port' -l 'l2-port' -d 'Level 2 port (default 9200).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" admin-port' -l 'admin-port' -d 'Admin port (default 9300).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" wait-timeout' -l 'wait-timeout' -d 'Seconds to wait for the collector to report that it runs.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect start" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect stop" config' -l 'config' -d 'Config file (default $MDT_CONFIG, else $MDT_HOME/mdt.toml).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect stop"' -l 'verbose' -s 'v' -d 'More log output on stderr: -v info, -vv debug.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect stop" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error, critical.' -rfka 'trace debug info notice warning error critical'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect stop" q quiet' -l 'quiet' -s 'q' -d 'Only errors on stderr; no progress.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect stop" color' -l 'color' -d 'Colour: auto (when a terminal), on, off.' -rfka 'auto on off'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect stop" all' -l 'all' -d 'Stop every registered collector.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect stop" timeout' -l 'timeout' -d 'Seconds to wait for a clean exit before SIGKILL.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect stop" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect stop" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect status" config' -l 'config' -d 'Config file (default $MDT_CONFIG, else $MDT_HOME/mdt.toml).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect status"' -l 'verbose' -s 'v' -d 'More log output on stderr: -v info, -vv debug.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect status" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error, critical.' -rfka 'trace debug info notice warning error critical'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect status" q quiet' -l 'quiet' -s 'q' -d 'Only errors on stderr; no progress.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect status" color' -l 'color' -d 'Colour: auto (when a terminal), on, off.' -rfka 'auto on off'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect status" format' -l 'format' -d 'Output format: table, csv, tsv, json, ndjson, vertical (default: table on a terminal, else tsv).' -rfka 'table csv tsv json ndjson vertical'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect status" no-header' -l 'no-header' -d 'Omit the header line in csv and tsv.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect status" json' -l 'json' -d 'Print JSON (same as --format json).'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect status" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt collect status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt download" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt download" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" synthetic' -l 'synthetic' -d 'Source: the seeded synthetic market.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" input' -l 'input' -d 'Source: a file of recorded IQFeed lines (L2 rows go to 9200, the rest to 5009).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" serve' -l 'serve' -d 'Target: serve the IQFeed protocol (L1, lookup, L2, admin ports).'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" host' -l 'host' -d 'Address to listen on.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" ports' -l 'ports' -d 'Ports l1,lookup,l2,admin (0 = any free port).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" symbols' -l 'symbols' -d 'Number of synthetic symbols, or @FILE with one symbol per line.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" rate' -l 'rate' -d 'Market events per second over all watched symbols (0 = unlimited).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" seed' -l 'seed' -d 'Seed of the synthetic market.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" count' -l 'count' -d 'Emit exactly N market events, then stop emitting (the server keeps serving).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" lookup-rate-limit' -l 'lookup-rate-limit' -d 'History requests per second (token bucket); beyond it the server answers \'Too many simultaneous history requests\'.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" max-symbols' -l 'max-symbols' -d 'Watch limit per socket (S,SYMBOL LIMIT REACHED beyond it).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" port-file' -l 'port-file' -d 'Write the actual ports here (l1=PORT lines) once listening.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt replay" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt book" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt book" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt query" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt query" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt topics" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt topics" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" config' -l 'config' -d 'Config file (default $MDT_CONFIG, else $MDT_HOME/mdt.toml).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health"' -l 'verbose' -s 'v' -d 'More log output on stderr: -v info, -vv debug.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error, critical.' -rfka 'trace debug info notice warning error critical'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" q quiet' -l 'quiet' -s 'q' -d 'Only errors on stderr; no progress.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" color' -l 'color' -d 'Colour: auto (when a terminal), on, off.' -rfka 'auto on off'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" clickhouse-url' -l 'clickhouse-url' -d 'ClickHouse HTTP URL (default http://localhost:8123).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" clickhouse-user' -l 'clickhouse-user' -d 'ClickHouse user.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" clickhouse-database' -l 'clickhouse-database' -d 'ClickHouse database.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" clickhouse-password-file' -l 'clickhouse-password-file' -d 'File holding the ClickHouse password (mode 0600).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" brokers' -l 'brokers' -d 'Kafka bootstrap brokers (default localhost:9092).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health"' -l 'kafka-property' -d 'librdkafka property, repeatable (like kcat -X).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" topic-prefix' -l 'topic-prefix' -d 'Prefix added to topic names.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" redis-url' -l 'redis-url' -d 'Redis URL (default redis://localhost:6380).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" redis-password-file' -l 'redis-password-file' -d 'File holding the Redis password (mode 0600).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" iqfeed-host' -l 'iqfeed-host' -d 'IQConnect host (default localhost).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" l1-port' -l 'l1-port' -d 'Level 1 port (default 5009).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" lookup-port' -l 'lookup-port' -d 'History lookup port (default 9100).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" l2-port' -l 'l2-port' -d 'Level 2 port (default 9200).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" admin-port' -l 'admin-port' -d 'Admin port (default 9300).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health"' -l 'component' -d 'Only these components (comma separated, repeatable): clickhouse, kafka, redis, iqfeed, manifest, freshness.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health"' -l 'skip' -d 'Leave these components out (comma separated, repeatable).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" json' -l 'json' -d 'Print the JSON report (stable schema 1, described above).'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" nagios' -l 'nagios' -d 'Print ONE Nagios plugin line: MDT STATUS - text | perfdata.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" prometheus' -l 'prometheus' -d 'Also write Prometheus text to this file atomically (node_exporter textfile collector); - prints it on stdout instead.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" w warning' -s 'w' -l 'warning' -d 'Warning thresholds: latency ms[,tick age s] (default 1000,60).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" c critical' -s 'c' -l 'critical' -d 'Critical thresholds: latency ms[,tick age s] (default 5000,300).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" t timeout' -s 't' -l 'timeout' -d 'Per-check timeout in seconds (default 10).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" heartbeat-max-age' -l 'heartbeat-max-age' -d 'A background process whose manifest heartbeat is older than this is a WARNING (default 120).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" serve' -l 'serve' -d 'Serve GET /api/status/ (JSON) and /metrics (Prometheus) on HOST:PORT instead of printing.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" cache' -l 'cache' -d 'With --serve: reuse a result for this many seconds (default 1).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt health" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt bench" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt bench" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt config" -eq 1' -fa 'show' -d 'Print every setting as `key = value  # source` (secrets redacted).'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_positional "mdt config" -eq 1' -fa 'init' -d 'Write a commented default mdt.toml (mode 0600) at the config path.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" config' -l 'config' -d 'Config file (default $MDT_CONFIG, else $MDT_HOME/mdt.toml).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show"' -l 'verbose' -s 'v' -d 'More log output on stderr: -v info, -vv debug.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error, critical.' -rfka 'trace debug info notice warning error critical'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" q quiet' -l 'quiet' -s 'q' -d 'Only errors on stderr; no progress.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" color' -l 'color' -d 'Colour: auto (when a terminal), on, off.' -rfka 'auto on off'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" clickhouse-url' -l 'clickhouse-url' -d 'ClickHouse HTTP URL (default http://localhost:8123).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" clickhouse-user' -l 'clickhouse-user' -d 'ClickHouse user.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" clickhouse-database' -l 'clickhouse-database' -d 'ClickHouse database.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" clickhouse-password-file' -l 'clickhouse-password-file' -d 'File holding the ClickHouse password (mode 0600).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" brokers' -l 'brokers' -d 'Kafka bootstrap brokers (default localhost:9092).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show"' -l 'kafka-property' -d 'librdkafka property, repeatable (like kcat -X).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" topic-prefix' -l 'topic-prefix' -d 'Prefix added to topic names.' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" redis-url' -l 'redis-url' -d 'Redis URL (default redis://localhost:6380).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" redis-password-file' -l 'redis-password-file' -d 'File holding the Redis password (mode 0600).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" iqfeed-host' -l 'iqfeed-host' -d 'IQConnect host (default localhost).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" l1-port' -l 'l1-port' -d 'Level 1 port (default 5009).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" lookup-port' -l 'lookup-port' -d 'History lookup port (default 9100).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" l2-port' -l 'l2-port' -d 'Level 2 port (default 9200).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" admin-port' -l 'admin-port' -d 'Admin port (default 9300).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" json' -l 'json' -d 'Print a JSON object {key: {value, source, origin}}.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" path' -l 'path' -d 'Print only the path of the config file in use.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config init" config' -l 'config' -d 'Config file (default $MDT_CONFIG, else $MDT_HOME/mdt.toml).' -rfka ''
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config init"' -l 'verbose' -s 'v' -d 'More log output on stderr: -v info, -vv debug.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config init" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error, critical.' -rfka 'trace debug info notice warning error critical'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config init" q quiet' -l 'quiet' -s 'q' -d 'Only errors on stderr; no progress.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config init" color' -l 'color' -d 'Colour: auto (when a terminal), on, off.' -rfka 'auto on off'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config init" force' -l 'force' -d 'Overwrite an existing file.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config init" version' -l 'version' -d 'Show the version.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt config init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'mdt' -n '__mdt_should_offer_completions_for_flags_or_options "mdt help" version' -l 'version' -d 'Show the version.'
