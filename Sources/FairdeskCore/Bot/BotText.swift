import Foundation

/// How the bot reads text: one normal form for customer messages, articles and rule phrases alike,
/// so "Where's my PAKAGE??", "where is my package" and "wo ist mein Paket" meet on the same terms.
///
/// The steps, in order: fold case and accents; split into words, dropping apostrophes inside a word
/// ("isn't" becomes "isnt"); expand contractions and fix common misspellings ("isnt" → "is not",
/// "recieve" → "receive"); join a few two-word phrases ("send it back" → "return"); strip English
/// endings ("parcels", "delivered" → "parcel", "deliver"); map synonyms and a few German, French and
/// Spanish words onto one English term ("Paket", "colis", "package" → "parcel").
public enum BotText {
    /// Lower case without accents: "Rückerstattung" → "ruckerstattung".
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
    }

    /// The folded words of `text`, with contractions expanded and common misspellings fixed.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        func flush() {
            guard !current.isEmpty else { return }
            if let expansion = apostropheExpansions[current] {
                words.append(contentsOf: expansion)
            } else {
                let bare = current.replacingOccurrences(of: "'", with: "")
                if bare.isEmpty {
                } else if let expansion = expansions[bare] {
                    words.append(contentsOf: expansion)
                } else {
                    words.append(bare)
                }
            }
            current = ""
        }
        for scalar in fold(text).unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if scalar == "'" || scalar == "\u{2019}" || scalar == "`" {
                // "isn't", "where's", "quelqu'un": one word; the apostrophe stays until the word is
                // complete, so "i'd" and "it's" can be told from "id" and "its".
                if !current.isEmpty { current.unicodeScalars.append("'") }
            } else {
                flush()
            }
        }
        flush()
        return words
    }

    /// The terms of a list of words: phrases joined, endings stripped, synonyms mapped.
    public static func terms(ofWords words: [String]) -> [String] {
        var terms: [String] = []
        terms.reserveCapacity(words.count)
        var index = 0
        while index < words.count {
            let word = words[index]
            // "send it back", "sent them back", "money back", "log in"
            if sendVerbs.contains(word) {
                if index + 1 < words.count, words[index + 1] == "back" {
                    terms.append("return")
                    index += 2
                    continue
                }
                if index + 2 < words.count, words[index + 2] == "back", objectPronouns.contains(words[index + 1]) {
                    terms.append("return")
                    index += 3
                    continue
                }
            }
            if word == "money", index + 1 < words.count, words[index + 1] == "back" {
                terms.append("refund")
                index += 2
                continue
            }
            if word == "log" || word == "sign", index + 1 < words.count, words[index + 1] == "in" {
                terms.append("login")
                index += 2
                continue
            }
            terms.append(term(word))
            index += 1
        }
        return terms
    }

    /// The terms of `text`: `terms(ofWords: words(text))`.
    public static func terms(_ text: String) -> [String] {
        terms(ofWords: words(text))
    }

    /// One word's term: its stem, mapped onto its synonym's stem.
    public static func term(_ word: String) -> String {
        let stemmed = stem(word)
        return synonyms[stemmed] ?? stemmed
    }

    /// Whether a folded word carries no meaning of its own for search and comparison.
    public static func isStopword(_ word: String) -> Bool {
        stopwords.contains(word)
    }

    /// A light English stemmer: plural, "-ing", "-ed" and a final "e" go, doubled consonants are undone.
    /// It only has to give the same stem to the forms customers and writers use; "delivered",
    /// "delivering" and "deliver" all become "deliver".
    public static func stem(_ word: String) -> String {
        var scalars = Array(word.unicodeScalars)
        guard scalars.count > 3, scalars.allSatisfy({ $0.properties.isAlphabetic }) else { return word }
        func ends(_ suffix: String) -> Bool {
            let tail = Array(suffix.unicodeScalars)
            return scalars.count > tail.count && Array(scalars.suffix(tail.count)) == tail
        }
        func drop(_ count: Int) { scalars.removeLast(count) }
        func isVowel(_ scalar: Unicode.Scalar) -> Bool { "aeiou".unicodeScalars.contains(scalar) }
        /// After "-ed" or "-ing": "shipp" → "ship", "cancell" → "cancel"; "mov" → "move", "tak" → "take".
        func restoreE() {
            if scalars.count >= 4, let last = scalars.last, scalars[scalars.count - 2] == last,
                !"aeiousz".unicodeScalars.contains(last), !(last == "l" && scalars.count < 6)
            {
                drop(1)
                return
            }
            let n = scalars.count
            if n == 3, !isVowel(scalars[0]), isVowel(scalars[1]), !isVowel(scalars[2]),
                !"wxy".unicodeScalars.contains(scalars[2])
            {
                scalars.append("e")
            }
        }
        if ends("ies") && scalars.count > 4 {
            drop(3)
            scalars.append("y")
        } else if ends("sses") {
            drop(2)
        } else if ends("s") && !ends("ss") && !ends("us") && !ends("is") {
            drop(1)
        }
        if ends("ing") && scalars.count > 5 {
            drop(3)
            restoreE()
        } else if ends("ied") && scalars.count > 4 {
            drop(3)
            scalars.append("y")
        } else if ends("ed") && scalars.count > 4 {
            drop(2)
            restoreE()
        }
        if ends("e") && scalars.count > 4 {
            drop(1)
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }

    // MARK: - Word lists

    static let sendVerbs: Set<String> = ["send", "sent", "sending", "sends", "take", "taking", "bring", "post"]
    static let objectPronouns: Set<String> = ["it", "them", "this", "that", "these", "those", "everything", "item"]

    /// Contractions that mean something else without their apostrophe ("i'd" is not "id", "it's" is not "its").
    static let apostropheExpansions: [String: [String]] = [
        "i'd": ["i", "would"], "it's": ["it", "is"], "we'd": ["we", "would"], "he'd": ["he", "would"],
        "she'd": ["she", "would"], "you'd": ["you", "would"], "they'd": ["they", "would"], "we'll": ["we", "will"],
        "we're": ["we", "are"], "they're": ["they", "are"], "she'll": ["she", "will"], "he'll": ["he", "will"],
    ]

    /// Contractions, chat shorthand and misspellings customers often type, mapped onto what they mean.
    static let expansions: [String: [String]] = {
        var map: [String: [String]] = [:]
        let contractions: [String: String] = [
            "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not", "dont": "do not",
            "doesnt": "does not", "didnt": "did not", "cant": "can not", "cannot": "can not", "couldnt": "could not",
            "wont": "will not", "wouldnt": "would not", "shouldnt": "should not", "hasnt": "has not",
            "havent": "have not", "hadnt": "had not", "aint": "is not", "im": "i am", "ive": "i have",
            "youre": "you are", "youve": "you have", "whats": "what is", "wheres": "where is", "hows": "how is",
            "thats": "that is", "theres": "there is", "its": "it", "itll": "it will", "ill": "i will",
            "whens": "when is", "whos": "who is", "lets": "let us", "u": "you", "ur": "your", "r": "are",
            "pls": "please", "plz": "please", "plse": "please", "pleas": "please", "thx": "thanks",
            "thanx": "thanks", "thnx": "thanks", "tnx": "thanks", "thks": "thanks", "ty": "thanks",
            "tysm": "thanks", "wanna": "want to", "gonna": "going to", "gotta": "have to", "dunno": "do not know",
            "asap": "as soon as possible", "bc": "because", "cuz": "because", "coz": "because", "msg": "message",
            "yr": "your", "thru": "through", "tmrw": "tomorrow", "tmr": "tomorrow", "2day": "today",
            "b4": "before", "ppl": "people", "acct": "account", "acc": "account", "pw": "password",
            "wtf": "what the fuck", "omg": "oh my god", "hellooo": "hello", "helloo": "hello", "hii": "hi",
            "heyy": "hey", "quelquun": "quelqu un", "est": "estimated", "approx": "approximately",
        ]
        let misspellings: [String: String] = [
            "recieve": "receive", "recieved": "received", "recieving": "receiving", "recived": "received",
            "adress": "address", "addres": "address", "adresse": "address", "delivary": "delivery",
            "delievery": "delivery", "dilevery": "delivery", "deliverey": "delivery", "delivey": "delivery",
            "delivry": "delivery", "devlivery": "delivery", "deliverd": "delivered", "delivred": "delivered",
            "arive": "arrive", "arived": "arrived", "ariving": "arriving", "arrivd": "arrived", "pakage": "package",
            "pacakge": "package", "packge": "package", "pakcage": "package", "packege": "package",
            "parcle": "parcel", "parcell": "parcel", "percel": "parcel", "refnd": "refund", "refun": "refund",
            "refunf": "refund", "refudn": "refund", "rfund": "refund", "refnud": "refund", "reffund": "refund",
            "retrun": "return", "retun": "return", "reutrn": "return", "retrn": "return", "trakcing": "tracking",
            "traking": "tracking", "trackin": "tracking", "trackng": "tracking", "wen": "when", "wat": "what",
            "wht": "what", "whre": "where", "wher": "where", "oder": "order", "ordr": "order", "odrer": "order",
            "ordeer": "order", "orer": "order", "agnet": "agent", "humna": "human", "huamn": "human",
            "hooman": "human", "represenative": "representative", "representive": "representative",
            "reprensentative": "representative", "reprasentative": "representative",
            "representitive": "representative", "cancell": "cancel", "cancle": "cancel", "passwrod": "password",
            "pasword": "password", "passowrd": "password", "untill": "until", "tommorow": "tomorrow",
            "tomorow": "tomorrow", "tommorrow": "tomorrow", "tomoz": "tomorrow", "recieipt": "receipt",
            "reciept": "receipt", "garantee": "guarantee", "guarentee": "guarantee", "warrenty": "warranty",
            "waranty": "warranty", "discout": "discount", "vouchar": "voucher", "damged": "damaged",
            "damadged": "damaged", "brokn": "broken", "excange": "exchange", "exhange": "exchange",
            "suport": "support", "managr": "manager", "acount": "account", "accout": "account",
        ]
        for (word, meaning) in contractions { map[word] = meaning.split(separator: " ").map(String.init) }
        for (word, meaning) in misspellings { map[word] = [meaning] }
        return map
    }()

    /// Words with the same meaning for the bot, mapped onto one (both sides are stemmed).
    static let synonyms: [String: String] = {
        var map: [String: String] = [:]
        for (canonical, words) in synonymGroups {
            let target = stem(canonical)
            for word in words where stem(word) != target {
                map[stem(word)] = target
            }
        }
        return map
    }()

    /// Each canonical word with the words that mean the same to the bot.
    static let synonymGroups: [String: [String]] = [
        "parcel": [
            "package", "packet", "shipment", "paket", "colis", "paquete", "pacco", "sendung", "pakket",
        ],
        "order": ["bestellung", "commande", "pedido", "ordine", "orden", "bestelling"],
        "deliver": [
            "delivery", "lieferung", "liefern", "geliefert", "livraison", "livre", "livree", "livrer",
            "entrega", "entregado", "entregar", "consegna",
        ],
        "refund": [
            "reembolso", "remboursement", "rembourse", "ruckerstattung", "erstattung", "refunded", "reimburse",
            "reimbursement", "rimborso",
        ],
        "discount": ["promo", "voucher", "coupon", "promotional"],
        "driver": ["courier", "repartidor", "fahrer", "livreur", "deliveryman", "postman"],
        "arrive": ["come", "came", "coming", "llega", "llego", "llegar", "llegado", "kommt", "kommen", "arrivee"],
        "where": ["wo", "donde", "ou", "dove"],
        "when": ["wann", "quand", "cuando", "quando"],
        "time": ["hora", "heure", "uhrzeit", "orario"],
        "return": [
            "zuruckschicken", "zurucksenden", "zuruckgeben", "retoure", "rucksendung", "renvoyer", "retourner",
            "devolver", "devolucion", "returned",
        ],
        "item": ["stuff", "things", "thing", "product", "artikel", "article", "articulo"],
        "colour": ["color"],
        "broken": ["roto", "rota", "rotos", "kaputt", "casse", "cassee", "smashed"],
        "damaged": ["danado", "danada", "beschadigt", "endommage", "abime"],
        "email": ["mail", "emails"],
        "receive": ["recu", "recibido", "erhalten", "bekommen"],
        "account": ["konto", "compte", "cuenta"],
        "money": ["geld", "argent", "dinero"],
    ]

    /// Function words dropped before searching articles and comparing messages.
    static let stopwords: Set<String> = [
        // English
        "a", "an", "the", "i", "me", "my", "mine", "myself", "we", "us", "our", "you", "your", "yours", "it",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing", "done", "have",
        "has", "had", "having", "to", "of", "in", "on", "at", "for", "from", "with", "by", "about", "as", "into",
        "and", "or", "but", "if", "so", "this", "that", "these", "those", "there", "here", "can", "could",
        "would", "should", "will", "shall", "may", "might", "must", "just", "please", "hi", "hello", "hey",
        "thanks", "thank", "ok", "okay", "yet", "also", "very", "really", "now", "then", "get", "got", "any",
        "some", "know", "like", "want", "need", "let", "tell", "what", "which", "who", "how", "when", "where",
        "why", "they", "them", "their", "he", "she", "his", "her", "him", "not", "no", "all", "one", "up", "out",
        "off", "over", "again", "still", "already", "too", "quick", "question", "wondering", "possible",
        "anything", "something", "yes", "yeah", "oh", "well", "its", "than", "only", "much", "many",
        "more", "way", "go", "going", "gone", "make", "made", "see", "look", "looking", "help", "s", "t", "d",
        "re", "ve", "ll", "m", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "else",
        "other", "another", "instead", "right", "old", "new",
        // German
        "ich", "mein", "meine", "meinen", "meinem", "meiner", "ist", "der", "die", "das", "den", "dem", "und",
        "ein", "eine", "einen", "einem", "mit", "bitte", "fur", "von", "zu", "wo", "wann", "sie", "es", "noch",
        "nicht", "kann", "habe", "hat",
        // French
        "je", "j", "ma", "mon", "mes", "le", "la", "les", "l", "de", "du", "des", "un", "une", "est", "et",
        "en", "pour", "que", "qu", "ce", "c", "il", "elle", "ou", "quand", "pas", "toujours", "vous", "votre",
        "svp", "ne", "n",
        // Spanish
        "el", "los", "las", "mi", "mis", "y", "con", "por", "favor", "una", "uno", "al", "lo", "se", "te",
        "tu", "donde", "cuando", "esta", "su", "del",
    ]
}
