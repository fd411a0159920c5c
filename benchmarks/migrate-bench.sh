#!/usr/bin/env bash
# Local Maildir migration speed (docs/benchmarks.md): USERS x MESSAGES Dovecot Maildirs with a
# dovecot-uidlist each, sizes as in the load benchmarks (70% 4 KiB, 25% 40 KiB, 5% 1 MiB), then
# `poplar migrate` into a fresh, stopped node, twice (the second run finds everything there).
#   USERS=50 MESSAGES=200 benchmarks/migrate-bench.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${USERS:-50}" MESSAGES="${MESSAGES:-200}" WORK="${WORK:-/tmp/poplar-migrate-bench}"
rm -rf "$WORK"; mkdir -p "$WORK"
python3 - "$WORK/vmail" "$USERS" "$MESSAGES" <<'PY'
import os, random, sys
root, users, messages = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(7)
line = ("x" * 76 + "\n").encode()
for u in range(users):
    md = os.path.join(root, "example.org", f"user{u}", "Maildir")
    for s in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(md, s), exist_ok=True)
    records = []
    for m in range(messages):
        r = random.random()
        size = 4096 if r < 0.70 else 40960 if r < 0.95 else 1048576
        body = b"Subject: message %d\nFrom: a@example.net\n\n" % m + line * (size // len(line))
        base = "%d.M%dP%d.bench,S=%d" % (1700000000 + m, m, u, len(body))
        with open(os.path.join(md, "cur", base + ":2,S"), "wb") as f:
            f.write(body)
        records.append("%d :%s" % (m * 2 + 1, base))  # every other UID: gaps, as after deletions
    with open(os.path.join(md, "dovecot-uidlist"), "w") as f:
        f.write("3 V1600000000 N%d G1536b405623d0d6b8475000083ecc375\n" % (messages * 2 + 1))
        f.write("\n".join(records) + "\n")
PY
du -sh "$WORK/vmail" | sed 's/^/source: /'
export POPLAR_DATA_DIR="$WORK/poplar"
echo "users:" && { for u in $(seq 0 $((USERS - 1))); do echo "user$u@example.org {PLAIN}pw-user$u"; done; } > "$WORK/users" \
  && "$root/poplar" user import --hashed "$WORK/users"
for run in first rerun; do
  echo "$run:"; /usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KiB" \
    "$root/poplar" migrate --dovecot-maildir "$WORK/vmail/%d/%n/Maildir" 2> "$WORK/$run.err" | tail -1
  tail -1 "$WORK/$run.err"
done
du -sh "$WORK/poplar/store" | sed 's/^/store: /'
