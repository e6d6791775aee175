"""The word lists behind the tagger's rules (newsdigest/ingest/tag/): English news prose, not any
particular article. Editors' vocabularies (actors, topics) are in vocab/; these lists say how
news is written (titles before names, how organisations are named, which words start
sentences) and change only with the rules that use them.

Each list is one string of words separated by spaces (or by `|` where entries have spaces);
order does not matter unless said.
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    """Entries separated by `|` (they may contain spaces), in the order written."""
    return tuple(" ".join(p.split()) for p in text.split("|") if p.strip())


# Title words that may stand right before a person's name.
TITLE_HEADS = _words(
    """
    Admiral Ambassador Archbishop Attorney Ayatollah Bishop Brother Capt. Captain Cardinal CEO
    Chair Chairman Chairperson Chairwoman Chancellor Chief Coach Col Col. Colonel Commander
    Commissioner Dame Deputy Detective Director Director-General Dr Dr. Emir Envoy Father
    Founder Gen Gen. General Gov. Governor Head Hon Hon. Imam Inspector Judge Justice King Lady
    Lawmaker Leader Lord Lt Lt. Manager Mayor Minister Miss MP Mr Mr. Mrs Mrs. Ms Ms. Officer
    Pope Premier President President-elect Prime Prince Princess Prof. Professor Prosecutor
    Queen Rabbi Rep. Representative Secretary Secretary-General Sen. Senator Sergeant Sgt Sgt.
    Sheikh Sir Sister Speaker Spokesman Spokesperson Spokeswoman Sultan Superintendent Vice
    """
)


# Titles that say the person is a man or a woman (for he/she in quotes).
TITLE_PRONOUN = dict.fromkeys(
    _words("Brother Father King Lord Mr Mr. Prince Sheikh Sir"), "he"
) | dict.fromkeys(
    _words("Chairwoman Dame Lady Miss Mrs Mrs. Ms Ms. Princess Queen Sister Spokeswoman"), "she"
)


# Lower-case nouns that make an apposition a role ("Jane Doe, a spokeswoman for ...").
ROLE_NOUNS = _phrases(
    """
    minister|president|secretary|spokesperson|spokesman|spokeswoman|spokesmen|chief|
    head|director|executive|chairman|chairwoman|chair|founder|co-founder|leader|
    governor|mayor|senator|lawmaker|economist|analyst|strategist|professor|researcher|
    scientist|expert|official|officer|adviser|advisor|lawyer|attorney|prosecutor|judge|
    commissioner|ambassador|envoy|diplomat|general|commander|coach|manager|captain|
    striker|midfielder|defender|goalkeeper|player|champion|author|doctor|physician|
    paediatrician|pediatrician|nurse|surgeon|virologist|epidemiologist|seismologist|
    geologist|meteorologist|climatologist|astronomer|engineer|partner|owner|investor|
    candidate|member|mp|deputy|correspondent|editor|journalist|reporter|activist|
    campaigner|organiser|organizer|representative|negotiator|student|teacher|resident|
    farmer|worker|driver|pilot|actor|actress|singer|artist|writer|historian|scholar|
    fellow|coordinator|administrator|vice-president|vice president|treasurer|auditor|
    inspector|agent|detective|consultant|specialist|lecturer|dean|principal|planetary
    scientist|employee|runner|athlete|sprinter|swimmer|rider|boxer|golfer|jockey|skier|councillor|councilor|
    composer|choreographer|designer|producer|photographer|musician|dancer|conductor|
    playwright|filmmaker|novelist|poet|painter|sculptor|architect|chef|comedian|rapper
    """
)


# Verbs that attribute a quote ("...," she said).
SPEECH_VERBS = _phrases(
    """
    said|says|say|told|tells|added|adds|stated|states|wrote|writes|warned|warns|
    argued|argues|noted|notes|explained|explains|insisted|insists|declared|declares|
    remarked|replied|replies|asked|asks|urged|urges|continued|conceded|acknowledged|
    claimed|claims|announced|announces|posted|tweeted|recalled|admitted|stressed|
    emphasised|emphasized|suggested|predicted|promised|vowed|pledged|concluded|agreed|
    countered|responded|commented|observed|joked|described|reported
    """
)


# Last words of organisation names ("Harland Steel Group", "Refugee Council").
ORG_SUFFIXES = frozenset(
    _phrases(
        """
    Administration|AG|Agency|Airlines|Airways|Alliance|Army|Assembly|Association|
    Authority|Bank|Board|Brigade|Brigades|Bureau|Capital|Center|Centre|Chronicle|Club|
    Co|Co.|Coalition|College|Commission|Committee|Company|Corp|Corp.|Corporation|
    Corps|Council|Court|Department|Economics|Electric|Energy|Equities|Exchange|
    Federation|Force|Forces|Forum|Foundation|Front|Fund|Gazette|GmbH|Group|Guard|
    Herald|Holdings|Inc|Inc.|Industries|Initiative|Insider|Institute|Institution|
    Insurance|Investments|Journal|Laboratories|Labs|League|Legislature|LLC|Ltd|Ltd.|
    Magazine|Markets|Media|Metals|Mining|Ministry|Motor|Motors|Movement|Network|News|
    Observatory|Office|Organisation|Organization|Parliament|Partners|Party|Pharma|
    Pharmaceuticals|plc|PLC|Police|Post|Program|Programme|Project|Radio|Railways|
    Reserve|SA|School|Securities|Senate|Service|Services|Shelter|Society|Solutions|
    Steel|Systems|Technologies|Telecom|Telegraph|Television|Times|Tribunal|Tribune|
    Trust|TV|Union|University|Watch|Without Borders|Studio|Studios|Daily
    """
    )
)


# Last words of names that are not actors: places, events, laws, market indices, products.
NOT_ACTOR_ENDINGS = _words(
    """
    Accord Act Agreement Airport Avenue Award Awards Bay Bill Bridge Canal Championship
    Championships Coast Composite Conference Cup Desert Festival Games Gulf Index Island Islands
    Lake Marathon Max Mini Mountain Mountains Ocean Olympics Open Park Peninsula Plus Port Prize
    Pro Province Region River Road Sea Square Station Strait Street Summit Treaty Valley Day
    """
)


# Words that alone do not make an organisation name distinctive: institutional words,
# the bodies inside an organisation or a state ("the Governing Council", "Ukraine's Air
# Force"), weekdays and months.
GENERIC_WORDS = _words(
    """
    & Administration Advisory Affairs Agency Agriculture Air and April Armed Army Assembly
    August Authority Bank Board Border Cabinet Center Central Centre Chamber City Civil Coast
    Command Commerce Commission Committee Communications Constitutional Corps Council County
    Court Culture December Defence Defense Democratic Department Development Directorate
    Disaster District Division East Eastern Economy Education Emergency Energy Environment
    European Executive February Federal Finance Fleet for Force Forces Foreign Friday General
    Global Governing Government Group Guard Health High Home House Human Industry Information
    Institute Intelligence Interior International January Joint July June Justice Labor Labour
    Legislature Local Lower Main Management March May Military Ministry Monday Monetary
    Municipal National Naval Navy New North Northern November October of Office on Panel
    Parliament Party People's Planning Police Policy Protection Public Regional Republic
    Research Resources Royal Saturday Science Secretariat Security Select Senate September
    Service Social South Southern Special Staff Standing State Statistics Sunday Supervisory
    Supreme Technology the The Thursday Trade Transport Treasury Tuesday Union Unit United Upper
    Wednesday Welfare West Western World
    """
)


# Capitalised words that start sentences or headlines but are not names.
NOT_NAME = _words(
    """
    A About According Acting After All Also Although Among An Analysts And April As Asked At
    August Because Before Both But By Critics December Delegates Deputy Despite Diplomats Dr
    During Each Earlier Economists Environmental Even Every February First For Former Friday
    From Great He Health Her Here His How However I If In Investigators Investors It Its January
    July June Just Last Late Later Many March May Meanwhile Monday More Most Mr Mrs Ms My Next
    No Not November Now Observers October Officials On Once Only Or Our Over Police Prosecutors
    Researchers Residents Saturday Scientists Senior September Several Shares She Since Some
    Speaking Still Stocks Sunday Teachers That The Their Then There These They This Those Though
    Thursday Today Tomorrow Top Traders Tuesday Under We Wednesday What When Where Which While
    Who Why With Yesterday Yet You Your
    """
)


# Function words (determiners, pronouns, conjunctions, prepositions, sentence adverbs):
# capitalised at the start of a sentence they never begin a name ("Whatever the Commission").
FUNCTION_WORDS = _words(
    """
    a about above across after afterwards again against all almost along already also although
    always amid among an and another any anybody anyone anything anyway anywhere are around as
    at because before behind below beneath beside besides between beyond both but by can could
    despite did do does down during each either else elsewhere enough even ever every everybody
    everyone everything everywhere except few for from further furthermore had has have he hence
    her here hers herself him himself his how however i if in indeed inside instead into is it
    its itself just least less lest like many may maybe me meanwhile might mine more moreover
    most much must my myself near neither never nevertheless next no nobody none nonetheless nor
    not nothing now nowhere of off often on once only onto or other others otherwise our ours
    ourselves out outside over own per perhaps please rather same several shall she should since
    so some somebody someone something sometimes somewhat somewhere still such than that the
    their theirs them themselves then there thereafter therefore these they this those though
    through throughout thus to together too toward towards under unless unlike until up upon us
    very via was we well were what whatever when whenever where whereas wherever whether which
    whichever while who whoever whole whom whose why will with within without would yet you your
    yours yourself yourselves
    """
)


# Words before a capital that make it a place, not a metonym ("in Washington").
PLACE_PREPOSITIONS = _words(
    """
    across around arrived at based from in inside into left near of outside reached through
    throughout to toward towards via visit visited visiting within
    """
)


# Words that, between "<Name> of" and a state, keep the state an actor ("Government of
# Canada"); other words make one longer name ("Gulf of Mexico").
OF_GOVERNMENT = _words(
    """
    Ambassador Chancellor Commonwealth Embassy Emir Federation Foreign Government King Kingdom
    Leader Minister Ministry Parliament People President Prime Queen Republic Secretary State
    States Sultanate Union
    """
)


# Lower-case particles inside personal names ("Ursula von der Leyen").
NAME_PARTICLES = _words(
    """
    al bin da de del della den der di do dos du el ibn la le ter van von zu
    """
)


# Lower-case words inside organisation names ("Committee to Protect Journalists").
CONNECTORS = _words(
    """
    & and for of on the to
    """
)


# Lower-case nouns that, next to a capitalised word, declare it an organisation
# ("the GDL union", "weather agency AEMET").
ORG_NOUNS = _phrases(
    """
    agency|authority|institute|broadcaster|regulator|operator|union|party|company|firm|
    group|bank|newspaper|daily|outlet|channel|network|office|ministry|movement|
    alliance|coalition|association|lobby|consultancy
    """
)


# Acronyms that are not organisations.
NOT_ORGANISATION = _words(
    """
    AI AIDS CEO CFO CO2 COVID DNA EV EVs GDP HIV ID IPO IT LNG MP NGO NGOs OK PhD PM TV
    """
)


# Nouns for an organisation that speaks ("...," the company said).
SPEAKING_BODIES = _words(
    """
    company firm group bank agency ministry organisation organization court government union
    party club team
    """
)


# Weekdays and months: a name never ends with one ("Blossom Music Center on July").
DATE_WORDS = _words(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December
    """
)


# First words of place names: a name starting with one is not a person.
PLACE_NAME_STARTS = _words(
    "St St. Saint Sainte San Santa Fort Mount Mt. Lake Port Cape Los Las Puerto"
)
