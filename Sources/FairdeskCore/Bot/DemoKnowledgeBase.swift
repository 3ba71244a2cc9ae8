import Foundation

/// The knowledge base of the demo retailer: the articles `seed` writes and the bot evaluation reads.
///
/// The policies are the ones the demo conversations follow (30-day returns, refunds within 5 working
/// days of the return arriving, drivers on two-hour windows), so the bot and the agents agree.
public enum DemoKnowledgeBase {
    public static let articles: [KnowledgeArticle] = [
        KnowledgeArticle(
            id: "returns-policy",
            title: "Returning an item",
            body: """
                You can return most items within 30 days of delivery for a full refund. The item should be unused \
                and in its original packaging where possible. Start a return from Orders in your account, choose \
                the item and the reason, and we will give you a free return label or a QR code. Opened hygiene \
                items (earphones, cosmetics) and personalised items cannot be returned unless they are faulty.
                """,
            tags: [
                "return", "returns policy", "send back", "money back", "30 days", "unwanted", "doesn't fit",
                "change of mind",
            ]),
        KnowledgeArticle(
            id: "return-label",
            title: "Printing a return label and dropping off a return",
            body: """
                When you start a return we email a free return label as a PDF and a QR code. No printer? Show the \
                QR code at any pick-up point or post office counter and they print the label for you. Keep the \
                drop-off receipt until your refund arrives. You can also book a collection from your door for \
                large items.
                """,
            tags: [
                "label", "qr code", "printer", "drop off", "post office", "pick-up point", "collection",
                "collect from home",
            ]),
        KnowledgeArticle(
            id: "refund-timing",
            title: "How long refunds take",
            body: """
                We refund within 5 working days of your return reaching our warehouse, to the card or account you \
                paid with. Your bank may take another 3 to 5 working days to show it. Refunds for cancelled orders \
                are released at once. Gift card payments are refunded to a new gift card. You can see the state \
                of each refund under Orders, Returns and refunds.
                """,
            tags: ["refund", "money back", "how long", "working days", "bank", "original payment"]),
        KnowledgeArticle(
            id: "damaged-item",
            title: "My parcel or item arrived damaged",
            body: """
                Sorry about that. Take a photo of the damaged item and of the box, then report it from Orders, \
                Report a problem, within 14 days of delivery. Choose a replacement or a refund; you do not need to \
                send broken glass or crockery back. If the outer box was crushed or wet, tell us, because it helps \
                us talk to the carrier.
                """,
            tags: ["damaged", "broken", "cracked", "smashed", "crushed box", "faulty on arrival", "dented"]),
        KnowledgeArticle(
            id: "missing-item",
            title: "An item is missing from my order",
            body: """
                Large orders sometimes arrive in more than one parcel, so first check your tracking page for a \
                second parcel. If everything is marked delivered and an item is still missing, report it from \
                Orders, Report a problem, within 14 days and we will send it again or refund it.
                """,
            tags: ["missing", "not in the box", "incomplete", "only part", "second parcel", "left out"]),
        KnowledgeArticle(
            id: "wrong-item",
            title: "I received the wrong item",
            body: """
                If you received a different item, size or colour from the one you ordered, report it from Orders, \
                Report a problem. We send the right item straight away and email a free return label for the \
                wrong one; you have 30 days to send it back.
                """,
            tags: ["wrong item", "different item", "wrong size", "wrong colour", "not what i ordered", "mix-up"]),
        KnowledgeArticle(
            id: "delivered-not-received",
            title: "Tracking says delivered but I don't have my parcel",
            body: """
                Check your safe place, with neighbours and at your building's reception, and look at the delivery \
                photo on your tracking page. Parcels are sometimes marked delivered a little early, so wait until \
                the end of the day. If it has still not turned up, report it from Orders, Report a problem: we \
                check the driver's scan location, time and photo against your address before deciding, and we \
                never blame the driver or you without looking at that evidence.
                """,
            tags: ["delivered", "not received", "never arrived", "stolen", "porch", "says delivered", "no parcel"]),
        KnowledgeArticle(
            id: "change-address",
            title: "Changing the delivery address",
            body: """
                You can change the address of an order until it leaves our warehouse: open the order and choose \
                Change address. Once it has been dispatched you can still redirect it to a neighbour, a safe place \
                or a pick-up point from the tracking page, but not to a different town.
                """,
            tags: ["address", "change address", "wrong address", "moved house", "redirect", "deliver elsewhere"]),
        KnowledgeArticle(
            id: "cancel-order",
            title: "Cancelling an order",
            body: """
                You can cancel an order, or single items in it, until it is dispatched: open the order and choose \
                Cancel. Any payment is refunded at once. If it has already been dispatched, refuse the delivery or \
                return it for free within 30 days.
                """,
            tags: ["cancel", "cancel order", "ordered by mistake", "don't want it", "stop order"]),
        KnowledgeArticle(
            id: "delivery-options",
            title: "Delivery options and costs",
            body: """
                Standard delivery takes 2 to 4 working days and costs £3.95, free on orders over £40. Express \
                delivery arrives the next working day if you order before 8 pm and costs £6.95. Premium members \
                get free express delivery. Large items are delivered by a two-person team within 5 working days.
                """,
            tags: ["shipping cost", "delivery cost", "free delivery", "express", "next day", "standard delivery"]),
        KnowledgeArticle(
            id: "delivery-windows",
            title: "How delivery windows work",
            body: """
                On the morning of delivery we send a two-hour delivery window by text and email, and the tracking \
                page shows the driver's progress once they are a few stops away. Drivers deliver between 7 am and \
                9 pm, Monday to Saturday; there are no deliveries on Sundays or bank holidays. You cannot choose \
                the exact hour, but you can choose a safe place or a neighbour in advance.
                """,
            tags: ["time slot", "what time", "delivery time", "eta", "two-hour window", "driver arrival"]),
        KnowledgeArticle(
            id: "missed-delivery",
            title: "I missed my delivery",
            body: """
                If nobody was in, the driver leaves the parcel in your safe place or with a neighbour if you chose \
                one, or tries again the next working day. After two attempts the parcel goes to your nearest \
                pick-up point for 7 days. You can rearrange the redelivery from the tracking page.
                """,
            tags: ["missed", "not home", "redelivery", "card through door", "second attempt", "rearrange"]),
        KnowledgeArticle(
            id: "track-order",
            title: "Tracking your order",
            body: """
                Open Orders in your account or the link in your dispatch email to see where your order is. The \
                tracking page shows when it was packed, dispatched, at the local depot and out for delivery. \
                Tracking can take up to 24 hours to update after dispatch.
                """,
            tags: ["track", "tracking", "tracking number", "where is", "dispatch email", "order status"]),
        KnowledgeArticle(
            id: "international-shipping",
            title: "Delivering outside the UK",
            body: """
                We deliver to the UK, Ireland and most of the EU, including France, Germany, Spain, Italy, the \
                Netherlands and Belgium. EU deliveries take 4 to 7 working days and cost £9.95; import duties and \
                customs charges are included in the price you pay. We do not deliver to PO boxes or to \
                countries outside Europe yet.
                """,
            tags: [
                "international", "abroad", "overseas", "europe", "eu", "ireland", "customs", "duties", "ship abroad",
                "shipping to other countries",
            ]),
        KnowledgeArticle(
            id: "payment-methods",
            title: "Ways to pay",
            body: """
                We accept Visa, Mastercard, American Express, PayPal, Apple Pay, Google Pay and our gift cards. \
                You can spread the cost of orders over £100 with Klarna. We do not accept cash on delivery or \
                cheques.
                """,
            tags: ["payment", "pay", "credit card", "paypal", "klarna", "apple pay", "instalments"]),
        KnowledgeArticle(
            id: "payment-declined",
            title: "My payment was declined",
            body: """
                Check that the billing address matches the one your bank holds and that the card has not expired. \
                Some banks ask you to approve online payments in their app. If it still fails, try another card \
                or PayPal; we never take money for a declined payment, though your bank may show a pending amount \
                for a few days.
                """,
            tags: ["declined", "payment failed", "card rejected", "won't go through", "error at checkout"]),
        KnowledgeArticle(
            id: "discount-codes",
            title: "Using a discount code",
            body: """
                Enter the code in the basket before you pay. Only one code can be used per order, codes cannot be \
                added after ordering, and most exclude gift cards and sale items. If a code does not work, check \
                its end date and minimum spend.
                """,
            tags: ["discount", "promo code", "voucher", "coupon", "code not working", "offer"]),
        KnowledgeArticle(
            id: "price-drop",
            title: "The price dropped after I ordered",
            body: """
                If the price of an item drops within 7 days of your order, we refund the difference: ask from \
                Orders, Report a problem. We do not match other shops' prices.
                """,
            tags: ["price drop", "cheaper now", "price match", "difference", "reduced", "on sale"]),
        KnowledgeArticle(
            id: "warranty",
            title: "Warranty and faulty items",
            body: """
                Electrical items carry a two-year warranty, other items one year. If something stops working, \
                report it from Orders, Report a problem, with a short description or video of the fault. We \
                repair, replace or refund it; for items older than 30 days we may ask you to send it to the \
                maker's repair centre with a free label.
                """,
            tags: [
                "warranty", "guarantee", "faulty", "stopped working", "broken after", "repair", "defective",
                "won't turn on",
            ]),
        KnowledgeArticle(
            id: "exchange",
            title: "Exchanging for a different size or colour",
            body: """
                We do not swap items directly. Return the item for a refund and place a new order for the size or \
                colour you want; the refund is released as soon as the return is scanned at drop-off if you order \
                the new item the same day.
                """,
            tags: ["exchange", "swap", "different size", "smaller", "bigger", "another colour"]),
        KnowledgeArticle(
            id: "gift-orders",
            title: "Sending an order as a gift",
            body: """
                Tick This is a gift at checkout to hide prices on the delivery note and add a message. The person \
                receiving a gift can return it with the gift receipt code printed on the note; the refund goes to \
                a gift card in their name.
                """,
            tags: ["gift", "present", "gift receipt", "gift message", "hide price", "gift wrap"]),
        KnowledgeArticle(
            id: "gift-cards",
            title: "Gift cards",
            body: """
                Gift cards are valid for two years from purchase and can be used on everything except other gift \
                cards. Check the balance under Account, Gift cards. Lost gift cards can be replaced if you have \
                the order number they were bought with.
                """,
            tags: ["gift card", "balance", "voucher card", "expiry", "redeem"]),
        KnowledgeArticle(
            id: "password-reset",
            title: "I can't sign in",
            body: """
                Choose Forgot password on the sign-in page and we email a reset link that works for one hour. \
                Check your spam folder. If you no longer use that email address, contact us and a person will \
                verify you and update it.
                """,
            tags: ["password", "login", "log in", "sign in", "locked out", "reset link", "forgot"]),
        KnowledgeArticle(
            id: "account-details",
            title: "Changing your email, phone number or saved addresses",
            body: """
                Go to Account, Details to change your name, email address, phone number and saved addresses. A \
                change of email address is confirmed by a link sent to the new address. Changing a saved address \
                does not change orders already placed.
                """,
            tags: ["email address", "phone number", "update details", "saved address", "change name", "profile"]),
        KnowledgeArticle(
            id: "premium-membership",
            title: "Premium membership",
            body: """
                Premium costs £49 a year or £5.99 a month. It gives free express delivery, early access to sales, \
                30 extra days to return and a direct line to our support team without the bot. You can end it at \
                any time under Account, Membership; the yearly plan is refunded pro rata.
                """,
            tags: ["premium", "membership", "subscription", "member benefits", "annual fee", "end membership"]),
        KnowledgeArticle(
            id: "invoice",
            title: "Getting an invoice or VAT receipt",
            body: """
                A VAT invoice for every order is under Orders, choose the order, Download invoice. Business \
                customers can add a company name and VAT number at checkout; invoices cannot be re-issued to a \
                different company after dispatch.
                """,
            tags: ["invoice", "receipt", "vat", "tax", "business", "company name", "proof of purchase"]),
        KnowledgeArticle(
            id: "change-order",
            title: "Adding or removing items after ordering",
            body: """
                Items cannot be added to an order once it is placed; place a second order instead (orders placed \
                within an hour of each other are sent together where possible). You can remove items by \
                cancelling them before dispatch.
                """,
            tags: ["add item", "remove item", "change order", "edit order", "forgot to add", "modify"]),
        KnowledgeArticle(
            id: "out-of-stock",
            title: "Out of stock items",
            body: """
                Choose Notify me on the product page and we email you when the item is back. We cannot reserve \
                stock or tell you exact restock dates. Pre-order items show their expected dispatch date and are \
                charged when they ship.
                """,
            tags: ["out of stock", "sold out", "back in stock", "restock", "pre-order", "available"]),
        KnowledgeArticle(
            id: "pickup-points",
            title: "Collecting from a pick-up point",
            body: """
                Choose Pick-up point at checkout to collect from one of 6,000 shops and lockers. We text you a \
                collection code when the parcel arrives; bring the code and photo ID. Parcels are held for 7 days \
                and then returned to us and refunded.
                """,
            tags: ["collect", "click and collect", "pick-up point", "locker", "collection code", "parcel shop"]),
        KnowledgeArticle(
            id: "large-items",
            title: "Delivery of large items and furniture",
            body: """
                Furniture and large appliances are delivered by a two-person team to the room of your choice. \
                We call the day before with a four-hour slot. Old appliance removal can be added at checkout for \
                £20. Check measurements of doors and stairs before ordering.
                """,
            tags: ["furniture", "sofa", "fridge", "washing machine", "two-person", "heavy", "appliance removal"]),
        KnowledgeArticle(
            id: "driver-feedback",
            title: "Giving feedback about a delivery or a driver",
            body: """
                Rate the delivery from the link in your delivered email or on the tracking page, and add what \
                happened. The delivery team reads every report. Drivers are independent partners; a single report \
                is never used against a driver without the delivery evidence being checked.
                """,
            tags: [
                "driver", "courier", "rude", "feedback", "complaint about driver", "thrown", "threw", "left outside",
            ]),
        KnowledgeArticle(
            id: "contact-us",
            title: "Talking to our team",
            body: """
                You can reach a person at any time in chat by asking for one. Our team answers chat and phone \
                from 8 am to 10 pm every day, and email within one working day. Premium members go straight to a \
                person.
                """,
            tags: ["contact", "phone number", "opening hours", "call you", "email address for support"]),
        KnowledgeArticle(
            id: "personal-data",
            title: "Your personal data",
            body: """
                You can download a copy of the data we hold about you under Account, Privacy. Marketing emails can \
                be switched off there or from the link in any email. We keep order records for six years because \
                the law requires it.
                """,
            tags: ["data", "privacy", "gdpr", "marketing emails", "unsubscribe", "copy of my data"]),
        KnowledgeArticle(
            id: "account-closure",
            title: "Closing a customer account",
            body: """
                For agents: closing an account is done by a person after verifying the customer's identity. Check \
                for open orders, returns and refunds first, explain what is kept for legal reasons, and record the \
                request in the case.
                """,
            tags: ["close account", "delete account", "remove account", "erase my data"], humanOnly: true),
        KnowledgeArticle(
            id: "fraud",
            title: "Suspected fraud or unauthorised orders",
            body: """
                For agents: if a customer reports an order or payment they did not make, a hacked account or a \
                message pretending to be us, lock the account, keep the evidence and pass the case to the fraud \
                team the same day.
                """,
            tags: ["fraud", "unauthorised", "didn't order", "hacked", "scam", "phishing", "stolen card"],
            humanOnly: true),
    ]
}
