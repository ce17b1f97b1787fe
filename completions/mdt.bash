#!/bin/bash

__mdt_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__mdt_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__mdt_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__mdt_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_mdt() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __mdt_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    collect|download|replay|book|query|topics|health|bench|config|help)
        # Offer subcommand argument completions
        "_mdt_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'collect download replay book query topics health bench config help' -- "${cur}"))
        ;;
    esac
}

_mdt_collect() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mdt_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    run|start|stop|status)
        # Offer subcommand argument completions
        "_mdt_collect_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'run start stop status' -- "${cur}"))
        ;;
    esac
}

_mdt_collect_run() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --name --symbols --sinks --depth --encoding --shard --duration --stop-timeout --heartbeat-timeout --role --group --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --brokers --topic-prefix --redis-url --redis-password-file --iqfeed-host --l1-port --lookup-port --l2-port --admin-port)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--name')
        return
        ;;
    '--symbols')
        return
        ;;
    '--sinks')
        return
        ;;
    '--depth')
        return
        ;;
    '--encoding')
        return
        ;;
    '--shard')
        return
        ;;
    '--duration')
        return
        ;;
    '--stop-timeout')
        return
        ;;
    '--heartbeat-timeout')
        return
        ;;
    '--role')
        return
        ;;
    '--group')
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--redis-url')
        return
        ;;
    '--redis-password-file')
        return
        ;;
    '--iqfeed-host')
        return
        ;;
    '--l1-port')
        return
        ;;
    '--lookup-port')
        return
        ;;
    '--l2-port')
        return
        ;;
    '--admin-port')
        return
        ;;
    esac
}

_mdt_collect_start() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --name --symbols --sinks --depth --encoding --shard --duration --stop-timeout --heartbeat-timeout --role --group --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --brokers --topic-prefix --redis-url --redis-password-file --iqfeed-host --l1-port --lookup-port --l2-port --admin-port --wait-timeout)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--name')
        return
        ;;
    '--symbols')
        return
        ;;
    '--sinks')
        return
        ;;
    '--depth')
        return
        ;;
    '--encoding')
        return
        ;;
    '--shard')
        return
        ;;
    '--duration')
        return
        ;;
    '--stop-timeout')
        return
        ;;
    '--heartbeat-timeout')
        return
        ;;
    '--role')
        return
        ;;
    '--group')
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--redis-url')
        return
        ;;
    '--redis-password-file')
        return
        ;;
    '--iqfeed-host')
        return
        ;;
    '--l1-port')
        return
        ;;
    '--lookup-port')
        return
        ;;
    '--l2-port')
        return
        ;;
    '--admin-port')
        return
        ;;
    '--wait-timeout')
        return
        ;;
    esac
}

_mdt_collect_stop() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --all --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --timeout)
    __mdt_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_mdt_collect_status() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --format)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    esac
}

_mdt_download() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mdt_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    run|status|gaps)
        # Offer subcommand argument completions
        "_mdt_download_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'run status gaps' -- "${cur}"))
        ;;
    esac
}

_mdt_download_run() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --all-active --since-last --force --summary --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --iqfeed-host --l1-port --lookup-port --l2-port --admin-port --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --symbols --kind --from --to --days --concurrency --lookup-rate --chunk-rows --max-attempts --retry-backoff)
    __mdt_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--iqfeed-host')
        return
        ;;
    '--l1-port')
        return
        ;;
    '--lookup-port')
        return
        ;;
    '--l2-port')
        return
        ;;
    '--admin-port')
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--symbols')
        return
        ;;
    '--kind')
        __mdt_add_completions -W 'ticks'$'\n''bars:60'$'\n''daily'$'\n''weekly'$'\n''monthly'
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--days')
        return
        ;;
    '--concurrency')
        return
        ;;
    '--lookup-rate')
        return
        ;;
    '--chunk-rows')
        return
        ;;
    '--max-attempts')
        return
        ;;
    '--retry-backoff')
        return
        ;;
    esac
}

_mdt_download_status() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --format --symbol --kind)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    '--symbol')
        return
        ;;
    '--kind')
        return
        ;;
    esac
}

_mdt_download_gaps() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --fill --json --force --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --iqfeed-host --l1-port --lookup-port --l2-port --admin-port --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --symbols --kind --from --to --days --concurrency --lookup-rate --chunk-rows --max-attempts --retry-backoff)
    __mdt_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--iqfeed-host')
        return
        ;;
    '--l1-port')
        return
        ;;
    '--lookup-port')
        return
        ;;
    '--l2-port')
        return
        ;;
    '--admin-port')
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--symbols')
        return
        ;;
    '--kind')
        __mdt_add_completions -W 'ticks'$'\n''bars:60'$'\n''daily'$'\n''weekly'$'\n''monthly'
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--days')
        return
        ;;
    '--concurrency')
        return
        ;;
    '--lookup-rate')
        return
        ;;
    '--chunk-rows')
        return
        ;;
    '--max-attempts')
        return
        ;;
    '--retry-backoff')
        return
        ;;
    esac
}

_mdt_replay() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --loop --synthetic --serve --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --brokers --topic-prefix --redis-url --redis-password-file --from --to --format --speed --start --end --lookup-symbol --input --host --ports --symbols --rate --seed --count --lookup-rate-limit --max-symbols --port-file)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--redis-url')
        return
        ;;
    '--redis-password-file')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--format')
        return
        ;;
    '--speed')
        return
        ;;
    '--start')
        return
        ;;
    '--end')
        return
        ;;
    '--lookup-symbol')
        return
        ;;
    '--input')
        return
        ;;
    '--host')
        return
        ;;
    '--ports')
        return
        ;;
    '--symbols')
        return
        ;;
    '--rate')
        return
        ;;
    '--seed')
        return
        ;;
    '--count')
        return
        ;;
    '--lookup-rate-limit')
        return
        ;;
    '--max-symbols')
        return
        ;;
    '--port-file')
        return
        ;;
    esac
}

_mdt_book() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --json --follow --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --source --by --depth --wait --offset --since --at --replay-from --duration --iqfeed-host --l1-port --lookup-port --l2-port --admin-port --brokers --topic-prefix --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file)
    __mdt_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--source')
        __mdt_add_completions -W 'live'$'\n''kafka'$'\n''clickhouse'
        return
        ;;
    '--by')
        __mdt_add_completions -W 'price'$'\n''order'
        return
        ;;
    '--depth')
        return
        ;;
    '--wait')
        return
        ;;
    '--offset')
        return
        ;;
    '--since')
        return
        ;;
    '--at')
        return
        ;;
    '--replay-from')
        return
        ;;
    '--duration')
        return
        ;;
    '--iqfeed-host')
        return
        ;;
    '--l1-port')
        return
        ;;
    '--lookup-port')
        return
        ;;
    '--l2-port')
        return
        ;;
    '--admin-port')
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    esac
}

_mdt_query() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mdt_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    run|ticks|quotes|bars|stats)
        # Offer subcommand argument completions
        "_mdt_query_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'run ticks quotes bars stats' -- "${cur}"))
        ;;
    esac
}

_mdt_query_run() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --force --time --multi --schema --version -h --help)
    repeating_options=(--param)
    non_repeating_options=(--config --log-level --color --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --format --output -o --timeout --file -f --ch-format --dialect --cluster)
    __mdt_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--timeout')
        return
        ;;
    '--file'|'-f')
        return
        ;;
    '--param')
        return
        ;;
    '--ch-format')
        return
        ;;
    '--dialect')
        __mdt_add_completions -W 'modern'$'\n''legacy'
        return
        ;;
    '--cluster')
        return
        ;;
    esac
}

_mdt_query_ticks() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --force --time --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --format --output -o --timeout --since --from --to -n --limit)
    __mdt_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--timeout')
        return
        ;;
    '--since')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '-n'|'--limit')
        return
        ;;
    esac
}

_mdt_query_quotes() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --force --time --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --format --output -o --timeout --since --from --to -n --limit)
    __mdt_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--timeout')
        return
        ;;
    '--since')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '-n'|'--limit')
        return
        ;;
    esac
}

_mdt_query_bars() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --force --time --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --format --output -o --timeout --since --from --to -n --limit --interval --chart)
    __mdt_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--timeout')
        return
        ;;
    '--since')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '-n'|'--limit')
        return
        ;;
    '--interval')
        return
        ;;
    '--chart')
        return
        ;;
    esac
}

_mdt_query_stats() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --force --time --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --format --output -o --timeout)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_mdt_topics() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mdt_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|describe|create|delete|reset|lag|tail)
        # Offer subcommand argument completions
        "_mdt_topics_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list describe create delete reset lag tail' -- "${cur}"))
        ;;
    esac
}

_mdt_topics_list() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --json --all --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --brokers --topic-prefix --format --timeout)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_mdt_topics_describe() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --json --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --brokers --topic-prefix --format --timeout)
    __mdt_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_mdt_topics_create() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --brokers --topic-prefix --format --timeout --partitions --replication)
    __mdt_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    '--timeout')
        return
        ;;
    '--partitions')
        return
        ;;
    '--replication')
        return
        ;;
    esac
}

_mdt_topics_delete() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q -y --yes --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --brokers --topic-prefix --timeout)
    __mdt_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_mdt_topics_reset() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --execute --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --brokers --topic-prefix --timeout)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_mdt_topics_lag() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-header --json --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --brokers --topic-prefix --format --timeout --group -g --topic -t)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--format')
        __mdt_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'$'\n''ndjson'$'\n''vertical'
        return
        ;;
    '--timeout')
        return
        ;;
    '--group'|'-g')
        return
        ;;
    '--topic'|'-t')
        return
        ;;
    esac
}

_mdt_topics_tail() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --follow -f --raw --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --brokers --topic-prefix --timeout -n --from-time --key --partition)
    __mdt_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--timeout')
        return
        ;;
    '-n')
        return
        ;;
    '--from-time')
        return
        ;;
    '--key')
        return
        ;;
    '--partition')
        return
        ;;
    esac
}

_mdt_health() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --json --nagios --version -h --help)
    repeating_options=(--kafka-property --component --skip)
    non_repeating_options=(--config --log-level --color --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --brokers --topic-prefix --redis-url --redis-password-file --iqfeed-host --l1-port --lookup-port --l2-port --admin-port --prometheus -w --warning -c --critical -t --timeout --heartbeat-max-age --serve --cache)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--redis-url')
        return
        ;;
    '--redis-password-file')
        return
        ;;
    '--iqfeed-host')
        return
        ;;
    '--l1-port')
        return
        ;;
    '--lookup-port')
        return
        ;;
    '--l2-port')
        return
        ;;
    '--admin-port')
        return
        ;;
    '--component')
        return
        ;;
    '--skip')
        return
        ;;
    '--prometheus')
        return
        ;;
    '-w'|'--warning')
        return
        ;;
    '-c'|'--critical')
        return
        ;;
    '-t'|'--timeout')
        return
        ;;
    '--heartbeat-max-age')
        return
        ;;
    '--serve')
        return
        ;;
    '--cache')
        return
        ;;
    esac
}

_mdt_bench() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mdt_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    parse|book|encode|kafka|clickhouse|redis|download|pipeline|all)
        # Offer subcommand argument completions
        "_mdt_bench_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'parse book encode kafka clickhouse redis download pipeline all' -- "${cur}"))
        ;;
    esac
}

_mdt_bench_parse() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-warmup --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --seconds --runs --symbols --rate --sinks --iterations --only --clickhouse-tcp-port --scratch-database)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--seconds')
        return
        ;;
    '--runs')
        return
        ;;
    '--symbols')
        return
        ;;
    '--rate')
        return
        ;;
    '--sinks')
        return
        ;;
    '--iterations')
        return
        ;;
    '--only')
        return
        ;;
    '--clickhouse-tcp-port')
        return
        ;;
    '--scratch-database')
        return
        ;;
    esac
}

_mdt_bench_book() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-warmup --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --seconds --runs --symbols --rate --sinks --iterations --only --clickhouse-tcp-port --scratch-database)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--seconds')
        return
        ;;
    '--runs')
        return
        ;;
    '--symbols')
        return
        ;;
    '--rate')
        return
        ;;
    '--sinks')
        return
        ;;
    '--iterations')
        return
        ;;
    '--only')
        return
        ;;
    '--clickhouse-tcp-port')
        return
        ;;
    '--scratch-database')
        return
        ;;
    esac
}

_mdt_bench_encode() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-warmup --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --seconds --runs --symbols --rate --sinks --iterations --only --clickhouse-tcp-port --scratch-database)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--seconds')
        return
        ;;
    '--runs')
        return
        ;;
    '--symbols')
        return
        ;;
    '--rate')
        return
        ;;
    '--sinks')
        return
        ;;
    '--iterations')
        return
        ;;
    '--only')
        return
        ;;
    '--clickhouse-tcp-port')
        return
        ;;
    '--scratch-database')
        return
        ;;
    esac
}

_mdt_bench_kafka() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-warmup --json --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --seconds --runs --symbols --rate --sinks --iterations --only --clickhouse-tcp-port --scratch-database --brokers --topic-prefix)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--seconds')
        return
        ;;
    '--runs')
        return
        ;;
    '--symbols')
        return
        ;;
    '--rate')
        return
        ;;
    '--sinks')
        return
        ;;
    '--iterations')
        return
        ;;
    '--only')
        return
        ;;
    '--clickhouse-tcp-port')
        return
        ;;
    '--scratch-database')
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    esac
}

_mdt_bench_clickhouse() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-warmup --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --seconds --runs --symbols --rate --sinks --iterations --only --clickhouse-tcp-port --scratch-database --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--seconds')
        return
        ;;
    '--runs')
        return
        ;;
    '--symbols')
        return
        ;;
    '--rate')
        return
        ;;
    '--sinks')
        return
        ;;
    '--iterations')
        return
        ;;
    '--only')
        return
        ;;
    '--clickhouse-tcp-port')
        return
        ;;
    '--scratch-database')
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    esac
}

_mdt_bench_redis() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-warmup --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --seconds --runs --symbols --rate --sinks --iterations --only --clickhouse-tcp-port --scratch-database --redis-url --redis-password-file)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--seconds')
        return
        ;;
    '--runs')
        return
        ;;
    '--symbols')
        return
        ;;
    '--rate')
        return
        ;;
    '--sinks')
        return
        ;;
    '--iterations')
        return
        ;;
    '--only')
        return
        ;;
    '--clickhouse-tcp-port')
        return
        ;;
    '--scratch-database')
        return
        ;;
    '--redis-url')
        return
        ;;
    '--redis-password-file')
        return
        ;;
    esac
}

_mdt_bench_download() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-warmup --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color --seconds --runs --symbols --rate --sinks --iterations --only --clickhouse-tcp-port --scratch-database --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--seconds')
        return
        ;;
    '--runs')
        return
        ;;
    '--symbols')
        return
        ;;
    '--rate')
        return
        ;;
    '--sinks')
        return
        ;;
    '--iterations')
        return
        ;;
    '--only')
        return
        ;;
    '--clickhouse-tcp-port')
        return
        ;;
    '--scratch-database')
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    esac
}

_mdt_bench_pipeline() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-warmup --json --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --seconds --runs --symbols --rate --sinks --iterations --only --clickhouse-tcp-port --scratch-database --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --brokers --topic-prefix --redis-url --redis-password-file)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--seconds')
        return
        ;;
    '--runs')
        return
        ;;
    '--symbols')
        return
        ;;
    '--rate')
        return
        ;;
    '--sinks')
        return
        ;;
    '--iterations')
        return
        ;;
    '--only')
        return
        ;;
    '--clickhouse-tcp-port')
        return
        ;;
    '--scratch-database')
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--redis-url')
        return
        ;;
    '--redis-password-file')
        return
        ;;
    esac
}

_mdt_bench_all() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --no-warmup --json --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --seconds --runs --symbols --rate --sinks --iterations --only --clickhouse-tcp-port --scratch-database --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --brokers --topic-prefix --redis-url --redis-password-file)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--seconds')
        return
        ;;
    '--runs')
        return
        ;;
    '--symbols')
        return
        ;;
    '--rate')
        return
        ;;
    '--sinks')
        return
        ;;
    '--iterations')
        return
        ;;
    '--only')
        return
        ;;
    '--clickhouse-tcp-port')
        return
        ;;
    '--scratch-database')
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--redis-url')
        return
        ;;
    '--redis-password-file')
        return
        ;;
    esac
}

_mdt_config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __mdt_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    show|init)
        # Offer subcommand argument completions
        "_mdt_config_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'show init' -- "${cur}"))
        ;;
    esac
}

_mdt_config_show() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --json --path --version -h --help)
    repeating_options=(--kafka-property)
    non_repeating_options=(--config --log-level --color --clickhouse-url --clickhouse-user --clickhouse-database --clickhouse-password-file --brokers --topic-prefix --redis-url --redis-password-file --iqfeed-host --l1-port --lookup-port --l2-port --admin-port)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    '--clickhouse-url')
        return
        ;;
    '--clickhouse-user')
        return
        ;;
    '--clickhouse-database')
        return
        ;;
    '--clickhouse-password-file')
        return
        ;;
    '--brokers')
        return
        ;;
    '--kafka-property')
        return
        ;;
    '--topic-prefix')
        return
        ;;
    '--redis-url')
        return
        ;;
    '--redis-password-file')
        return
        ;;
    '--iqfeed-host')
        return
        ;;
    '--l1-port')
        return
        ;;
    '--lookup-port')
        return
        ;;
    '--l2-port')
        return
        ;;
    '--admin-port')
        return
        ;;
    esac
}

_mdt_config_init() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --force --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --log-level --color)
    __mdt_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--log-level')
        __mdt_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--color')
        __mdt_add_completions -W 'auto'$'\n''on'$'\n''off'
        return
        ;;
    esac
}

_mdt_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __mdt_offer_flags_options -1
}

complete -o filenames -F _mdt mdt
