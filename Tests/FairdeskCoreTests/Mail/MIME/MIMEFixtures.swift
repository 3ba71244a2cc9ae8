import Foundation

/// Sample inbound mail shaped like what real clients send, written with LF line endings; `crlf` gives the
/// bytes as they come over SMTP.
enum MIMEFixtures {
    static func crlf(_ text: String) -> Data {
        Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    static func lf(_ text: String) -> Data {
        Data(text.utf8)
    }

    static let plain = #"""
        Return-Path: <dee@example.com>
        From: Dee Driver <dee@example.com>
        To: support@fairdesk.example
        Subject: Where is my refund?
        Date: Mon, 2 Feb 2026 09:05:00 +0000
        Message-ID: <abc.123@example.com>
        Content-Type: text/plain; charset=us-ascii

        Hello,

        I asked for a refund two weeks ago.

        Dee

        """#

    static let encodedSubject = #"""
        From: "=?UTF-8?B?w4RuZ2Vsa2EgTcO8bGxlcg==?=" <a.mueller@example.de>
        To: support@fairdesk.example
        Subject: =?UTF-8?B?w4RuZGVydW5nIGRlciBSaWNodGxpbmll?=
         =?ISO-8859-1?Q?_f=FCr_Fahrer?= (Version
        	2)
        Content-Type: text/plain; charset=utf-8

        Grüße

        """#

    static let gmail = #"""
        MIME-Version: 1.0
        Date: Tue, 3 Feb 2026 10:15:42 +0100
        References: <ticket-41@fairdesk.example>
         <ticket-42@fairdesk.example>
        In-Reply-To: <ticket-42@fairdesk.example>
        Message-ID: <CAF=abc123+x@mail.gmail.com>
        Subject: Re: My order
        From: Ana Lima <ana.lima@gmail.com>
        To: "Fairdesk Support" <support@fairdesk.example>
        Cc: bob@example.com, "Lee, Carol" <carol@example.com>
        Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

        --000000000000a1b2c3
        Content-Type: text/plain; charset="UTF-8"
        Content-Transfer-Encoding: quoted-printable

        Hi, the parcel still hasn=E2=80=99t arrived.

        On Mon, Feb 2, 2026 at 9:00 AM Fairdesk Support <support@fairdesk.example>
        wrote:

        > Your order has shipped.
        >

        --000000000000a1b2c3
        Content-Type: text/html; charset="UTF-8"
        Content-Transfer-Encoding: quoted-printable

        <div dir=3D"ltr">Hi, the parcel still hasn=E2=80=99t arrived.</div><br><di=
        v class=3D"gmail_quote"><div dir=3D"ltr" class=3D"gmail_attr">On Mon, Feb =
        2, 2026 at 9:00 AM Fairdesk Support &lt;<a href=3D"mailto:support@fairdesk=
        .example">support@fairdesk.example</a>&gt; wrote:<br></div><blockquote cla=
        ss=3D"gmail_quote">Your order has shipped.</blockquote></div>

        --000000000000a1b2c3--

        """#

    static let outlook = #"""
        From: "Berger, Tom" <tom.berger@contoso.example>
        To: Fairdesk Support <support@fairdesk.example>
        Subject: RE: Invoice 2026-113
        Thread-Topic: Invoice 2026-113
        Date: Wed, 4 Feb 2026 16:20 -0500
        Message-ID: <DM6PR11MB1234.namprd11.prod.outlook.com>
        In-Reply-To: <invoice-113@fairdesk.example>
        Content-Type: text/plain; charset="Windows-1252"
        Content-Transfer-Encoding: quoted-printable
        MIME-Version: 1.0

        Hello,

        the invoice shows 120 =80 but we agreed on 100 =80 =96 please check the li=
        ne items.=20
        Thanks, Tom

        -----Original Message-----
        From: Fairdesk Support <support@fairdesk.example>=20
        Sent: Tuesday, February 3, 2026 9:12 AM
        To: Berger, Tom <tom.berger@contoso.example>
        Subject: Invoice 2026-113

        Please find the invoice attached.

        """#

    static let appleMail = #"""
        From: =?utf-8?Q?Zo=C3=AB_Martin?= <zoe@icloud.example>
        Content-Type: multipart/mixed;
        	boundary="Apple-Mail=_1111"
        Mime-Version: 1.0 (Mac OS X Mail 16.0)
        Subject: Damaged parcel
        Date: Thu, 5 Feb 2026 08:01:02 +0100
        To: support@fairdesk.example

        This is a preamble that nobody reads.

        --Apple-Mail=_1111
        Content-Type: multipart/related;
        	type="text/html";
        	boundary="Apple-Mail=_2222"

        --Apple-Mail=_2222
        Content-Transfer-Encoding: 7bit
        Content-Type: text/html;
        	charset=utf-8

        <html><head><style>p { color: red }</style></head><body><p>See the photo:</p>
        <img src="cid:photo1@apple"><p>It came like this.</p></body></html>
        --Apple-Mail=_2222
        Content-Transfer-Encoding: base64
        Content-Disposition: inline;
        	filename=photo.png
        Content-Type: image/png;
        	name="photo.png"
        Content-Id: <photo1@apple>

        iVBORw0KGgoAAAANSUhEUg==
        --Apple-Mail=_2222--

        --Apple-Mail=_1111
        Content-Disposition: attachment;
        	filename*=utf-8''%C3%A9t%C3%A9.pdf
        Content-Type: application/pdf;
        	x-unix-mode=0644;
        	name="=?utf-8?Q?=C3=A9t=C3=A9=2Epdf?="
        Content-Transfer-Encoding: base64

        JVBERi0xLjQKJeLjz9MK
        --Apple-Mail=_1111--

        An epilogue.

        """#

    static let htmlOnly = #"""
        From: newsletter-person@shop.example
        To: support@fairdesk.example
        Subject: Question about my account
        Content-Type: text/html; charset=iso-8859-1
        Content-Transfer-Encoding: quoted-printable

        <!DOCTYPE html><html><head><title>Ignore me</title><script>var x =3D 1 < 2;<=
        /script></head>
        <body><h1>Account&nbsp;question</h1><p>I can&#39;t log in &amp; the reset
           mail   never arrives.</p>
        <ul><li>Browser: Firefox</li><li>Since: Monday</li></ul>
        <p>Details: <a href=3D"https://shop.example/help">help page</a> says &quot;=
        wait&quot; &#8211; 3 &lt; 4 &#x263A; Caf=E9</p>
        <table><tr><td>Order</td><td>1234</td></tr><tr><td>Total</td><td>9,99&euro=
        ;</td></tr></table>
        </body></html>

        """#

    static let bounce = #"""
        Return-Path: <>
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: support@fairdesk.example
        Subject: Undelivered Mail Returned to Sender
        Auto-Submitted: auto-replied
        Content-Type: multipart/report; report-type=delivery-status;
        	boundary="B0UNCE"

        --B0UNCE
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients.

        --B0UNCE
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net
        Final-Recipient: rfc822; nobody@example.org
        Action: failed
        Status: 5.1.1

        --B0UNCE
        Content-Description: Undelivered Message
        Content-Type: message/rfc822

        From: Fairdesk <support@fairdesk.example>
        To: nobody@example.org
        Subject: Your case 42

        Hello.

        --B0UNCE--

        """#

    static let autoReply = #"""
        From: Sam Sales <sam@example.com>
        To: support@fairdesk.example
        Subject: Out of office: Re: Your case 42
        Auto-Submitted: auto-replied
        X-Auto-Response-Suppress: All
        Content-Type: text/plain; charset=utf-8

        I am out of the office until Monday.

        """#

    static var all: [String] { [plain, encodedSubject, gmail, outlook, appleMail, htmlOnly, bounce, autoReply] }

    /// A realistic message of about 20 KB: a multipart/alternative reply with quoted history and a PDF.
    static let twentyKilobytes: String = {
        let paragraph =
            "Thanks for getting back to me. The driver came on Tuesday but the parcel was left at the wrong "
            + "door, and the neighbour says they never saw it. Could you check the tracking once more?\n"
        let quoted = String(repeating: "> " + paragraph, count: 40)
        let text =
            "Hello,\n\n" + String(repeating: paragraph, count: 10) + "\nOn Mon, 2 Feb 2026, support wrote:\n"
            + quoted
        let html =
            "<html><body><p>" + String(repeating: paragraph, count: 10) + "</p><blockquote>"
            + String(repeating: "<p>" + paragraph + "</p>", count: 40) + "</blockquote></body></html>"
        let pdf = Data((0..<3_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        return """
            From: Ana Lima <ana.lima@example.com>
            To: support@fairdesk.example
            Subject: =?utf-8?Q?Re:_Parcel_not_delivered_=E2=80=93_case_42?=
            Date: Tue, 3 Feb 2026 10:15:42 +0100
            Message-ID: <big@example.com>
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/plain; charset=utf-8

            \(text)
            --inner
            Content-Type: text/html; charset=utf-8

            \(html)
            --inner--

            --outer
            Content-Type: application/pdf; name="label.pdf"
            Content-Transfer-Encoding: base64

            \(pdf)
            --outer--

            """
    }()
}
