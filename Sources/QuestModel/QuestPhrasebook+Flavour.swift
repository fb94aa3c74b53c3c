import Quests
import World

/// Colour that does not change the spec: sentences about the land, the quest giver and
/// what is at stake. They make up most of the corpus's variety.
extension QuestPhrasebook {
    /// Sentences about the quest's region, by its terrain; `$region` is its reference.
    static func flavour(for terrain: Terrain) -> [String] {
        switch terrain {
        case .plains: [
            "The grass in $region is tall enough to hide a whole clowder.", "Butterflies drift over $region, daring any cat to chase them.",
            "In $region the wind smells of hay and warm earth.", "The fields of $region roll on as far as a cat can see.",
            "Farm dogs bark somewhere across $region.", "Crickets never stop singing in $region.",
            "The paths of $region are easy, but the distances are long.", "Sunlight lies thick and golden over $region.",
        ]
        case .forest: [
            "The trees of $region whisper when nobody is looking.", "Owls keep watch from the branches of $region.",
            "Moss muffles every pawstep in $region.", "In $region the light comes down green and dim.",
            "Squirrels chatter rude remarks from the trees of $region.", "Old roots twist across every trail in $region.",
            "The undergrowth of $region is thick with burrs.", "Somewhere deep in $region a woodpecker is hard at work.",
        ]
        case .hills: [
            "The hills of $region rise and fall like a sleeping cat.", "Sheep stare suspiciously at every traveller in $region.",
            "Stone walls criss-cross $region, perfect for balancing.", "The wind never quite stops blowing in $region.",
            "From the tops of $region you can see for miles.", "Every slope in $region seems steeper on the way back.",
            "Heather and gorse cover the slopes of $region.", "Old barrows dot the ridges of $region.",
        ]
        case .mountain: [
            "The air is thin and cold among the peaks of $region.", "Loose scree makes every step in $region a gamble.",
            "Eagles circle high above $region.", "Frost lingers in the shadows of $region all year.",
            "The paths of $region wind along dizzying ledges.", "Even the goats of $region tread carefully.",
            "Echoes roll back and forth between the cliffs of $region.", "Only the hardiest cats make a home in $region.",
        ]
        case .swamp: [
            "The mud of $region sucks at every paw.", "Frogs croak warnings from every pool in $region.",
            "Will-o'-wisps dance over the reeds of $region.", "The air of $region is heavy and smells of rot.",
            "Nothing in $region is quite as solid as it looks.", "Mosquitoes swarm thickly over $region.",
            "Strange bubbles rise from the pools of $region.", "Herons stand like statues in the shallows of $region.",
        ]
        case .desert: [
            "The sand of $region burns the pads of careless paws.", "In $region the horizon shimmers with mirages.",
            "Dunes in $region shift a little every day.", "Water is worth more than gold in $region.",
            "Lizards sun themselves on every rock in $region.", "The sand of $region burns every paw that crosses it.",
            "Wind carves strange shapes into the dunes of $region.", "Caravans cross $region only when the sand has cooled.",
        ]
        case .tundra: [
            "The wind of $region cuts through the thickest fur.", "White hares vanish against the frost of $region.",
            "In $region the ground is frozen hard as stone.", "Lights dance in the sky over $region.",
            "Every breath turns to frost in $region.", "Tracks in the frost of $region tell many stories.",
            "The silence of $region is broken only by the wind.", "Few trees grow in $region, and none grow tall.",
        ]
        case .city: [
            "The alleys of $region are full of gossip and fish bones.", "Rooftops make the best roads in $region.",
            "Every window ledge in $region has a cat on it.", "The markets of $region never truly sleep.",
            "Carts rattle over the cobbles of $region all day.", "In $region even the pigeons have opinions.",
            "The smell of fresh bread drifts through the streets of $region.", "Guards in $region look the other way for a sardine.",
        ]
        case .coast: [
            "Gulls scream over the harbour of $region.", "Waves crash against the rocks of $region.",
            "The salt wind of $region gets into every whisker.", "Fishing boats bob in the bays of $region.",
            "The tide in $region waits for no cat.", "Crabs scuttle sideways across the beaches of $region.",
            "Nets hang drying along the shore of $region.", "The sea wind over $region turns without warning.",
        ]
        }
    }

    /// Sentences about one of the quest's places, by its kind; `$poi` is its reference.
    /// Kinds the phrasebook does not know get the generic ones.
    static func placeFlavour(for kind: String) -> [String] {
        switch kind {
        case "village", "hamlet": [
            "Everyone in $poi knows everyone else's business.", "The cats of $poi [are friendly|are wary of strangers|love a good gossip].",
            "Smoke curls from the chimneys of $poi.", "Kittens play [tag|hide and seek] in the lanes of $poi.",
        ]
        case "ruin": [
            "The stones of $poi are older than any cat can remember.", "Ivy has swallowed half of $poi.",
            "Strange echoes [linger|whisper|rattle] among the broken walls of $poi.", "Nobody lives at $poi any more, or so they say.",
        ]
        case "shrine", "temple": [
            "Candles still burn at $poi, though no one admits to lighting them.", "Offerings of fish heads are left at $poi every [week|season|feast day].",
            "The air at $poi is [strangely calm|thick with incense|heavy with old prayers].", "Pilgrims nap on the steps of $poi.",
        ]
        case "tower": [
            "$poi creaks in every wind.", "From the top of $poi you can see half the world.",
            "The stairs of $poi are [steep|crumbling|endless].", "A light sometimes flickers at the top of $poi.",
        ]
        case "cave": [
            "$poi is gloomy, damp and [full of echoes|smells of bats|colder than it looks].", "Bats hang in their hundreds from the roof of $poi.",
            "Water drips endlessly in $poi.", "Nobody has found the end of $poi yet.",
        ]
        case "market": [
            "Merchants at $poi shout prices over each other.", "$poi is crowded and noisy all day long.",
            "At $poi you can buy anything, if you can find it.", "$poi has the best [fish|gossip|bargains] in the land.",
        ]
        case "camp": [
            "Tents at $poi flap in the wind.", "A fire always burns at $poi.", "The cats at $poi [keep to themselves|trust few outsiders|sing old songs all day].",
        ]
        case "monastery": [
            "The monks of $poi speak only in purrs.", "Bells ring out from $poi at every hour.", "Visitors to $poi must leave their pride at the door.",
        ]
        case "mine": ["$poi rings with the sound of digging claws.", "Lanterns hang along the tunnels of $poi.", "Dust from $poi settles over everything."]
        case "port", "lighthouse": ["Ships come and go at $poi with the tide.", "$poi smells of salt, tar and fish.", "Sailors at $poi tell [tall tales|strange stories] of the sea."]
        case "inn": ["The fire at $poi is always lit.", "Travellers swap stories over supper at $poi.", "The cook at $poi makes a famous fish stew."]
        case "farm", "mill": ["$poi hums with the work of the harvest.", "Mice are a constant worry at $poi.", "The barns of $poi are warm and full of hay."]
        case "palace", "guild", "library": ["Guards at $poi [check every whisker|ask a lot of questions|never smile].", "The halls of $poi are grand and echoing.", "Important cats come and go at $poi all day."]
        case "oasis", "well", "pool": ["The water at $poi is [cool|fresh|strangely warm] and sweet.", "Every traveller stops to drink at $poi.", "Dragonflies skim over the water at $poi."]
        default: [
            "Few cats visit $poi these days.", "Stories about $poi are [told|whispered] around every fire.",
            "$poi is [hard to miss|easy to miss|worth the journey].", "The way to $poi is longer than it looks.",
        ]
        }
    }

    /// Clauses about the quest giver, used as "$npc, who ..., ...".
    static let traits = [
        "once sailed with the fishing fleet", "has not left the hearth in years", "knows every alley by smell",
        "lost an ear in a famous fight", "keeps seventeen kittens in line", "was a champion pouncer in younger days",
        "trusts nobody with a tail shorter than their own", "speaks in riddles when nervous", "naps in the same sunbeam every day",
        "taught half the colony to hunt", "collects shiny buttons", "was born under a lucky star", "never forgets a favour",
        "has a nose for trouble", "hums old sea shanties", "walks with a limp and a grin", "keeps the colony's records",
        "is far older than anyone can remember", "swears they once saw a dragon", "reads the sky like a book",
    ]

    /// What happens if nobody helps, by motivation.
    static func stakes(for motivation: Motivation) -> [String] {
        switch motivation {
        case .knowledge: ["Without answers, the rumours will only grow.", "The library will be grateful.", "Knowledge, they say, is the sharpest claw."]
        case .comfort: ["A well-rested cat is a happy cat.", "Nobody naps well on an empty stomach.", "The whole den will purr if this works."]
        case .reputation: ["The whole colony will be watching.", "Songs may be sung about this.", "Fail, and the gossips will never stop."]
        case .serenity: ["Peace of mind is worth any effort.", "Some knots can only be untied by a stranger.", "Let old troubles finally rest."]
        case .protection: ["The kittens are counting on you.", "Danger does not wait for the lazy.", "Every den must be safe before winter."]
        case .conquest: ["Fortune favours bold paws.", "The rival clowder will not wait.", "Bold paws are remembered long after."]
        case .wealth: ["There is coin in it for everyone.", "Prices will not stay this good for long.", "A full purse makes for sweet dreams."]
        case .ability: ["Practice makes purrfect.", "Every master was once a clumsy kitten.", "A new skill is a new life."]
        case .equipment: ["Good tools make light work.", "The season will not wait for the unprepared.", "Every claw needs a sharp tool."]
        }
    }
}
