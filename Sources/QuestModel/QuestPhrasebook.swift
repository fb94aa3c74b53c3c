import Quests
import World

/// The hand-written text patterns the corpus is built from, after Doran & Parberry's
/// motivations → strategies → actions. Slots: `$poi` (the step's place), `$kind` (its
/// kind), `$region` (the quest's region), `$item`, `$qty` (the collect objective's `{@k}`: count and item),
/// `$npc` (the quest giver), `$giver` (the giver's place, only in report steps) and
/// `$sources` (some of a collect line's sources). `[a|b|c]` picks one option, which
/// multiplies the ways each pattern is said. ASCII only, no braces: the corpus is the
/// grammar's prose.
enum QuestPhrasebook {
    /// An abstract action of a strategy.
    enum Step: Hashable, Sendable {
        /// Go to a place.
        case visit([String])
        /// Go to a place when the weather or the hour is right.
        case scout([String])
        /// Pick up items.
        case gather([String])
        /// Return to the quest giver.
        case report
    }

    struct Strategy: Sendable {
        let motivation: Motivation
        let steps: [Step]
        let titles: [String]
    }

    static func strategies(for motivation: Motivation) -> [Strategy] {
        strategies.filter { $0.motivation == motivation }
    }

    static let strategies: [Strategy] = [
        // Knowledge
        .init(motivation: .knowledge, steps: [
            .gather([
                "[Gather|Collect|Bring back] $qty for [study|the scholars|the library's records]",
                "Bring back $qty so the scholars can [look closer|take notes|argue about it]",
                "[Collect|Gather] $qty, [fresh and unspoiled|whole and undamaged|as clean as you can], for [the study|closer study]",
                "Find $qty; [the scholars|the librarians|the record-keepers] need [samples|a proper look]",
            ]),
            .report,
        ], titles: ["Specimens of $item", "A Study in $item", "The $item Question", "Notes on $item", "The Nature of $item"]),
        .init(motivation: .knowledge, steps: [
            .scout([
                "Watch $poi [unseen|without being seen|from a safe hiding place]",
                "Keep an eye on the comings and goings at $poi",
                "Hide in the [shadows|long grass|rafters] near $poi and [count who passes|take careful note of everyone]",
                "Perch somewhere high above $poi and [watch|observe|keep count]",
                "[Spy on|Observe|Keep watch over] $poi and remember [every face|everything you see]",
            ]),
            .report,
        ], titles: ["Eyes on $poi", "Whispers at $poi", "Who Walks at $poi?", "The Watcher of $poi", "Secrets of $poi"]),
        .init(motivation: .knowledge, steps: [
            .visit([
                "Find the keeper of $poi and [hear their tale|listen to what they know|ask about the old days]",
                "Sit with the old storyteller at $poi [until the story is done|and listen closely]",
                "Ask the [elders|old-timers|oldest cats] at $poi what they remember",
                "[Seek|Look for] the wise one who lives at $poi",
            ]),
            .report,
        ], titles: ["The Keeper of $poi", "Tales from $poi", "What $poi Remembers", "The Storyteller of $poi"]),
        .init(motivation: .knowledge, steps: [
            .gather(["[Gather|Collect|Find] $qty", "Pick up $qty along the way", "Fill your [satchel|pack|pouch] with $qty"]),
            .visit([
                "Test the $item at $poi", "Try the $item against the old stones of $poi",
                "See what the $item [does|reveals|changes] at $poi", "[Carry|Bring] the $item to $poi and watch what happens",
            ]),
        ], titles: ["Field Trial at $poi", "What the $item Knows", "An Experiment at $poi", "The $item Test"]),
        .init(motivation: .knowledge, steps: [
            .visit([
                "Copy the [strange|ancient|faded] markings at $poi", "Sketch the carvings on the walls of $poi",
                "Trace the old paw-runes at $poi", "[Study|Examine] the scratches on the [gate|doorposts|stones] of $poi",
            ]),
            .visit(["Compare them with the stones of $poi", "Look for the same signs at $poi", "Check whether $poi bears the same marks"]),
            .report,
        ], titles: ["The Runes of $poi", "Marks in the Stone", "A Riddle Carved at $poi", "Old Scratches"]),
        // Comfort
        .init(motivation: .comfort, steps: [
            .gather([
                "[Gather|Collect|Bring] $qty, the finest you can find", "Find $qty soft enough for a [royal|proper|long] nap",
                "Bring $qty, the best that $region [offers|can give]", "[Seek out|Hunt for] $qty [of the best quality|fit for a queen]",
            ]),
            .report,
        ], titles: ["A Basket of $item", "Luxuries for $npc", "The Softest $item", "Comforts of $region", "Only the Finest $item"]),
        .init(motivation: .comfort, steps: [
            .visit([
                "Chase the mice out of $poi", "Rout the [mouse gang|rats|voles] hiding in $poi",
                "Sniff out the mice nesting under $poi", "[Rid|Sweep] $poi of [mice|vermin|squeaking pests]",
            ]),
            .visit(["Empty the nests near $poi", "Make sure no whisker of them remains at $poi", "Chase the last of them past $poi"]),
        ], titles: ["Mice at $poi!", "The Pests of $region", "A Squeak Too Many", "No Mice in $poi"]),
        .init(motivation: .comfort, steps: [
            .gather(["Collect $qty for a new cushion", "Gather $qty to [stuff|mend|plump up] the old bed", "Find $qty to line the sleeping basket"]),
            .visit(["Deliver it all to $poi", "Drop the bundle at $poi, where the bed is being made", "[Carry|Bring] everything to $poi"]),
        ], titles: ["A Bed of $item", "The Perfect Nap", "Cushions for $poi", "Bedding of $item"]),
        .init(motivation: .comfort, steps: [
            .scout([
                "Find the [warmest|sunniest|cosiest] spot near $poi", "Claim the best sunbeam at $poi",
                "Test every warm stone around $poi", "[Try out|Sample] every nap spot at $poi",
            ]),
            .report,
        ], titles: ["In Search of a Sunbeam", "The Warm Stones of $poi", "A Place in the Sun", "The Nap Inspector"]),
        // Reputation
        .init(motivation: .reputation, steps: [
            .gather([
                "Bring back $qty, a prize few cats have held", "Win $qty where others [failed|gave up]",
                "Claim $qty before any rival does", "[Secure|Earn] $qty to prove your worth",
            ]),
            .report,
        ], titles: ["The Rare $item", "Trophies of $region", "A Prize of $item", "Glory and $item"]),
        .init(motivation: .reputation, steps: [
            .visit([
                "Face the Hisslings at $poi", "Stare down the rival clowder at $poi",
                "Answer the challenge [shouted|yowled|hissed] from $poi", "[Confront|Meet] the braggarts of $poi",
            ]),
            .visit(["Drive them on past $poi", "Chase them all the way to $poi", "Follow them to $poi and finish it"]),
        ], titles: ["Showdown at $poi", "The Hisslings of $region", "A Challenge at $poi", "Face-Off at $poi"]),
        .init(motivation: .reputation, steps: [
            .scout([
                "Brave $poi and leave your paw-mark", "Climb to the top of $poi and be seen",
                "Spend a moment alone at $poi, where few cats dare to go", "[Set paw in|Stand tall at] $poi and let everyone see",
            ]),
            .report,
        ], titles: ["The Dare of $poi", "Paw-Mark at $poi", "Brave Enough for $poi?", "The Boldest Cat in $region"]),
        .init(motivation: .reputation, steps: [
            .visit([
                "Sing the old clowder song at $poi", "Perform the victory yowl at $poi",
                "Recite the deeds of your ancestors at $poi", "[Tell|Retell] the story of your greatest hunt at $poi",
            ]),
            .report,
        ], titles: ["A Song at $poi", "The Yowl of $region", "Fame at $poi"]),
        // Serenity
        .init(motivation: .serenity, steps: [
            .visit([
                "Confront the culprit at $poi", "Find the one who wronged $npc at $poi",
                "Face the old enemy waiting at $poi", "[Have words with|Settle things with] the troublemaker at $poi",
            ]),
            .report,
        ], titles: ["Justice at $poi", "An Old Score in $region", "Settling Matters at $poi"]),
        .init(motivation: .serenity, steps: [
            .scout([
                "Corner the thief hiding at $poi", "Catch the sneak who haunts $poi",
                "Track the thief to $poi and block the way out", "[Wait for|Ambush] the pickpocket at $poi",
            ]),
            .report,
        ], titles: ["The Thief of $region", "Cornered at $poi", "Paws on the Culprit", "Stop, Thief!"]),
        .init(motivation: .serenity, steps: [
            .visit([
                "Check on the hermit at $poi", "Knock at the door of the old friend living at $poi",
                "See why no letters come from $poi any more", "[Look in on|Visit] the lonely cat at $poi",
            ]),
            .report,
        ], titles: ["A Visit to $poi", "No Word from $poi", "Silence at $poi"]),
        .init(motivation: .serenity, steps: [
            .visit(["Follow the trail to $poi", "Track the scattered pawprints to $poi", "[Sniff|Trace] the scent all the way to $poi"]),
            .gather(["Recover $qty scattered along the way", "Pick up $qty that fell from the cart", "[Rescue|Save] $qty before it spoils"]),
            .report,
        ], titles: ["The Lost $item", "Scattered $item", "A Trail of $item"]),
        .init(motivation: .serenity, steps: [
            .visit([
                "Search $poi for the missing kitten", "Call for the lost kitten around $poi",
                "Look under every step at $poi for the little one", "[Search|Comb] every corner of $poi for the runaway",
            ]),
            .scout(["Lead the kitten safely past $poi", "Carry the kitten home by way of $poi", "[Guide|Escort] the little one past $poi"]),
            .report,
        ], titles: ["Lost Kitten of $region", "A Mew at $poi", "The Smallest Paws"]),
        // Protection
        .init(motivation: .protection, steps: [
            .visit([
                "Drive the prowlers from $poi", "Chase the foxes away from $poi", "See off the stray dogs at $poi",
                "[Scare off|Send packing] whatever lurks at $poi",
            ]),
            .report,
        ], titles: ["Prowlers at $poi", "Claws Out in $region", "Guarding $poi", "Trouble at $poi"]),
        .init(motivation: .protection, steps: [
            .gather(["Gather $qty for the mending", "Find $qty to patch the old wards", "[Collect|Bring] $qty for the charms"]),
            .visit([
                "Mend the wards at $poi", "Renew the protective scratches at $poi", "Weave the $item into the charm at $poi",
                "[Hang|Bury] the $item at $poi as a ward",
            ]),
        ], titles: ["Mending $poi", "Wards of $item", "The Charm of $poi"]),
        .init(motivation: .protection, steps: [
            .scout([
                "Make a glorious commotion at $poi", "Knock every pot off every shelf at $poi", "Yowl loud enough to wake $poi",
                "[Cause|Stir up] as much chaos as you can at $poi",
            ]),
            .visit(["Slip away towards $poi", "Vanish in the direction of $poi", "[Dash|Sprint] off to $poi before anyone follows"]),
        ], titles: ["A Diversion at $poi", "Chaos in $region", "The Great Commotion"]),
        .init(motivation: .protection, steps: [
            .gather(["Gather $qty for the barricade", "Haul $qty to shore up the walls", "[Collect|Bring] $qty to block the gaps"]),
            .visit(["Raise the barricade at $poi", "Block the gap in the wall at $poi", "[Strengthen|Reinforce] the gate of $poi"]),
        ], titles: ["Walls of $item", "Holding $poi", "The Barricade at $poi"]),
        .init(motivation: .protection, steps: [
            .scout(["Stand watch at $poi", "Keep guard over $poi", "Patrol the edges of $poi", "[Guard|Watch over] $poi until relieved"]),
            .report,
        ], titles: ["The Watch at $poi", "Sentinel of $region", "A Long Vigil at $poi"]),
        // Conquest
        .init(motivation: .conquest, steps: [
            .visit([
                "Plant the clowder banner at $poi", "Scratch the clowder's mark into $poi", "Claim $poi in the name of the clowder",
                "[Mark|Claim] $poi as clowder territory",
            ]),
            .visit(["Claim $poi as well", "Take $poi too", "[Mark|Seize] $poi while you are at it"]),
        ], titles: ["Banners over $poi", "The March on $region", "Our Flag at $poi"]),
        .init(motivation: .conquest, steps: [
            .scout(["Slip into $poi unseen", "Creep past the guards of $poi", "[Sneak|Slink] into $poi through the back way"]),
            .gather(["Make off with $qty", "Carry away $qty before anyone notices", "[Snatch|Seize] $qty from under their noses"]),
            .report,
        ], titles: ["Soft Paws at $poi", "Pilfered $item", "The Raid on $poi"]),
        .init(motivation: .conquest, steps: [
            .visit(["Challenge the rival leader at $poi", "Deliver the clowder's terms at $poi", "[Issue|Shout] a challenge at $poi"]),
            .report,
        ], titles: ["Terms at $poi", "The Rival of $region", "A Throne at $poi"]),
        // Wealth
        .init(motivation: .wealth, steps: [
            .gather(["Gather $qty for market", "Collect $qty to sell", "Bring in $qty before the prices fall", "[Stockpile|Round up] $qty for trade"]),
            .report,
        ], titles: ["A Cartload of $item", "The $item Trade", "Coins for $item"]),
        .init(motivation: .wealth, steps: [
            .scout(["Sneak into $poi", "Find the loose board at $poi and squeeze through", "[Slip|Creep] quietly into $poi"]),
            .gather(["Pocket $qty", "Fill your cheeks with $qty", "[Help yourself and grab|Quietly take] $qty"]),
        ], titles: ["The $item Heist", "Quiet Paws at $poi", "A Fortune in $item"]),
        .init(motivation: .wealth, steps: [
            .gather(["Gather $qty to craft with", "Collect $qty for the workshop", "[Find|Fetch] $qty for the craftsmen"]),
            .visit(["Sell your work at $poi", "Set up a stall at $poi", "Haggle with the merchants at $poi", "[Show|Offer] the finished goods at $poi"]),
        ], titles: ["Crafting with $item", "Wares for $poi", "Market Day at $poi"]),
        .init(motivation: .wealth, steps: [
            .visit(["Collect an old debt at $poi", "Remind the tenant at $poi that rent is due", "[Call in|Recover] what is owed at $poi"]),
            .report,
        ], titles: ["A Debt at $poi", "Rent Day in $region", "What Is Owed"]),
        // Ability
        .init(motivation: .ability, steps: [
            .gather(["Gather $qty", "Find $qty for the toolmaker", "[Collect|Bring] $qty for the smith"]),
            .visit(["Forge the tool at $poi", "Have the tool shaped at $poi", "[Sharpen|Test] the new tool at $poi"]),
        ], titles: ["A Tool of $item", "The Forge at $poi", "New Claws from $item"]),
        .init(motivation: .ability, steps: [
            .gather(["Gather $qty to train with", "Collect $qty for the practice yard", "[Find|Bring] $qty for the drills"]),
            .report,
        ], titles: ["Training with $item", "Drills in $region", "The Practice of $item"]),
        .init(motivation: .ability, steps: [
            .visit(["Spar with the guardians of $poi", "Trade blows with the old champion of $poi", "[Wrestle|Duel] the best fighter at $poi"]),
            .visit(["Spar again at $poi", "Finish the bout at $poi", "[Try|Test] your new moves at $poi"]),
        ], titles: ["Sparring at $poi", "Claws and Courage", "A Bout at $poi"]),
        .init(motivation: .ability, steps: [
            .scout([
                "Practise the silent pounce at $poi", "Learn to balance on the ledges of $poi",
                "Practise landing on your feet at $poi", "[Perfect|Train] your leap at $poi",
            ]),
            .report,
        ], titles: ["The Silent Pounce at $poi", "A Lesson in $region", "Nine Lives of Practice"]),
        .init(motivation: .ability, steps: [
            .visit([
                "Study the old scratchings at $poi", "Read the claw-scrolls kept at $poi",
                "Watch how the masters move at $poi", "[Learn from|Train with] the teachers of $poi",
            ]),
            .report,
        ], titles: ["Scratchings of $poi", "Lore of $region", "The Masters of $poi"]),
        // Equipment
        .init(motivation: .equipment, steps: [
            .gather(["Gather $qty", "Collect $qty for the tailor", "[Find|Bring] $qty for new gear"]),
            .visit(["Have it stitched into gear at $poi", "Take it to the leatherworker at $poi", "[Get|Have] it made into a harness at $poi"]),
        ], titles: ["Gear of $item", "Stitched at $poi", "A Coat of $item"]),
        .init(motivation: .equipment, steps: [
            .gather(["Gather $qty", "Load up $qty", "[Pack|Bundle up] $qty for the road"]),
            .visit(["Deliver the $item to $poi", "Bring the $item to the stores at $poi", "[Drop off|Hand over] the $item at $poi"]),
        ], titles: ["Supplies for $poi", "A Load of $item", "The $item Run"]),
        .init(motivation: .equipment, steps: [
            .scout(["Raid the stores at $poi", "Sneak into the storeroom of $poi", "[Break|Slip] into the pantry of $poi"]),
            .gather(["Carry off $qty", "Grab $qty while nobody is looking", "[Make off with|Liberate] $qty"]),
        ], titles: ["Raid on $poi", "Borrowed $item", "The Storeroom at $poi"]),
        .init(motivation: .equipment, steps: [
            .gather(["Gather $qty", "Collect $qty for barter", "[Find|Bring] $qty to trade"]),
            .visit(["Trade the $item at $poi", "Swap the $item for tools at $poi", "[Barter|Exchange] the $item at $poi"]),
        ], titles: ["A Fair Trade at $poi", "Bartering $item", "Swaps at $poi"]),
    ]

    /// Why the quest giver asks, by motivation: verb phrases that follow the giver's name.
    static func reasons(for motivation: Motivation) -> [String] {
        switch motivation {
        case .knowledge: [
            "wants to understand what stirs in $region.", "is writing the great Book of Whiskers and lacks a chapter.",
            "has heard rumours and wants proof, not purring.", "cannot stop wondering about an old legend.",
            "keeps a journal of every mystery in $region and found a new one.", "swears the stars moved last week and [needs|wants] to know why.",
            "collects stories the way other cats collect mice.", "was told a secret and wants to check it.",
            "is puzzled by a strange [smell|sound|light] drifting over $region.", "needs facts for a debate at the library.",
            "found an old map with a [missing corner|smudged label|strange mark].", "is [sure|convinced] the old tales of $region are true.",
            "has a question nobody in $region can answer.",
        ]
        case .comfort: [
            "longs for a softer nap and a fuller bowl.", "says the mice have become [unbearable|far too bold] lately.",
            "wants the little luxuries of life back.", "has not had a proper nap in a [week|fortnight|month].",
            "complains that the draught in the den is getting worse.", "dreams of a cushion fit for a [queen|king|sultan].",
            "is tired of cold floors and empty saucers.", "wants the winter to be gentler this year.",
            "insists that a cat deserves comfort, and says so [loudly|often|to anyone who listens].",
            "has a bad back and a worse temper.", "wants the den to feel like home again.",
        ]
        case .reputation: [
            "wants the colony to sing of $region again.", "needs a deed bold enough to silence the gossips.",
            "would have every tail in $region raised in respect.", "was mocked at the last gathering and has not forgotten.",
            "wants a champion to carry the family name.", "hopes a brave deed will win back old friends.",
            "says the clowder has grown soft and needs a hero.", "has promised a feat and cannot back down now.",
            "wants the [bards|gossips|kittens] to have something new to talk about.", "bet a whole fish that you could do it.",
        ]
        case .serenity: [
            "cannot sleep until things are set right.", "worries about an old friend who stopped writing.",
            "wants peace to return to $region.", "has been wronged and wants it mended quietly.",
            "lies awake listening to strange noises.", "feels something is out of place and cannot rest.",
            "lost something dear and grieves for it.", "wants an old quarrel laid to rest at last.",
            "has [bad dreams|a heavy heart|an uneasy feeling] about $region.", "wants the [neighbours|family|clowder] at peace again.",
        ]
        case .protection: [
            "fears what is gathering in $region.", "must keep the kittens safe.",
            "needs the old defences mended before the next raid.", "has seen shadows moving at the edge of $region.",
            "heard howling beyond the hills and will not take chances.", "wants every den in $region safe by nightfall.",
            "says the strays are growing bolder every day.", "keeps watch alone and needs a second pair of eyes.",
            "found [strange tracks|claw marks|a broken fence] near the den.", "will not let $region fall to [foxes|strays|bandits].",
        ]
        case .conquest: [
            "has an old rivalry to settle.", "wants the rival clowder to know who rules $region.",
            "plans a bold move against the Hisslings.", "believes $region should answer to a single clowder.",
            "is drawing up a map of every place worth taking.", "wants the rivals humbled before the season turns.",
            "has grown tired of sharing the best hunting grounds.", "dreams of ruling all of $region.",
            "says the [border|boundary] of the clowder must move.",
        ]
        case .wealth: [
            "smells profit on the wind.", "has a buyer waiting and an empty cart.",
            "wants the coffers full again.", "heard that prices are rising and wants to be ready.",
            "owes a debt and needs to pay it back soon.", "is opening a new stall and needs stock.",
            "sees a chance to get rich and will split the reward.", "counts coins every day and finds too few.",
            "has a [secret deal|private arrangement|promising venture] in the works.",
        ]
        case .ability: [
            "wants to learn a trick no cat has mastered.", "is training for the Great Pounce and needs help.",
            "believes a new skill lies hidden in $region.", "lost a contest and swears to improve.",
            "wants to teach the young ones, but first must learn.", "has found an old manual and wants to try it.",
            "is too old to train alone and asks for a partner.", "wants to be ready for the [spring|autumn|midsummer] trials.",
        ]
        case .equipment: [
            "is short of supplies for the coming season.", "needs materials to craft new gear.",
            "has promised a delivery and cannot make it alone.", "found the storeroom bare today.",
            "wants new collars for the whole clowder.", "needs tools before the work can start.",
            "has a workshop full of orders and nothing to make them with.", "is getting the caravan ready for a long journey.",
        ]
        }
    }

    /// Openings of a personal quest: `$npc` then a reason follows.
    static let personalOpenings = [
        "$npc [pulls|draws] you aside and", "$npc stops you on the [road|path|way] and", "$npc of $region catches your [sleeve|eye] and",
        "Over a saucer of [cream|milk|fish soup], $npc admits that this cat", "In a quiet corner of $region, $npc",
        "With a [nervous|worried|impatient] flick of the tail, $npc", "You find $npc pacing by the [fire|door|window]. This cat",
        "$npc, an old friend from $region,", "A [tired|worried|cheerful|grumpy] $npc", "$npc waves you over and",
        "Between two naps, $npc", "At the edge of $region, $npc", "$npc, whiskers twitching,",
        "Leaning close, $npc whispers that this cat", "$npc trots up to you and", "You bump into $npc, who",
        "One quiet day, $npc", "$npc [hops|jumps] down from a wall and explains that this cat",
        "Tail held high, $npc", "$npc looks up from a [bowl|book|map] and",
    ]

    /// Openings of a global quest: addressed to everyone.
    static let globalOpenings = [
        "A notice [nailed|pinned] up in $region: $npc", "Word spreads through $region: $npc", "Every cat in $region has heard it: $npc",
        "Posted on every scratching post in $region: $npc", "The town crier calls it out in $region: $npc",
        "A message scratched into the old oak says that $npc", "All paws wanted! $npc", "Hear ye, cats of $region: $npc",
        "A letter pinned to the notice board reads: $npc", "The whole clowder is talking: $npc",
        "News travels fast in $region: $npc", "[Whispers|Rumours] run along every fence in $region: $npc",
        "An open call to every cat: $npc",
    ]

    static let personalClosings = [
        "Finish before the deadline.", "Be quick about it.", "Do not dawdle.", "The reward is waiting.",
        "$npc will not forget the favour.", "Mind the deadline.", "Go now, while the trail is warm.",
        "Come back with your tail held high.", "Good luck, and watch your whiskers.", "There will be [cream|fish|treats] in it for you.",
        "[Hurry|Be swift], the clock is ticking.", "", "", "",
    ]

    /// Each says a word no personal quest uses ("fastest", "quickest", "share", "winners",
    /// "swiftest"…): a personal quest may only use personal quests' words, so it can never
    /// promise a race.
    static let globalClosings = [
        "The fastest paws to finish claim the reward.", "The fastest cats win.", "Only the quickest will be paid.",
        "The reward goes to the quickest of all who try.", "Finish before the deadline to claim a share.",
        "A reward awaits the winners.", "May the [swiftest|cleverest] cat take the prize.", "", "",
    ]

    /// Linking words before the second and later steps.
    static let connectors = [
        "Then", "Next,", "After that,", "Once that is done,", "From there,", "When you are ready,", "Afterwards,", "Later,",
        "Without resting too long,", "Straight after,", "With that behind you,", "[Now|Then] comes the next part:",
    ]
    static let firstConnectors = ["First,", "To begin,", "Start here:", "", "", "", "Your first task:"]
    static let lastConnectors = ["Finally,", "Last of all,", "To finish,", "In the end,", "And at the very end,"]

    static let genericVisits = [
        "Travel to $poi, the $kind in $region", "Make your way to $poi", "Seek out $poi in $region", "Pass by $poi and look for signs",
        "Head over to $poi", "Pay a visit to $poi", "Stop at $poi and sniff around", "Trot along to the $kind called $poi",
        "Look in on $poi", "Cross [the fields|the country|the land] to $poi", "Swing by $poi and ask for news",
        "Go and see $poi for yourself", "[Wander|Stroll|March] over to $poi", "Call in at $poi, the old $kind",
        "[Find|Reach] $poi and have a [look|sniff] around",
    ]
    static let genericGathers = [
        "Gather $qty, each from a different spot", "Collect $qty from separate places where it is found",
        "Find $qty", "Pick up $qty", "Hunt down $qty", "Track down $qty in $region", "Scrounge up $qty",
        "Bring together $qty", "[Search out|Dig up] $qty", "[Round up|Fetch] $qty, no two from the same spot",
    ]
    static let reports = [
        "Return to $giver and tell $npc everything", "Bring word back to $npc at $giver", "Head back to $giver, where $npc waits",
        "Report to $npc at $giver", "Hurry back to $giver", "Come home to $giver and tell the news",
        "Meet $npc again at $giver", "Carry the news back to $giver", "[Return|Go back] to $giver [to collect your reward|for a well-earned nap]",
    ]

    /// Ways to point at a collect line's sources; `$sources` lists some of them.
    static let sourceHints = [
        "try $sources", "look around $sources", "it has been seen near $sources", "search $sources",
        "the best spots are $sources", "ask around $sources", "[rumour|word] has it there is some at $sources",
        "[start|begin] with $sources",
    ]

    /// Weather sets a step may ask for (the text never words them: `{@k}` renders them).
    static let weatherSets: [[Weather]] = [
        [.fog], [.fog, .rain], [.rain, .storm], [.clear], [.storm], [.snow], [.cloudy, .fog], [.clear, .cloudy],
        [.snow, .fog], [.rain], [.cloudy], [.rain, .fog, .storm],
    ]

    /// Game-hour windows, each at least three hours so it is easy to catch.
    static let timeWindows: [GameTimeWindow] = [
        GameTimeWindow(fromHour: 20, toHour: 4), GameTimeWindow(fromHour: 4, toHour: 8), GameTimeWindow(fromHour: 12, toHour: 15),
        GameTimeWindow(fromHour: 17, toHour: 21), GameTimeWindow(fromHour: 0, toHour: 5), GameTimeWindow(fromHour: 8, toHour: 12),
        GameTimeWindow(fromHour: 15, toHour: 18), GameTimeWindow(fromHour: 22, toHour: 2),
    ]

    /// Titles any quest of a motivation may take.
    static func genericTitles(for motivation: Motivation) -> [String] {
        switch motivation {
        case .knowledge: ["Secrets of $region", "A Curious Errand", "The Scholar's Request", "Questions in $region"]
        case .comfort: ["A Cosier $region", "For a Better Nap", "Creature Comforts", "A Favour for $npc"]
        case .reputation: ["Glory in $region", "A Name Worth Purring", "The Brave Ones", "Whiskers of Renown"]
        case .serenity: ["Peace in $region", "Setting Things Right", "A Quiet Mind", "Calm Before the Nap"]
        case .protection: ["The Defence of $region", "Safe Dens", "Claws at the Ready", "Keeping Watch"]
        case .conquest: ["Ambition in $region", "The Clowder Marches", "Bold Claws", "Taking Ground"]
        case .wealth: ["Fortune in $region", "A Tidy Profit", "Coins and Catnip", "The Merchant's Errand"]
        case .ability: ["A New Trick", "Lessons in $region", "Sharper Claws", "The Apprentice"]
        case .equipment: ["Supplies for $region", "Well Equipped", "Tools of the Trade", "Kit for the Season"]
        }
    }

    // NPC names: a title and a name, or a name and a family name.
    static let honorifics = [
        "Old", "Captain", "Sister", "Brother", "Mother", "Granny", "Sir", "Lady", "Professor", "Master", "Auntie", "Uncle",
        "Doctor", "Elder", "Young", "Madame",
    ]
    static let givenNames = [
        "Marmalade", "Biscuit", "Tansy", "Mittens", "Smudge", "Ember", "Pip", "Nimbus", "Ravenna", "Tomkin", "Saffron",
        "Juniper", "Pickle", "Clover", "Sprocket", "Muffin", "Pepper", "Ginger", "Soot", "Bramble", "Thistle", "Whiskerly",
        "Purrcival", "Fluffington", "Socks", "Tuxedo", "Noodle", "Mochi", "Paprika", "Hazel", "Cinder", "Wren", "Fennel",
        "Barnaby", "Oriel", "Quill", "Maple", "Figaro", "Luna", "Nutmeg", "Sable", "Dandelion", "Rusty", "Velvet",
    ]
    static let familyNames = [
        "Shorttail", "Sootpaw", "Hollowear", "Velvetpaw", "Longwhisker", "Softstep", "Brightclaw", "Mossfoot", "Quickpounce",
        "Greyback", "Tumblefur", "Milkwhisker", "Moonpaw", "Stripeside", "Calico", "Fishbone", "Ashtail", "Nightmew",
    ]
    /// Place kinds where a quest giver lives.
    static let giverKinds: Set<String> = [
        "village", "market", "inn", "port", "camp", "monastery", "temple", "guild", "palace", "hut", "oasis", "farm", "library",
    ]
}
