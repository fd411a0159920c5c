#!/usr/bin/env python3
"""Client flows against a running Poplar, with Python's own poplib and smtplib (LMTP).

Usage: pop3_clients.py POP3_PORT LMTP_PORT USER PASSWORD
Prints one line per check and a closing 'N passed, N failed' line; exits 1 on any failure.
"""
import poplib
import smtplib
import sys

pop3_port, lmtp_port, user, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def deliver(subject, body):
    with smtplib.LMTP("127.0.0.1", lmtp_port) as lmtp:
        refused = lmtp.sendmail("sender@example.net", [user],
                                f"Subject: {subject}\r\n\r\n{body}\r\n".encode())
        check(f"LMTP delivery of '{subject}'", refused == {}, refused)


def login():
    p = poplib.POP3("127.0.0.1", pop3_port, timeout=20)
    p.user(user)
    p.pass_(password)
    return p


# Leave-on-server flow (what most phone apps do): UIDL, RETR only the new, QUIT.
deliver("first", "one")
deliver("second", "two\r\n.dotted line")
p = login()
caps = p.capa()
check("CAPA after login lists UIDL, TOP, PIPELINING", all(k in caps for k in ("UIDL", "TOP", "PIPELINING")), caps)
seen = {}
for line in p.uidl()[1]:
    num, uid = line.decode().split()
    seen[uid] = p.retr(int(num))[1]
check("two messages fetched", len(seen) == 2, seen.keys())
check("dot-stuffed line arrives un-stuffed", any(b".dotted line" in lines for lines in seen.values()))
p.quit()

deliver("third", "three")
p = login()
new = [line.decode().split() for line in p.uidl()[1]]
new = [(int(n), u) for n, u in new if u not in seen]
check("only the new message is new", len(new) == 1, new)
msg = p.retr(new[0][0])[1]
check("it is the third", b"Subject: third" in msg, msg)
check("octet count on the +OK line matches LIST",
      int(p.list(new[0][0]).split()[2]) == sum(len(l) + 2 for l in msg))
p.quit()

# Thunderbird-like flow: CAPA, USER/PASS, STAT, UIDL, RETR all, DELE all, QUIT.
p = login()
count, size = p.stat()
check("STAT sees three messages", count == 3, count)
p.uidl()
total = 0
for n in range(1, count + 1):
    total += sum(len(l) + 2 for l in p.retr(n)[1])
    p.dele(n)
check("STAT size equals the bytes RETR sent", total == size, (total, size))
check("QUIT after DELE answers +OK", p.quit().startswith(b"+OK"))
p = login()
check("mailbox is empty after QUIT", p.stat()[0] == 0)
p.quit()

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
