import FairdeskCore
import Fluent
import Foundation

/// Messages Fairdesk itself sends a customer about a case (a promise, its follow-up, a survey):
/// on an email case they also go out by email, so the customer hears on the channel they used.
/// On other channels the message on the case is what the customer sees, in the chat widget and
/// on their case page.
enum CustomerMail {
    static func send(
        about supportCase: SupportCase, subject: String, body: String, kind: String, at now: Date, on db: any Database
    ) async throws {
        guard supportCase.channel == .email,
            let address = try await Surveys.emailAddress(of: supportCase.$customer.id, on: db)
        else { return }
        let name = try await Customer.find(supportCase.$customer.id, on: db)?.displayName
        try await Outbox.queue(
            [Outbox.Recipient(userID: nil, address: address, name: name)],
            subject: "\(subject) (case \(supportCase.number))", body: body, kind: kind, at: now, on: db)
    }
}
