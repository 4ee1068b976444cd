"""Gazetteers of the NLP: curated lists of names, data apart from the rules that read them.

Like :mod:`transforms.nlp.lexicon` (word lists), this module holds no logic.  Each list is
general knowledge chosen by kind (news outlets, large companies, sports clubs and teams),
never names taken from an evaluation article.  Names that are also places ("Liverpool",
"Barcelona") or common words ("Time", "Nature", "Target") are left out of the name lists:
the model is right about them more often than a list would be.  The rules that read the
lists are in :mod:`transforms.nlp.entity_repairs` and :mod:`transforms.nlp.entity_rules`.
"""
from __future__ import annotations


def _lines(text: str) -> frozenset[str]:
    return frozenset(line.strip() for line in text.split("\n") if line.strip())


# Organisations the small English model often tags as a person, place or product, or misses:
# news outlets and agencies, scientific journals, platforms and large companies (technology,
# games, telecoms, film and music, finance, energy, pharmaceuticals, cars, retail, aerospace,
# airlines), space agencies, and football clubs of the top European leagues.  As written
# (case matters: "Apple" the company, not "apple").  One name a line.
KNOWN_ORGANISATIONS = _lines("""
Reuters
Associated Press
Agence France-Presse
AFP
Bloomberg
Bloomberg News
Dow Jones
CNN
CNBC
MSNBC
Fox News
NBC News
CBS News
ABC News
NPR
PBS
BBC
BBC News
Sky News
Sky Sports
ITV
Channel 4
Al Jazeera
Deutsche Welle
Euronews
The New York Times
New York Times
The Washington Post
Washington Post
The Wall Street Journal
Wall Street Journal
USA Today
Los Angeles Times
Chicago Tribune
The Boston Globe
Boston Globe
Politico
Axios
BuzzFeed
BuzzFeed News
HuffPost
Vice News
The Atlantic
The New Yorker
Newsweek
Forbes
Business Insider
The Economist
Financial Times
The Guardian
The Observer
The Times
The Sunday Times
The Daily Telegraph
The Telegraph
The Independent
Daily Mail
Mail Online
Daily Mirror
Daily Express
Evening Standard
The Scotsman
Der Spiegel
Le Monde
Le Figaro
El País
Corriere della Sera
Die Zeit
South China Morning Post
The Hindu
Times of India
Sydney Morning Herald
TechCrunch
The Verge
Variety
The Hollywood Reporter
Rolling Stone
The Lancet
Twitter
Facebook
Instagram
WhatsApp
YouTube
TikTok
Snapchat
LinkedIn
Reddit
Tumblr
Pinterest
Spotify
Netflix
Hulu
Disney
Amazon
Apple
Google
Alphabet
Microsoft
Uber
Lyft
Airbnb
Tesla
SpaceX
Samsung
Huawei
Alibaba
Tencent
Baidu
Sony
Nintendo
Intel
Nvidia
IBM
Oracle
Boeing
Airbus
Walmart
Starbucks
McDonald's
Coca-Cola
PepsiCo
Nike
Adidas
Volkswagen
Toyota
General Motors
BP
ExxonMobil
Goldman Sachs
JPMorgan
Morgan Stanley
HSBC
Barclays
Arsenal
Aston Villa
Crystal Palace
Leicester City
Manchester City
Manchester United
Newcastle United
Norwich City
Sheffield United
Tottenham Hotspur
Spurs
West Ham
West Ham United
Wolverhampton Wanderers
Wolves
Leeds United
Celtic
Rangers
Real Madrid
Atletico Madrid
Juventus
Inter Milan
AC Milan
Lazio
Bayern Munich
Borussia Dortmund
RB Leipzig
Paris Saint-Germain
PSG
Benfica
FC Porto
Sporting Lisbon
Ajax
PSV Eindhoven
TASS
Interfax
Kyodo News
Yonhap
Press Association
PA Media
NBC
CBS
Fox Business
HBO
ESPN
Yahoo
Yahoo News
Vox Media
ProPublica
The Hill
The Daily Beast
Breitbart
The Sun
Daily Star
Vanity Fair
Billboard
Entertainment Weekly
TMZ
Wired
Ars Technica
Engadget
Gizmodo
Mashable
CNET
Bloomberg Businessweek
Nature Astronomy
Nature Communications
Nature Climate Change
Nature Medicine
Nature Geoscience
Science Advances
New England Journal of Medicine
JAMA
PLOS One
Proceedings of the National Academy of Sciences
PayPal
eBay
Salesforce
Adobe
Cisco
Qualcomm
Lenovo
Xiaomi
ByteDance
Foxconn
TSMC
Twitch
Dropbox
OpenAI
DeepMind
Palantir
Activision Blizzard
Electronic Arts
Ubisoft
Take-Two Interactive
Rockstar Games
Epic Games
Sega
Square Enix
Capcom
AT&T
Verizon
T-Mobile
Comcast
Vodafone
Deutsche Telekom
Telefonica
Warner Bros
Universal Pictures
Paramount Pictures
Sony Pictures
Lionsgate
Pixar
Marvel Studios
Lucasfilm
DreamWorks
Universal Music Group
Sony Music
Warner Music Group
Live Nation
Ticketmaster
Citigroup
Wells Fargo
Bank of America
BlackRock
Berkshire Hathaway
Mastercard
American Express
Deutsche Bank
Credit Suisse
Lloyds Banking Group
NatWest
Royal Dutch Shell
Chevron
Saudi Aramco
Aramco
Gazprom
Rosneft
Pfizer
Moderna
Johnson & Johnson
AstraZeneca
GlaxoSmithKline
Novartis
Bayer
Ford Motor
Nissan
Mercedes-Benz
Daimler
Fiat Chrysler
Renault
Peugeot
Hyundai
FedEx
Costco
Home Depot
Walgreens
Tesco
Unilever
Nestle
Nestlé
Procter & Gamble
Lockheed Martin
Northrop Grumman
Raytheon
General Electric
Siemens
Blue Origin
Virgin Galactic
Virgin Atlantic
Ryanair
EasyJet
easyJet
Lufthansa
Delta Air Lines
United Airlines
American Airlines
Southwest Airlines
British Airways
Qantas
Aeroflot
Roscosmos
European Space Agency
""")

# More organisations by kind (issue 11, round 3), each list general knowledge of its kind,
# joined into KNOWN_ORGANISATIONS below.  National parliaments, often untagged or tagged as
# places by the model:
PARLIAMENTS = _lines("""
Bundestag
Bundesrat
Knesset
Riigikogu
Saeima
Seimas
Eduskunta
Storting
Stortinget
Riksdag
Folketing
Althing
Sejm
State Duma
Verkhovna Rada
Lok Sabha
Rajya Sabha
Dáil
Dáil Éireann
Seanad
Oireachtas
Cortes Generales
Bundesversammlung
Nationalrat
Tweede Kamer
Sabor
Majlis
Jatiya Sangsad
National People's Congress
Legislative Yuan
Hellenic Parliament
Grand National Assembly
Folkestinget
""")
# Public broadcasters and national news agencies of the world:
BROADCASTERS_AND_AGENCIES = _lines("""
Kan
NHK
KBS
MBC
SBS
ARD
ZDF
RAI
RTÉ
RTE
SVT
NRK
YLE
Yle
ERR
LRT
ORF
SRF
RTBF
VRT
NOS
France Télévisions
Radio France
RFI
France 24
RTVE
RTP
ERT
TRT
CBC
Radio-Canada
TVNZ
RNZ
Doordarshan
All India Radio
CCTV
CGTN
Xinhua
KCNA
RIA Novosti
Interfax
ANSA
EFE
DPA
dpa
PTI
Press Trust of India
IANS
Anadolu
Anadolu Agency
IRNA
Bernama
Antara
Kyodo News
Jiji Press
Yonhap News Agency
Ukrinform
""")
# Trade press, television networks and streaming services of film, music and television:
ENTERTAINMENT_OUTLETS = _lines("""
Deadline
The Wrap
TheWrap
IndieWire
Vulture
Pitchfork
Entertainment Weekly
Screen Daily
Page Six
FX
AMC
Showtime
Starz
TNT
TBS
MTV
VH1
BET
Telemundo
Univision
Nickelodeon
Comedy Central
Cartoon Network
The CW
Paramount+
Disney+
Apple TV+
HBO Max
Amazon Prime Video
""")
# Science and technology news sites and magazines:
SCIENCE_OUTLETS = _lines("""
Live Science
Space.com
ScienceAlert
Futurism
Phys.org
New Scientist
Scientific American
Ars Technica
Engadget
Gizmodo
Mashable
National Geographic
""")
# Pollsters, market researchers, rating agencies and data providers cited as sources:
DATA_PROVIDERS = _lines("""
Statista
Gallup
Nielsen
Pew Research Center
YouGov
Ipsos
Morning Consult
Kantar
Refinitiv
FactSet
Moody's
Fitch Ratings
Standard & Poor's
S&P Global
IHS Markit
Gartner
Forrester
Comscore
comScore
""")
# College athletic conferences and governing bodies of US college sport:
ATHLETIC_CONFERENCES = _lines("""
NCAA
Big Ten
Big 12
Big East
Big Sky
Pac-12
Southeastern Conference
Atlantic Coast Conference
Mid-American Conference
Mountain West
Sun Belt
Conference USA
American Athletic Conference
Ivy League
""")
KNOWN_ORGANISATIONS = KNOWN_ORGANISATIONS | PARLIAMENTS | BROADCASTERS_AND_AGENCIES | ENTERTAINMENT_OUTLETS \
    | SCIENCE_OUTLETS | DATA_PROVIDERS | ATHLETIC_CONFERENCES

# Nicknames of the clubs of the North American major leagues (NHL, NBA, NFL, MLB), as
# written.  Many are also common words or peoples ("Wild", "Heat", "Senators", "Indians"),
# so a nickname is read as a team only with a sign of sport in the article
# (:mod:`transforms.nlp.entity_teams`).
TEAM_NICKNAMES = _lines("""
Ducks
Coyotes
Bruins
Sabres
Flames
Hurricanes
Blackhawks
Avalanche
Blue Jackets
Stars
Red Wings
Oilers
Panthers
Kings
Wild
Canadiens
Predators
Devils
Islanders
Rangers
Senators
Flyers
Penguins
Sharks
Kraken
Blues
Lightning
Maple Leafs
Canucks
Golden Knights
Capitals
Jets
Hawks
Celtics
Nets
Hornets
Bulls
Cavaliers
Mavericks
Nuggets
Pistons
Warriors
Rockets
Pacers
Clippers
Lakers
Grizzlies
Heat
Bucks
Timberwolves
Pelicans
Knicks
Thunder
Magic
76ers
Suns
Trail Blazers
Spurs
Raptors
Jazz
Wizards
Cardinals
Falcons
Ravens
Bills
Bears
Bengals
Browns
Cowboys
Broncos
Lions
Packers
Texans
Colts
Jaguars
Chiefs
Raiders
Chargers
Rams
Dolphins
Vikings
Patriots
Saints
Giants
Eagles
Steelers
49ers
Seahawks
Buccaneers
Titans
Commanders
Redskins
Diamondbacks
Braves
Orioles
Red Sox
Cubs
White Sox
Reds
Indians
Guardians
Rockies
Tigers
Astros
Royals
Angels
Dodgers
Marlins
Brewers
Twins
Mets
Yankees
Athletics
Phillies
Pirates
Padres
Mariners
Rays
Blue Jays
Nationals
""")
