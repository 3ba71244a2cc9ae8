import FairdeskCore
import Fluent
import Foundation

/// Every migration, in the order it runs. Names are pinned: a migration never changes once it has shipped.
enum FairdeskMigrations {
    /// `clock` dates the starting configuration some migrations store; `timeZone` is the company's,
    /// which report rollups count days in.
    static func all(clock: any WallClock, timeZone: TimeZone) -> [any Migration] {
        [
            CreateAccounts(),  // customers, users, API tokens, queues, queue members
            CreateCases(),  // identities, cases, owners, timeline, attachments and their indexes
            CreateAuditLog(),  // hash-chained audit log, counters
            SessionRecord.migration,  // web sessions (Fluent's own table)
            AddCustomerNameKey(),  // customers.name_key for search by name
            CreateJobs(),  // the durable job table
            CreateServiceLevels(clock: clock),  // tiers, calendars, SLA targets and clocks, routing, notifications
            AddOwnerLoadIndex(),  // agents' open cases per channel, from the index alone
            CreatePolicies(clock: clock),  // policies, versions, recipients, notice periods
            CreateOutbox(),  // outgoing email, delivered by the mail.send job
            CreatePromisesAndSurveys(),  // promises and their evidence, surveys, attribution shares, disputes
            CreateMailIntakeAndWebhooks(),  // raw inbound mail, threading of replies, outbound webhooks
            CreateKnowledgeBase(),  // knowledge-base articles and their full-text index (FTS5 or tsvector)
            CreateBotConversations(),  // orders, bot conversations, tiers that bypass the bot, cases the bot holds
            CreateDriverRecords(),  // drivers' blocks, packages and scans, feedback, excuses, warnings
            CreateImprovementPlans(),  // improvement plans and every step of them
            CreateDriverAppeals(),  // drivers' appeals against decisions and their evidence files
            CreateReportRollups(timeZone: timeZone),  // leaders' report rollups; cases' first reply and escalation
            CreateAppealFollowUps(),  // conditional reinstatements tracked to the end, drivers' training completed
            CreateDeliveryDisputes(),  // customers' "delivered but not received" claims and the findings on them
            CreateStandingCounters(),  // drivers' standing kept per driver and day
            CoverScorecardReads(),  // indexes an agent's scorecard is counted from alone
            AddWarningWithdrawal(),  // written warnings withdrawn when the records they rested on are corrected
            CreateBotPending(),  // customer messages the bot answers after they are stored
            IndexWaitsByQueue(),  // the waiting list by queue, for the expected wait the bot tells
            StoreRecordFacts(clock: clock),  // drivers' records carry what they count for; the database counts standing
            AddDecisionLength(),  // how many days a suspension or restriction lasts, and when it ends
        ]
    }
}
