import FairdeskCore
import Foundation

/// How the bot meets customers: whether it is on, its hand-over thresholds, and the figures it uses to
/// tell a customer how long the wait for a person will be.
///
/// A value built in code (as tests do) has the bot off, so a test meets the bot only when it asks to;
/// `fromEnvironment` turns it on unless `FAIRDESK_BOT=off`.
public struct BotOptions: Sendable, Equatable {
    /// Whether new conversations on chat, social and email meet the bot first (`FAIRDESK_BOT`).
    public var enabled: Bool = false
    /// The hand-over thresholds: `FAIRDESK_BOT_MIN_CONFIDENCE` (percent) and `FAIRDESK_BOT_MAX_TURNS`.
    public var settings = BotSettings()
    /// About how long an agent spends on a conversation, for the expected wait
    /// (`FAIRDESK_BOT_HANDLE_MINUTES`).
    public var handleMinutes: Int = 8
    /// After this long without a word from the customer, the bot's last answer is taken to have settled
    /// it and the case is resolved (`FAIRDESK_BOT_IDLE_MINUTES`).
    public var idleMinutes: Int = 60
    /// The time zone the bot writes delivery windows in (`FAIRDESK_TIME_ZONE`, e.g. Europe/Paris).
    public var timeZone: TimeZone = TimeZone(identifier: "UTC")!
    /// Whether the bot answers a stored message by itself, moments later (see ``BotDesk``). On when
    /// Fairdesk runs; a value built in code leaves it off, so a test decides when the bot answers.
    public var answersInBackground = false

    public init() {}

    /// The channels the bot answers on; calls and web forms go straight to people.
    public static let channels: Set<ContactChannel> = [.chat, .social, .email]

    static func fromEnvironment(
        _ env: [String: String], int: (String, Int, ClosedRange<Int>) throws -> Int
    ) throws -> BotOptions {
        var options = BotOptions()
        options.answersInBackground = true
        switch env["FAIRDESK_BOT"]?.lowercased() {
        case nil, "", "on": options.enabled = true
        case "off": options.enabled = false
        case let other?:
            throw FairdeskConfig.Problem(variable: "FAIRDESK_BOT", rule: "must be \"on\" or \"off\" (got \"\(other)\")")
        }
        options.settings.minimumConfidence =
            Double(try int("FAIRDESK_BOT_MIN_CONFIDENCE", Int(options.settings.minimumConfidence * 100), 0...100)) / 100
        options.settings.maximumUnresolvedTurns = try int(
            "FAIRDESK_BOT_MAX_TURNS", options.settings.maximumUnresolvedTurns, 1...20)
        options.handleMinutes = try int("FAIRDESK_BOT_HANDLE_MINUTES", options.handleMinutes, 1...240)
        options.idleMinutes = try int("FAIRDESK_BOT_IDLE_MINUTES", options.idleMinutes, 5...10_080)
        if let name = env["FAIRDESK_TIME_ZONE"], !name.isEmpty {
            guard let zone = TimeZone(identifier: name) else {
                throw FairdeskConfig.Problem(
                    variable: "FAIRDESK_TIME_ZONE", rule: "must be a time zone name like Europe/Paris (got \"\(name)\")"
                )
            }
            options.timeZone = zone
        }
        return options
    }
}
