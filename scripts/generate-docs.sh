#!/usr/bin/env bash
# Regenerates everything that is derived from the mdt binary, so it can never drift from it:
#   completions/mdt.bash, completions/_mdt, completions/mdt.fish   (mdt --generate-completion-script)
#   man/mdt.1, man/mdt-<subcommand>.1                              (mdt --experimental-dump-help)
#   infrastructure/clickhouse/init.sql                             (mdt query --schema --dialect modern)
# Tests/EndToEndTests/PackagingTests.swift regenerates into a temp dir and fails on any difference.
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
Usage: scripts/generate-docs.sh [--bin PATH] [--out DIR]

  --bin PATH   the mdt binary (default: $MDT_BIN, else <repo>/.build/debug/mdt, built with
               `swift build --product mdt` when missing)
  --out DIR    write completions/, man/ and infrastructure/clickhouse/init.sql under DIR
               (default: the repository)
  --help       show this help

The binary runs with a scratch HOME and MDT_HOME and no MDT_* variables, so the output does not
depend on who runs it. Needs python3 (man pages are rendered from the binary's JSON help dump).
If the binary has no `mdt query --schema` yet, init.sql is left as it is (with a warning).
EOF_USAGE
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
bin=${MDT_BIN:-}
out=$repo
while (($# > 0)); do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --bin) [[ $# -ge 2 ]] || { echo "generate-docs.sh: --bin needs a path" >&2; exit 64; }; bin=$2; shift ;;
        --out) [[ $# -ge 2 ]] || { echo "generate-docs.sh: --out needs a directory" >&2; exit 64; }; out=$2; shift ;;
        *) echo "generate-docs.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
    shift
done

if [[ -z $bin ]]; then
    bin=$repo/.build/debug/mdt
    if [[ ! -x $bin ]]; then
        echo "generate-docs.sh: building mdt (swift build --product mdt)" >&2
        (cd "$repo" && swift build --product mdt >&2)
    fi
fi
[[ -x $bin ]] || { echo "generate-docs.sh: $bin is not an executable mdt" >&2; exit 69; }
command -v python3 >/dev/null 2>&1 || { echo "generate-docs.sh: python3 not found (apt-get install python3)" >&2; exit 69; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mdt-docs.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# The binary in a clean environment: no user config, no MDT_* overrides.
mdt() {
    env -i PATH=/usr/bin:/bin HOME=/HOME MDT_HOME="$scratch/home" LANG=C.UTF-8 "$bin" "$@"
}

mkdir -p "$out/completions" "$out/man" "$out/infrastructure/clickhouse"
mdt --generate-completion-script bash >"$out/completions/mdt.bash"
mdt --generate-completion-script zsh >"$out/completions/_mdt"
mdt --generate-completion-script fish >"$out/completions/mdt.fish"

mdt --experimental-dump-help >"$scratch/help.json"
mdt config >"$scratch/config.txt"
rm -f "$out"/man/mdt*.1
python3 - "$scratch/help.json" "$scratch/config.txt" "$out/man" "$scratch/home" <<'PY'
"""Renders man(7) pages from ArgumentParser's --experimental-dump-help JSON."""
import json, os, re, sys

dump_path, config_path, man_dir, scratch_home = sys.argv[1:5]
root = json.load(open(dump_path))["command"]
def esc(text):
    """Escapes text for roff: backslashes, hyphens, and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return text

def line(text):
    text = esc(text)
    if text.startswith(".") or text.startswith("'"):
        text = "\\&" + text
    return text

def markup(text):
    """Text that already holds roff font escapes (\\fB...\\fR): only hyphens are escaped."""
    return re.sub(r"(?<!\\)-", r"\\-", text)

def paragraphs(text):
    """Discussion text: plain lines are filled, indented lines are kept as they are."""
    out, pre = [], False
    for raw in text.split("\n"):
        if raw.strip() == "":
            if pre:
                out += [".fi", ".RE"]
                pre = False
            out.append(".PP")
        elif raw.startswith("  "):
            if not pre:
                out += [".RS 4", ".nf"]
                pre = True
            out.append(line(raw.strip()))
        else:
            if pre:
                out += [".fi", ".RE"]
                pre = False
            elif out and out[-1] not in (".PP",):
                out.append(".br")
            out.append(line(raw))
    if pre:
        out += [".fi", ".RE"]
    return out

def flag_names(arg):
    names = []
    for n in sorted(arg.get("names", []), key=lambda n: n["kind"] != "short"):
        dash = "-" if n["kind"] in ("short", "longWithSingleDash") else "--"
        names.append("\\fB" + esc(dash + n["name"]) + "\\fR")
    return names

def arg_label(arg):
    value = arg.get("valueName", "value")
    if arg["kind"] == "positional":
        label = "\\fI" + esc(value) + "\\fR"
        return label + (" ..." if arg.get("isRepeating") else "")
    label = ", ".join(flag_names(arg))
    if arg["kind"] == "option":
        label += " \\fI" + esc(value) + "\\fR"
    return label

def arg_text(arg):
    parts = []
    if arg.get("abstract"):
        parts.append(arg["abstract"])
    if arg.get("allValues") and not any(v in arg.get("abstract", "") for v in arg["allValues"][:1]):
        parts.append("One of: " + ", ".join(arg["allValues"]) + ".")
    if arg.get("defaultValue") not in (None, "") and "default" not in arg.get("abstract", "").lower():
        parts.append("Default: " + arg["defaultValue"] + ".")
    if arg.get("isRepeating") and arg["kind"] != "positional" and "repeat" not in arg.get("abstract", "").lower():
        parts.append("Repeatable.")
    return " ".join(parts)

def options(cmd, heading=".SS"):
    """Arguments, then untitled options, then each titled group (CLICKHOUSE, KAFKA, ...) under its
    heading: .SS on a page's OPTIONS, an italic label (.PP) inside a COMMANDS entry."""
    args = [a for a in cmd.get("arguments", []) if a.get("shouldDisplay", True)]
    groups, order = {}, []
    for arg in args:
        title = "" if arg["kind"] == "positional" else (arg.get("sectionTitle") or "")
        if title not in groups:
            groups[title] = []
            order.append(title)
        groups[title].append(arg)
    positional = [a for a in args if a["kind"] == "positional"]
    out = []
    for title in [""] + [t for t in order if t]:
        items = groups.get(title, [])
        items = positional + [a for a in items if a["kind"] != "positional"] if title == "" else items
        if not items:
            continue
        if title:
            if heading == ".SS":
                out.append('.SS "' + esc(title.upper()) + '"')
            else:
                out += [".PP", "\\fI" + esc(title.capitalize()) + ":\\fR"]
        for arg in items:
            out += [".TP", arg_label(arg)]
            text = arg_text(arg)
            if text:
                out.append(line(text))
    return out

def synopsis(path, cmd):
    words = ["\\fB" + esc(" ".join(path)) + "\\fR"]
    if any(a["kind"] != "positional" for a in cmd.get("arguments", []) if a.get("shouldDisplay", True)):
        words.append("[\\fIoptions\\fR]")
    for arg in cmd.get("arguments", []):
        if arg.get("shouldDisplay", True) and arg["kind"] == "positional":
            label = "\\fI" + esc(arg.get("valueName", "arg")) + "\\fR" + (" ..." if arg.get("isRepeating") else "")
            words.append("[" + label + "]" if arg.get("isOptional") else label)
    return [".PP", " ".join(words)]

# Settings, their env variables and defaults, from `mdt config` (run with HOME=/HOME).
settings = []
for raw in open(config_path):
    m = re.match(r"^([a-z0-9.\-]+) = (.*?)\s+# (.*)$", raw.rstrip("\n"))
    if m:
        key, value = m.group(1), m.group(2).strip()
        value = value.replace(scratch_home, "$MDT_HOME").replace("/HOME", "~")
        env = "MDT_" + key.upper().replace(".", "_").replace("-", "_")
        settings.append((key, env, value))

EXIT_GENERAL = [
    ("0", "Success."),
    ("1", "General failure (the one-line error on stderr says what and where)."),
    ("64", "Usage error: a bad flag, argument or value."),
    ("65", "Bad input data (a malformed file, line, symbol or SQL)."),
    ("69", "A required service is unavailable (ClickHouse, Kafka, Redis or IQFeed unreachable)."),
    ("75", "Temporary failure; retrying may succeed."),
    ("78", "Configuration error (bad config file, unknown key, bad value, unreadable secret file)."),
]
EXIT_SPECIAL = {
    "health": [("0", "OK."), ("1", "WARNING."), ("2", "CRITICAL."),
               ("3", "UNKNOWN (the worst check wins; CRITICAL > UNKNOWN > WARNING)."),
               ("64", "Usage error.")],
    "download": [("0", "Every unit done (or skipped as already done)."),
                 ("1", "Some units failed (they stay in the manifest and are retried next run)."),
                 ("2", "Nothing could be done: a service is down."),
                 ("64", "Usage error.")],
}

def exit_status(name):
    rows = EXIT_SPECIAL.get(name, EXIT_GENERAL)
    out = [".SH EXIT STATUS"]
    if name in EXIT_SPECIAL:
        out.append(markup("\\fBmdt " + name + "\\fR exits with:"))
    for code, text in rows:
        out += [".TP", ".B " + code, line(text)]
    return out

def environment():
    out = [".SH ENVIRONMENT",
           markup("Every setting can come from the config file, an MDT_* variable or a flag; a flag wins over "
                  "the environment, which wins over the file. \\fBmdt config\\fR shows each effective value "
                  "and where it came from."),
           ".TP", ".B MDT_CONFIG", markup("Config file used when \\fB--config\\fR is not given."),
           ".TP", ".B MDT_HOME", line("Directory for mdt.toml, manifest.db, spool/ and logs/ (default ~/.local/share/mdt).")]
    for key, env, value in settings:
        if key == "home":
            continue
        shown = value if value and value != "(unset)" else "unset"
        out += [".TP", ".B " + esc(env), line("Setting " + key + " (default: " + shown + ").")]
    return out

FILES = [".SH FILES",
         ".TP", ".I $MDT_HOME/mdt.toml", line("The config file (TOML: [clickhouse], [kafka], [redis], [iqfeed], [collect])."),
         ".TP", ".I $MDT_HOME/manifest.db", line("SQLite manifest (WAL): symbol universe, download ranges and their state, background processes."),
         ".TP", ".I $MDT_HOME/spool/", line("On-disk spool: batches a down service could not take yet, delivered when it returns."),
         ".TP", ".I $MDT_HOME/logs/", line("Logs of background collectors started with mdt collect start.")]

top = [c for c in root.get("subcommands", []) if c["commandName"] != "help" and c.get("shouldDisplay", True)]

def header(name, abstract):
    return ['.\\" Generated by scripts/generate-docs.sh from the mdt binary. Do not edit.',
            '.TH "' + name.upper() + '" "1" "" "mdt" "mdt manual"',
            ".SH NAME", esc(name) + " \\- " + line(abstract)]

def see_also(exclude):
    pages = ["mdt(1)"] + ["mdt\\-" + c["commandName"] + "(1)" for c in top]
    pages = [p for p in pages if p != exclude]
    return [".SH SEE ALSO", ", ".join("\\fB" + p.replace("(1)", "\\fR(1)") for p in pages)]

def write(name, lines):
    with open(os.path.join(man_dir, name + ".1"), "w") as f:
        f.write("\n".join(lines) + "\n")

# mdt.1
page = header("mdt", root.get("abstract", ""))
page += [".SH SYNOPSIS", ".PP", "\\fBmdt\\fR \\fIsubcommand\\fR [\\fIoptions\\fR]",
         ".PP", "\\fBmdt\\fR \\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR | \\fBhelp\\fR \\fIsubcommand\\fR",
         ".SH DESCRIPTION"]
page += paragraphs(root.get("abstract", "")) + [".PP"] + paragraphs(root.get("discussion", ""))
page += [".SH COMMANDS"]
for c in top:
    page += [".TP", "\\fBmdt\\-" + esc(c["commandName"]) + "\\fR(1)", line(c.get("abstract", ""))]
page += [".SH OPTIONS"] + [x for x in options(root) if not x.startswith(".SS")]
page += exit_status("mdt") + environment() + FILES + see_also("mdt(1)")
write("mdt", page)

# mdt-<subcommand>.1
for c in top:
    name = c["commandName"]
    subs = [s for s in c.get("subcommands", []) if s.get("shouldDisplay", True)]
    page = header("mdt-" + name, c.get("abstract", ""))
    page += [".SH SYNOPSIS"]
    if subs:
        for s in subs:
            page += synopsis(["mdt", name, s["commandName"]], s)
    else:
        page += synopsis(["mdt", name], c)
    page += [".SH DESCRIPTION"] + paragraphs(c.get("discussion") or c.get("abstract", ""))
    if subs:
        default = c.get("defaultSubcommand")
        page += [".SH COMMANDS"]
        for s in subs:
            title = "mdt " + name + " " + s["commandName"] + (" (default)" if s["commandName"] == default else "")
            page += ['.SS "' + esc(title) + '"'] + paragraphs(s.get("abstract", ""))
            if s.get("discussion"):
                page += [".PP"] + paragraphs(s["discussion"])
            page += options(s, heading=".PP")
    else:
        page += [".SH OPTIONS"] + options(c)
    page += exit_status(name) + environment() + FILES + see_also("mdt\\-" + name + "(1)")
    write("mdt-" + name, page)
PY

# infrastructure/clickhouse/init.sql, when the binary can print the schema.
if mdt query --schema --dialect modern >"$scratch/schema.sql" 2>"$scratch/schema.err"; then
    {
        echo "-- mdt's market-data schema for ClickHouse 20.1+ (the modern dialect), run once by the"
        echo "-- clickhouse-server image on first start (docker-entrypoint-initdb.d). GENERATED by"
        echo "-- scripts/generate-docs.sh from \`mdt query --schema --dialect modern\`: do not edit by hand."
        echo
        cat "$scratch/schema.sql"
    } >"$out/infrastructure/clickhouse/init.sql"
elif [[ $out != "$repo" && -f $repo/infrastructure/clickhouse/init.sql ]]; then
    cp "$repo/infrastructure/clickhouse/init.sql" "$out/infrastructure/clickhouse/init.sql"
    echo "generate-docs.sh: warning: this mdt has no 'query --schema'; init.sql copied unchanged" >&2
else
    echo "generate-docs.sh: warning: this mdt has no 'query --schema'; init.sql left unchanged" >&2
fi
echo "generate-docs.sh: wrote $out/completions, $out/man ($(find "$out/man" -name 'mdt*.1' | wc -l) pages), $out/infrastructure/clickhouse/init.sql" >&2
