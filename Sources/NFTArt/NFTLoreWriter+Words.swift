/// The word lists behind the template writer. Appending to a list changes the lore of existing
/// seeds (picks are taken modulo the count), so change them before launch or not at all.
extension NFTLoreWriter {
    /// 64 given names.
    public static let givenNames = [
        "Saffron", "Biscuit", "Juniper", "Mochi", "Pip", "Tansy", "Quince", "Marlowe",
        "Clementine", "Sorrel", "Bramble", "Nutmeg", "Wren", "Pepper", "Fennel", "Tuppence",
        "Olive", "Basil", "Hazel", "Miso", "Pickle", "Rowan", "Sable", "Thimble",
        "Cobble", "Dumpling", "Ember", "Figgy", "Gingersnap", "Hopscotch", "Inkwell", "Jasper",
        "Kettle", "Lumen", "Maple", "Nimbus", "Oolong", "Parsnip", "Quill", "Rhubarb",
        "Sprocket", "Truffle", "Umber", "Velvet", "Wafer", "Yuzu", "Zephyr", "Acorn",
        "Barley", "Cinder", "Dandelion", "Echo", "Flint", "Gossamer", "Honeybun", "Indigo",
        "Jellybean", "Kipper", "Lentil", "Marzipan", "Noodle", "Pudding", "Ripple", "Scone",
    ]

    /// 48 titles, each read after "the".
    public static let titles = [
        "Lantern-Keeper", "Moss Knight", "Night Baker", "Wandering Scholar", "Tide Watcher", "Bell Ringer",
        "Map Maker", "Star Counter", "Hearth Warden", "Puddle Jumper", "Mouse Diplomat", "Rooftop Sage",
        "Fog Walker", "Bread Thief", "Cloud Herder", "Yarn Alchemist", "Moon Whisperer", "Gate Warden",
        "Lost-Sock Finder", "Sunbeam Collector", "Box Philosopher", "Midnight Courier", "Tea Taster", "Riddle Keeper",
        "Quiet Thunder", "Dune Strider", "Frost Dancer", "Reed Piper", "Shadow Cartographer", "Honey Smuggler",
        "Acorn Banker", "Nap Champion", "Market Rascal", "Lamplighter", "Hedge Wizard", "Feather Duelist",
        "Pillow Baron", "Stair Climber", "Orchard Guard", "Kite Chaser", "Well Listener", "Shrine Keeper",
        "Ink Spiller", "Bog Wader", "Snow Scout", "Windmill Captain", "Button Hoarder", "Storm Sniffer",
    ]

    /// 20 beginnings and 20 endings of surnames: 400 surnames.
    public static let surnameStarts = [
        "Moon", "Thistle", "Ember", "Frost", "Velvet", "Copper", "Bramble", "Misty", "Silver", "Amber",
        "Clover", "Storm", "Willow", "Pebble", "Hollow", "Sun", "Briar", "Cinder", "Marsh", "Star",
    ]
    public static let surnameEnds = [
        "whisker", "paw", "tail", "purr", "ear", "claw", "step", "mew", "fluff", "tuft",
        "pounce", "nap", "gaze", "heart", "song", "bell", "leap", "coat", "nose", "flick",
    ]

    /// 12 honorifics, read before the given name.
    public static let honorifics = [
        "Old", "Little", "Captain", "Sister", "Brother", "Lady", "Lord", "Auntie", "Uncle", "Sir", "Dame", "Professor",
    ]

    /// Second sentences for a cat with an accessory; `{accessory}` is its lore phrase.
    static let accessoryLines = [
        "{given} never goes anywhere without {accessory}.",
        "Nobody knows where {given} found {accessory}, and {given} is not telling.",
        "Travellers know {given} by {accessory} long before they see the whiskers.",
        "{given} guards {accessory} more fiercely than any dinner bowl.",
    ]

    /// Second sentences for a cat with no accessory.
    static let travellingLightLines = [
        "{given} carries nothing but a good appetite and a better nap schedule.",
        "{given} travels light: no hat, no bell, just whiskers and opinions.",
        "{given} owns nothing, and considers the whole of {region} a personal cushion.",
    ]

    /// Third sentences, used for half of the seeds.
    public static let rumours = [
        "Whoever picks up this token, they say, never loses the way home.",
        "It is said the token hums softly when rain is coming.",
        "Some swear the token stays warm on the coldest night.",
        "Legend holds that it brings luck to anyone who shares their fish.",
        "The old toms say it once belonged to a queen of cats.",
        "Hold it to your ear and you may hear a faraway purr.",
        "Its glint is said to lead lost kittens home.",
        "Doors are said to open a little more easily for those who carry it.",
    ]
}
