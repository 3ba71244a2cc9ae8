"""What people do in Fairdesk, end to end, in a real browser."""
import re

from playwright.sync_api import expect

from conftest import ingest_mail, login, shot

WIDGET = "#fairdesk-widget"


def reload_until(page, url, locator, text, tries=40):
    """Reloads `url` until `locator` shows `text`: for what the job worker does a moment later."""
    for _ in range(tries):
        page.goto(url)
        if locator.count() > 0 and text in locator.first.inner_text():
            return
        page.wait_for_timeout(500)


def open_widget(page, base):
    page.goto(base + "/widget/demo")
    page.locator(f"{WIDGET} .toggle").click()
    expect(page.locator(f"{WIDGET} textarea")).to_be_focused()


def widget_send(page, text):
    page.locator(f"{WIDGET} textarea").fill(text)
    page.locator(f"{WIDGET} textarea").press("Enter")


def test_chat_reaches_an_agent_live_and_the_reply_reaches_the_visitor(server, browser):
    # setup: an agent watching the inbox, and a visitor on a shop page with the widget
    agent = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(agent, server, "agent@fairdesk.example")
    expect(agent).to_have_url(re.compile(r"/inbox$"))
    expect(agent.locator("body")).to_have_attribute("data-live-connected", "true")
    visitor_context = browser.new_context(viewport={"width": 1000, "height": 760})
    visitor = visitor_context.new_page()
    open_widget(visitor, server)

    # the visitor writes; the agent's inbox shows the new case without a reload
    widget_send(visitor, "Hi, my kettle arrived with a cracked lid.")
    expect(visitor.locator(f"{WIDGET} .msg.inbound:not(.pending)")).to_contain_text("cracked lid")
    # the bot answers first, from a knowledge-base article it names, and a person is one message away
    bot_answer = visitor.locator(f"{WIDGET} .msg.outbound").first
    expect(bot_answer).to_contain_text("From our article")
    expect(bot_answer).to_contain_text("ask for a person")
    row = agent.locator("#inbox-rows tr", has_text="Hi, my kettle arrived with a cracked lid.")
    expect(row).to_be_visible(timeout=10_000)
    shot(agent, "inbox")

    # the agent opens the case and replies; the visitor sees the reply live
    row.get_by_role("link").first.click()
    expect(agent.locator(".timeline")).to_contain_text("cracked lid")
    expect(agent.locator("body")).to_have_attribute("data-live-connected", "true")
    agent.get_by_label("Message").fill("Sorry about that! A replacement kettle ships today.")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.locator(".flash")).to_contain_text("Reply sent")
    expect(visitor.locator(f"{WIDGET} .msg.outbound", has_text="replacement kettle ships today")).to_be_visible()

    # the visitor answers; it appears on the agent's open case without a reload
    widget_send(visitor, "Thank you! Same address as before.")
    expect(agent.locator(".timeline")).to_contain_text("Same address as before", timeout=10_000)
    shot(agent, "case-view")
    shot(visitor, "widget")

    # a transfer without a note is refused next to the field, and keeps what was chosen
    agent.locator("summary", has_text="Transfer").click()
    agent.get_by_label("Hand the case to").select_option(label="Sam Agent (agent)")
    agent.get_by_role("button", name="Transfer").click()
    expect(agent.locator("#transfer-note-error")).to_contain_text("Is required")
    expect(agent.get_by_label("Hand the case to")).to_have_value(re.compile("^agent:"))
    agent.get_by_label("Handoff note").fill("Replacement kettle promised; customer confirmed the address. Please check it ships.")
    agent.get_by_role("button", name="Transfer").click()
    expect(agent.locator(".flash")).to_contain_text("transferred")
    case_url = agent.url

    # the second agent sees the handoff note in the timeline
    second = browser.new_context().new_page()
    login(second, server, "agent2@fairdesk.example")
    second.goto(case_url)
    expect(second.locator(".handoff")).to_contain_text("Please check it ships")
    expect(second.locator("#case-owner")).to_have_text("Sam Agent")

    # a returning visitor sees the earlier conversation
    again = visitor_context.new_page()
    open_widget(again, server)
    expect(again.locator(f"{WIDGET} .log")).to_contain_text("cracked lid")
    expect(again.locator(f"{WIDGET} .log")).to_contain_text("replacement kettle ships today")


def test_widget_catches_up_after_a_dropped_connection(server, browser):
    # setup: a visitor whose connection we can cut, and an agent on their case
    context = browser.new_context()
    visitor = context.new_page()
    state = {"blocked": False, "sockets": []}

    def route(ws):
        if state["blocked"]:
            ws.close()
            return
        state["sockets"].append(ws)
        ws.connect_to_server()

    visitor.route_web_socket(re.compile(r".*/widget/socket$"), route)
    open_widget(visitor, server)
    widget_send(visitor, "Is my parcel FD-777 out for delivery?")
    expect(visitor.locator(f"{WIDGET} .msg.inbound:not(.pending)")).to_contain_text("FD-777")

    agent = browser.new_context().new_page()
    login(agent, server, "agent@fairdesk.example")
    agent.locator("#inbox-rows tr", has_text="FD-777").get_by_role("link").first.click()
    expect(agent.locator(".timeline")).to_contain_text("FD-777")
    expect(agent.locator("body")).to_have_attribute("data-live-connected", "true")

    # MUT: the connection drops; the agent replies and the visitor writes while it is down
    state["blocked"] = True
    state["sockets"][-1].close()
    expect(visitor.locator(f"{WIDGET} .state")).to_contain_text("reconnecting")
    agent.get_by_label("Message").fill("Yes, it is on the van and due before 6 pm.")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.locator(".flash")).to_contain_text("Reply sent")
    widget_send(visitor, "Great, I will be home.")
    expect(visitor.locator(f"{WIDGET} .msg.pending")).to_contain_text("I will be home")

    # the connection comes back: the reply arrives, and the waiting message is sent once
    state["blocked"] = False
    expect(visitor.locator(f"{WIDGET} .msg.outbound", has_text="due before 6 pm")).to_be_visible(timeout=20_000)
    expect(visitor.locator(f"{WIDGET} .msg.pending")).to_have_count(0, timeout=20_000)
    expect(agent.locator(".timeline")).to_contain_text("I will be home", timeout=10_000)
    expect(agent.locator(".timeline .entry", has_text="I will be home")).to_have_count(1)


def test_customer_sees_their_cases_and_history(server, browser):
    page = browser.new_context(viewport={"width": 1100, "height": 800}).new_page()
    login(page, server, "customer@fairdesk.example")
    expect(page).to_have_url(re.compile(r"/my/cases$"))
    page.get_by_role("link", name=re.compile("Where is my order FD-204311")).click()
    expect(page.locator(".timeline")).to_contain_text("tracking has not moved")
    page.get_by_label("Write to us").fill("Any news on my parcel?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".flash")).to_contain_text("Your message was sent")
    expect(page.locator(".timeline")).to_contain_text("Any news on my parcel?")
    shot(page, "customer-case")

    # opening a case: an empty form is refused with the reason next to each field, text kept
    page.goto(server + "/my/cases/new")
    page.get_by_label("What is it about?").fill("Wrong size")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#case-body-error")).to_contain_text("Must not be empty")
    expect(page.get_by_label("What is it about?")).to_have_value("Wrong size")
    page.get_by_label("Tell us what happened").fill("The shoes are a size too small.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".flash")).to_contain_text("is open")


def test_sign_up_and_log_out(server, browser):
    page = browser.new_context().new_page()
    page.goto(server + "/signup")
    page.get_by_label("Your name").fill("Nia <b>Bold</b>")
    page.get_by_label("Email").fill("nia.browser@example.com")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#signup-password-error")).to_contain_text("at least 10 characters")
    expect(page.get_by_label("Email")).to_have_value("nia.browser@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/my/cases/new$"))
    # The name is shown as text, never as markup.
    expect(page.locator(".who")).to_contain_text("Nia <b>Bold</b>")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(server + "/my/cases")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_admin_manages_users_and_queues_on_a_phone(server, browser):
    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    login(page, server, "admin@fairdesk.example")
    shot(page, "inbox-phone")
    page.goto(server + "/admin/users")
    page.get_by_label("Name", exact=True).fill("Omar Agent")
    page.get_by_label("Email").fill("omar@fairdesk.example")
    page.get_by_label("First password").fill("omar-password-123")
    page.get_by_role("button", name="Add user").click()
    expect(page.locator(".flash")).to_contain_text("omar@fairdesk.example")
    shot(page, "admin-users")
    page.goto(server + "/admin/queues")
    page.get_by_label("Name").fill("Returns")
    page.get_by_role("button", name="Create queue").click()
    expect(page.locator("table").first).to_contain_text("Returns")
    page.goto(server + "/admin/settings")
    expect(page.locator("table")).to_contain_text("FAIRDESK_HANDOFF_NOTE_MIN")


def test_sla_targets_routing_and_queues_now(server, browser):
    # setup: a chat arrives from the widget and asks for a person, so the bot hands it over at once
    # and the SLA targets start; Sam Agent starts the demo away
    visitor = browser.new_context(viewport={"width": 1000, "height": 760}).new_page()
    open_widget(visitor, server)
    widget_send(visitor, "Hello, the blender I ordered is missing its jug. Can I talk to a person please?")
    expect(visitor.locator(f"{WIDGET} .msg.inbound:not(.pending)")).to_contain_text("missing its jug")
    expect(visitor.locator(f"{WIDGET} .msg.outbound")).to_contain_text("connecting you with a person")

    # the lead sees who is available and how loaded, and no case waits long: routing assigned it
    lead = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(lead, server, "lead@fairdesk.example")
    lead.get_by_role("link", name="Queues now").click()
    agents = lead.locator("#agents")
    expect(agents.locator("tr", has_text="Sam Agent")).to_contain_text("away")
    expect(agents.locator("tr", has_text="Alex Agent")).to_contain_text("available")
    shot(lead, "queues-now")

    # the case shows its SLA targets with the rule in force, and who it was assigned to and why
    lead.get_by_role("link", name="Inbox").click()
    lead.locator("#inbox-rows tr", has_text="missing its jug").get_by_role("link").first.click()
    sla = lead.locator("table.sla")
    expect(sla.locator("tr", has_text="First response")).to_contain_text("standard · chat · v1")
    # routing runs every 3 seconds in the server's own worker
    for _ in range(20):
        if "Assigned to" in lead.locator(".timeline").inner_text():
            break
        lead.wait_for_timeout(1000)
        lead.reload()
    expect(lead.locator(".timeline")).to_contain_text("Assigned to")
    shot(lead, "case-sla")

    # an agent who was away makes themselves available from the inbox
    agent = browser.new_context().new_page()
    login(agent, server, "agent2@fairdesk.example")
    agent.get_by_label("New cases for me").select_option("available")
    agent.get_by_role("button", name="Set").click()
    expect(agent.locator(".flash")).to_contain_text("You are available for new cases")

    # an admin's bad target is refused beside the field; a good one becomes version 2
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(admin, server, "admin@fairdesk.example")
    admin.get_by_role("link", name="Service levels").click()
    admin.get_by_label("Tier", exact=True).select_option("premium")
    admin.get_by_label("Channel", exact=True).select_option("social")
    admin.get_by_label("Calendar", exact=True).select_option("24/7")
    admin.get_by_label("First response, minutes").fill("soon")
    admin.get_by_role("button", name="Save target").click()
    expect(admin.locator("p.error").first).to_contain_text("whole number of minutes")
    admin.get_by_label("First response, minutes").fill("20")
    admin.get_by_label("Next response, minutes").fill("45")
    admin.get_by_label("Resolution, minutes").fill("240")
    admin.get_by_label("Why this change").fill("Social complaints spread fast")
    admin.get_by_role("button", name="Save target").click()
    expect(admin.locator(".flash")).to_contain_text("Target saved")
    expect(admin.locator("#targets tr", has_text="premium").filter(has_text="social")).to_contain_text("v2")
    shot(admin, "service-levels")


def test_policies_are_published_with_notice_read_and_acknowledged(server, browser):
    import datetime

    # a driver lands on the policies that bind them, reads the one waiting, and acknowledges it
    driver = browser.new_context(viewport={"width": 1000, "height": 900}).new_page()
    login(driver, server, "driver@fairdesk.example")
    expect(driver).to_have_url(re.compile(r"/policies$"))
    waiting = driver.locator("#awaiting")
    expect(waiting).to_contain_text("Driver standing and deactivation, version 1")
    shot(driver, "policies")
    waiting.get_by_role("link", name="Driver standing and deactivation, version 1").click()
    expect(driver.locator("#clause-4")).to_contain_text("Decisions and appeals")
    driver.get_by_role("button", name="I have read version 1").click()
    expect(driver.locator(".flash")).to_contain_text("acknowledgment is recorded")
    expect(driver.locator("#acknowledged")).to_contain_text("You acknowledged this version")

    # the policy owner compares the coming change with the version in force, and chases readers
    owner = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(owner, server, "policy@fairdesk.example")
    owner.get_by_role("link", name="Agent conduct and metrics").click()
    owner.get_by_role("button", name="Compare").click()
    expect(owner.locator("#clause-2 .diff-added")).to_contain_text("40 survey answers")
    expect(owner.locator("#parameter-changes")).to_contain_text("minimum_responses_for_rank")
    shot(owner, "policy-compare")
    owner.goto(server + "/policies/agent-conduct/versions/2")
    expect(owner.locator("#ack-count")).to_contain_text("0 of 3 have acknowledged")
    owner.get_by_role("button", name="Remind everyone who has not acknowledged").click()
    expect(owner.locator(".flash")).to_contain_text("Reminder sent")
    reminders = owner.locator("#acknowledgments tr", has_text="Alex Agent").locator("td[data-label=Reminders]")
    expect(reminders).to_have_text("1")
    shot(owner, "policy-version")

    # publishing with too little notice is refused with the earliest date; with enough, it is published
    owner.goto(server + "/policies/driver-standing/publish")
    owner.get_by_label("What changed").fill("Appeals may be made within 21 days")
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)
    owner.get_by_label("Applies from (UTC)").fill(soon.strftime("%Y-%m-%dT%H:%M"))
    owner.get_by_role("button", name="Publish version 2").click()
    expect(owner.locator("p.error").first).to_contain_text("days' notice: the earliest allowed is")
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=16)
    owner.get_by_label("Applies from (UTC)").fill(later.strftime("%Y-%m-%dT%H:%M"))
    owner.get_by_role("button", name="Publish version 2").click()
    expect(owner.locator(".flash")).to_contain_text("everyone bound has been notified")
    expect(owner.locator("h1")).to_contain_text("version 2")
    expect(owner.locator("h1 .status")).to_contain_text("coming up")

    # the driver is told, with a link to the new version
    driver.goto(server + "/policies")
    expect(driver.locator("#awaiting")).to_contain_text("Driver standing and deactivation, version 2")


def test_a_promise_is_shown_to_the_customer_and_a_survey_is_answered_on_a_phone(server, browser):
    import datetime

    # the agent promises a replacement on the demo customer's delivery case
    agent = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(agent, server, "agent@fairdesk.example")
    agent.goto(server + "/inbox")
    agent.locator("#inbox-rows tr", has_text="FD-204311").get_by_role("link").first.click()
    if agent.locator("#promises").get_attribute("open") is None:
        agent.locator("#promises summary").click()
    agent.get_by_label("Promise the customer").select_option("replacement")
    agent.get_by_label("Replacement item").fill("Kettle lid")
    agent.get_by_label("What we promise, as the customer will read it").fill("A new lid is posted to you today.")
    agent.get_by_role("button", name="Make the promise").click()
    expect(agent.locator("p.error").first).to_contain_text("date and time")
    due = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)
    agent.get_by_label("Due by (UTC)").fill(due.strftime("%Y-%m-%dT%H:%M"))
    agent.get_by_role("button", name="Make the promise").click()
    expect(agent.locator(".flash")).to_contain_text("Promise recorded")
    expect(agent.locator("#promises")).to_contain_text("Replacement: Kettle lid")
    shot(agent, "case-promises")

    # the customer sees the promise on their case, on a phone
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    customer = phone.new_page()
    login(customer, server, "customer@fairdesk.example")
    customer.get_by_role("link", name=re.compile("FD-204311")).click()
    expect(customer.locator("#promises")).to_contain_text("Replacement: Kettle lid")

    # the agent resolves the case; the survey job asks the customer on the case
    agent.locator("summary", has_text="Change status").click()
    agent.get_by_label("New status").select_option("resolved")
    agent.get_by_role("button", name="Change status").click()
    expect(agent.locator(".flash")).to_contain_text("Status")
    for _ in range(45):
        customer.reload()
        if "Did we solve your problem?" in customer.locator(".timeline").inner_text():
            break
        customer.wait_for_timeout(1000)
    text = customer.locator(".timeline").inner_text()
    link = re.search(r"https?://\S+/survey/\S+", text).group(0)

    # a no without a reason is refused and keeps the choice; with one it is recorded
    customer.goto(link)
    customer.get_by_label("No", exact=True).check()
    customer.get_by_role("button", name="Send").click()
    expect(customer.locator("#reason-error")).to_contain_text("Must be chosen")
    expect(customer.get_by_label("No", exact=True)).to_be_checked()
    customer.get_by_label("It took too long").check()
    customer.get_by_label("Anything to add").fill("The lid came after a week.")
    shot(customer, "survey-phone")
    customer.get_by_role("button", name="Send").click()
    expect(customer.locator("#answered")).to_contain_text("Someone is looking at your case again")


def test_email_comes_in_is_answered_and_webhooks_are_registered(server, browser):
    import http.server
    import threading

    # a receiving system for webhooks, on this machine
    received = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    hook = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=hook.serve_forever, daemon=True).start()

    # an admin registers an endpoint; a wrong address is refused beside its field, the secret shown once
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(admin, server, "admin@fairdesk.example")
    admin.goto(server + "/admin/webhooks")
    admin.get_by_label("Address (http or https)").fill("ftp://erp.example.com")
    admin.get_by_role("button", name="Register").click()
    expect(admin.locator("#webhook-url-error")).to_contain_text("http:// or https://")
    expect(admin.locator("#webhook-events-error")).to_contain_text("at least one event")
    admin.get_by_label("Address (http or https)").fill(f"http://127.0.0.1:{hook.server_port}/events")
    admin.get_by_label("What it is (optional)").fill("Order system")
    admin.get_by_label("case.created").check()
    admin.get_by_role("button", name="Register").click()
    expect(admin.locator("#new-secret")).to_contain_text("whsec_")
    expect(admin.locator("#endpoints")).to_contain_text("case.created")

    # a customer's email comes in through the mail server's pipe: a new case, noted on the Mail page
    out = ingest_mail(
        "From: Wendy Mail <wendy@example.com>\nTo: support@fairdesk.example\nSubject: Browser mail test\n"
        "Message-ID: <browser-1@example.com>\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=b1\n\n--b1\nContent-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: quoted-printable\n\nMy parcel was crushed, see the photo. Gr=FC=DFe\n"
        "--b1\nContent-Type: image/png; name=crushed.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b1--\n")
    assert "filed in case" in out
    admin.goto(server + "/admin/mail")
    row = admin.locator("#received tr", has_text="Browser mail test")
    expect(row).to_contain_text("filed")
    shot(admin, "admin-mail")

    # staff open the case from there: the text, the file, and the original email behind it
    row.locator("td[data-label=Case] a").click()
    expect(admin.locator("#timeline")).to_contain_text("My parcel was crushed, see the photo. Grüße")
    expect(admin.locator("#timeline")).to_contain_text("crushed.png")
    admin.get_by_role("link", name="Original email").click()
    expect(admin.locator("h1")).to_contain_text("Browser mail test")
    expect(admin.locator("body")).to_contain_text("wendy@example.com")
    admin.go_back()

    # the reply goes out by email (held here: no mail server is configured), in the thread
    admin.get_by_label("Message", exact=True).fill("Sorry about that, a new one is on its way.")
    admin.get_by_role("button", name="Send reply").click()
    # the job worker takes it from the queue within a few seconds: reload until it has
    sent = admin.locator("#emails tr", has_text="Re: Browser mail test").filter(has_text="case.reply")
    reload_until(admin, server + "/admin/mail", sent, "held")
    expect(sent).to_contain_text("held")
    # the bot had answered the email first, in the same thread, as an automatic reply
    bot_mail = admin.locator("#emails tr", has_text="bot.reply")
    expect(bot_mail).to_contain_text("Re: Browser mail test")

    # the webhook was delivered by the worker and shows as delivered
    reload_until(admin, server + "/admin/webhooks", admin.locator("#deliveries"), "delivered")
    expect(admin.locator("#deliveries")).to_contain_text("delivered")
    assert any(b'"event":"case.created"' in body for body in received)
    shot(admin, "admin-webhooks")
    hook.shutdown()
