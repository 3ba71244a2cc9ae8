"""Browser tests: a real `fairdesk serve` on a fresh SQLite database, driven through Debian's
Chromium with Playwright. Screenshots of each main page go to tests/browser/screenshots/."""
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("FAIRDESK_BIN", str(ROOT / ".build" / "debug" / "fairdesk"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "browser-test-password"
SHOTS = pathlib.Path(__file__).parent / "screenshots"
# The running server's folder, for commands that work on its data (`fairdesk ingest-mail`).
STATE = {}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    work = tempfile.mkdtemp(prefix="fairdesk-browser-")
    port = free_port()
    env = dict(os.environ, FAIRDESK_PORT=str(port), FAIRDESK_DEMO_PASSWORD=PASSWORD, FAIRDESK_BCRYPT_COST="6",
               LOG_LEVEL="warning", FAIRDESK_SURVEY_DELAY_MINUTES="0")
    env.pop("DATABASE_URL", None)
    log = open(os.path.join(work, "serve.log"), "w")
    process = subprocess.Popen([BINARY, "serve"], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if urllib.request.urlopen(base + "/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        raise RuntimeError("fairdesk serve did not start: " + open(os.path.join(work, "serve.log")).read()[-2000:])
    STATE["work"] = work
    STATE["env"] = env
    yield base
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def login(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def ingest_mail(raw):
    """Hands one raw email to `fairdesk ingest-mail`, as a mail server's pipe transport does."""
    result = subprocess.run([BINARY, "ingest-mail"], input=raw.replace("\n", "\r\n").encode(), cwd=STATE["work"],
                            env=STATE["env"], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
