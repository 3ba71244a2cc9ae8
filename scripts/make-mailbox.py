#!/usr/bin/env python3
"""Writes a test mailbox (mbox) for the mail-ingest benchmark.

A mix like a real support inbox: most messages short plain text, a quarter HTML with a plain
alternative, about one in seven with attachments (PDFs and photos, 20 to 400 KB), replies that
thread to earlier messages, a few auto-replies, and some non-ASCII names and subjects in
ISO-8859-1 and UTF-8. The same seed always gives the same mailbox.

    scripts/make-mailbox.py 10000 /tmp/mailbox.mbox
"""
import base64
import os
import random
import sys
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
path = sys.argv[2] if len(sys.argv) > 2 else "mailbox.mbox"
rng = random.Random(42)

FIRST = ["Ann", "Bob", "Chloé", "Dev", "Emil", "Fatima", "Günther", "Hana", "Ivo", "Jürgen", "Kofi", "Lea", "Mateo",
         "Noor", "Olu", "Pia", "Quinn", "Rosa", "Søren", "Tomás"]
LAST = ["Example", "Miller", "Nguyen", "Okafor", "Schmidt", "García", "Kowalski", "Haddad", "Larsen", "Rossi"]
TOPICS = ["Parcel never arrived", "Wrong size delivered", "Refund not received", "Driver was rude",
          "Damaged box", "Change delivery address", "Invoice question", "Order cancelled by mistake",
          "Missing item in order", "Late delivery again"]
WORDS = ("the parcel order driver refund box delivery address invoice week yesterday tracking number door "
         "neighbour photo please help thanks waiting again still money back size colour item").split()

senders = [(rng.choice(FIRST), rng.choice(LAST), f"customer{n}@example.{rng.choice(['com', 'org', 'net'])}")
           for n in range(max(1, count // 3))]
start = datetime(2026, 10, 1, 8, 0, tzinfo=timezone.utc)
sent_ids = []


def words(n):
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    return "\n".join(text[i:i + 72] for i in range(0, len(text), 72))


def encoded_name(name):
    if all(ord(c) < 128 for c in name):
        return name
    return "=?utf-8?B?" + base64.b64encode(name.encode()).decode() + "?="


def attachment(kind):
    size = rng.randint(20_000, 400_000)
    data = (b"%PDF-1.4\n" if kind == "pdf" else b"\xff\xd8\xff\xe0") + os.urandom(size)
    name, ctype = ("invoice.pdf", "application/pdf") if kind == "pdf" else ("photo.jpg", "image/jpeg")
    body = base64.encodebytes(data).decode().replace("\n", "\r\n")
    return (f"Content-Type: {ctype}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{body}")


with open(path, "wb") as out:
    for n in range(count):
        first, last, address = rng.choice(senders)
        when = start + timedelta(seconds=n * 37)
        message_id = f"m{n}.{rng.randrange(10**9)}@mail.example.com"
        headers = [f"From: {encoded_name(first + ' ' + last)} <{address}>", "To: support@fairdesk.example",
                   f"Date: {format_datetime(when)}", f"Message-ID: <{message_id}>", "MIME-Version: 1.0"]
        subject = rng.choice(TOPICS)
        if sent_ids and rng.random() < 0.3:
            parent = rng.choice(sent_ids[-500:])
            headers += [f"In-Reply-To: <{parent}>", f"References: <{parent}>"]
            subject = "Re: " + subject
        if rng.random() < 0.02:
            headers.append("Auto-Submitted: auto-replied")
            subject = "Automatic reply: " + subject
        headers.append(f"Subject: {subject}")
        text = f"Hello,\n\n{words(rng.randint(20, 200))}\n\n{first}"
        kind = rng.random()
        if kind < 0.6:
            headers += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
            body = text.replace("\n", "\r\n")
        elif kind < 0.85:
            boundary = f"alt{n}"
            html = "<html><body><p>" + text.replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p></body></html>"
            headers.append(f"Content-Type: multipart/alternative; boundary=\"{boundary}\"")
            body = (f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
                    f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--{boundary}--")
            body = body.replace("\r\n", "\n").replace("\n", "\r\n")
        else:
            boundary = f"mix{n}"
            headers.append(f"Content-Type: multipart/mixed; boundary=\"{boundary}\"")
            parts = [f"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}".replace("\n", "\r\n").replace("\r\r", "\r")]
            for _ in range(rng.choice([1, 1, 2])):
                parts.append(attachment(rng.choice(["pdf", "jpg"])))
            body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--"
        raw = ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()
        # mboxrd: quote body lines that start with "From ".
        raw = b"\n".join((b">" + line if line.lstrip(b">").startswith(b"From ") else line)
                         for line in raw.split(b"\n"))
        out.write(f"From {address} {when.strftime('%a %b %d %H:%M:%S %Y')}\n".encode() + raw + b"\n")
        sent_ids.append(message_id)
        if (n + 1) % 1000 == 0 or n + 1 == count:
            print(f"wrote {n + 1}/{count} messages", file=sys.stderr)

print(f"{path}: {count} messages, {os.path.getsize(path) / 1e6:.1f} MB")
