import NFTArt

/// The templates behind the corpus's NFT lore samples. `NFTLoreCorpusWriter` fills them with
/// references, as the model must write them: `$g` is `{cat}`, `$cat` "a {ginger} cat" (with
/// its markings, "a {ginger} cat with {tabby}"), `$coat` the coat, `$marks` the markings,
/// `$pose` the pose ("{loaf}" renders "folds into a perfect loaf"), `$at` where ("near
/// {owlbane-tower}", "in {whiskerwood}"), `$place` the place (the point of interest, else the
/// region), `$region` the region, `$acc` the accessory; `[a|b|c]` picks one option. Every
/// identity sentence refers to the place and the coat, as `NFTLoreGrammar` requires. A cat
/// without markings or accessory is written with the same sentences, `{no-markings}` and
/// `{no-accessory}` rendering "not a single stripe" and "an invisible collar": the model then
/// never has to notice that a part is missing to write a true sentence.
///
/// Appending changes the samples that follow (picks are uniform over the lists), so the
/// committed corpus must be rebuilt after an edit (quests/README.md).
enum NFTLorePhrasebook {
    // MARK: Names

    /// The template writer's list, then more for the corpus.
    static let givenNames = NFTLoreWriter.givenNames + [
        "Tinder", "Bartholomew", "Cressida", "Dorian", "Esme", "Florian", "Gwendolyn", "Horatio",
        "Isolde", "Leopold", "Mirabel", "Octavia", "Peregrine", "Rosalind", "Tobias", "Wilhelmina",
        "Button", "Crumpet", "Doodle", "Fidget", "Gumdrop", "Jinx", "Mittens", "Pumpkin",
        "Sprout", "Waffle",
    ]

    /// The template writer's list, then more for the corpus.
    static let honorifics = NFTLoreWriter.honorifics + [
        "Granny", "Master", "Young", "Madame", "Baron", "Duchess", "Doctor", "Elder",
    ]

    /// The template writer's list, then more for the corpus.
    static let titles = NFTLoreWriter.titles + [
        "Dream Weaver", "Butter Bandit", "Fish Counter", "Song Keeper", "Path Finder", "Bridge Troll", "Chimney Sweep", "Mushroom Forager",
        "Cushion Guard", "Whisker Poet", "String Hunter", "Teacup Tipper",
    ]

    /// The template writer's list, then more for the corpus.
    static let surnameStarts = NFTLoreWriter.surnameStarts + [
        "Fern", "Dusk", "Honey", "Moss", "Rain", "Salt", "Sorrel", "Tumble",
        "Wool", "Ash",
    ]

    /// The template writer's list, then more for the corpus.
    static let surnameEnds = NFTLoreWriter.surnameEnds + [
        "foot", "wick", "bottom", "stripe", "dapple",
    ]

    /// Name patterns: `$g` the cat, `$h` honorific, `$t` title, `$s` surname, `$p` the place,
    /// `$c` the coat.
    static let namePatterns = [
        "$g the $t of $p", "$g $s", "$g $s of $p", "$h $g the $t", "$g of $p", "$h $g of $p",
        "$g the $c", "$g, $t of $p", "The $c $t of $p", "$h $g $s", "$g the $t", "$h $g",
        "$h $g the $c", "$g $s the $t", "The $c $t", "$g, the $c $t",
    ]

    // MARK: Sentences

    /// Where the cat is: `$place` is the point of interest's name (these are for NFTs near one).
    static let nearPlace = [
        "near $place", "by $place", "at $place", "in the shadow of $place", "close to $place in $region",
        "outside $place", "not far from $place", "on the way to $place", "beside $place", "just past $place",
    ]

    /// Where the cat is when no point of interest is near; `$place` is the region's name.
    static let inRegion = [
        "in $place", "somewhere in $place", "out in $place", "on the edge of $place", "in the heart of $place",
        "deep in $place", "all over $place", "in a quiet corner of $place",
    ]

    /// Who and where: each names the place and the coat.
    static let identities = [
        "$g is $cat who $pose $at.",
        "Folk in $region speak of $g, $cat who $pose$near.",
        "Most evenings $g $pose $at, $coat fur$andMarks catching the last of the light.",
        "If you pass $place, look for $g, $cat who $pose.",
        "$at, $g, $cat, $pose.",
        "There is $cat $at who $pose, and everyone calls [it|this cat] $g.",
        "$g, $cat, $pose $at [most days|every afternoon|whenever the weather allows|from dawn to dusk].",
        "Ask anyone $at about $cat who $pose, and they will tell you [its name is|the name] $g.",
        "Every cat $at knows $g, the $coat one who $pose.",
        "$g has lived $at for [years|many seasons|as long as anyone remembers], $cat who $pose.",
        "You will find $g $at, $cat who $pose.",
        "Nobody $at is quite sure where $g came from, but this $coat cat$withMarks $pose there [every day|each morning|most afternoons].",
        "Visitors to $place often meet $g, $cat who $pose.",
        "$g is the $coat cat$withMarks who $pose $at.",
        "Among the cats of $region, none is as [well known|admired|talked about] as $g, $cat who $pose$near.",
        "In $region they tell of $g, $cat who $pose$near.",
        "Look closely $at and you may spot $g, $cat who $pose.",
        "$g [came to|wandered into|arrived at] $place [one stormy night|as a kitten|long ago|one spring] and now $pose there, $coat fur$andMarks [gleaming|shining|neatly groomed].",
        "The cats $at call [her|him|this one] $g: $cat who $pose.",
        "On [warm|quiet|grey|bright] days $g $pose $at, a $coat shape$withMarks that nobody can miss.",
        "$g, the $coat cat$withMarks $at, $pose [and ignores everyone|and watches the world go by|without a care in the world].",
        "Travellers who stop $at sometimes see $g, $cat who $pose.",
    ]

    /// What the cat carries.
    static let accessories = [
        "$g never goes anywhere without $acc.",
        "Nobody knows where $g found $acc, and $g is not telling.",
        "Travellers know $g by $acc long before they see the whiskers.",
        "$g guards $acc more fiercely than any dinner bowl.",
        "$g wears $acc [with great pride|at a jaunty angle|as if born to it|even while napping].",
        "$acc, $g says, was a gift from [an old friend|a travelling merchant|a grateful mouse|a passing stranger].",
        "$acc came from [a market stall in $region|a shipwreck|a wizard's attic|a forgotten trunk], or so the story goes.",
        "$g would sooner give up fish than part with $acc.",
        "On [quiet|windy|rainy|sunny] days $g [polishes|fusses over|admires] $acc for hours.",
        "Some say $acc once belonged to [a queen of cats|a famous explorer|the founder of $region|a wandering wizard].",
        "$g has worn $acc since kittenhood.",
        "Without $acc, $g would hardly be recognised.",
        "$g keeps $acc [spotless|just so|in perfect order].",
        "Whenever $g moves, $acc [catches the light|draws every eye|is the first thing anyone notices].",
        "$g found $acc [in a hollow log|under a market stall|at the bottom of a well|in an abandoned cart] and has kept it ever since.",
        "Thieves have tried to take $acc, but $g [always wins it back|sleeps with one eye open|has very sharp claws].",
        "The kittens of $region [admire|envy|tease] $g for $acc.",
        "$g would not be $g without $acc.",
        "$g travels light: $acc and a good appetite are all $g needs.",
        "$g owns nothing but $acc, and considers the whole of $region a personal cushion.",
    ]

    /// Rumours about the token itself: the template writer's, then more for the corpus.
    static let rumours = NFTLoreWriter.rumours + [
        "Keep it close, and mice will never dare to laugh at you.", "They say whoever holds it dreams of $region every night.", "The token is said to purr when $g is near.", "Carry it through $region and the crows will leave you alone.", "Nobody has ever lost a nap spot while carrying it, or so they say.", "It is said to have been minted from the first sunbeam of spring.",
    ]

    /// Habits and small stories; `$g` and the places only.
    static let habits = [
        "$g naps at noon and wanders at dusk.",
        "$g has strong opinions about [thunder|cucumbers|closed doors|the colour of saucers].",
        "Every morning $g greets the sun with a long, slow blink.",
        "$g once chased a moth all the way across $region.",
        "$g knows every warm windowsill in $region.",
        "At night $g counts the stars and always loses count.",
        "$g is said to have outwitted [a fox|three dogs|a very large crow] without ever raising a paw.",
        "When it rains, $g [sulks|hides|watches the puddles] until the sun comes back.",
        "The [kittens|old cats|shopkeepers] of $region bring $g [scraps of fish|gossip|warm milk] every evening.",
        "$g has [never|not once] lost a staring contest.",
        "$g keeps a secret stash of [buttons|feathers|bottle caps] somewhere in $region.",
        "$g purrs so loudly that the birds of $region fly off in a hurry.",
        "Nobody has ever seen $g in a hurry.",
        "$g was born under a lucky moon, or so the story goes.",
    ]
}
