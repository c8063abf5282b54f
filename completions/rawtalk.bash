# bash completion for rawtalk. Generated from its flags; do not edit.
# Load it with: source <(rawtalk --completion bash)
# or install it as rawtalk in bash-completion's completions directory.

_rawtalk_flags='--ipv4 -4 --ipv6 -6 --verbose -v --numeric -n --wait -w --quit -q --crlf -C --no-shutdown --shutdown -N --listen -l --keep-open -k --udp -u --unixsock -U --source -s --source-port -p --proxy -x --proxy-type -X --proxy-auth --idle-timeout -i --broker --chat --max-conns --allow --deny --eol --no-history --raw-output --dns --demo --demo-serve --demo-port --scan -z --banner --json --concurrency --telnet --no-telnet --show-negotiation --tls --ssl --starttls --servername --ca --insecure --cert --key --alpn --pin --show-certs --log --hex --show-ends --timestamps --proto --explain --script --help -h --version --completion'

# _rawtalk_value_flag WORD sets REPLY to the long name of the flag whose value
# is the word after WORD (--wait, -w, the p of -lvnp), else to nothing.
_rawtalk_value_flag() {
    REPLY=
    local w=$1 i c
    case $w in
    --*=* | --) return ;;
    --?*)
        case ${w#--} in
        wait | quit | source | source-port | proxy | proxy-type | proxy-auth | idle-timeout | max-conns | allow | deny | eol | dns | demo | demo-serve | demo-port | concurrency | starttls | servername | ca | cert | key | alpn | pin | log | proto | script | completion) REPLY=${w#--} ;;
        esac ;;
    -?*)
        for ((i = 1; i < ${#w}; i++)); do
            c=${w:i:1}
            case $c in
            w) ((i == ${#w} - 1)) && REPLY=wait; return ;;
            q) ((i == ${#w} - 1)) && REPLY=quit; return ;;
            s) ((i == ${#w} - 1)) && REPLY=source; return ;;
            p) ((i == ${#w} - 1)) && REPLY=source-port; return ;;
            x) ((i == ${#w} - 1)) && REPLY=proxy; return ;;
            X) ((i == ${#w} - 1)) && REPLY=proxy-type; return ;;
            i) ((i == ${#w} - 1)) && REPLY=idle-timeout; return ;;
            [46vnCNlkuUzh]) ;;
            *) return ;;
            esac
        done ;;
    esac
}

# _rawtalk_values FLAG CUR [PREFIX] completes the value of the flag FLAG.
_rawtalk_values() {
    local IFS=$' \t\n'
    case $1 in
    proxy-type) COMPREPLY=($(compgen -P "$3" -W '5 4 connect socks5 socks4 http' -- "$2")) ;;
    eol) COMPREPLY=($(compgen -P "$3" -W 'crlf lf cr none' -- "$2")) ;;
    demo) COMPREPLY=($(compgen -P "$3" -W 'http smtp pop3 imap echo' -- "$2")) ;;
    demo-serve) COMPREPLY=($(compgen -P "$3" -W 'http smtp pop3 imap echo' -- "$2")) ;;
    starttls) COMPREPLY=($(compgen -P "$3" -W 'smtp lmtp imap pop3 sieve nntp ftp xmpp irc postgres mysql ldap' -- "$2")) ;;
    ca) _rawtalk_files "$2" "$3" ;;
    cert) _rawtalk_files "$2" "$3" ;;
    key) _rawtalk_files "$2" "$3" ;;
    log) _rawtalk_files "$2" "$3" ;;
    proto) COMPREPLY=($(compgen -P "$3" -W 'ftp http imap irc memcached pop3 redis smtp none' -- "$2")) ;;
    script) _rawtalk_files "$2" "$3" ;;
    completion) COMPREPLY=($(compgen -P "$3" -W 'bash zsh fish' -- "$2")) ;;
    esac
}

# _rawtalk_files CUR [PREFIX] completes file names, spaces and all.
_rawtalk_files() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -P "$2" -- "$1"))
}

_rawtalk() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev= i w n=0 dashdash= skip= pathargs= REPLY
    COMPREPLY=()
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
    # --flag=VALUE, split at '=' by bash (--flag, =, VALUE) or not.
    if [[ $cur == = && $prev == --?* ]]; then
        _rawtalk_values "${prev#--}" ''
        return
    fi
    if [[ $prev == = ]] && ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD-2]} == --?* ]]; then
        _rawtalk_values "${COMP_WORDS[COMP_CWORD-2]#--}" "$cur"
        return
    fi
    if [[ $cur == --?*=* ]]; then
        w=${cur%%=*}
        _rawtalk_values "${w#--}" "${cur#*=}" "$w="
        return
    fi
    # Count the arguments before the cursor, stepping over flags and their values.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -z $dashdash && $w == = ]]; then
            skip=1 # the value after a split --flag=
        elif [[ -n $skip ]]; then
            skip=
        elif [[ -n $dashdash || $w != -?* ]]; then
            ((n++))
        elif [[ $w == -- ]]; then
            dashdash=1
        else
            [[ $w == --unixsock || ($w == -[!-]* && $w == *U*) ]] && pathargs=1
            _rawtalk_value_flag "$w"
            [[ -n $REPLY ]] && skip=1
        fi
    done
    if [[ -z $dashdash && -n $skip ]]; then
        _rawtalk_value_flag "$prev"
        _rawtalk_values "$REPLY" "$cur"
        return
    fi
    if [[ -z $dashdash && $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_rawtalk_flags" -- "$cur"))
        return
    fi
    case $n in
    0)
        if [[ -n $pathargs ]]; then
            _rawtalk_files "$cur"
        else
            COMPREPLY=($(compgen -A hostname -- "$cur"))
        fi ;;
    1) [[ -z $pathargs ]] && COMPREPLY=($(compgen -W 'echo discard daytime qotd chargen ftp-data ftp ssh telnet smtp time whois domain gopher finger http kerberos pop3 sunrpc ident nntp ntp epmap netbios-ssn imap imap2 snmp irc ldap https microsoft-ds submissions smtps syslog printer submission ipp ldaps rsync ftps imaps pop3s socks openvpn ms-sql-s mqtt nfs mysql rdp svn sip xmpp-client postgresql postgres amqp vnc x11 redis ircd http-alt memcached mongodb' -- "$cur")) ;;
    esac
}

complete -F _rawtalk rawtalk
