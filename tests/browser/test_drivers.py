"""A driver's due process, end to end, in a real browser: the standing page with the records behind
each number, a lead's decision that is refused without its reasons, the driver's appeal with an
evidence file, and a reviewer who did not decide answering it beside the evidence."""
import datetime
import re

from playwright.sync_api import expect

from conftest import login, shot

# A GPS trace as a driver's phone exports it: the demo's package DEMO-P5-4, whose scan was taken
# 300 m from the address, with the driver standing at the door (10 m away) inside the window.
GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="phone" xmlns="http://www.topografix.com/GPX/1/1">
<trk><trkseg>
<trkpt lat="{lat}" lon="{lon}"><time>{time}</time></trkpt>
</trkseg></trk>
</gpx>
"""


def signed_in(browser, server, email, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    login(page, server, email)
    return page


def test_a_driver_appeals_a_decision_with_evidence_and_a_reviewer_reinstates_them(server, browser):
    # the lead opens the driver's standing from the drivers' list and goes to decide
    lead = signed_in(browser, server, "lead@fairdesk.example", 1280)
    lead.goto(server + "/drivers")
    lead.get_by_role("link", name="Dee Driver").first.click()
    expect(lead.locator("#metrics")).to_contain_text("DEMO-P5-4")
    lead.get_by_role("link", name="Decide an action").click()
    grounds = lead.locator("#decide fieldset")
    # forbidden grounds are not offered at all
    expect(grounds).to_contain_text("safety (urgent)")
    expect(grounds).not_to_contain_text("declining offers")
    expect(grounds).not_to_contain_text("using appeal process")

    # a decision without its clause, records and reasons is refused, field by field
    lead.get_by_label("Action").select_option("suspension")
    lead.get_by_role("button", name="Record the decision").click()
    expect(lead.locator("#decide-errors")).to_contain_text("The decision was not recorded")
    expect(lead.locator("#decide-clause-error")).to_be_visible()
    expect(lead.locator("#decide-text-error")).to_be_visible()
    expect(lead.get_by_label("Action")).to_have_value("suspension")
    shot(lead, "driver-decide-refused")

    # with them, an interim suspension on urgent grounds is recorded by name
    lead.get_by_label("Interim suspension taking effect now").check()
    lead.get_by_label(re.compile("^Policy clause")).select_option(index=1)
    grounds.get_by_label("safety (urgent)").check()
    lead.get_by_label(re.compile("^Records relied on")).fill("DEMO-P5-4")
    lead.get_by_label("Statement of reasons, as the driver will read it").fill(
        "The scan of DEMO-P5-4 was taken 300 m from the address; a depot colleague reported the van "
        "parked across a school entrance there. Offers are paused while this is reviewed.")
    lead.get_by_role("button", name="Record the decision").click()
    expect(lead.locator(".flash")).to_contain_text("Decision recorded; the driver has been told.")
    expect(lead.locator("#decisions")).to_contain_text("suspension")

    # the driver sees the decision, its reasons and the appeal deadline on their own page
    driver = signed_in(browser, server, "driver@fairdesk.example", 1000)
    driver.goto(server + "/my/standing")
    expect(driver.locator("#tier-heading")).to_contain_text("Tier:")
    decisions = driver.locator("#decisions")
    expect(decisions).to_contain_text("school entrance")
    expect(decisions).to_contain_text("DEMO-P5-4")
    expect(decisions).to_contain_text("Appeal until")
    expect(decisions).to_contain_text("unless a full decision follows")
    scans = driver.locator("#metric-scan_compliance")
    expect(scans.locator("tr", has_text="DEMO-P5-4")).to_contain_text("against you")
    shot(driver, "driver-standing")

    # an appeal without an account is refused; with one and a GPS trace it is filed
    driver.get_by_role("button", name="File the appeal").click()
    expect(driver.locator(".appeal-form textarea:invalid")).to_have_count(1)
    driver.get_by_label("Your account").fill(
        "I parked in the loading bay on the next street and walked the parcel to the door; the scanner "
        "took its position late. My phone's trace shows me at the door.")
    # (the demo's block of day 5 began ten days ago at 09:00 UTC; this package's window is 12:00 to 13:00)
    day = datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=10)
    trace = GPX.format(lat="51.51741", lon="-0.11880", time=f"{day.isoformat()}T12:40:00Z")
    driver.get_by_label(re.compile("^Evidence files")).set_input_files(
        files=[{"name": "trace.gpx", "mimeType": "application/gpx+xml", "buffer": trace.encode()}])
    driver.get_by_role("button", name="File the appeal").click()
    expect(driver.locator(".flash")).to_contain_text("Your appeal was received.")
    expect(driver.locator("#decisions")).to_contain_text("trace.gpx")

    # the reviewer, who did not decide, answers it beside the decision and the driver's evidence
    reviewer = signed_in(browser, server, "reviewer@fairdesk.example", 1280)
    reviewer.goto(server + "/appeals")
    reviewer.locator("#mine").get_by_role("link", name="Dee Driver").click()
    expect(reviewer.locator("#decision")).to_contain_text("school entrance")
    expect(reviewer.locator("#driver-side")).to_contain_text("loading bay")
    expect(reviewer.locator("#driver-side")).to_contain_text("trace.gpx")
    # the scan and the trace, each measured against the address and the delivery window
    scan_row = reviewer.locator("#scans tr", has_text="App scan DEMO-P5-4-S1")
    expect(scan_row).to_contain_text("300 m north")
    expect(scan_row).to_contain_text("outside the 50 m geofence")
    trace_row = reviewer.locator("#scans tr", has_text="Trace trace.gpx")
    expect(trace_row).to_contain_text("in the window, 40 min after it opened")
    expect(trace_row).to_contain_text("within the 50 m geofence")
    shot(reviewer, "appeal-review")
    # (the browser itself holds back an answer with no outcome and no reasons)
    reviewer.get_by_role("button", name="Send the answer").click()
    expect(reviewer.locator("#decide-reasons:invalid")).to_have_count(1)
    expect(reviewer.locator(".flash")).to_have_count(0)
    reviewer.get_by_label("reinstated", exact=True).check()
    reviewer.get_by_label("Reasons, as the driver will read them").fill(
        "The trace puts you at the door inside the window; the scanner's position was wrong. The "
        "suspension is lifted and DEMO-P5-4 no longer counts against your scan compliance.")
    reviewer.locator("#decide").get_by_label(re.compile("DEMO-P5-4")).check()
    reviewer.get_by_role("button", name="Send the answer").click()
    expect(reviewer.locator(".flash")).to_contain_text("Your answer was recorded; the driver has been told.")
    expect(reviewer.locator("#outcome-heading")).to_contain_text("reinstated")

    # the driver reads the answer on their page
    driver.goto(server + "/my/standing")
    expect(driver.locator("#decisions")).to_contain_text("reinstated")
    expect(driver.locator("#decisions")).to_contain_text("scanner's position was wrong")
    # and the record found in their favour has left the count, with the reviewer's reasons
    expect(scans.locator("tr", has_text="DEMO-P5-4")).to_have_count(0)
    left_out = scans.locator(".excused li", has_text="DEMO-P5-4")
    expect(left_out).to_contain_text("overturned on appeal")
    expect(left_out).to_contain_text("Rae Reviewer")


def test_an_excuse_a_disputed_delivery_and_a_violation_each_reach_the_driver_with_reasons(server, browser):
    lead = signed_in(browser, server, "lead@fairdesk.example", 1280)
    driver = signed_in(browser, server, "driver@fairdesk.example", 1000)
    driver.goto(server + "/my/standing")
    on_time = driver.locator("#metric-on_time")
    expect(on_time.locator("tr", has_text="DEMO-P3-2")).to_contain_text("against you")
    # the depot's weather feed already left the stormy block out, with its reason
    expect(on_time.locator(".excused li", has_text="DEMO-P9-1")).to_contain_text("weather")

    # a lead leaves a late delivery out: a road closure, in words the driver reads
    lead.goto(server + "/drivers")
    lead.get_by_role("link", name="Dee Driver").first.click()
    standing_url = lead.url
    lead.get_by_role("link", name="Excuse a record").click()
    lead.get_by_role("button", name="Leave the record out").click()
    expect(lead.locator("#excuse-errors")).to_contain_text("The excuse was not recorded")
    expect(lead.locator("#excuse-reason-error")).to_be_visible()
    lead.get_by_label(re.compile("^Record")).select_option(value="DEMO-P3-2")
    lead.get_by_label("Why it lay outside the driver's control").select_option("road_closure")
    lead.get_by_label("Reason, as the driver will read it").fill(
        "The council closed Aldwych for a burst water main that morning; every route to the stop was blocked.")
    lead.get_by_role("button", name="Leave the record out").click()
    expect(lead.locator(".flash")).to_be_visible()
    driver.goto(server + "/my/standing")
    expect(on_time.locator("tr", has_text="DEMO-P3-2")).to_have_count(0)
    left_out = on_time.locator(".excused li", has_text="DEMO-P3-2")
    expect(left_out).to_contain_text("burst water main")
    expect(left_out).to_contain_text("Lee Lead")

    # an agent opens a customer's "delivered but not received" claim; a finding is proposed, not applied
    agent = signed_in(browser, server, "agent@fairdesk.example", 1280)
    agent.goto(server + "/drivers/disputes/new")
    agent.get_by_label("Driver who carried the package").select_option(label="Dee Driver (driver@fairdesk.example)")
    agent.get_by_label("Package id (as the depot gave it)").fill("DEMO-P6-5")
    agent.get_by_label("The customer's account, in their words").fill(
        "The tracking says delivered but nothing was at my door, and my neighbours have nothing either.")
    agent.get_by_role("button", name="Open the claim").click()
    expect(agent.locator(".flash")).to_contain_text("Claim opened; a lead or reviewer records the finding.")
    completion = driver.locator("#metric-completion")
    driver.goto(server + "/my/standing")
    expect(completion.locator("tr", has_text="DEMO-P6-5")).to_contain_text("for you")

    # the driver gives their side; a lead records a finding against them with a reason, and only then it counts
    disputes = driver.locator("#disputes")
    expect(disputes).to_contain_text("DEMO-P6-5")
    disputes.get_by_label(re.compile("^Your side")).fill("I left it at number 12, the door the app showed.")
    disputes.get_by_role("button", name="Send your side").click()
    expect(driver.locator(".flash")).to_be_visible()
    lead.goto(server + "/drivers/disputes")
    lead.get_by_role("link", name="DEMO-P6-5").first.click()
    expect(lead.locator("#proposal-heading")).to_contain_text("Proposed finding")
    expect(lead.locator("#evidence-heading")).to_be_visible()
    expect(lead.locator("#driver-side")).to_contain_text("number 12")
    lead.get_by_label("Finding", exact=True).select_option("against_driver")
    lead.get_by_label("Reason, as the driver will read it").fill(
        "The photo shows a different door number from the address, and the customer never received it.")
    lead.get_by_role("button", name="Record the finding").click()
    expect(lead.locator("#finding-heading")).to_contain_text("against the driver")
    shot(lead, "delivery-dispute")
    driver.goto(server + "/my/standing")
    expect(completion.locator("tr", has_text="DEMO-P6-5")).to_contain_text("against you")

    # a policy violation report brings a written warning naming the clause, with a period to improve
    lead.goto(standing_url)
    lead.get_by_role("link", name="Report a policy violation").click()
    lead.get_by_label(re.compile("^Clause of")).select_option(index=1)
    lead.get_by_label("What happened, as the driver will read it").fill(
        "Parcels were left without a photo at two addresses that asked for a signature.")
    lead.get_by_label(re.compile("^Records relied on")).fill("DEMO-P6-5")
    lead.get_by_role("button", name="Issue the written warning").click()
    expect(lead.locator(".flash")).to_be_visible()
    driver.goto(server + "/my/standing")
    warnings = driver.locator("#warnings")
    expect(warnings).to_contain_text("asked for a signature")
    expect(warnings).to_contain_text("DEMO-P6-5")
    expect(warnings).to_contain_text("period to improve open")
    expect(warnings).to_contain_text("by Lee Lead (lead) under driver-standing v1")
    expect(warnings).to_contain_text("asked for a signature. Evidence: DEMO-P6-5.")
    expect(warnings).to_contain_text("improve by")
    shot(driver, "driver-warnings")
