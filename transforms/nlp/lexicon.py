"""Word lists of the NLP, in one place: data apart from the rules that read them.

Every list says what the rules take its words to mean.  Lists that look alike but are
read differently are kept apart on purpose (for example :data:`ROLE_NOUNS`, the heads of
descriptions that refer back to a person, and :data:`ROLE_NOUNS_BEFORE_NAMES`, the
lower-case words that introduce a name the model missed), because merging them changes
what the rules decide.  Words are lower case unless a list says otherwise; lists of
single words compare case-folded words without dots.

Sections: titles and honorifics; parts of names; people by role; organisations;
speech; pronouns; calendar.  Currency and number words stay next to their regular
expressions in ``transforms.nlp.amounts``; place names come from the gazetteer
(``transforms.nlp.places``).
"""
from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ---------------------------------------------------------------------------------------
# Titles and honorifics
# ---------------------------------------------------------------------------------------

# Courtesy titles: always a person's, so a span right after one is that person's name
# ("Mr Putin"), whatever label the model gave it.
COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame",
                             "lord", "lady"})
# Honorifics that tell a person's gender ("Mr X", "Baroness Y"), for *he*/*she*.
HONORIFIC_GENDER = {
    "mr": "m", "mister": "m", "sir": "m", "lord": "m", "baron": "m", "king": "m",
    "prince": "m", "duke": "m", "earl": "m", "monsieur": "m", "herr": "m", "señor": "m",
    "mrs": "f", "ms": "f", "miss": "f", "lady": "f", "dame": "f", "baroness": "f",
    "queen": "f", "princess": "f", "duchess": "f", "countess": "f", "madam": "f",
    "madame": "f", "mme": "f", "frau": "f", "señora": "f",
}
# Honorifics that mark a person without telling the gender ("Dr Houck explained").
NEUTRAL_HONORIFICS = _words("""
    dr prof professor rev reverend fr cllr councillor judge gen general col colonel capt
    captain sgt sergeant insp inspector det supt cdr commander adm admiral rabbi imam
    sheikh archbishop bishop cardinal
""")
# Words that, before a name, are a title rather than part of the name.  Multi-word
# titles ("Prime Minister", "Secretary of State", "Admiral Sir") are runs of these words,
# with "of"/"for" + a capitalised word allowed inside a run ("Minister for Europe").
TITLE_WORDS = _words("""
    mr mrs ms miss mx dr prof professor sir dame lord lady baroness baron earl duke duchess
    count countess prince princess king queen pope emperor empress sheikh ayatollah imam
    rabbi rev reverend father fr bishop archbishop cardinal president vice deputy prime
    minister premier chancellor secretary foreign home defence defense health education
    culture trade industry business transport justice environment treasury shadow state
    attorney general gen admiral adm col colonel maj major capt captain lt lieutenant sgt
    sergeant cpl corporal commander cdr brigadier marshal field rear officer inspector
    detective det constable superintendent supt commissioner chief executive ceo chairman
    chairwoman chair director senator sen rep representative congressman congresswoman gov
    governor mayor councillor cllr judge mp mep ambassador envoy
    spokesman spokeswoman spokesperson broadcaster presenter actor actress singer star
    model coach manager boss striker midfielder defender goalkeeper keeper skipper centre
    winger flanker scrum-half fly-half full-back author writer novelist producer economist
    analyst comedian rapper chef dj veteran former ex late tory leader bookmaker sprinter
    runner hurdler athlete cyclist swimmer boxer golfer jockey player champion seed seeds
    rookie teenager newcomer
""")
# Connectors inside a multi-word title before a name ("Secretary of State X").
TITLE_CONNECTORS = frozenset({"of", "for"})
# Connectors between the words of a title a quote speaker's name follows ("director of
# rugby X", "Marks and Spencer chairman Y").
TITLE_LINK_WORDS = frozenset({"of", "for", "and", "&"})
# Letters after a name that the model sometimes takes for an organisation ("Guy Mansfield QC").
POST_NOMINALS = _words("qc kc mp mep msp am obe mbe cbe frs phd jr sr")
# Nationalities the model runs into a name ("Kenyan Bernard Lagat"); stripped only when a
# full name remains, because some are also first names ("German Gref").
NATIONALITY_WORDS = _words("""
    us uk eu un
    american british briton english englishman scottish scot scotsman welsh welshman irish
    irishman french frenchman german italian spanish spaniard portuguese dutch dutchman
    belgian swiss austrian swede swedish norwegian dane danish finn finnish icelandic pole
    polish czech slovak hungarian romanian bulgarian greek turk turkish croatian serbian
    slovenian ukrainian russian georgian belarusian latvian estonian lithuanian kazakh uzbek
    chinese japanese korean indian pakistani afghan thai vietnamese indonesian filipino
    malaysian singaporean australian kiwi canadian mexican cuban jamaican brazilian argentine
    argentinian chilean colombian peruvian venezuelan uruguayan paraguayan ecuadorian
    bolivian kenyan ethiopian nigerian ghanaian egyptian moroccan algerian tunisian libyan
    zimbabwean ugandan tanzanian cameroonian senegalese ivorian israeli palestinian iranian
    iraqi saudi syrian lebanese jordanian
""")

# ---------------------------------------------------------------------------------------
# Parts of names
# ---------------------------------------------------------------------------------------

# Lower-case words that belong inside names ("Ludwig van Beethoven", "Charles de Gaulle").
NAME_PARTICLES = _words("van von der den de del della di da dos das du la le al el bin ibn ben ter ten y st")
# Common English short forms of first names and the full names they stand for, case-folded:
# one person written "Josh Apte" and "Joshua Apte" in one article.  Only short forms that
# stand for men's or women's names alike are left out ("Sam", "Alex", "Chris", "Jo").
FIRST_NAME_SHORT_FORMS = {
    short: frozenset(full.split()) for short, full in {
        "josh": "joshua", "matt": "matthew", "mike": "michael", "mick": "michael",
        "nick": "nicholas nicolas", "tom": "thomas", "tommy": "thomas", "jim": "james",
        "jimmy": "james", "bob": "robert", "rob": "robert", "bobby": "robert",
        "bill": "william", "will": "william", "billy": "william", "dave": "david",
        "steve": "steven stephen", "tony": "anthony antony", "ben": "benjamin",
        "dan": "daniel", "danny": "daniel", "joe": "joseph", "andy": "andrew",
        "drew": "andrew", "ed": "edward", "eddie": "edward", "ted": "edward", "fred": "frederick",
        "greg": "gregory", "jeff": "jeffrey", "jon": "jonathan", "ken": "kenneth", "larry": "lawrence",
        "pete": "peter", "phil": "philip phillip", "ron": "ronald", "stan": "stanley",
        "tim": "timothy", "zach": "zachary", "zack": "zachary", "jake": "jacob",
        "liz": "elizabeth", "beth": "elizabeth", "kate": "katherine catherine kathryn",
        "katie": "katherine catherine kathryn", "cathy": "catherine", "jenny": "jennifer",
        "jen": "jennifer", "becky": "rebecca", "sue": "susan", "debbie": "deborah",
        "meg": "margaret", "maggie": "margaret", "peggy": "margaret", "pam": "pamela",
        "vicky": "victoria", "mandy": "amanda", "abby": "abigail",
    }.items()
}
# Generational suffixes after a surname ("Martin Luther King Jr").
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Names whose final 's is part of the name, not a possessive (as written).
POSSESSIVE_NAMES = (
    "McDonald's", "Sainsbury's", "Moody's", "Standard & Poor's", "Standard and Poor's",
    "Macy's", "Wendy's", "Kellogg's", "Lloyd's", "Christie's", "Sotheby's", "Domino's",
    "Denny's", "Hardee's", "Dillard's", "Kohl's", "Lowe's", "Claire's", "Barclay's",
    "Land's End", "Waterstone's", "Boots", "Harrod's", "St John's", "St Mary's",
    "St Thomas's", "St George's", "St James's", "St Andrew's", "St Helen's", "St Kitts",
)

# ---------------------------------------------------------------------------------------
# People by role
# ---------------------------------------------------------------------------------------

# Words that may head a description of a person's office; a definite description with
# one of these heads may refer back to the person the article is talking about.
OFFICE_NOUNS = _words("""
    president leader premier minister secretary chancellor mp mep senator congressman
    congresswoman governor mayor chairman chairwoman chair chief executive boss director
    head ambassador envoy commander general admiral king queen prince princess pope judge
    prosecutor lawyer attorney manager coach founder professor candidate peer lord
    baroness politician campaigner economist analyst author actor actress singer star
    player captain officer commissioner deputy veteran businessman businesswoman
    entrepreneur investor billionaire tycoon owner doctor scientist researcher expert
    editor co-chairman secretary-general
""")
# Other words for people by what they do: with the office nouns, the heads of descriptions
# such as "the defender told The Guardian" that refer back to the person being discussed.
ROLE_NOUNS = OFFICE_NOUNS | _words("""
    defender striker midfielder goalkeeper keeper forward winger skipper champion winner
    runner-up athlete runner swimmer golfer boxer batsman bowler jockey trainer rider
    driver cyclist producer writer novelist artist musician rapper comedian presenter host
    chef designer pilot teenager student pupil teacher victim suspect defendant
    singer-songwriter star veteran retiree pensioner graduate officer engineer inventor
    developer ceo cfo coo cto
""")
# Nouns that describe only a person in apposition ("Nielsen, a former security official
# who ..."): offices and roles no company or club holds (unlike "leader", "owner",
# "developer", "winner"), and words for relatives.  A name described so is a person in all
# its mentions (entity_labels.persons_by_description).
PERSON_APPOSITION_NOUNS = _words("""
    senator congressman congresswoman governor mayor minister ambassador envoy judge lawyer
    attorney professor politician actor actress singer official staffer aide adviser advisor
    nominee lawmaker legislator spokesman spokeswoman daughter son wife husband mother father
    brother sister widow widower
""")
# Endings that make a noun a word for a person by role ("economist", "spokesman"), and
# nouns with those endings that are not.
ROLE_SUFFIXES = ("ist", "man", "woman")
NOT_ROLE_WORDS = frozenset({"list", "human"})
# Lower-case nouns that introduce a person's name in apposition ("chief executive X",
# "presenter X", "local resident X").  Adjectives ("former", "shadow") are left out:
# "former Labour Party" is no person.
ROLE_NOUNS_BEFORE_NAMES = _words("""
    executive chairman chairwoman chair president director boss chief head founder owner
    manager coach captain secretary minister spokesman spokeswoman spokesperson leader
    editor presenter host dj broadcaster journalist reporter correspondent columnist critic
    commentator pundit organiser organizer resident campaigner activist protester lawyer
    solicitor barrister attorney judge prosecutor economist analyst strategist trader
    banker investor entrepreneur businessman businesswoman professor lecturer researcher
    scientist expert historian doctor surgeon nurse teacher student pupil officer
    inspector detective constable sergeant commander general colonel ambassador diplomat
    senator congressman congresswoman governor mayor councillor mp mep actor actress
    singer songwriter rapper guitarist drummer bassist frontman musician composer producer
    writer author novelist poet playwright comedian designer artist photographer
    chef model star striker midfielder defender goalkeeper winger forward skipper player
    jockey trainer driver rider golfer boxer sprinter athlete cyclist swimmer champion
    referee umpire veteran fan colleague friend deputy vice-president
    vice-chairman co-founder center defenseman defenceman goalie goaltender quarterback
    pitcher catcher shortstop linebacker receiver outfielder infielder teammate
""")
# Family nouns before a first name ("his wife, Kimberly,", "my son Tom").
FAMILY_NOUNS = _words("""
    wife husband son daughter mother father brother sister partner fiancee fiancée girlfriend
    boyfriend widow widower grandson granddaughter grandmother grandfather niece nephew cousin
""")
# Role nouns written in capitals (as written).
UPPER_CASE_ROLES = frozenset({"DJ", "MP", "MEP", "CEO", "MSP", "AM"})
# Nouns that name people in general; they never refer back to a particular named person.
GENERIC_PERSON_NOUNS = _words("man woman person people someone child boy girl guy member one")
# Groups of people named by what they are, not by a name ("Staff said", "Management
# told"), even when capitalised and tagged as proper nouns.
COLLECTIVE_NOUNS = _words("staff management workforce crew family public audience everyone nobody somebody")
# Unnamed sources: "a spokesman", "the prime minister's official spokesman", "officials"
# are people the article does not name, so they never refer back to a named person.
UNNAMED_SOURCE_NOUNS = _words("""
    spokesman spokeswoman spokesperson official source aide insider adviser advisor
    correspondent reporter witness resident observer diplomat people person someone
    colleague friend ally critic
""")
# Nouns for a woman or a man (besides the -woman/-man words), for *he*/*she*.
FEMALE_NOUNS = _words("queen princess mother actress baroness lady")
MALE_NOUNS = _words("king prince father lord")
# Description heads and the titles that fulfil them ("the Russian leader" = its president).
ROLE_EQUIVALENTS = {
    "leader": frozenset({"leader", "president", "premier", "prime minister"}),
    "premier": frozenset({"premier", "prime minister"}),
    "pm": frozenset({"prime minister", "premier"}),
    "spokesman": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "spokeswoman": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "spokesperson": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "boss": frozenset({"boss", "chief", "chief executive", "head"}),
    "chief": frozenset({"chief", "chief executive", "boss", "head"}),
    "chairman": frozenset({"chairman", "chairwoman", "chair"}),
    "chairwoman": frozenset({"chairman", "chairwoman", "chair"}),
}
# Offices of two words, recognised inside a title ("Foreign Secretary X").
TWO_WORD_OFFICES = ("prime minister", "chief executive", "foreign secretary", "home secretary")
# Modifiers that make a different office: "the shadow chancellor" is not "the chancellor".
DISTINGUISHING_MODIFIERS = _words("shadow former deputy vice junior acting interim assistant ex")
# Modifiers that describe the holder rather than the office ("the new home secretary").
INCIDENTAL_MODIFIERS = _words("""
    new current outgoing incoming then embattled beleaguered veteran influential powerful
    controversial popular newly long-serving serving
""")
# Place or party qualifiers that name the same thing in different forms.
QUALIFIER_ALIASES = (
    frozenset({"us", "u.s.", "usa", "america", "american", "united states", "washington"}),
    frozenset({"uk", "u.k.", "britain", "british", "united kingdom", "london"}),
    frozenset({"tory", "tories", "conservative", "conservatives"}),
    frozenset({"lib dem", "lib dems", "liberal democrat", "liberal democrats"}),
    frozenset({"france", "french", "paris"}),
    frozenset({"russia", "russian", "moscow", "kremlin"}),
    frozenset({"china", "chinese", "beijing"}),
    frozenset({"germany", "german", "berlin"}),
)

# ---------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------

# Words heading a description of an organisation ("the ministry", "the company").
ORG_NOUNS = _words("""
    ministry department government party company firm group bank agency council committee
    commission union office court police army military association organisation
    organization charity club airline carrier retailer regulator board authority service
    institute foundation federation alliance league network broadcaster newspaper website
    insurer lender maker manufacturer giant watchdog campaign team embassy kremlin
    administration cabinet parliament label promoter publisher studio carmaker automaker
    startup operator contractor subcontractor supplier builder distributor wholesaler exporter
    importer
""")
# Organisation descriptions that, unmatched by name, refer back to the organisation the
# article is talking about ("the company said" after "Time Warner reported").
ANAPHORIC_ORG_NOUNS = _words("""
    company firm group bank airline carrier retailer insurer lender maker manufacturer
    giant club broadcaster charity team label promoter publisher studio carmaker automaker
    operator
""")
# Words that make a capitalised run an organisation or a thing, not a person's name.
ORGANISATION_WORDS = _words("""
    party bank group council association club union league company corporation trust
    board committee commission agency authority service services ministry department
    office institute university college school hospital police army church society
    foundation fund partners capital holdings industries records radio tv television news
    times post herald telegraph journal magazine festival awards cup championship united
    city rovers athletic county airlines airways motors energy international academy
    award awards prize trophy games olympics congress parliament assembly court house
    street road square park stadium hall centre center show programme film album world
    digital online liberal democrat democrats labour conservative tory republican
""")
# Legal forms after a company name ("Acme plc", "Acme Inc").
ORG_LEGAL_SUFFIXES = _words("plc inc ltd llc limited corp co ag sa nv gmbh se spa bv llp lp")
# Words skipped when forming an organisation's initials ("Ministry of Defence" -> MD/MoD).
ORG_FUNCTION_WORDS = frozenset({"of", "for", "and", "the", "on", "in", "to", "at", "de", "&"})
# First words too common to stand for one organisation on their own ("National" next to
# "National Grid", "British" next to "British Airways").
GENERIC_ORG_WORDS = _words("""
    national international british royal united american european general federal first
    new great central global world standard associated allied universal continental
    northern southern eastern western north south east west city county state public
    bank house home office
""")
# Words that make a company name out of the word before them: "Cairn Energy" is called
# "Cairn", but "Apple Mac" (a product), "Tube Lines" or "House of Lords" are not their
# first word.
ORG_DESIGNATOR_WORDS = _words("""
    energy oil gas petroleum resources mining minerals metals steel chemicals capital partners
    holdings holding group bank banking financial finance insurance assurance investments
    investment securities asset management trust fund ventures airways airlines aviation
    motors motor automotive pharmaceuticals pharma biotech healthcare telecom telecoms
    telecommunications communications networks media entertainment pictures studios records
    publishing systems technologies technology software electronics industries enterprises
    corporation company brands foods stores retail services solutions laboratories labs
    shipping logistics properties estates utilities power international worldwide global
""")

# ---------------------------------------------------------------------------------------
# Speech
# ---------------------------------------------------------------------------------------

# Lemmas of verbs that report speech: the cue of a quotation.
SPEECH_VERBS = _words("""
    say tell add warn reply continue insist argue explain stress claim ask write state
    declare note admit acknowledge announce comment respond conclude recall urge remark
    observe confirm deny predict suggest emphasise emphasize maintain allege accuse
    complain concede agree repeat vow promise boast joke quip tweet describe reveal report
    caution plead demand retort counter protest assert affirm mutter shout cry exclaim
    answer whisper recount testify threaten call dub brand label term speak pledge hail
    forecast press
""")
# The phrasal cue "He went on: ...", by its lemma and particle.
GO_ON = "go on"
# Cues that only report speech when they frame a quotation ("he continued: ..."), not
# when a partial quotation merely depends on them ("if Western countries continue with
# what he calls "unfriendly" actions").
FRAME_ONLY_SPEECH_VERBS = _words("continue add answer counter repeat agree note state report ask cry press") | {GO_ON}
# Cues that label rather than introduce: a quotation right after them is embedded.
LABELLING_VERBS = _words("call dub brand label term describe accuse threaten")
# Cues that report words about the future (a forecast, a promise): a lower-case quotation
# right after one is its object ('vowed "to fight on"').
PROSPECTIVE_VERBS = _words("predict forecast promise pledge vow")
# Verbs whose subject is, in news text, a person rather than a company: reporting
# speech and thinking ("said Campbell", "Nair explained").
PERSON_SUBJECT_VERBS = _words("""
    say tell add explain insist argue claim admit concede accept stress reply answer ask
    write speak joke laugh recall describe suggest signal warn urge hint complain confess
    think believe feel hope want wish fear know reckon wonder doubt expect
""")
# Verbs of questioning someone ("Quayle asked Pollard", "Vance pressed him") and nouns of an
# interview ("in an interview with X"): they pair an asker with the one answering, for
# interviews written up as alternating turns (quotes.exchanges).
ASKING_VERBS = _words("ask press question quiz grill interview")
INTERVIEW_NOUNS = _words("interview")
# Verbs that give a text's words ("the statement read", "it read"): cues only when a text
# (COMMUNICATION_NOUNS) or *it* is their subject, not when a person reads something.
TEXT_VERBS = _words("read")
# Things that carry an author's or organisation's words ("said an FA statement").
COMMUNICATION_NOUNS = _words("""
    statement letter report release message note post tweet website blog email pitch
    announcement filing document memo column advert
""")

# ---------------------------------------------------------------------------------------
# Pronouns
# ---------------------------------------------------------------------------------------

PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
# Pronouns that refer to an organisation or a group.
GROUP_PRONOUNS = frozenset({"it", "its", "they", "their"})

# ---------------------------------------------------------------------------------------
# Calendar and prepositions
# ---------------------------------------------------------------------------------------

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
# Abbreviations beyond the first three letters of a month.
EXTRA_MONTH_ABBREVIATIONS = {"sept": 9}
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_ABBREVIATIONS = _words("mon tue tues wed thu thur thurs fri sat sun")
# "in May", "on Sunday": never places, whatever the gazetteer holds.
CALENDAR_WORDS = frozenset(MONTH_NAMES) | frozenset(WEEKDAY_NAMES)
# Holidays on a fixed day: (month, day).
FIXED_HOLIDAYS = {"new year's day": (1, 1), "valentine's day": (2, 14), "halloween": (10, 31),
                  "christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25),
                  "boxing day": (12, 26), "new year's eve": (12, 31)}
# Auxiliaries of the future tense ("wo" as in "won't").
FUTURE_AUXILIARIES = frozenset({"will", "shall", "'ll", "wo"})
# Prepositions after which a known place is a place ("in Cardiff"); "at Google", "at
# Chelsea" name firms and clubs, so *at* is not one.
LOCATIVE_PREPOSITIONS = frozenset({"in", "from", "near"})

# ---------------------------------------------------------------------------------------
# Organisation names by their shape
# ---------------------------------------------------------------------------------------

# Last words that make a capitalised name an organisation's, whatever label the model gave
# it: kinds of company ("Acme Records", "Acme Productions", "Acme Water"), newspapers
# ("the Westport Gazette") and sports clubs ("Harbour Rovers", "Kingsbridge United").  A
# name that is a known place ("Kansas City") or stands in quotation marks (a title:
# "Hard Times") is left alone.
ORG_NAME_FINAL_WORDS = _words("""
    records productions studios pictures entertainment media publishing publishers group
    holdings industries motors airlines airways enterprises brothers bros foods partners
    capital ventures technologies systems laboratories labs pharmaceuticals insurance
    utilities water energy telecom telecoms communications networks
    inc ltd plc llc corp corporation company
    gazette courier times post herald telegraph journal tribune chronicle observer
    guardian mirror express examiner inquirer ledger bulletin sentinel dispatch echo news
    united rovers athletic wanderers albion rangers city fc afc harriers striders
""")
# Labels an editor puts before a paragraph ("UPDATE: ..."), which are no transcript speakers.
EDITORIAL_LABELS = _words("""
    update updated note editor's correction clarification warning breaking exclusive watch
    read more live video photos analysis opinion comment review source sources caption
""")
# First words that make a name an organisation's: a sports club's ("FC Porto") or an
# airline's ("Air Astana", "Air India"), as written.
ORG_NAME_FIRST_WORDS = frozenset({"FC", "AFC", "Air"})

# ---------------------------------------------------------------------------------------
# Organisations and teams named after what they are
# ---------------------------------------------------------------------------------------

# Lower-case nouns that say a capitalised name right after them is an organisation's
# ("research firm IDC", "the record label Big Machine", "the journal Nature Astronomy").
# Nouns that also name a person's job ("publisher", "developer", "producer") are left out:
# "publisher Rupert Hale" is a person.
ORG_DESCRIPTOR_NOUNS = _words("""
    company firm startup start-up airline carrier retailer insurer lender broadcaster
    newspaper tabloid magazine journal website outlet conglomerate manufacturer carmaker
    automaker chipmaker drugmaker maker studio label agency giant network consultancy
    chain brand daily weekly side regulator watchdog union distributor wholesaler exporter
    importer
""")
# Roles only a company has, written after its name ("Acme CEO Jane Doe", "Acme's co-founder",
# "Acme's shareholders"); a person's name before them is rare. Not "spokesman", "staff" or
# "chairman", which people and parties have too ("Blair's spokesman").
COMPANY_ROLE_WORDS = _words("""
    ceo cto cfo coo co-founder cofounder founder shareholders stockholders subsidiary
""")
# Last words that head an organisation's name: a run of capitalised words ending in one is
# an organisation whether the model tagged it or not ("London Metal Exchange", "Tequila
# Works", "Mid-American Conference").  Kinds of body and company only: words that also end
# names of places, buildings, events or works ("Office" of "Oval Office", "League",
# "Hospital", "Centre", "Union" of "Soviet Union") are left out.
ORG_HEAD_WORDS = _words("""
    exchange conference association foundation institute institution university college
    academy society federation council commission committee agency authority department
    ministry bureau administration police corps party coalition alliance fund trust bank
    group holdings industries corporation company inc corp ltd plc llc records productions
    studios pictures entertainment media publishing works labs laboratories airlines airways
    motors capital ventures partners technologies systems networks communications
    fc afc cf
""")
# Verbs of a sports result between two sides named around them ("X beat Y 2-1").
RESULT_VERBS = _words("""
    beat beats beating defeated defeats defeating edged edges thrashed thrash routed
    downed edging overcame stunned
""")
# Lower-case words inside a club's name between capitalised ones ("Estrela do Norte").
CLUB_NAME_PARTICLES = NAME_PARTICLES | frozenset({"do", "of"})
# Nouns of an organisation's written statement: "X said in a statement", "a statement from X".
STATEMENT_NOUNS = _words("statement release")
# Roles in a sports team: a team nickname right before one is a team's ("Wild coach X",
# "Sabres center Y").
SPORTS_ROLE_NOUNS = _words("""
    coach coaches center centre defenseman defencemen defenseman defenceman defender
    defenders goalie goaltender goalkeeper captain forward forwards winger quarterback
    pitcher catcher shortstop guard linebacker receiver rookie manager player players
    striker midfielder owner fans
""")
# Last words of an institution's name: a capitalised run ending in one, owned by a place or
# an organisation ("India's Supreme Court", "NASA's Science Mission Directorate"), is an
# organisation even when the model tagged nothing.
ORG_INSTITUTION_WORDS = _words("""
    court ministry department office council commission committee agency authority
    directorate administration service police army navy parliament assembly senate
    congress bank board institute university hospital
""")
# Last words of a newspaper's name: "the Argus Leader", "the North Otago Leader" untagged
# after "the" are newspapers.  ("Leader" only here: it closes no other kind of name after
# "the" and a proper noun.)
NEWSPAPER_FINAL_WORDS = _words("""
    gazette courier times post herald telegraph journal tribune chronicle observer guardian
    mirror express examiner inquirer ledger bulletin sentinel dispatch echo leader argus
    advertiser register
""")
# Nouns for a kind of place: a name in apposition with one is a place ("Contin, a village
# at the foot of the hill").
PLACE_NOUNS = _words("""
    village town city suburb hamlet county province state region island district
    municipality borough capital port
""")
# Compass words before "of" + a place ("a village south of Oamaru").
COMPASS_WORDS = _words("""
    north south east west northeast northwest southeast southwest north-east north-west
    south-east south-west
""")
