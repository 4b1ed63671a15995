#!/usr/bin/env python3
"""End to end: the real orteam-cli delivers alerts and the weekly report to real receivers on
loopback. A Slack-shaped and a Teams-shaped receiver, a generic webhook receiver that checks
X-Orteam-Signature and drops repeated Idempotency-Keys, one that answers 500 then 200, one that
never answers in time, and a real SMTP server (aiosmtpd, Debian's python3-aiosmtpd) that requires
STARTTLS and AUTH with a certificate made for this run. Then a sender killed between send and mark.

Usage: notify_e2e.py ORTEAM_CLI [STALE_CHART_MODULE]
"""
import datetime
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import warnings

warnings.filterwarnings("ignore")  # aiosmtpd 1.4's own deprecation notes

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
import ssl

CLI = sys.argv[1]
STALE_MODULE = sys.argv[2] if len(sys.argv) > 2 else None
FAILURES = []


def check(condition, what):
    if condition:
        print(f"ok: {what}")
    else:
        print(f"FAIL: {what}")
        FAILURES.append(what)


# ---- receivers -------------------------------------------------------------------------------

SIGNING_KEY = "a-signing-key-of-thirty-two-chars"
received = {"slack": [], "teams": [], "hook": [], "flaky": [], "slow": 0, "bad_signature": 0}
seen_idempotency = set()
flaky_calls = {"n": 0}
lock = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        path = self.path.split("/")[1]
        with lock:
            if path == "slow":
                received["slow"] += 1
        if path == "slow":
            time.sleep(6)  # longer than the CLI's --timeout 2
            return self.answer(200)
        if path == "down":
            return self.answer(503, b"down for maintenance")
        if path == "flaky":
            with lock:
                flaky_calls["n"] += 1
                first = flaky_calls["n"] == 1
            if first:
                return self.answer(500, b"try later")
        if path in ("hook", "flaky"):
            ts = self.headers.get("X-Orteam-Timestamp", "")
            expected = "sha256=" + hmac.new(SIGNING_KEY.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, self.headers.get("X-Orteam-Signature", "")) or abs(time.time() - int(ts)) > 300:
                with lock:
                    received["bad_signature"] += 1
                return self.answer(401, b"bad signature")
            key = self.headers.get("Idempotency-Key", "")
            with lock:
                duplicate = key in seen_idempotency
                seen_idempotency.add(key)
            if duplicate:  # what the documentation tells a receiver to do
                return self.answer(200, b"duplicate")
        with lock:
            received.setdefault(path, []).append(json.loads(body))
        self.answer(200)

    def answer(self, status, body=b"ok"):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


http_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=http_server.serve_forever, daemon=True).start()
HTTP = f"http://127.0.0.1:{http_server.server_address[1]}"

work = tempfile.mkdtemp(prefix="orteam-notify-")
cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
mails = []


class MailHandler:
    async def handle_DATA(self, server, session, envelope):
        mails.append({"from": envelope.mail_from, "to": envelope.rcpt_tos, "data": envelope.content,
                      "tls": session.ssl is not None, "auth": session.authenticated})
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"orteam" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
tls.load_cert_chain(cert, key)
def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SMTP_PORT = free_port()
smtp = Controller(MailHandler(), hostname="127.0.0.1", port=SMTP_PORT, tls_context=tls, require_starttls=True,
                  authenticator=authenticator, auth_require_tls=True, server_hostname="localhost")
smtp.start()

# ---- the team ----------------------------------------------------------------------------------

db = os.path.join(work, "team.db")
env = dict(os.environ)
env.pop("ORTEAM_NOTIFY_SECRET_LEADS", None)
env.update({
    "ORTEAM_NOTIFY_SECRET_LEADS": f"{HTTP}/slack/T000/B000/XXXXSECRETTOKEN",
    "ORTEAM_NOTIFY_SECRET_OPS_TEAMS": f"{HTTP}/teams/workflow",
    "ORTEAM_NOTIFY_SECRET_HOOK": json.dumps({"url": f"{HTTP}/hook", "signing_key": SIGNING_KEY}),
    "ORTEAM_NOTIFY_SECRET_FLAKY": json.dumps({"url": f"{HTTP}/flaky", "signing_key": SIGNING_KEY}),
    "ORTEAM_NOTIFY_SECRET_SLOW": f"{HTTP}/slow",
    "ORTEAM_NOTIFY_SECRET_DOWN": json.dumps({"url": f"{HTTP}/down/xyzzySIGNATURE", "signing_key": SIGNING_KEY}),
    "ORTEAM_NOTIFY_SECRET_MAIL": json.dumps({"password": "s3cret"}),
})


def cli(*args, code=None, stdin=None):
    r = subprocess.run([CLI, "--db", db, "--timeout", "2", *args], env=env, capture_output=True, text=True, input=stdin, timeout=120)
    if code is not None and r.returncode != code:
        print(f"FAIL: orteam-cli {' '.join(args)} exited {r.returncode}, not {code}\nstdout: {r.stdout}\nstderr: {r.stderr}")
        FAILURES.append(" ".join(args))
    return r


cli("members", "add", "jamal", "--daily-limit", "10", code=0)
cli("members", "add", "zoë", "--daily-limit", "100", code=0)
today = datetime.datetime.now(datetime.timezone.utc).date()
con = sqlite3.connect(db)
con.execute("INSERT INTO user_usage (user_id, date, total_cost) VALUES ('jamal', ?, 8.5)", (today.isoformat(),))
for d in range(1, 15):  # history for the weekly report and its comparison
    day = (today - datetime.timedelta(days=d)).isoformat()
    con.execute("INSERT INTO user_usage (user_id, date, total_cost) VALUES ('jamal', ?, ?)", (day, 2.0 + d % 3))
    con.execute("INSERT INTO user_usage (user_id, date, total_cost) VALUES ('zoë', ?, ?)", (day, 1.0))
con.commit()
con.close()

# No scheduled reports here (a Monday would queue one in the first run); report --send below.
cli("notify", "set", "leads", "--kind", "slack", "--name", "#team-leads", "--alerts", "budget", code=0)
cli("notify", "set", "ops-teams", "--kind", "teams", "--name", "Ops (Teams)", "--alerts", "budget", code=0)
cli("notify", "set", "hook", "--kind", "webhook", "--name", "Hook", "--alerts", "budget", code=0)
cli("notify", "set", "flaky", "--kind", "webhook", "--name", "Flaky", "--alerts", "budget", code=0)
cli("notify", "set", "slow", "--kind", "slack", "--name", "Slow", "--alerts", "budget", code=0)
cli("notify", "set", "down", "--kind", "webhook", "--name", "Down", "--alerts", "budget", code=0)
cli("notify", "set", "mail", "--kind", "email", "--name", "Leads by mail", "--smtp-host", "localhost", "--smtp-port", str(SMTP_PORT),
    "--security", "starttls", "--smtp-user", "orteam", "--from", "orteam@example.com", "--to", "lead@example.com",
    "--ca-file", cert, "--alerts", "budget", code=0)
bad = cli("notify", "set", "Bad_Id", "--kind", "slack")
check(bad.returncode == 2 and "lower-case" in bad.stderr, "a bad destination id is refused with a reason")
# Settings said, never dropped or turned into something else: each refused, nothing saved.
for args, said in ((("--smtp-port", "70000"), "email destination's setting"), (("--alerts", ""), "--alerts needs"),
                   (("--quiet", "22:00-22:00"), "no hours")):
    bad = cli("notify", "set", "leads", *args)
    check(bad.returncode == 2 and said in bad.stderr, f"notify set {' '.join(args)} is refused ({bad.stderr.strip()})")

listed = cli("notify", "list", code=0)
check("XXXXSECRETTOKEN" not in listed.stdout, "notify list never shows a webhook URL")

# ---- one run: the 80% alert reaches every destination once --------------------------------------

first = cli("notify", "run", "--offline")
print(first.stdout, first.stderr)
check(first.returncode == 9, "a run with an undeliverable message exits 9")
check("jamal has spent $8.50 today, 85% of the daily budget of $10.00" in first.stdout, "the 80% alert is decided")
check(len(received["slack"]) == 1, "Slack received one message")
if received["slack"]:
    m = received["slack"][0]
    check(m["blocks"][0]["type"] == "header" and "80%" in m["blocks"][0]["text"]["text"], "Slack's message has a header block")
    check("85% of the daily budget" in m["text"], "Slack's fallback text names the alert")
check(len(received["teams"]) == 1 and received["teams"][0]["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive",
      "Teams received one adaptive card")
check(len(received["hook"]) == 1 and received["hook"][0]["event"] == "budget", "the signed webhook received the alert once")
check(received["bad_signature"] == 0, "every webhook signature verified")
check(len(mails) == 1, "one email arrived")
if mails:
    check(mails[0]["tls"] and mails[0]["auth"], "the email went over STARTTLS with AUTH")
    msg = email.message_from_bytes(mails[0]["data"], policy=email.policy.default)
    check("80%" in msg["Subject"] and "jamal" in msg["Subject"], "the email's subject names the alert")
    check("85% of the daily budget" in msg.get_body(("plain",)).get_content(), "the email's text names the alert")
check(flaky_calls["n"] == 1 and len(received["flaky"]) == 0, "the flaky destination answered 500 and was not marked sent")
check(received["slow"] == 1, "the slow destination was tried once")
check("did not answer in time" in first.stderr, "the timeout is named on stderr")
check("503" in first.stderr and "xyzzySIGNATURE" not in first.stderr, "the 503 is named on stderr, without the URL")
check("XXXXSECRETTOKEN" not in first.stderr + first.stdout, "no webhook URL in the output")

# Nothing is sent twice: a second run decides nothing new and sends nothing again (the 500 and
# the timeout wait for their backoff).
second = cli("notify", "run", "--offline")
check("No new alerts." in second.stdout, "a second run raises nothing again")
check(len(received["slack"]) == 1 and len(mails) == 1 and len(received["hook"]) == 1, "nothing was sent twice")

# The retries come due: 500 then 200 is delivered once; the slow one times out again.
con = sqlite3.connect(db)
con.execute("UPDATE notify_outbox SET next_at = '2000-01-01T00:00:00Z' WHERE state = 'pending'")
con.commit()
con.close()
third = cli("notify", "run", "--offline")
check(len(received["flaky"]) == 1 and flaky_calls["n"] == 2, "500 then 200: retried and delivered once")
# Slack has no idempotency key: a post whose answer never came may have been shown, so it is
# marked unknown and not posted again (at most once).
check(received["slow"] == 1, "the Slack post that timed out after it was sent is not posted again")
con = sqlite3.connect(db)
slow_state = con.execute("SELECT state FROM notify_outbox WHERE destination_id = 'slow'").fetchone()[0]
con.close()
check(slow_state == "unknown", f"the timed-out Slack post is marked unknown ({slow_state})")
status = cli("notify", "status")
check(status.returncode == 9 and "down" in status.stdout and "failing since" in status.stdout
      and "slow" in status.stdout, "notify status names the failing destination, exit 9")
# A destination whose secret is nowhere to be read sends nothing and no attempt fails: the status
# says so itself, and exits 9 for it alone.
cli("notify", "set", "nosecret", "--kind", "slack", "--name", "No secret", "--alerts", "none", code=0)
status = cli("notify", "status")
check(status.returncode == 9 and "failing: no secret" in status.stdout and "ORTEAM_NOTIFY_SECRET_NOSECRET" in status.stdout,
      "notify status calls a destination without a readable secret failing")
cli("notify", "remove", "nosecret", code=0)
# An email relay without a login needs no secret: none to read, nothing failing.
cli("notify", "set", "relay", "--kind", "email", "--name", "Relay", "--smtp-host", "localhost", "--smtp-port", str(SMTP_PORT),
    "--security", "none", "--from", "orteam@example.com", "--to", "lead@example.com", "--alerts", "none", code=0)
status = cli("notify", "status")
relay_line = next((l for l in status.stdout.splitlines() if l.startswith("relay ")), "")
check(relay_line.rstrip().endswith(" ok"), f"an email relay without a login is not failing for want of a secret ({relay_line})")
cli("notify", "remove", "relay", code=0)
# A transport failure is said in words, without the URL (a webhook's secret).
cli("notify", "set", "closed", "--kind", "webhook", "--name", "Closed", "--alerts", "none", code=0)
env["ORTEAM_NOTIFY_SECRET_CLOSED"] = json.dumps({"url": f"http://127.0.0.1:{free_port()}/closedXYZZY", "signing_key": SIGNING_KEY})
tested = cli("notify", "test", "closed")
check(tested.returncode == 9 and "the connection was refused" in tested.stderr and "closedXYZZY" not in tested.stderr,
      f"a refused connection is said in words, without the URL ({tested.stderr.strip()})")
del env["ORTEAM_NOTIFY_SECRET_CLOSED"]
cli("notify", "remove", "closed", code=0)
stored = b"".join(open(f, "rb").read() for f in (db, db + "-wal") if os.path.exists(f))
check(b"XXXXSECRETTOKEN" not in stored and b"s3cret" not in stored, "the database holds no webhook URL or password")

# ---- the weekly report, with its chart ------------------------------------------------------------

report = cli("report", "weekly", "--send", "--dest", "leads,mail", code=0)
check(len(received["slack"]) == 2 and "```" in json.dumps(received["slack"][-1]), "the weekly report reached Slack with its table")
check(len(mails) == 2, "the weekly report arrived by email")
if len(mails) == 2:
    msg = email.message_from_bytes(mails[1]["data"], policy=email.policy.default)
    pngs = [p for p in msg.iter_attachments() if p.get_content_type() == "image/png"]
    check(len(pngs) == 1 and pngs[0].get_content()[:8] == b"\x89PNG\r\n\x1a\n", "the report email carries its chart as a PNG")
    check("zoë" in msg.get_body(("plain",)).get_content(), "the report's table names every member (UTF-8 intact)")
again = cli("report", "weekly", "--send", "--dest", "leads,mail", code=0)
check(len(received["slack"]) == 2 and len(mails) == 2 and "queued for 0" in again.stdout, "the same report is never sent twice")
# orteam-cli links no Qt Gui: the chart is drawn by its module, found beside the program. A program
# without it (copied away) still sends the report, without the chart, and says why once, however
# many destinations get it.
before_monthly = db + ".before-monthly"
with sqlite3.connect(db) as source, sqlite3.connect(before_monthly) as copy:
    source.backup(copy)
lone = os.path.join(tempfile.mkdtemp(), "orteam-cli")
shutil.copy(CLI, lone)
alone = subprocess.run([lone, "--db", db, "--timeout", "2", "report", "monthly", "--send", "--dest", "leads,mail"], env=env,
                       capture_output=True, text=True, timeout=120)
check(alone.returncode == 0 and len(mails) == 3 and alone.stderr.count("reports go without their chart") == 1
      and "orteam-chart.so is missing" in alone.stderr, f"without its chart module the report goes, and the CLI says why once ({alone.stderr.strip()})")
if len(mails) == 3:
    msg = email.message_from_bytes(mails[2]["data"], policy=email.policy.default)
    check(not [p for p in msg.iter_attachments() if p.get_content_type() == "image/png"], "that email comes without a chart")
# A module from another build of orteam beside the program is refused, never called (it would
# abort), and said; the same monthly report, from the database as it was before it went.
if STALE_MODULE:
    shutil.copy(STALE_MODULE, os.path.join(os.path.dirname(lone), "orteam-chart.so"))
    stale = subprocess.run([lone, "--db", before_monthly, "--timeout", "2", "report", "monthly", "--send", "--dest", "mail"],
                           env=env, capture_output=True, text=True, timeout=120)
    check(stale.returncode == 0 and len(mails) == 4 and "is from another build of orteam" in stale.stderr,
          f"a chart module from another build is refused and said ({stale.returncode}: {stale.stderr.strip()})")

# ---- a sender killed between send and mark ----------------------------------------------------------

# A fresh alert for the hook and the mail; the CLI is stopped (SIGSTOP) right after both were
# handed over, and killed. The rows stay claimed; after the lease the next run sends the webhook
# again with the same Idempotency-Key (the receiver drops it) and marks the email unknown.
con = sqlite3.connect(db)
con.execute("UPDATE user_usage SET total_cost = 10.5 WHERE user_id = 'jamal' AND date = ?", (today.isoformat(),))
con.execute("UPDATE notify_destinations SET enabled = 0 WHERE id NOT IN ('hook', 'mail')")  # the others' rows wait
con.commit()
con.close()
hooks_before, mails_before = len(received["hook"]), len(mails)
proc = subprocess.Popen([CLI, "--db", db, "--timeout", "2", "notify", "run", "--offline"], env=env, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE)
deadline = time.time() + 30
while time.time() < deadline and (len(received["hook"]) == hooks_before or len(mails) == mails_before):
    time.sleep(0.01)
# Both are out; whether the CLI wrote "sent" yet is a race, so make it certain it did not for the
# test: put the rows back as a dead sender leaves them.
proc.send_signal(signal.SIGKILL)
proc.wait()
check(len(received["hook"]) == hooks_before + 1 and len(mails) == mails_before + 1, "the over-budget alert went out once before the kill")
con = sqlite3.connect(db)
con.execute("UPDATE notify_outbox SET state = 'sending', lease_until = '2000-01-01T00:00:00Z' "
            "WHERE message_key LIKE 'budget100:%' AND destination_id IN ('hook', 'mail')")
con.commit()
con.close()
after = cli("notify", "run", "--offline")
check(len(received["hook"]) == hooks_before + 1, "the webhook was sent again with its idempotency key and dropped as a copy")
check(len(mails) == mails_before + 1, "the email was not sent twice")
con = sqlite3.connect(db)
states = dict(con.execute("SELECT destination_id, state FROM notify_outbox WHERE message_key LIKE 'budget100:%'").fetchall())
con.close()
check(states.get("hook") == "sent" and states.get("mail") == "unknown", f"hook sent, mail unknown after the crash ({states})")
outbox = cli("notify", "outbox", code=0)
check("unknown" in outbox.stdout, "notify outbox shows the unknown message")
typo = cli("notify", "outbox", "--destination", "hoook", code=3)
check("no destination hoook" in typo.stderr, "a mistyped destination is said so, not shown as an empty outbox")
sent_id = sqlite3.connect(db).execute("SELECT id FROM notify_outbox WHERE state = 'sent' LIMIT 1").fetchone()[0]
again = cli("notify", "retry", str(sent_id), code=3)
check("given up (failed) or of unknown outcome" in again.stderr, f"retry names the states it takes ({again.stderr.strip()})")

smtp.stop()
http_server.shutdown()
if FAILURES:
    print(f"{len(FAILURES)} check(s) failed")
    sys.exit(1)
print("all notification checks passed")
