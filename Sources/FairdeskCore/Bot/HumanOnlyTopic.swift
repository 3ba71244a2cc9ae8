import Foundation

/// A topic only a person may handle: the bot hands over as soon as it appears, however sure it is
/// about the rest of the message. Admins keep the list; ``defaults`` is where it starts.
public struct HumanOnlyTopic: Sendable, Equatable, Hashable, Codable {
    /// A stable key for reports: "fraud", "account_closure".
    public var key: String
    /// What the agent reads: "fraud or unauthorised use".
    public var label: String
    /// Phrases in ``PhrasePattern`` form: "delete|close * account", "sue".
    public var phrases: [String]

    public init(key: String, label: String, phrases: [String]) {
        self.key = key
        self.label = label
        self.phrases = phrases
    }

    /// The topics issue 9 names, with phrases in English and a little German, French and Spanish.
    public static let defaults: [HumanOnlyTopic] = [
        HumanOnlyTopic(
            key: "fraud", label: "fraud or unauthorised use",
            phrases: [
                "fraud", "fraudulent", "unauthorised|unauthorized", "not place|make|authorise|authorize",
                "not recognise|recognize", "hacked|hack", "someone|somebody * use|using|used * my|account|card",
                "stolen card|identity", "identity theft", "phishing", "someone|somebody else * account|card|order",
                "account * accessed|compromised|hijacked", "taken over * account", "compromised",
                "scam email|text|message|call",
                "email|text|message|call * ask|asking * bank|card|password|detail", "betrug", "estafa",
            ]),
        HumanOnlyTopic(
            key: "safety", label: "safety",
            phrases: [
                "fire", "smoke|smoking|smoked", "melt|melted", "overheat|overheated", "spark|sparks",
                "explode|exploded",
                "electric shock", "gas", "dangerous|dangerously|danger|unsafe", "drunk", "nearly|almost hit",
                "carbon monoxide", "burning smell",
            ]),
        HumanOnlyTopic(
            key: "account_closure", label: "account closure",
            phrases: [
                "delete|close|remove|terminate|erase|cancel * account", "account * delete|close|remove",
                "supprimer|fermer * account", "account * loschen|schliessen|supprimer", "loschen * account",
                "borrar|eliminar|cerrar * account",
            ]),
        HumanOnlyTopic(
            key: "deactivation", label: "driver deactivation or suspension",
            phrases: [
                "deactivate|deactivated|deactivation|desactivada|desactive|deaktiviert", "suspend|suspended|suspension",
                "driver account", "offboard|offboarded", "ban|banned * deliver|driver|app",
            ]),
        HumanOnlyTopic(
            key: "legal", label: "legal action",
            phrases: [
                "legal action", "lawyer|solicitor|attorney|abogado|avocat|anwalt|rechtsanwalt", "sue|suing",
                "court", "trading standards", "ombudsman", "small claim", "legal proceedings",
            ]),
        HumanOnlyTopic(
            key: "injury", label: "injury",
            phrases: [
                "injure|injured|injury|hurt|hurts", "cut * hand|finger|arm|leg|foot|myself|himself|herself|face",
                "bleeding|blood", "hospital|doctor|ambulance", "swallow|swallowed|choke|choking", "allergic reaction",
                "burn|burned|burnt * hand|finger|arm|skin|myself|child|son|daughter", "poison|poisoned",
            ]),
        HumanOnlyTopic(
            key: "harassment", label: "harassment or threats",
            phrases: [
                "harass|harassed|harassment", "inappropriate", "stalk|stalking", "threaten|threatened|threatening",
                "follow|followed * me", "keep|keeps * text|texting|call|calling|message|messaging * me",
                "hanging around", "sexual", "creepy", "assault|assaulted", "abuse|abusive", "intimidate|intimidating",
                "racist", "shout|shouted|shouting|yell|yelled|swore|scream|screamed * at me", "called me names",
                "grab|grabbed|push|pushed|hit * me",
            ]),
    ]
}
