"""Python's poplib against Yubin's POP3 server (interop test helper).

Reads one JSON argument: host, port, mode (plain | stls | ssl), cafile,
user, password, delete (bool). Downloads every message with RETR and prints
JSON: the greeting, CAPA, STAT, LIST, UIDL, TOP 1 0, and each message's
bytes (base64, lines joined with CRLF as they were sent) with poplib's octet
count. With delete, marks every message and QUITs, so UPDATE runs.
"""
import base64
import json
import poplib
import ssl
import sys

config = json.loads(sys.argv[1])
context = ssl.create_default_context(cafile=config["cafile"])
if config["mode"] == "ssl":
    pop = poplib.POP3_SSL(config["host"], config["port"], context=context, timeout=20)
else:
    pop = poplib.POP3(config["host"], config["port"], timeout=20)
    if config["mode"] == "stls":
        pop.stls(context)

out = {"welcome": pop.getwelcome().decode(), "capa": sorted(pop.capa().keys())}
pop.user(config["user"])
pop.pass_(config["password"])
count, size = pop.stat()
out["stat"] = [count, size]
out["list"] = [line.decode() for line in pop.list()[1]]
out["uidl"] = [line.decode() for line in pop.uidl()[1]]
out["messages"] = []
for number in range(1, count + 1):
    _, lines, octets = pop.retr(number)
    raw = b"\r\n".join(lines) + b"\r\n"
    out["messages"].append({"octets": octets, "raw": base64.b64encode(raw).decode()})
if count:
    _, lines, _ = pop.top(1, 0)
    out["top"] = base64.b64encode(b"\r\n".join(lines) + b"\r\n").decode()
if config.get("delete"):
    for number in range(1, count + 1):
        pop.dele(number)
out["quit"] = pop.quit().decode()
print(json.dumps(out))
