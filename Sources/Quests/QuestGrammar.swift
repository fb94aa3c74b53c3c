import World

/// The quest grammar after Doran & Parberry (2011): a motivation picks a strategy, a
/// strategy is a sequence of abstract actions, and each action becomes an objective the
/// server can verify from positions alone.

/// An abstract action of a strategy. The phrase templates use `{poi}`, `{kind}`,
/// `{region}`, `{item}`, `{count}`, `{npc}` and `{giver}`.
enum GrammarStep: Hashable, Sendable {
    /// Go to a place (reach).
    case visit([String])
    /// Go to a place when the weather or the hour is right (reach with conditions).
    case scout([String])
    /// Pick up items (collect).
    case gather([String])
    /// Return to the quest giver (reach the giver's place).
    case report
}

/// One strategy of one motivation, with its action sequence and title templates.
struct GrammarStrategy: Sendable {
    let name: String
    let motivation: Motivation
    let steps: [GrammarStep]
    let titles: [String]
}

enum QuestGrammar {
    static let strategies: [GrammarStrategy] = [
        // Knowledge
        .init(name: "deliverItemForStudy", motivation: .knowledge,
              steps: [.gather(["Gather {count}× {item} for study"]), .report],
              titles: ["Specimens of {item}", "A Study in {item}"]),
        .init(name: "spy", motivation: .knowledge,
              steps: [.scout(["Watch {poi} in {region} unseen", "Keep an eye on the comings and goings at {poi}"]), .report],
              titles: ["Eyes on {poi}", "Whispers at {poi}"]),
        .init(name: "interviewNPC", motivation: .knowledge,
              steps: [.visit(["Find the keeper of {poi} in {region} and hear their tale"]), .report],
              titles: ["The Keeper of {poi}", "Tales from {poi}"]),
        .init(name: "useItemInField", motivation: .knowledge,
              steps: [.gather(["Gather {count}× {item}"]), .visit(["Test the {item} at {poi}"])],
              titles: ["Field Trial at {poi}", "What the {item} Knows"]),
        // Comfort
        .init(name: "obtainLuxuries", motivation: .comfort,
              steps: [.gather(["Gather {count}× {item}, the finest you can find"]), .report],
              titles: ["A Basket of {item}", "Luxuries for {npc}"]),
        .init(name: "killPests", motivation: .comfort,
              steps: [.visit(["Chase the mice out of {poi}"]), .visit(["Clear the nests near {poi}"])],
              titles: ["Mice at {poi}!", "The Pests of {region}"]),
        // Reputation
        .init(name: "obtainRareItems", motivation: .reputation,
              steps: [.gather(["Bring back {count}× {item}, a prize few cats have held"]), .report],
              titles: ["The Rare {item}", "Trophies of {region}"]),
        .init(name: "killEnemies", motivation: .reputation,
              steps: [.visit(["Face the Hisslings at {poi}"]), .visit(["Drive them on past {poi}"])],
              titles: ["Showdown at {poi}", "The Hisslings of {region}"]),
        .init(name: "visitDangerousPlace", motivation: .reputation,
              steps: [.scout(["Brave {poi} in {region} and leave your paw-mark"]), .report],
              titles: ["The Dare of {poi}", "Paw-Mark at {poi}"]),
        // Serenity
        .init(name: "revenge", motivation: .serenity,
              steps: [.visit(["Confront the culprit at {poi}"]), .report],
              titles: ["Justice at {poi}", "An Old Score in {region}"]),
        .init(name: "captureCriminal", motivation: .serenity,
              steps: [.scout(["Corner the thief hiding at {poi}"]), .report],
              titles: ["The Thief of {region}", "Cornered at {poi}"]),
        .init(name: "checkOnNPC", motivation: .serenity,
              steps: [.visit(["Check on the hermit at {poi}"]), .report],
              titles: ["A Visit to {poi}", "No Word from {poi}"]),
        .init(name: "recoverLostItem", motivation: .serenity,
              steps: [.visit(["Follow the trail to {poi}"]), .gather(["Recover {count}× {item} scattered along the way"]), .report],
              titles: ["The Lost {item}", "Scattered {item}"]),
        .init(name: "rescueNPC", motivation: .serenity,
              steps: [.visit(["Search {poi} for the missing kitten"]), .scout(["Lead the kitten safely past {poi}"]), .report],
              titles: ["Lost Kitten of {region}", "Mew in the Dark at {poi}"]),
        // Protection
        .init(name: "attackThreat", motivation: .protection,
              steps: [.visit(["Drive the prowlers from {poi}"]), .report],
              titles: ["Prowlers at {poi}", "Claws Out in {region}"]),
        .init(name: "treatOrRepair", motivation: .protection,
              steps: [.gather(["Gather {count}× {item} for the mending"]), .visit(["Mend the wards at {poi}"])],
              titles: ["Mending {poi}", "Wards of {item}"]),
        .init(name: "createDiversion", motivation: .protection,
              steps: [.scout(["Make a glorious commotion at {poi}"]), .visit(["Slip away towards {poi}"])],
              titles: ["A Diversion at {poi}", "Chaos in {region}"]),
        .init(name: "assembleFortification", motivation: .protection,
              steps: [.gather(["Gather {count}× {item} for the barricade"]), .visit(["Raise the barricade at {poi}"])],
              titles: ["Walls of {item}", "Holding {poi}"]),
        .init(name: "guardEntity", motivation: .protection,
              steps: [.scout(["Stand watch at {poi}"]), .report],
              titles: ["The Watch at {poi}", "Sentinel of {region}"]),
        // Conquest
        .init(name: "attackEnemy", motivation: .conquest,
              steps: [.visit(["Plant the clowder banner at {poi}"]), .visit(["Claim {poi} as well"])],
              titles: ["Banners over {poi}", "The March on {region}"]),
        .init(name: "stealStuff", motivation: .conquest,
              steps: [.scout(["Slip into {poi} unseen"]), .gather(["Make off with {count}× {item}"]), .report],
              titles: ["Paws in the Night at {poi}", "Pilfered {item}"]),
        // Wealth
        .init(name: "gatherRawMaterials", motivation: .wealth,
              steps: [.gather(["Gather {count}× {item} for market"]), .report],
              titles: ["A Cartload of {item}", "The {item} Trade"]),
        .init(name: "stealValuables", motivation: .wealth,
              steps: [.scout(["Sneak into {poi}"]), .gather(["Pocket {count}× {item}"])],
              titles: ["The {item} Heist", "Quiet Paws at {poi}"]),
        .init(name: "makeValuables", motivation: .wealth,
              steps: [.gather(["Gather {count}× {item} to craft with"]), .visit(["Sell your work at {poi}"])],
              titles: ["Crafting with {item}", "Wares for {poi}"]),
        // Ability
        .init(name: "assembleToolForNewSkill", motivation: .ability,
              steps: [.gather(["Gather {count}× {item}"]), .visit(["Forge the tool at {poi}"])],
              titles: ["A Tool of {item}", "The Forge at {poi}"]),
        .init(name: "obtainTrainingMaterials", motivation: .ability,
              steps: [.gather(["Gather {count}× {item} to train with"]), .report],
              titles: ["Training with {item}", "Drills in {region}"]),
        .init(name: "practiceCombat", motivation: .ability,
              steps: [.visit(["Spar with the guardians of {poi}"]), .visit(["Then spar again at {poi}"])],
              titles: ["Sparring at {poi}", "Claws and Courage"]),
        .init(name: "practiceSkill", motivation: .ability,
              steps: [.scout(["Practise the silent pounce at {poi}"]), .report],
              titles: ["The Silent Pounce at {poi}", "A Lesson in {region}"]),
        .init(name: "researchSkill", motivation: .ability,
              steps: [.visit(["Study the old scratchings at {poi}"]), .report],
              titles: ["Scratchings of {poi}", "Lore of {region}"]),
        // Equipment
        .init(name: "assemble", motivation: .equipment,
              steps: [.gather(["Gather {count}× {item}"]), .visit(["Have it stitched into gear at {poi}"])],
              titles: ["Gear of {item}", "Stitched at {poi}"]),
        .init(name: "deliverSupplies", motivation: .equipment,
              steps: [.gather(["Gather {count}× {item}"]), .visit(["Deliver the {item} to {poi}"])],
              titles: ["Supplies for {poi}", "A Load of {item}"]),
        .init(name: "stealSupplies", motivation: .equipment,
              steps: [.scout(["Raid the stores at {poi}"]), .gather(["Carry off {count}× {item}"])],
              titles: ["Raid on {poi}", "Borrowed {item}"]),
        .init(name: "tradeForSupplies", motivation: .equipment,
              steps: [.gather(["Gather {count}× {item}"]), .visit(["Trade the {item} at {poi}"])],
              titles: ["A Fair Trade at {poi}", "Bartering {item}"]),
    ]

    static func strategies(for motivation: Motivation) -> [GrammarStrategy] {
        strategies.filter { $0.motivation == motivation }
    }

    /// Why the quest giver asks, by motivation; follows "{npc} of {giver}".
    static func intros(for motivation: Motivation) -> [String] {
        switch motivation {
        case .knowledge: ["wants to understand what stirs in {region}.", "is writing the great Book of Whiskers and lacks a chapter.", "has heard rumours and wants proof, not purring."]
        case .comfort: ["longs for a softer nap and a fuller bowl.", "says the mice have become unbearable lately.", "wants the little luxuries of life back."]
        case .reputation: ["wants the colony to sing of {region} again.", "needs a deed bold enough to silence the gossips.", "would have every tail in {region} raised in respect."]
        case .serenity: ["cannot sleep until things are set right.", "worries about an old friend who stopped writing.", "wants peace to return to {region}."]
        case .protection: ["fears what is gathering in {region}.", "must keep the kittens of {giver} safe.", "needs the old defences mended before the next storm."]
        case .conquest: ["has an old rivalry to settle.", "wants the rival clowder to know who rules {region}.", "plans a bold move against the Hisslings."]
        case .wealth: ["smells profit on the wind.", "has a buyer waiting and an empty cart.", "wants the coffers of {giver} full again."]
        case .ability: ["wants to learn a trick no cat has mastered.", "is training for the Great Pounce and needs help.", "believes a new skill lies hidden in {region}."]
        case .equipment: ["is short of supplies for the coming season.", "needs materials to craft new gear.", "has promised a delivery and cannot make it alone."]
        }
    }

    static let genericVisits = [
        "Travel to {poi}, the {kind} in {region}", "Make your way to {poi}", "Seek out {poi} in {region}",
        "Pass by {poi} and look for signs",
    ]
    static let genericGathers = [
        "Gather {count}× {item}, each from a different spot", "Collect {count}× {item} from separate places where it is found",
    ]
    static let reports = [
        "Return to {giver} and tell {npc} everything", "Bring word back to {npc} at {giver}",
        "Head back to {giver}, where {npc} waits",
    ]
    static let npcs = [
        "Old Marmalade", "Sister Whiskerly", "Captain Biscuit", "Mother Tansy", "Sir Pounce-a-Lot", "Granny Tuxedo",
        "Professor Mittens", "Smudge the Cartographer", "Ember Calico", "Brother Purrcival", "Lady Fluffington",
        "Nimbus the Grey", "Pip Shorttail", "Ravenna Sootpaw", "Tomkin Hollowear", "Saffron Velvetpaw",
    ]
    /// Place kinds where a quest giver lives.
    static let giverKinds: Set<String> = [
        "village", "market", "inn", "port", "camp", "monastery", "temple", "guild", "palace", "hut", "oasis", "farm", "library",
    ]
    /// Weather sets a scouting step may ask for, with the phrase for each.
    static let weatherSets: [([Weather], String)] = [
        ([.fog], "fog"), ([.fog, .rain], "fog or rain"), ([.rain, .storm], "rain or storm"), ([.clear], "a clear sky"),
        ([.storm], "a storm"), ([.snow], "snow"), ([.cloudy, .fog], "cloud or fog"), ([.clear, .cloudy], "a dry sky"),
        ([.snow, .fog], "snow or fog"),
    ]
    /// Game-hour windows, each at least three hours so it is easy to catch.
    static let timeWindows: [(GameTimeWindow, String)] = [
        (GameTimeWindow(fromHour: 20, toHour: 4), "under the moon"), (GameTimeWindow(fromHour: 4, toHour: 8), "at dawn"),
        (GameTimeWindow(fromHour: 12, toHour: 15), "during the midday nap"), (GameTimeWindow(fromHour: 17, toHour: 21), "at dusk"),
        (GameTimeWindow(fromHour: 0, toHour: 5), "in the small hours"), (GameTimeWindow(fromHour: 8, toHour: 12), "in the morning"),
    ]
}
