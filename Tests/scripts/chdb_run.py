#!/usr/bin/env python3
"""Run a plan of SQL statements through chdb (embedded modern ClickHouse) for mdt's tests.

Usage: chdb_run.py PLAN.json
PLAN.json is a list of steps {"sql": "...", "format": "TSV" | "RowBinary" | ..., "out": "/path" | null,
"params": {"name": "value"} (optional: query parameters for {name:Type} placeholders)}.
Each step runs in one session, in order; when "out" is set the result bytes are written there.
Exit codes: 0 ok, 1 a statement failed (named on stderr), 2 bad usage, 3 chdb is not installed.
Install: pip install chdb-core
"""
import json
import sys

def main() -> int:
    if len(sys.argv) != 2:
        print("usage: chdb_run.py PLAN.json", file=sys.stderr)
        return 2
    try:
        from chdb import session
    except ImportError as e:
        print(f"chdb is not installed ({e}): pip install chdb-core", file=sys.stderr)
        return 3
    with open(sys.argv[1], "r", encoding="utf-8") as f:
        plan = json.load(f)
    sess = session.Session()
    for i, step in enumerate(plan):
        try:
            if step.get("params"):
                res = sess.query(step["sql"], step.get("format") or "TSV", params=step["params"])
            else:
                res = sess.query(step["sql"], step.get("format") or "TSV")
        except Exception as e:  # chdb raises its own error type
            first = step["sql"].strip().splitlines()[0][:120]
            print(f"step {i + 1} ({first}): {str(e).splitlines()[0]}", file=sys.stderr)
            return 1
        out = step.get("out")
        if out:
            with open(out, "wb") as f:
                f.write(res.bytes())
    return 0

if __name__ == "__main__":
    sys.exit(main())
