"""Write the course dataset: data/{train,validation,test}.jsonl.

Customer feedback about a shopping & rewards app. Sentences are composed from hand-written phrase
banks (below): a topic-specific *context* clause, a *core* clause that carries the topic and the
sentiment, an optional *closer*, or a hand-written *standalone* sentence. Slots such as {STORE} are
filled from entity lists and become character spans. A light "casual writing" pass adds
lower-casing, dropped punctuation, common misspellings and chat abbreviations to some texts (never
inside an entity).

The data is built to measure generalisation, not memory:
* every phrase (context, core, concession, closer, standalone text) belongs to one side, train or
  evaluation (validation + test), so evaluation texts are new sentences, not new fillings of
  training sentences; an evaluation candidate that is contained in a training text or shares an
  8-token sequence with one is rejected;
* entity strings are partitioned too: each closed list (stores, brands, cities, street names,
  people, holidays, weekdays, relative dates, products) is cut into a training part and an
  evaluation-only part; evaluation texts draw an evaluation-only string with probability
  `P_UNSEEN`. Amounts of money and calendar dates are composed at random, so most are new anyway;
* slot fillers are typed: products belong to categories (kitchen appliances, footwear, groceries,
  ...) with their own makers and price ranges, and a phrase that names a property ("dishwasher
  safe", "the zipper") is tagged with the categories it fits;
* DATE values never start with a preposition ("on {DAY}" keeps "on" outside the span).
Candidates that are exact or near duplicates (token Jaccard >= 0.55) of an accepted text are
rejected. Each topic x sentiment cell gets the same number of texts; evaluation cells are cut in
half at random into validation and test.

Deterministic: `python data/make_dataset.py [--out DIR]` always writes the same bytes (seeded RNGs
only; no dependence on PYTHONHASHSEED).
"""
from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

SEED = 13
PER_CELL = {"train": 48, "eval": 12}  # texts per (topic, sentiment) cell; eval = validation + test
NEAR_DUP = 0.55         # reject a candidate whose token-set Jaccard with an accepted text is >= this
P_UNSEEN = 0.5          # chance that an evaluation slot takes an evaluation-only entity string
EVAL_SHARE = 0.3        # share of each phrase list that belongs to the evaluation side
NGRAM = 8               # evaluation texts share no NGRAM-token sequence with a training text
OUT = Path(__file__).resolve().parent


def items(s: str) -> list[str]:
    return [v.strip() for v in s.replace("\n", "|").split("|") if v.strip()]


# --------------------------------------------------------------------------------------------------
# Products, by category: price range (for {MONEY} in a text about the product) and items, each with
# the makers that sell it ("item: Maker, Maker"). Guidelines (README.md): PRODUCT = the item, BRAND =
# the maker; "Dyson vacuum cleaner" is BRAND "Dyson" + PRODUCT "vacuum cleaner".
# --------------------------------------------------------------------------------------------------
CATEGORIES = {
"kitchen": ((15, 450), """air fryer: Ninja, Philips, Cosori, Instant|coffee maker: Keurig, Cuisinart, Smeg|blender: KitchenAid, Ninja, Vitamix, NutriBullet
    |rice cooker: Zojirushi, Aroma|kettle: Smeg, Breville, Russell Hobbs|toaster: Smeg, Breville, Dualit
    |espresso machine: Breville, De'Longhi, Gaggia|slow cooker: Crock-Pot, Cuisinart|stand mixer: KitchenAid, Kenwood
    |food processor: Cuisinart, Magimix|waffle maker: Dash|juicer: Breville, Hurom|pressure cooker: Instant, Ninja
    |milk frother: Nespresso|toaster oven: Breville, Cuisinart|microwave: Panasonic, Sharp|bread maker: Panasonic
    |sandwich maker: Russell Hobbs|ice cream maker: Cuisinart"""),
"cookware": ((8, 180), """frying pan: Tefal, HexClad|knife set: Victorinox, Wüsthof, Zwilling|saucepan set: Tefal, Circulon
    |dutch oven: Le Creuset, Staub, Lodge|cast iron skillet: Lodge|cutting board|baking tray|mixing bowls: Pyrex
    |food storage containers: Pyrex, Sistema|salad spinner: OXO|dinner plates: Corelle|wok: Tefal|roasting pan"""),
"drinkware": ((6, 60), """travel mug: Contigo, Stanley|water bottle: Hydro Flask, Nalgene, Stanley|thermos flask: Stanley
    |tumbler: Yeti, Stanley|French press: Bodum|sports bottle: CamelBak|teapot: Bodum"""),
"electronics": ((40, 1500), """4K TV: Samsung, LG, Sony, TCL, Hisense|wireless earbuds: Sony, Jabra, Samsung, Beats
    |noise cancelling headphones: Sony, Bose, Sennheiser|bluetooth speaker: Bose, JBL, Sonos, Ultimate Ears
    |smartwatch: Garmin, Fitbit, Samsung, Amazfit|monitor: LG, Dell, BenQ, Asus|tablet: Samsung, Lenovo
    |e-reader: Kobo, PocketBook|wifi router: Netgear, TP-Link, Asus|webcam: Logitech, Razer|laptop: Lenovo, HP, Dell, Asus, Acer
    |printer: HP, Canon, Epson, Brother|soundbar: Sonos, Samsung, Bose|gaming console|portable projector: Anker, Epson
    |dashcam: Garmin, Nextbase|smart doorbell: Ring, Eufy|digital camera: Canon, Nikon, Fujifilm|drone: DJI
    |fitness tracker: Fitbit, Garmin, Xiaomi|mechanical keyboard: Razer, Logitech, Keychron|external hard drive: Seagate"""),
"accessory": ((6, 90), """HDMI cable: Belkin|USB-C charger: Anker, Belkin|phone charger: Anker, Belkin, Samsung|power bank: Anker, Belkin
    |wireless mouse: Logitech, Razer|phone case: OtterBox, Spigen|laptop stand|memory card: SanDisk, Kingston
    |screen protector: Spigen, Belkin|smart plug: TP-Link|car phone mount|printer ink: HP, Canon, Epson|USB hub: Anker"""),
"appliance": ((25, 800), """vacuum cleaner: Dyson, Shark, Miele, Hoover|robot vacuum: iRobot, Roborock, Eufy
    |space heater: De'Longhi|ceiling fan|air purifier: Dyson, Levoit, Blueair|dehumidifier: Frigidaire, Midea
    |humidifier: Levoit|steam iron: Philips, Rowenta, Tefal|pedestal fan: Honeywell|carpet cleaner: Bissell
    |washing machine: Bosch, Samsung, Whirlpool|dishwasher: Bosch, Miele, Whirlpool|mini fridge: Frigidaire"""),
"grooming": ((15, 300), """hair dryer: Dyson, Remington, Revlon|electric toothbrush: Oral-B, Philips|electric shaver: Braun, Philips, Remington
    |hair straightener: GHD, Remington|beard trimmer: Philips, Braun|curling iron: Conair"""),
"clothing": ((12, 260), """winter jacket: Patagonia, The North Face, Columbia, Uniqlo|denim jacket: Levi's, Wrangler
    |hoodie: Under Armour, Champion, Nike, Adidas|rain jacket: Patagonia, Columbia, Arc'teryx|jeans: Levi's, Wrangler, Lee
    |sweater: Uniqlo|leggings: Lululemon, Gymshark|puffer vest: Uniqlo, Columbia|wool scarf|swim shorts: Speedo
    |pajama set|dress shirt|fleece jacket: Patagonia, Columbia|sports bra: Nike, Lululemon|running shorts: Nike, Adidas
    |winter gloves|raincoat"""),
"footwear": ((20, 220), """running shoes: Nike, Adidas, Asics, New Balance, Brooks, Hoka|hiking boots: Merrell, Salomon, Timberland
    |rain boots: Joules|sneakers: Nike, Adidas, Vans, Converse|slippers: UGG|sandals: Birkenstock, Teva
    |work boots: Timberland, Caterpillar|ankle boots: Dr. Martens, Clarks|clogs: Crocs|trail runners: Salomon, Hoka
    |football boots: Adidas, Puma"""),
"furniture": ((40, 900), """office chair: Herman Miller, Steelcase|standing desk: Flexispot, Uplift|gaming chair: Razer, Secretlab, DXRacer
    |bookshelf|bed frame: Zinus|sofa bed|coffee table|dining chairs|TV stand|wardrobe|bar stools|nightstand
    |shoe rack|computer desk|bunk bed|recliner: La-Z-Boy"""),
"textiles": ((12, 300), """mattress topper: Tempur|bed sheets: Brooklinen|blackout curtains|bath towels|duvet|pillow set
    |weighted blanket: Gravity|throw blanket|area rug: Ruggable|shower curtain|memory foam pillow: Tempur|bath mat"""),
"bags": ((15, 260), """backpack: The North Face, Osprey, Herschel|laptop bag: Targus|duffel bag: Patagonia|suitcase: Samsonite
    |tote bag|gym bag: Adidas|carry-on suitcase: Samsonite"""),
"outdoor": ((12, 900), """yoga mat: Lululemon, Manduka|camping tent: Coleman, MSR|gas grill: Weber, Char-Broil
    |lawn mower: Honda, Ryobi, Greenworks|cordless drill: Bosch, DeWalt, Makita|sleeping bag: Coleman, Marmot|bike helmet: Giro|dumbbells: Bowflex
    |treadmill: NordicTrack|garden hose|patio umbrella|camping stove: Coleman, Jetboil|hiking poles: Black Diamond, Leki
    |exercise bike: Peloton, Schwinn|cooler box: Yeti, Coleman|trampoline|paddle board"""),
"grocery": ((2, 60), """protein powder: Optimum Nutrition, Myprotein|dog food: Purina, Pedigree|cat litter: Tidy Cats|olive oil
    |paper towels: Bounty|cereal: Kellogg's, Nestlé|almond milk: Silk, Alpro|dish soap: Dawn, Fairy
    |laundry detergent: Tide, Persil|baby formula: Similac, Aptamil|coffee beans: Lavazza, Illy|oat milk: Oatly, Alpro
    |granola|frozen pizza: DiGiorno|peanut butter: Skippy, Jif|green tea: Twinings, Lipton|diapers: Pampers, Huggies
    |ice cream: Häagen-Dazs, Ben & Jerry's|sparkling water: LaCroix, Perrier|chocolate: Lindt, Cadbury|basmati rice
    |yogurt: Chobani, Danone"""),
"care": ((4, 120), """sunscreen: Neutrogena, La Roche-Posay|skincare set: CeraVe, The Ordinary|shampoo: L'Oréal, Pantene
    |face cream: Nivea, CeraVe|toothpaste: Colgate, Sensodyne|perfume: Chanel, Dior|body lotion: Nivea, Aveeno
    |lip balm: Burt's Bees, Carmex|deodorant: Dove, Old Spice|makeup palette: Urban Decay, NYX|mascara: Maybelline, L'Oréal
    |razor blades: Gillette"""),
"toys": ((8, 180), """board game: Hasbro|jigsaw puzzle: Ravensburger|building blocks set: LEGO, Mega Bloks|stuffed bear: Jellycat
    |remote control car|kids' scooter: Micro|card game|dollhouse: Melissa & Doug|train set: Brio|play tent"""),
"baby": ((20, 600), """baby stroller: Bugaboo, UPPAbaby, Graco|car seat: Graco, Maxi-Cosi, Britax|high chair: Stokke
    |baby monitor: Nanit|baby carrier: Ergobaby, BabyBjörn|changing table|playpen: Graco|bottle warmer: Tommee Tippee"""),
}
# how to say "a <item>" for items that are plural or uncountable ("a pair of ankle boots")
UNITS = {"a pair of": """ankle boots|running shoes|hiking boots|rain boots|sneakers|slippers|sandals|work boots|clogs
    |trail runners|football boots|jeans|leggings|swim shorts|running shorts|winter gloves|wireless earbuds
    |noise cancelling headphones|hiking poles|dumbbells""",
         "a set of": "bath towels|bed sheets|blackout curtains|dining chairs|bar stools|mixing bowls|dinner plates|food storage containers",
         "a pack of": "paper towels|diapers|razor blades",
         "a bag of": "coffee beans|dog food|cat litter|basmati rice|granola",
         "a carton of": "almond milk|oat milk", "a tub of": "ice cream|protein powder|yogurt",
         "a bottle of": "olive oil|dish soap|laundry detergent|shampoo|body lotion|sunscreen|perfume|sparkling water",
         "a tube of": "toothpaste|face cream|mascara|lip balm", "a box of": "cereal|green tea|printer ink",
         "a tin of": "baby formula", "a jar of": "peanut butter", "a bar of": "chocolate", "a stick of": "deodorant"}
UNIT_OF = {it: unit for unit, its in UNITS.items() for it in items(its)}
PLURAL = {it for it, unit in UNIT_OF.items() if unit in ("a pair of", "a set of", "a pack of")} | {"coffee beans"}
AGREE = {" is ": " are ", " was ": " were ", " has ": " have "}
CATEGORIES = {c: (price, [(it.split(":")[0].strip(), items(it.split(":")[1].replace(",", "|")) if ":" in it else [])
                          for it in items(lst)]) for c, (price, lst) in CATEGORIES.items()}
# phrases about durable goods (the default for product-topic phrases without a tag)
DURABLE = [c for c in CATEGORIES if c not in ("grocery", "care")]

# --------------------------------------------------------------------------------------------------
# Other entity lists (closed lists are partitioned into train / evaluation-only parts).
# --------------------------------------------------------------------------------------------------
LISTS = {
"PHONEBRAND": ("BRAND", "Samsung|Motorola|Xiaomi|OnePlus|Nokia|Huawei|Google|Sony|Oppo|Realme|Fairphone|Asus|Vivo"),
"PAYBRAND": ("BRAND", """Visa|Mastercard|PayPal|Apple Pay|Google Pay|Amex|Klarna|Venmo|Afterpay|Discover|Zelle|Cash App
    |Revolut|Affirm|Sezzle|Alipay|Monzo|Stripe|Samsung Pay"""),
"COURIER": ("BRAND", """UPS|FedEx|DHL|USPS|Royal Mail|Canada Post|OnTrac|Evri|Purolator|Hermes|DPD|GLS|Australia Post
    |Yodel|Parcelforce|LaserShip|Amazon Logistics|PostNL|Aramex|InPost"""),
"STORE": ("STORE", """FreshMart|Walmart|Target|Best Buy|Costco|Home Depot|Trader Joe's|Whole Foods|Kroger|Walgreens|CVS
    |IKEA|Macy's|Sephora|PetSmart|GreenLeaf Market|Corner Pantry|TechHub|Urban Outfitters|Safeway|Aldi|Lidl|H&M
    |Daily Basket|MegaMart|Sunrise Grocers|Bloom & Co|Kohl's|Staples|Petco|Northgate Market|Fresh Fields|PriceRite
    |ValueCart|QuickStop|Harvest Co-op|HomeGoods|Marshalls|TJ Maxx|Ulta|Dollar General|Publix|Wegmans|Meijer|Tesco
    |Sainsbury's|Asda|Argos|Currys|John Lewis|Marks & Spencer|Waitrose|Michaels|Lowe's|Menards|GameStop
    |Old Navy|Nordstrom|Zara|Primark|Decathlon|Lush|Ace Hardware|Sprouts|Food Lion|Giant Eagle|H-E-B|Rite Aid
    |Dollar Tree|Five Below|BrightBuy|Maple Grocer|Cornerstone Hardware|Urban Pantry|Hilltop Foods|Blue Door Books
    |Pet Supplies Plus|Bargain Barn|Green Valley Foods|Central Pharmacy|Riverbend Outfitters"""),
"CITY": ("LOCATION", """Denver|Austin|Portland|Brooklyn|Seattle|Chicago|San Diego|Phoenix|Atlanta|Boston|Miami|Toronto
    |Leeds|Manchester|Dublin|Oakland|Tampa|Columbus|Madison|Montréal|Zürich|Sacramento|Pittsburgh|Nashville|Raleigh
    |Salt Lake City|Bristol|Glasgow|Calgary|Houston|Queens|Minneapolis|Albuquerque|Baltimore|Cleveland|Detroit
    |El Paso|Fresno|Honolulu|Indianapolis|Jacksonville|Kansas City|Las Vegas|Louisville|Memphis|Milwaukee
    |New Orleans|Omaha|Orlando|Richmond|Spokane|St. Louis|Tucson|Tulsa|Boise|Anchorage|Birmingham|Cardiff
    |Edinburgh|Liverpool|Sheffield|Nottingham|Belfast|Cork|Galway|Ottawa|Vancouver|Winnipeg|Halifax|Quebec City
    |Melbourne|Sydney|Brisbane|Perth|Auckland|Wellington|Lyon|Munich|Rotterdam|Gothenburg|Kraków|Cape Town|Oxford
    |Brighton|Reno|Eugene|Boulder|Santa Fe|Ann Arbor|Savannah|Charleston|Burlington|Hoboken|Newcastle"""),
"STREETNAME": (None, """Main|Elm|Oak|Maple|Pine|Cedar|Birch|Willow|Chestnut|Walnut|Spruce|Hickory|Magnolia|King|Queen
    |Church|Mill|Park|Lake|River|Hill|Bridge|Station|Market|Mission|Union|Washington|Lincoln|Jefferson|Franklin
    |Highland|Sunset|Harbor|Orchard|Meadow|Forest|Valley|Grove|Spring|Victoria|Albert|George|Cherry|Poplar|Summit"""),
"STREETTYPE": (None, "Street|Street|Road|Avenue|Lane|Drive|Boulevard|Way|Ave|Place|Court"),
"NAMEDSTREET": ("LOCATION", """Broadway|5th Avenue|Route 9|Route 66|Union Square|Times Square|Canal Street|Market Square
    |Lakeshore Drive|Riverside Drive|High Street|Harbourfront|Ocean Drive|Bay Street"""),
"FIRSTNAME": ("PERSON", """Maria|Jake|Priya|Tom|Ahmed|Chloe|Sam|Keisha|Luis|Olga|Hiroshi|José|Zoë|Ben|Fatima|Daniel
    |Aisha|Marco|Jenny|Kevin|Nadia|Rob|Sofia|Dev|Grace|Omar|Lena|Carlos|Emily|Noah|Olivia|Liam|Ava|Ethan|Mia|Lucas
    |Hannah|Mateo|Yuki|Kwame|Ingrid|Rashid|Elena|Tariq|Bianca|Wei|Anika|Diego|Freya|Malik|Rosa|Tobias|Amara|Finn
    |Leila|Ivan|Chen|Sara|Mohammed|Julia|Patrick|Nia|Oscar|Mei|Rahul|Siobhan|Andre|Hana|Victor|Lucia|Kenji|Megan
    |Paulo|Dana|Steve|Tanya|Raj|Claire|Bruno|Ayesha|Felix|Imani|Jonas|Carmen|Derek|Esther|Hugo|Ines|Marcus|Naomi"""),
"SURNAME": (None, """Alvarez|Kowalski|Nguyen|Okafor|Patel|Schmidt|Rossi|Johnson|Kim|Murphy|Haddad|Silva|Novak|Tanaka
    |Brown|Garcia|Lindqvist|Mensah|O'Brien|Dubois|Fischer|Costa|Ivanova|Walsh|Mahmoud|Reyes|Chowdhury|Larsen|Moreau|Bakker"""),
"TITLE": (None, "Mr.|Ms.|Mrs."),
"WEEKDAY": ("DATE", "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"),
"HOLIDAY": ("DATE", """Black Friday|Christmas Eve|Boxing Day|Cyber Monday|New Year's Day|Labor Day|Memorial Day|Easter Monday
    |Halloween|Valentine's Day|Thanksgiving|Prime Day|Christmas Day|New Year's Eve|Mother's Day|Father's Day"""),
"RELDATE": ("DATE", """yesterday|today|last week|two weeks ago|last month|three days ago|last night|earlier this month|this week
    |this morning|last weekend|a week ago|four days ago|earlier today|this weekend|ten days ago
    |a couple of days ago|earlier this week|this past weekend|a fortnight ago|last Christmas|a month ago|tonight"""),
"MONTH": (None, """January|February|March|April|May|June|July|August|September|October|November|December
    |Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Oct|Nov|Dec"""),
"MONEYWORD": ("MONEY", """twenty dollars|ten dollars|fifty bucks|forty bucks|one hundred dollars|five quid|thirty euros
    |fifteen dollars|twelve pounds|sixty bucks|ninety dollars|twenty-five euros|eighty dollars|two hundred dollars"""),
# not entities
"POINTS": (None, "500 points|2,000 points|1200 pts|300 points|5k points|750 points|10,000 points|250 points|80 points|1,500 points|400 pts|6,000 points|900 points"),
"DAYS": (None, "three days|two weeks|ten days|a full week|five days|over a week|nine days|a month|six days|eleven days|a fortnight"),
"SHORTDUR": (None, "45 minutes|an hour|20 minutes|two hours|half an hour|90 minutes|forty minutes|four hours|25 minutes|three hours"),
"LONGDUR": (None, "three months|six weeks|a year|two months|eight months|over a year|four months|a few weeks|five months|nine months"),
"ORDER": (None, "order #48213|order 99120|order #A-5521|order 31877|order #77002|my last order|order #60419|order 12885|order #B-3307"),
"N": (None, "2|3|4|5|6|two|three|four"),
}
LISTS = {k: (lab, items(v)) for k, (lab, v) in LISTS.items()}

# what each kind of store sells: a text that names a product and a store picks a store that sells it
STORE_KINDS = {
"grocery,care,drinkware": """FreshMart|Trader Joe's|Whole Foods|Kroger|Safeway|Aldi|Lidl|Daily Basket|Sunrise Grocers
    |Corner Pantry|GreenLeaf Market|Northgate Market|Fresh Fields|PriceRite|Harvest Co-op|Publix|Wegmans|Sprouts
    |Food Lion|Giant Eagle|H-E-B|Maple Grocer|Urban Pantry|Hilltop Foods|Green Valley Foods|Waitrose|Sainsbury's
    |Tesco|Asda|QuickStop""",
"all": """Walmart|Target|Costco|MegaMart|ValueCart|Meijer|Argos|John Lewis|Bargain Barn""",
"clothing,footwear,bags,care,textiles,cookware,kitchen,drinkware,grooming": "Kohl's|Macy's|Marks & Spencer",
"textiles,cookware,kitchen,drinkware,care,clothing": "HomeGoods|Marshalls|TJ Maxx",
"cookware,drinkware,toys,care,grocery": "Dollar General|Dollar Tree|Five Below",
"clothing,footwear,bags,care": "Nordstrom|Urban Outfitters|H&M|Old Navy|Zara|Primark",
"electronics,accessory,appliance,kitchen,grooming": "Best Buy|TechHub|Currys|BrightBuy",
"electronics,accessory,toys": "GameStop|Staples",
"appliance,outdoor,furniture": "Home Depot|Lowe's|Menards|Ace Hardware|Cornerstone Hardware",
"furniture,textiles,cookware,kitchen,drinkware,toys": "IKEA",
"care,grocery,baby,grooming": "Walgreens|CVS|Rite Aid|Central Pharmacy",
"care": "Sephora|Ulta|Lush",
"grocery": "PetSmart|Petco|Pet Supplies Plus",
"outdoor,clothing,footwear,bags": "Decathlon|Riverbend Outfitters",
"toys": "Michaels|Blue Door Books",
"textiles,care": "Bloom & Co",
}
STORE_SELLS = {st: set(CATEGORIES if k == "all" else k.split(",")) for k, v in STORE_KINDS.items() for st in items(v)}
assert set(STORE_SELLS) == set(LISTS["STORE"][1]), set(STORE_SELLS) ^ set(LISTS["STORE"][1])
PARTITIONED = ("PHONEBRAND", "PAYBRAND", "COURIER", "STORE", "CITY", "STREETNAME", "NAMEDSTREET", "FIRSTNAME", "SURNAME",
               "WEEKDAY", "HOLIDAY", "RELDATE", "MONEYWORD")

# --------------------------------------------------------------------------------------------------
# Phrase banks per topic. Each line is one phrase; {SLOT} placeholders are filled at random.
# context: a neutral clause that sets the scene (no sentiment; "~" marks a clause that only fits
# before a comma); core[sentiment]: a clause (lower-case start, no final punctuation) carrying topic
# and sentiment; standalone[sentiment]: complete texts with their own punctuation. A leading
# "[cat,cat]" tag names the product categories a phrase fits ("[all]": any).
# --------------------------------------------------------------------------------------------------
BANK = {}

BANK["delivery"] = dict(
context="""
I ordered a {PRODUCT} from {STORE} {WHEN}
my {PRODUCT} was supposed to come {WHEN}
I chose express shipping for the {BP}
we placed {ORDER} through the app {WHEN}
the tracking said {COURIER} would drop it off on {DAY}
{PERSON} usually delivers on our street
my neighbour {PERSON} took in the parcel for me
I had the {PRODUCT} shipped to my office in {CITY}
ordered groceries from {STORE} for same-day delivery
my mom's birthday present was sent to {CITY}
the package for {ORDER} left the warehouse {WHEN}
I paid {SMALL} for next-day delivery
got the notification that my {PRODUCT} was out for delivery
I live on {STREET} in {CITY}
""",
core=dict(
negative="""
it showed up {DAYS} late
the box arrived crushed and the {PRODUCT} inside was dented
the driver left it in the rain outside the building
{COURIER} marked it delivered but nothing ever came
it went to the wrong address on {STREET}
the tracking hasn't updated in {DAYS}
half of the groceries were missing from the bag
the frozen stuff had completely melted by the time it arrived
they delivered someone else's parcel instead of mine
the delivery window keeps getting pushed back
nobody rang the bell and now it's stuck at a {COURIER} depot
the courier threw the box over the fence
it's been sitting in {CITY} for a week with no updates
[grocery] the eggs were smashed and leaking all over the {PRODUCT}
""",
neutral="""
the app says it will arrive on {DAY}
I'd like to change the delivery address to {STREET}
the tracking number starts with 1Z
it's being handled by {COURIER} this time
I need to know whether someone has to sign for it
it will be split into {N} packages
I'm not sure if it ships from {CITY} or from the warehouse
the estimated delivery date moved to {DAY}
I want to switch it to pickup instead
the parcel is currently at the {CITY} sorting center
""",
positive="""
it arrived a day early and perfectly packed
the driver even called ahead to check I was home
{COURIER} got it here in under {SHORTDUR}
everything was cold and fresh when it arrived
the packaging was minimal and fully recyclable
{PERSON}, the driver, carried the heavy box all the way upstairs
it came the same afternoon, which was amazing
tracking was accurate to the minute
the {PRODUCT} was wrapped so well it could survive anything
delivery was free and still faster than I expected
""",
),
standalone=dict(
negative="""
Where is my package?? It's been {DAYS} and {COURIER} keeps saying "in transit".
Third late delivery in a row from {STORE}.
Paid {SMALL} for express and it came slower than standard shipping, unbelievable.
[kitchen,electronics,appliance,furniture] My {PRODUCT} came with a hole in the box and a cracked base.
Driver didn't even knock, just left a "sorry we missed you" note while I was home all day.
Groceries from {STORE} arrived warm. Warm milk. In July.
The delivery window was 9 to 1 and the van showed up at 7pm {WHEN}.
Why does a parcel take {DAYS} to travel from {CITY} to {CITY}?
Not impressed that my {BP} was left on the doorstep in plain view on {STREET}.
Package got returned to sender without anyone even trying to deliver it.
Still waiting on {ORDER}.
It said delivered on {DAY}. It was not delivered.
""",
neutral="""
Can I change the delivery time for {ORDER}?
Does {STORE} deliver to {CITY} or only pick-up?
What happens if I'm not home when {COURIER} comes?
Is same-day delivery available on {DAY}?
Delivery for the {PRODUCT} is scheduled for {DAY}.
How do I add a safe place note for the driver?
Do you ship to PO boxes?
My parcel is with {COURIER}, tracking shows it left {CITY} {WHEN}.
Is there a delivery fee under {MONEY}?
Can the {PRODUCT} and the {PRODUCT} ship together?
Which courier handles deliveries to {CITY}?
""",
positive="""
Delivery was super quick, ordered {WHEN} and it was here by lunch!
Shoutout to {PERSON} from {COURIER} who was so friendly.
Best delivery experience I've had, the {PRODUCT} arrived in perfect condition.
Fast, careful and on time. Can't ask for more.
Love that I can track the driver live on the map, very handy.
Didn't expect the {PRODUCT} until {DAY} but it arrived {WHEN}, nice surprise.
My groceries from {STORE} arrived fresh and nothing was squashed.
{COURIER} in {CITY} has been flawless lately.
Ordered at midnight, had it by noon. Impressive.
Not a single late delivery from {STORE} all year.
""",
))

BANK["product"] = dict(
context="""
I bought the {BP} {WHEN}
[all] picked up a {PRODUCT} at {STORE} on {DAY}
[all] I ordered the {PRODUCT} for {MONEY}
we've had the {PRODUCT} for {LONGDUR} now
[all] my sister recommended the {BP}
my friend {PERSON} recommended the {BP}
[all] I got the {PRODUCT} on sale for {MONEY}
this is already my second {BP}
bought a {PRODUCT} as a gift {WHEN}
[all] I got the {PRODUCT} from the {STORE} in {CITY}
I've been using the {PRODUCT} every day for {LONGDUR}
I replaced my old one with the {BP}
""",
core=dict(
negative="""
[kitchen,electronics,accessory,appliance,grooming] it stopped working after {LONGDUR}
[cookware,clothing,footwear,furniture,textiles,outdoor,toys,baby,bags] it fell apart the first week
[kitchen,electronics,accessory,appliance,grooming] it smells like burnt plastic out of the box
[clothing,footwear,furniture,textiles,bags,drinkware] the color looks nothing like the photos
it's way smaller than the description said
[kitchen,appliance,furniture,toys,baby,outdoor,electronics] one of the parts was cracked
it feels cheap and flimsy
[drinkware] it leaks no matter what I do
[cookware,kitchen,toys,outdoor,furniture,accessory] a piece snapped off on the second use
it was already damaged when I opened it
[all] the quality is not what it used to be
[kitchen,appliance] it's so loud that we can't use it at night
[cookware,furniture,drinkware] the finish is peeling off already
[electronics,kitchen,appliance,grooming] it doesn't do half of what the listing promised
[all] I regret buying it
""",
neutral="""
[kitchen,electronics,accessory,appliance,grooming,furniture,baby] I'm wondering if it comes with a warranty
[cookware,drinkware] I need to know if it's dishwasher safe
[electronics,appliance,furniture,clothing,footwear,textiles,outdoor,baby,kitchen,bags] it's the grey version, not the black one
[clothing,footwear,textiles,outdoor,bags] I'm trying to figure out which size to get
[kitchen,appliance,furniture,baby,outdoor] I want to know if replacement parts are sold separately
[kitchen,electronics,appliance,grooming,furniture,baby] the manual is only in French and Spanish
[toys,electronics] it runs on {N} AA batteries
[textiles] I'm not sure if it fits a queen bed
[all] it looks similar to the one at {STORE}
[clothing,footwear,textiles,cookware,furniture,drinkware,toys,bags] the listing doesn't say what it's made of
""",
positive="""
[kitchen,electronics,accessory,appliance,grooming] it works even better than advertised
[kitchen,electronics,accessory,appliance,grooming,furniture,outdoor,baby] the build quality is honestly excellent for the price
[kitchen,electronics,accessory,appliance,grooming,cookware,drinkware,bags,care] I use it every single day
it still looks brand new
[kitchen,cookware,drinkware,appliance,baby] it's so easy to clean
[all] it was a great gift, my dad loves it
[all] it's exactly as described
it's the best purchase I've made all year
it's held up really well
[toys,electronics,outdoor,furniture] my kids use it constantly and it hasn't broken
it beats the one I had before
[appliance,electronics] it's sturdy, quiet and easy to set up
""",
),
standalone=dict(
negative="""
The {PRODUCT} broke within a week. Total waste of {MONEY}.
[all] Do not buy the {BP}, it's junk.
Ordered a medium and got something that fits like an XS.
[kitchen,electronics,appliance,grooming] My {PRODUCT} arrived with a missing power cable, so it's useless.
Cheap plastic, wobbly legs, and the screws didn't match the holes.
Why does a {MONEY} {PRODUCT} feel this flimsy?
[all] The {PRODUCT} is nothing like the product photos, super disappointed.
Three of the {N} bowls were chipped straight out of the box.
[clothing,bags] The zipper on my {BP} broke the first day.
[grocery] The {PRODUCT} from {STORE} had mold on it.
[all] Returned the {PRODUCT}. Returned the replacement too.
Smells awful, looks cheap, and it's already scratched.
""",
neutral="""
[accessory] Is the {BP} compatible with my {PHONEBRAND} phone?
[kitchen,electronics,accessory,appliance,grooming,baby] What's the difference between the two {PRODUCT} models?
[clothing,footwear,textiles,bags,outdoor,drinkware] Does the {PRODUCT} come in a larger size?
[appliance] Are filters for the {PRODUCT} sold at {STORE}?
[grocery,care] Is the {PRODUCT} vegan?
[furniture,electronics,outdoor,bags,baby,appliance] Could you tell me the weight of the {PRODUCT}?
[all] Bought the {PRODUCT}, will report back after a few weeks.
[kitchen,electronics,accessory,appliance,grooming,furniture,baby] How long is the warranty on the {PRODUCT}?
[furniture,outdoor,baby,toys] Does this {PRODUCT} need assembly?
[all] The {PRODUCT} is listed as {MONEY} online but {MONEY} in store.
""",
positive="""
[all] Absolutely love my new {BP}!
[all] The {PRODUCT} is worth every penny.
Great {PRODUCT}, my whole family uses it.
[all] Not gonna lie, the {PRODUCT} is way nicer than I expected for {MONEY}.
Best {PRODUCT} I've owned, hands down.
[all] The {PRODUCT} from {STORE} is fantastic quality.
Bought a second {PRODUCT} for my parents because the first one is so good.
Super comfy, looks great, no complaints at all.
[kitchen,grooming,drinkware] This {BP} is a game changer for my mornings.
[all] Can't believe how good the {PRODUCT} is for the price.
""",
))

BANK["store"] = dict(
context="""
I went to the {STORE} on {STREET} {WHEN}
we stopped by {STORE} in {CITY} on {DAY}
I was at the {STORE} near {STREET} around closing time
I went to pick up my online order at {STORE}
my husband shops at the {CITY} {STORE} every week
[grocery,care,accessory,drinkware] I popped into {STORE} to grab a {PRODUCT}
I visited the new {STORE} at {STREET}
went to {STORE} for the sale on {DAY}
I was in line at the {STORE} in {CITY}
I asked {PERSON} at the service desk about a return
""",
core=dict(
negative="""
there was only one register open and the line went to the back
the shelves were half empty
the cashier was rude and rolled her eyes at me
the pickup counter had no one working at it
the store was filthy and the floor was sticky
the {PRODUCT} was listed as in stock but they had none
a staff member followed us around like we were stealing
the self-checkout machines were all broken
the fitting rooms were closed for no reason
the parking lot was a mess and there were no carts
nobody could tell me where the {PRODUCT} was
they closed {SHORTDUR} early without warning
""",
neutral="""
I noticed they moved the {PRODUCT} to the back aisle
it looks like they're renovating the entrance
I didn't see any signs about the opening hours
I want to know if they still have a pharmacy counter
they seem to have a new layout
I'm wondering if the store takes returns without a receipt
it looks like the café inside is gone
I was told the {PRODUCT} comes back in stock on {DAY}
""",
positive="""
{PERSON} at the counter went out of her way to help me
the store was spotless and well organized
checkout took less than a minute
the staff were friendly and knew exactly where everything was
they had my pickup order ready the moment I walked in
the manager, {PERSON}, let me swap sizes without any fuss
there was plenty of parking and the store was calm
the new self-checkouts are fast and easy
[furniture,appliance,outdoor,electronics] they helped me carry the {PRODUCT} to my car
the bakery section smelled amazing and everything was fresh
""",
),
standalone=dict(
negative="""
The {STORE} on {STREET} is always a mess.
Waited {SHORTDUR} at the pickup desk and nobody came.
Worst {STORE} in {CITY}, staff couldn't care less.
Why is there never anyone at the customer service desk at {STORE}?
Only {N} checkouts open on a Saturday, seriously?
The {STORE} in {CITY} smelled like bleach and old fish.
Security guard at {STORE} was incredibly rude to my elderly dad.
The store said open till 10 but the doors were locked at 9.
Trolleys everywhere, spilled milk in aisle 4, no staff in sight.
The {STORE} at {STREET} never has anything in stock.
""",
neutral="""
What time does the {STORE} in {CITY} open on {DAY}?
Is the {STORE} at {STREET} still open or did it close?
Does {STORE} have a pickup locker?
Is there parking at the {STORE} in {CITY}?
Are pets allowed inside {STORE}?
Which {STORE} near {STREET} has a pharmacy?
The {STORE} on {STREET} has moved to {STREET}.
Does the {STORE} in {CITY} carry {BRAND}?
Will the {STORE} be open on {DAY}?
""",
positive="""
Love the new {STORE} in {CITY}, so bright and easy to navigate!
Big thanks to {PERSON} at the {STORE} on {STREET}.
The {STORE} staff in {CITY} are always lovely.
Fastest checkout ever at {STORE} {WHEN}.
{STORE} on {STREET} is my favorite place to shop now.
Spotless store, great music, friendly people. 10/10.
{PERSON} in the electronics section at {STORE} was super helpful.
Never had a bad experience at the {CITY} {STORE}.
""",
))

BANK["app"] = dict(
context="""
~since the latest update {WHEN}
~whenever I open the app to check my order
~when I try to scan a receipt from {STORE}
~when I search for a {PRODUCT} in the app
~on my {PHONEBRAND} phone
~ever since I logged in {WHEN}
~when I tap on the cart icon
~if I add a {PRODUCT} to my wishlist
~when I upload my {STORE} receipt
~on Android
~in dark mode
I updated the app {WHEN}
I've been using the app at the {STORE} in {CITY}
I switched to a new {PHONEBRAND} phone {WHEN}
my partner and I share one account on the app
I scanned a receipt from {STORE} {WHEN}
I was looking for the {PRODUCT} in the app {WHEN}
I reinstalled the app on {DAY}
I use the app mostly for the shopping list
""",
core=dict(
negative="""
it crashes every single time
the screen just freezes and I have to restart
it logged me out and won't accept my password
the search results have nothing to do with what I typed
the barcode scanner can't read anything
the whole thing is painfully slow
it keeps spamming me with notifications I turned off
the checkout button doesn't do anything
all my saved items disappeared
the text is unreadable in dark mode
it drains my battery like crazy
it shows prices from a different store
the map shows the {CITY} store as closed when it's open
it asks me to verify my email every time
""",
neutral="""
I can't find where to change my notification settings
I'm wondering if there's a tablet version
I'd like to know if the app works offline
the new menu has moved the orders tab
I want to turn on face ID for login
I'm not sure if the scanner can read receipts from {STORE}
there's a new button next to the search bar
I need to update my email address in the app
it shows a banner about a sale on {DAY}
I'm curious whether the shopping list can be shared
I'd like to know where the scanned receipts are stored
I noticed the app now asks for location access
I want to know if I can pick a different home store
I'm not sure which version I'm on
the settings page has a new privacy section
I'd like to know if there's a widget for the home screen
""",
positive="""
it's so much faster now
the new layout is really clean and easy to use
the receipt scanner works instantly
search finally finds exactly what I need
the shopping list feature saves me a ton of time
it remembers my favorite {STORE} which is super handy
dark mode looks great
the barcode price check is brilliant
it hasn't crashed once
I love that I can see my order history in one place
""",
),
standalone=dict(
negative="""
App crashed twice while I was paying at {STORE}.
Can't log in since {WHEN}, it just spins forever.
The new update is terrible, where did the shopping list go?
Stop sending me push notifications at 6am!!
The app deleted my saved cart with {N} items in it.
Why does the app need my contacts just to scan a receipt?
Error 503 every time I open the rewards tab.
The app is so laggy it's basically unusable on my {PHONEBRAND} phone.
Search for "{PRODUCT}" returns dog food. Every time.
I've reinstalled the app three times and it still won't open.
The app keeps showing the {STORE} in {CITY} as my home store even though I changed it.
Face ID stopped working after the update.
""",
neutral="""
Is there a web version of the app?
How do I delete my account in the app?
Does the app support {PAYBRAND}?
Where do I find my digital receipts in the app?
Can I use the app in {CITY}?
Is there a way to export my order history?
How do I change the language of the app?
Which Android version does the app need?
The app asked me to update {WHEN}.
Is it possible to have two profiles on one account?
Does the app work on a {PHONEBRAND} tablet?
Can I turn off the location tracking in the app?
How do I set the {STORE} in {CITY} as my home store?
What does the little green dot next to my orders mean?
Is there a beta version of the app I can test?
The app update {WHEN} added a new receipts tab.
Can the shopping list be shared with {PERSON}?
Where do I report a bug in the app?
""",
positive="""
The new app update is fantastic, everything loads instantly.
Honestly the best shopping app I've used.
Love the receipt scanner, took two seconds.
The shopping list sync between me and my partner is genius.
App has been rock solid since the update {WHEN}.
Finally a store app that doesn't crash!
Dark mode is gorgeous, thank you devs.
Super easy to find the {PRODUCT} I wanted, checkout was smooth.
Being able to check stock at the {STORE} in {CITY} from the app saved me a trip.
""",
))

BANK["payments"] = dict(
context="""
I paid with {PAYBRAND} {WHEN}
I bought a {PRODUCT} for {MONEY} at {STORE}
I checked out {ORDER} {WHEN}
I returned the {PRODUCT} on {DAY}
I used my {PAYBRAND} card for a {MONEY} order
I tried to split the payment between a gift card and {PAYBRAND}
I cancelled {ORDER} {WHEN}
I checked my bank statement {WHEN}
I ordered the {BP} for {MONEY}
""",
core=dict(
negative="""
I was charged twice
the refund still hasn't shown up after {DAYS}
my card was declined even though it works everywhere else
they charged me {MONEY} instead of {MONEY}
a hidden service fee of {SMALL} appeared at the end
the sale price wasn't applied at the register
the payment went through but the order says failed
I got charged for items that were out of stock
they only refunded {MONEY} of the {MONEY}
the promo code was accepted but nothing came off the total
{PAYBRAND} isn't accepted anymore and nobody told us
the app charged my old card that I deleted
""",
neutral="""
I'd like to know when the refund will be processed
I'm wondering if I can pay in installments with {PAYBRAND}
I need an invoice with my company name on it
the charge shows up as a pending authorization of {MONEY}
I want to change the card on file
I'm not sure if tax is included in the {MONEY}
the receipt shows {MONEY} but my bank shows a different amount
I'd like to pay with a gift card and {PAYBRAND}
I'm wondering if the {SMALL} deposit is refundable
I need to know which card was charged
I'd like to remove my old {PAYBRAND} account from the app
the charge is listed under {STORE} rather than the app
I want to know if price adjustments apply after purchase
""",
positive="""
the refund came through in just two days
checkout with {PAYBRAND} took seconds
they fixed the double charge right away
the price match saved me {SMALL}
paying with {PAYBRAND} in the app is so convenient
the {SMALL} credit showed up instantly
I got my money back before I even shipped the return
the split payment option worked perfectly
""",
),
standalone=dict(
negative="""
Charged {MONEY} for an order I cancelled {WHEN}.
Still no refund for the {PRODUCT} I returned on {DAY}.
Why was I charged a {SMALL} "convenience fee"??
Card declined three times at the {STORE} self-checkout.
The shelf said {MONEY}, the register charged {MONEY}.
Two charges of {MONEY} on my {PAYBRAND} for one order!
Refund "processed" {DAYS} ago and still nothing in my account.
{PAYBRAND} checkout fails every time with a generic error.
Paid {SMALL} for shipping on a {MONEY} item. Ridiculous.
I was billed for a subscription I never signed up for.
""",
neutral="""
How long do refunds to {PAYBRAND} usually take?
Can I pay cash on delivery?
Does {STORE} accept {PAYBRAND}?
Is there a fee for paying with a credit card?
Where can I download a VAT invoice for {ORDER}?
What currency are prices shown in when I shop from {CITY}?
Can I get a refund to a different card?
The pending charge of {MONEY} should drop off in a few days, right?
Do you offer installments on orders over {MONEY}?
Is the {MONEY} hold on my {PAYBRAND} card normal?
Can I use two gift cards on one order?
Are prices at the {STORE} in {CITY} the same as in the app?
Who do I ask about a charge of {MONEY} from {DAY}?
Does a refund for {ORDER} go back to {PAYBRAND} or to store credit?
""",
positive="""
Refund for the {PRODUCT} arrived {WHEN}, super fast!
Checkout with {PAYBRAND} is seamless now.
Got {SMALL} back thanks to the price match, love it.
Paying at {STORE} with my phone is so quick.
They refunded the double charge within an hour, impressive.
Loving the new {PAYBRAND} option at checkout.
The refund process was painless, no questions asked.
Finally a store where the shelf price matches what you pay!
""",
))

BANK["rewards"] = dict(
context="""
I've been collecting points for {LONGDUR}
I scanned my receipt from {STORE} {WHEN}
I tried to redeem {POINTS} on {DAY}
I just reached Gold status
I spent {MONEY} at {STORE} to qualify for the bonus
I was promised {SMALL} cashback from the promo on {DAY}
I waited all year for the birthday reward
I joined the rewards program {WHEN}
I shopped during the double points weekend {WHEN}
I had {POINTS} saved up for the {PRODUCT}
""",
core=dict(
negative="""
the points never showed up in my account
{POINTS} just vanished without explanation
the coupon expired before I could even use it
the rewards catalog is full of overpriced stuff
the cashback was way less than advertised
they changed the tier rules and I lost my status
it says my receipt is a duplicate when it isn't
you need a ridiculous {POINTS} for a {SMALL} voucher
the bonus offer didn't apply to {STORE} purchases
my points expired after only {LONGDUR}
I can't combine the coupon with my member discount
the referral bonus never arrived
""",
neutral="""
I'm wondering how many points I need for a {SMALL} voucher
I'd like to know if points transfer to my partner's account
I need to check when my points expire
I'm not sure whether purchases at {STORE} earn double points
I want to know if the {SMALL} reward can be used online
the rewards page lists {POINTS} as pending
I'd like to know if there's a limit on cashback per month
I'm wondering if receipts from {STORE} in {CITY} are eligible
I need to update the birthday on my rewards profile
I want to know how tiers are calculated
the app shows my tier as Silver until {DAY}
I'm not sure if gift card purchases earn points
""",
positive="""
the points were added instantly
[grocery,care,drinkware,accessory,cookware,toys] I got a free {PRODUCT} with my points
the {SMALL} birthday voucher was a lovely surprise
the double points offer made a real difference
redeeming was quick and painless
the new tier perks are actually worth it
the cashback landed in my account the next day
the personalized coupons are genuinely useful
I saved {SMALL} on groceries this month with coupons
""",
),
standalone=dict(
negative="""
Where are my {POINTS} from last month's shopping at {STORE}?
Points expired without any warning. Not cool.
The "exclusive" member deals are worse than regular sale prices.
Scanned {N} receipts {WHEN} and got zero points.
You devalued the points AGAIN? I'm out.
{POINTS} for a {SMALL} coupon is a joke.
My birthday reward never came this year.
Lost Gold status because of a glitch, and nobody can fix it.
Coupon says valid at all stores but {STORE} in {CITY} refused it.
The cashback from the promo on {DAY} still hasn't appeared.
""",
neutral="""
How many points do I get per {SMALL} spent?
Do points expire if I don't shop for a while?
Can I use points and a coupon on the same order?
When does the double points weekend start?
Is the {SMALL} welcome voucher valid at {STORE}?
How do I check my tier status?
Do online orders earn the same points as in-store purchases?
Can I donate my points to charity?
I have {POINTS} pending since {DAY}, is that normal?
Do points from {STORE} and online orders go into one balance?
How long does it take for scanned receipts to show up as points?
Is there a way to see which receipts earned points?
Can I merge two rewards accounts?
Does the {SMALL} cashback count toward my tier?
What's the minimum to redeem points?
""",
positive="""
[grocery,care,drinkware,accessory,cookware,toys] Just redeemed {POINTS} for a {PRODUCT}, so happy!
The rewards program is honestly the best part of the app.
Love the double points weekends!!
Got a {SMALL} voucher on my birthday, thank you!
My points covered a whole week of groceries at {STORE}.
Gold tier perks are great, free delivery on everything.
The personalized coupons actually match what I buy, nice.
Cashback showed up {WHEN}, super easy.
""",
))

BANK["support"] = dict(
context="""
I contacted support about {ORDER} {WHEN}
I called the helpline on {DAY}
I opened a chat about my missing {PRODUCT}
I emailed customer service {WHEN}
I reached out about the refund for my {PRODUCT}
I spoke to {PERSON} on the phone
I chatted with {PERSON} from the help center {WHEN}
I reported a problem with my account {WHEN}
I messaged support on {DAY} about a wrong charge
~after {N} calls to customer service
""",
core=dict(
negative="""
I was on hold for over {SHORTDUR}
the chatbot kept sending me in circles
nobody ever replied to my email
the agent hung up on me mid-sentence
they closed my ticket without fixing anything
I got a copy-paste answer that ignored my question
each agent told me something different
they promised a callback that never happened
the agent was dismissive and kind of rude
they asked me to send the same photos {N} times
""",
neutral="""
I'm still waiting to hear back
I was given ticket number 55102
they said someone would follow up by {DAY}
I need to know whether I should send the item back first
they transferred me to the returns team
I want to know if there's a faster way to reach a person
the agent asked for my order number and a photo
I was told to wait {DAYS} before reopening the case
I'd like to know who handles complaints about the {STORE} in {CITY}
they asked me to fill out a form online
I'm not sure if I should call or use the chat
{PERSON} said the case was passed to a specialist
""",
positive="""
{PERSON} sorted everything out in five minutes
the agent was patient and genuinely helpful
they sent a replacement the same day
I got a real person within a minute
they refunded me without any hassle
{PERSON} followed up the next day to make sure it was fixed
the live chat was quick and friendly
they went above and beyond to fix it
""",
),
standalone=dict(
negative="""
Customer service is a joke, {SHORTDUR} on hold and then disconnected.
The chatbot is useless, just let me talk to a human!
Emailed support {N} times, no reply.
{PERSON} from support promised a refund and it never happened.
Worst support experience I've ever had.
Why is there no phone number anywhere in the app?
Support closed my complaint as "resolved". It's not resolved.
They keep asking for my order number which I already gave them twice.
Got transferred {N} times and ended up back at the start.
""",
neutral="""
What are customer service hours on {DAY}?
Is there a support email instead of chat?
How do I escalate a complaint?
Can support see my chat history from {WHEN}?
I opened a ticket about {ORDER}, any update?
Is there a phone line for the {CITY} stores?
Who do I contact about a damaged {PRODUCT}?
Does support speak Spanish?
Is the live chat available on weekends?
{PERSON} from support asked me to email photos, which address do I use?
Can I request a callback instead of waiting on hold?
Does support handle issues with {COURIER} deliveries too?
My case number is 20391, who should I follow up with?
""",
positive="""
Huge thanks to {PERSON} from customer service!
Support was amazing, fixed my issue in one call.
{PERSON} on the chat was so kind and patient, thank you.
Really impressed with how fast support replied.
Best customer service I've dealt with in years.
Support refunded the {PRODUCT} without me even asking twice.
The agent {PERSON} was brilliant, problem solved in minutes.
Had an issue with {ORDER}, support had it fixed by {DAY}.
""",
))

# Extra standalone texts per topic for harder cases: very short and very long texts, mixed feelings
# (the label is the writer's overall verdict), implicit sentiment, sarcasm and negation.
EXTRA = {
"delivery": dict(
negative="""
Late again, seriously.
Great, another "delivered" parcel that isn't here.
Oh wonderful, the {PRODUCT} arrived in about {N} pieces.
Not once has a delivery to {STREET} arrived on the promised day.
The driver was polite enough, I guess, but the box was soaked and the {PRODUCT} inside is ruined.
I've now taken {N} days off work waiting for a delivery that never shows up.
[toys,grocery,clothing] Ordered a {PRODUCT} from {STORE} {WHEN} for my daughter's party on {DAY}, paid {SMALL} extra for guaranteed delivery, waited in all day, and at 9pm got an email saying it "could not be delivered" with no attempt, no call and no new date, so the party went ahead without it.
Tracking has said "arriving today" for {DAYS}.
""",
neutral="""
Any delivery status yet?
It shipped {WHEN}.
The parcel from {STORE} came {WHEN}, I haven't opened it yet.
If {COURIER} can't deliver on {DAY}, could they leave it at the {STORE} on {STREET} instead?
I ordered a {PRODUCT} and a {PRODUCT} {WHEN}; the first one arrived but the second is still listed as processing, and I just want to know whether they are coming separately or whether something is wrong with the order.
Not sure if the delivery note got saved.
""",
positive="""
It arrived early!
Not bad at all, the {PRODUCT} showed up two days before the estimate.
Honestly can't fault {COURIER} this time.
The delivery was a bit late, but the driver {PERSON} apologised, helped me carry everything in and the {PRODUCT} was perfectly fine, so I'm happy.
I was worried the {PRODUCT} would get damaged on the way to {CITY}, but it came double boxed with foam corners, the driver texted a photo when he left it with my neighbour, and everything works.
Zero issues with deliveries since I moved to {CITY}.
""",
),
"product": dict(
negative="""
Broke almost immediately.
[kitchen,electronics,accessory,appliance,grooming] Oh great, another {BP} that died right after the warranty ended.
It's not terrible, but for {MONEY} I expected it to at least last a year.
Looks lovely, but it doesn't actually work.
[kitchen,appliance] I wanted to love the {BP} because the design is beautiful and the reviews were great, but after {LONGDUR} the motor started grinding, the buttons stick, and now it only works if I unplug it and wait five minutes, which makes it pretty much useless.
[all] I can't recommend the {PRODUCT}.
""",
neutral="""
Where can I find the specs?
It's fine, does what it says, nothing special.
[all] The {PRODUCT} arrived {WHEN}, haven't tried it yet.
[appliance,kitchen,furniture] Comparing the {BP} with the cheaper one at {STORE}, the first is lighter but the second has a longer warranty, and I can't decide which one makes more sense for a small apartment.
[all] Is the {PRODUCT} the same one they sell at {STORE}?
Average product for an average price.
""",
positive="""
Perfect, just perfect.
Not what I expected, in a good way.
A bit pricey at {MONEY}, but honestly worth it.
[all] Wasn't sure about the {PRODUCT} at first but it's grown on me.
[kitchen,appliance] I've tried at least {N} different {PRODUCT} models over the years and this is the first one that is quiet, easy to clean and still works exactly like on day one after months of daily use, so I finally stopped looking.
[all] Never thought I'd get this excited about a {PRODUCT}.
""",
),
"store": dict(
negative="""
Total chaos in there.
Love waiting {SHORTDUR} in line behind one open register, said no one ever.
The staff were nice, but the store was so understocked I left with nothing.
Not a single employee on the floor at the {STORE} in {CITY}.
I drove {SHORTDUR} to the {STORE} on {STREET} because the app said they had the {PRODUCT} in stock, and when I got there nobody could find it, the manager shrugged, and I was told to just order it online.
Never going back to that {STORE}.
""",
neutral="""
What are the store hours?
The {STORE} on {STREET} was quiet {WHEN}.
I usually shop at the {STORE} in {CITY} because it's closest to work.
They're rearranging the aisles at the {STORE} near {STREET}, so the {PRODUCT} might be somewhere else for a while.
Went to {STORE}, picked up my order, left.
""",
positive="""
What a great store!
Not the biggest {STORE}, but the staff make up for it.
Checkout line was long but it moved really fast and the cashier was lovely.
{PERSON} at the {STORE} in {CITY} remembered my name from last week, which is the kind of thing that keeps me coming back even though there's a bigger store closer to my house.
I can't remember the last time a store visit was this pleasant.
""",
),
"app": dict(
negative="""
App is broken again.
Oh good, the update moved every button again.
The app looks nice now, shame it crashes every time I open my cart.
I'm not able to log in at all.
Since the update {WHEN} the app takes forever to start, the receipt scanner crashes when I point it at a {STORE} receipt, and the rewards tab shows a blank screen, so right now there's basically nothing in the app that actually works for me.
Cool redesign, too bad nothing loads.
""",
neutral="""
Any update on this?
Is the app down right now?
The app now shows prices from the {STORE} in {CITY}.
I'd like to move my account from my old {PHONEBRAND} phone to a new one; do I just log in again or is there a transfer option I should use first so I don't lose my shopping lists?
Installed the app {WHEN}.
""",
positive="""
It works great now.
Not gonna lie, I didn't expect the app to be this good.
It took a while to get used to the new layout, but it's much better now.
No more crashes since the update!
I used to avoid the app because it was so slow, but since the update {WHEN} it opens instantly, scanning receipts takes a second, and I can finally see all my orders and points in one place.
Can't complain about the app at all.
""",
),
"payments": dict(
negative="""
I got double charged.
Fantastic, charged {MONEY} for an order that never existed.
The refund did arrive, but it took {DAYS} and {N} emails to get it.
I'm not paying {SMALL} in fees for a {MONEY} order.
I returned the {PRODUCT} at the {STORE} in {CITY} on {DAY}, the cashier scanned it and gave me a receipt saying {MONEY} would be refunded, but my {PAYBRAND} statement shows nothing and support says they can't see the return at all.
Never got my money back.
""",
neutral="""
Refund status, please?
Paid {MONEY} with {PAYBRAND} {WHEN}.
My bank shows a pending charge from {STORE}.
I'd like to understand the charge of {MONEY} on {DAY}: I think it's the delivery fee for {ORDER}, but the description on my statement just says "online purchase" with no store name.
Is tipping the driver possible by card?
""",
positive="""
Refunded, thank you!
Not a single problem paying with {PAYBRAND}.
The refund took a few days, but it all came back, every cent.
Didn't even have to ask, they noticed the double charge and refunded it.
I was charged {MONEY} twice at the {STORE} on {STREET}, and before I could even call, the app had flagged it, refunded one charge and added a {SMALL} credit as an apology, which was honestly more than I expected.
""",
),
"rewards": dict(
negative="""
My points are gone.
Love how my points expire the day before the double points weekend.
The program used to be good, but now it takes forever to earn anything.
I don't see the point of collecting points anymore.
I've shopped at {STORE} almost every week for {LONGDUR}, scanned every receipt and checked the app after each visit, and yet my balance is still stuck at {POINTS} while the app keeps telling me my receipts are "under review".
Wow, a 5% coupon for spending {MONEY}, how generous.
""",
neutral="""
What's my points balance?
I have {POINTS}.
The rewards tab says my tier resets on {DAY}.
If I return something I bought with points, do the points go back to my account or do I get a {SMALL} store credit instead, and does it matter whether I bought it online or at the {STORE} in {CITY}?
Coupons reset on {DAY}.
""",
positive="""
[grocery,care,drinkware,accessory,cookware,toys] Got a free {PRODUCT}!
Not bad at all, {POINTS} already and it's only {DAY}.
The rewards are small, but they add up fast if you shop every week.
Never expected to get anything useful from a loyalty program.
[grocery,care,drinkware,accessory,cookware,toys] I was pretty skeptical about the rewards program, but after {LONGDUR} of normal grocery shopping at {STORE} I had enough points for a {BP}, and redeeming it took about ten seconds in the app.
""",
),
"support": dict(
negative="""
Support is useless.
Thanks for the "we value your feedback" email, very helpful.
The agent was polite, but nothing actually got fixed.
I still haven't heard back from anyone.
I've explained the same problem with {ORDER} to {N} different people over {DAYS}, sent photos of the damaged {PRODUCT} twice, and every time I'm told a supervisor will call me within 24 hours, which has not happened once.
No one seems to read the messages.
""",
neutral="""
What are support hours?
Spoke to {PERSON} {WHEN}.
Waiting for support to reply about {ORDER}.
I was told by {PERSON} on the chat that the replacement {PRODUCT} would ship from the {CITY} warehouse, but I'd like to confirm whether I need to return the broken one first or can keep it until the new one arrives.
My ticket is still open.
""",
positive="""
Support totally rocks.
Not a single thing to complain about, {PERSON} fixed it right away.
It took a while to get through, but {PERSON} was lovely and sorted everything.
Didn't expect a reply on a Sunday, but they got back to me in an hour.
I was ready to cancel my account after the mess with {ORDER}, but {PERSON} from support called me back, explained what had gone wrong, refunded the {SMALL} delivery fee and added a voucher, so I'm staying.
""",
),
}
for _t, _d in EXTRA.items():
    for _s, _v in _d.items(): BANK[_t]["standalone"][_s] += _v

# A third round of phrases, written to add variety and difficulty: implicit sentiment (no "great" or
# "terrible"), vocabulary shared across topics (a payments text that mentions the app, a support
# text about a refund), and more sentence shapes.
MORE = {
"delivery": dict(
context="""
I ordered a {BP} from {STORE} for delivery
the app promised delivery by {DAY}
my order from {STORE} shipped from {CITY} {WHEN}
[furniture,appliance,electronics] I booked the {PRODUCT} delivery for {DAY} between 8 and 12
I sent a {PRODUCT} to my brother in {CITY}
""",
core=dict(
negative="""
I spent the whole morning at home and nobody came
the app still says "preparing your order"
the box was open and the receipt was missing
they left it with a neighbour I've never met
[electronics] the {PRODUCT} arrived, the charger did not
the driver asked me to come down to the street to get it
""",
neutral="""
the courier is {COURIER} according to the email
I'd like to know if I can track it on the {COURIER} website
the email says a second box is on its way
I'll be away until {DAY}, so it can wait
""",
positive="""
it was on my doorstep before I got home from work
I didn't have to wait in at all, they used the locker
the driver waited while I checked everything was there
everything was there, down to the last yogurt
""",
),
standalone=dict(
negative="""
Day {N} of "out for delivery".
The {COURIER} driver photographed my parcel in front of a door that isn't mine.
I've had faster deliveries from the other side of the world than from the {STORE} in {CITY}.
My {PRODUCT} went on a tour of {CITY} and {CITY} before coming back to the depot.
So the parcel is "delivered" but it's in a locker {SHORTDUR} away that I didn't choose.
""",
neutral="""
Package from {STORE} showed up {WHEN}; the second one is due on {DAY}.
The {COURIER} van usually comes after 5pm on our street.
I'll be at work on {DAY}, can the driver leave it at reception?
Is it possible to combine {ORDER} with my next order to save on shipping?
Delivery address updated to {STREET}, {CITY}.
""",
positive="""
Ordered the {PRODUCT} after dinner and it was on the porch before breakfast.
{PERSON} from {COURIER} has delivered to us for years and never missed a day.
Four bags of groceries from {STORE} and not a single bruised apple.
The locker pickup at {STREET} is so convenient, took me two minutes.
Even with the snow in {CITY}, the delivery came exactly when promised.
""",
),
),
"product": dict(
context="""
I've been using the {BP} since {DAY}
[furniture,electronics,accessory,kitchen] we ordered a {PRODUCT} for the office
[all] I compared the {PRODUCT} with the one at {STORE}
[all] I bought the {PRODUCT} in the sale on {DAY} for {MONEY}
""",
core=dict(
negative="""
[electronics] two of them already have dead pixels
I'm back to using my old one
[electronics,appliance] it needs to be reset every other day
[furniture,baby,outdoor] the instructions were missing and half the screws too
[clothing,footwear,textiles,bags,furniture] it looks worn out after just {LONGDUR}
[furniture,textiles,footwear,outdoor] the smell still hasn't gone away
""",
neutral="""
[kitchen,electronics,accessory,appliance,grooming] I'm wondering whether the {MONEY} version is the same inside
[kitchen,electronics,accessory,appliance,grooming] I need the model number for the warranty form
[electronics,accessory] I'd like to know if the {PRODUCT} works with a {PHONEBRAND} phone
[all] the box says made in Portugal
""",
positive="""
I ended up buying a second one for my mother
[kitchen,appliance] it's quieter than anything I've owned
[toys,electronics,outdoor] the kids fight over who gets to use it
[kitchen,electronics,accessory,appliance,grooming] I haven't thought about it once, it just works
""",
),
standalone=dict(
negative="""
[kitchen,electronics,accessory,appliance,grooming] The {PRODUCT} is now a very expensive doorstop.
[furniture] Two weeks in and the {PRODUCT} already wobbles.
[kitchen,electronics,accessory,appliance,grooming] I read the reviews, ignored the warnings, and now I own a {PRODUCT} that only works on Tuesdays.
[footwear] The {PRODUCT} is listed as waterproof, my soaked socks disagree.
[kitchen,electronics,accessory,appliance,grooming] My second {BP} in a year, same fault as the first one.
""",
neutral="""
[kitchen,electronics,accessory,appliance,grooming] Is the {BP} the 2023 or the 2024 model?
[all] Which {PRODUCT} is the one in the {STORE} ad?
[clothing,footwear,textiles,bags,drinkware] The {PRODUCT} I got is dark blue, the picture showed navy, close enough.
Looking for a {PRODUCT} under {MONEY}, any suggestions from the app?
[appliance] Does the {BP} come with a spare filter?
""",
positive="""
[furniture,electronics,textiles] My {PRODUCT} survived a move, two toddlers and a dog.
Used the {BP} every single day for {LONGDUR} and it still looks new.
Replaced three cheap ones with this {PRODUCT} and I'm finally done shopping for it.
[kitchen,appliance] The {PRODUCT} paid for itself in a month.
[kitchen] Bought the {PRODUCT} on a whim, now I can't imagine the kitchen without it.
""",
),
),
"store": dict(
context="""
we did our weekly shop at the {STORE} in {CITY} {WHEN}
I returned a {PRODUCT} at the {STORE} on {STREET}
I needed a {PRODUCT} urgently so I went to {STORE}
I took my mum to the {STORE} near {STREET} on {DAY}
""",
core=dict(
negative="""
we spent more time in the queue than shopping
the person at the returns desk made me feel like a criminal
the {PRODUCT} shelf was empty again
the music was so loud we couldn't hear each other
the aisles were blocked with boxes
nobody was at the deli counter for {SHORTDUR}
""",
neutral="""
they seem to have moved the returns desk upstairs
[outdoor,grocery,toys] the {PRODUCT} was in the seasonal aisle this time
I noticed they now close at 8 on Sundays
the self-checkout only takes cards now
""",
positive="""
someone opened a new till as soon as the line got long
the returns took less than two minutes
{PERSON} found the last {PRODUCT} in the back for me
there were benches for my mum to rest between aisles
""",
),
standalone=dict(
negative="""
Twenty minutes in line for two items at the {STORE} on {STREET}.
The {STORE} in {CITY} still hasn't fixed the broken freezer, everything in it was soft.
I asked three employees where the {PRODUCT} was and got three different answers.
Had to climb over pallets to reach the milk at {STORE}.
The {STORE} by {STREET} used to be my favorite, now I avoid it.
""",
neutral="""
Is the {STORE} on {STREET} the one with the garden center?
Does the {STORE} in {CITY} have a returns desk or is it online only?
The {STORE} at {STREET} is closed for inventory on {DAY}.
Can I pick up an online order at any {STORE}, or only at my home store?
The {STORE} near me now has electric car chargers in the parking lot.
""",
positive="""
The new layout at the {STORE} in {CITY} makes shopping so much quicker.
{PERSON} at {STORE} carried my bags to the car without me asking.
In and out of the {STORE} on {STREET} in ten minutes, even on a Saturday.
Whoever organises the {STORE} in {CITY} deserves a raise.
The {STORE} on {STREET} had everything on my list, first time in months.
""",
),
),
"app": dict(
context="""
I tried to check out in the app {WHEN}
I was editing my shopping list on {DAY}
I switched on notifications for price drops
I tried to pay in the app at the {STORE} self-checkout
""",
core=dict(
negative="""
I had to type my address {N} times
the spinner just goes round and round
it put the same item in my cart twice
I get a blank white screen
it says I'm offline when I'm on wifi
it takes {N} taps to find my receipts
""",
neutral="""
I'd like to know if the list syncs to a second phone
I'm curious whether price alerts also work for {STORE}
the app asked me to rate it
I'd like to know if there's a way to reorder past items
""",
positive="""
I did my whole week's shopping from the sofa in ten minutes
the price-drop alert saved me {SMALL} on a {PRODUCT}
it picked up where I left off on my laptop
everything just worked, first try
""",
),
standalone=dict(
negative="""
Every update makes the app slower on my {PHONEBRAND} phone.
I tap "pay", the app thinks for a minute, then logs me out.
The app sent me a notification for a sale that ended {WHEN}.
Can't scroll past the first ten results in search, the list just stops loading.
The app has forgotten my shopping list for the third time this month.
""",
neutral="""
Is the price-drop alert per item or for the whole list?
After the update the app asked for location access again.
How do I switch the app to show the {STORE} in {CITY} by default?
Can I scan a barcode from a photo instead of the camera?
The app shows version 5.2 on my phone, is that the latest?
""",
positive="""
The app's barcode scanner found the cheaper {PRODUCT} right there in the aisle.
Price alerts in the app got me the {BP} for {SMALL} less.
I check the app before every trip to {STORE} now, it's that useful.
Used to hate the app, now it's on my home screen.
Reordering my usual groceries takes one tap, brilliant.
""",
),
),
"payments": dict(
context="""
I used a gift card and {PAYBRAND} for the {BP}
I returned {N} items from {ORDER} {WHEN}
I paid {MONEY} in the app for a {PRODUCT}
I got my statement from {PAYBRAND} on {DAY}
""",
core=dict(
negative="""
the money left my account but the order never did
the app took {MONEY} and then said the payment failed
I've been going back and forth with my bank for {DAYS}
the refund came back as store credit I never asked for
the total jumped by {SMALL} on the last screen
""",
neutral="""
I need to know whether the {MONEY} refund includes shipping
I'd like the receipt to show the VAT separately
the statement says "{STORE} online" for {MONEY}
I want to know if the gift card balance is used first
""",
positive="""
the full {MONEY} was back on my card by {DAY}
the app showed the exact total up front, no surprises
the price dropped after I bought it and they refunded the difference
the gift card balance and {PAYBRAND} combined without a hitch
""",
),
standalone=dict(
negative="""
I'm still {MONEY} out of pocket for a return you received {WHEN}.
The price on the app was {MONEY}, at checkout it became {MONEY}.
My gift card balance went from {MONEY} to zero and I didn't buy anything.
I'm tired of explaining a double charge to {PAYBRAND} and to you.
Cancelled within a minute, still charged {MONEY}.
""",
neutral="""
Why does the charge from {STORE} show up as two amounts on my statement?
Is {PAYBRAND} Pay Later available for orders under {MONEY}?
Where do I enter a gift card number in the app?
I need a receipt for {ORDER} for my expense report.
Does the price guarantee cover items bought at the {STORE} in {CITY}?
""",
positive="""
Returned the {PRODUCT} {WHEN}, money back in my account {WHEN}.
The price drop refund for my {PRODUCT} happened automatically.
Paying with {PAYBRAND} at the {STORE} self-checkout took two seconds.
The receipt in the app matched my bank statement to the cent.
I was sure the {MONEY} charge was wrong, turns out the app had already credited it back.
""",
),
),
"rewards": dict(
context="""
I've been a member since {DAY} last year
I redeemed {POINTS} at the {STORE} on {STREET}
I referred my sister {PERSON} to the program
I bought the {BP} partly with points
""",
core=dict(
negative="""
the checkout wouldn't let me use points and a coupon together
the points I earned {WHEN} are still "pending"
my tier dropped because of one returned item
the voucher only works on full-price items
I got {POINTS} instead of the promised {POINTS}
""",
neutral="""
I'd like to know if the points from that return come back
I'm not sure when the referral bonus is paid out
the app says my next tier is {POINTS} away
I want to know if the voucher works at {STORE} too
""",
positive="""
the points covered almost half of it
I got the referral bonus the same day
I'm only {POINTS} away from the next tier and it's only {DAY}
the member price saved me {SMALL}
""",
),
standalone=dict(
negative="""
I had {POINTS} on {DAY} and {POINTS} on {DAY}, and I didn't redeem anything.
The member price at the {STORE} in {CITY} is higher than the normal price online.
Two years as a Gold member and my birthday voucher was {SMALL}.
Points take {DAYS} to show up but expire the moment I look away.
The "bonus points" offer excluded every item I actually bought.
""",
neutral="""
Do points earned at the {STORE} in {CITY} count toward my tier?
My referral code isn't showing in the app, where do I find it?
How many points is a {PRODUCT} in the rewards catalog?
Is the member price applied automatically at the self-checkout?
When does the tier year end, {DAY} or the end of the month?
""",
positive="""
Got the {BP} almost free with {POINTS}, love this program.
The member prices at {STORE} actually make a difference on the weekly shop.
My {SMALL} birthday voucher paid for a whole cake.
Points from {STORE} and the app all show up in one place, so easy.
Referred {PERSON}, we both got {POINTS}, nice.
""",
),
),
"support": dict(
context="""
my {PRODUCT} arrived damaged, so I contacted support {WHEN}
I asked support about a {MONEY} charge on {DAY}
I chatted with the bot about {ORDER}
I called about my missing points {WHEN}
""",
core=dict(
negative="""
I've had {N} different ticket numbers and no answer
they told me to wait {DAYS} and then closed the case
the agent read a script and didn't listen
they said they'd email me, I'm still waiting
the bot kept suggesting I read the FAQ
""",
neutral="""
they said the case is with the warehouse team
I'm waiting for a reply from {PERSON}
they asked me to fill in a form on the website
the agent said someone would call on {DAY}
""",
positive="""
{PERSON} called me back exactly when she said she would
they fixed it on the first call, no transfers
the bot handed me to a human straight away
they sent a new {PRODUCT} before I even returned the old one
""",
),
standalone=dict(
negative="""
Four emails to support, four different answers about the same {MONEY} charge.
Support told me to contact {COURIER}, {COURIER} told me to contact support.
I waited {SHORTDUR} in the chat queue just to be told to call instead.
The support number plays music for {SHORTDUR} and then hangs up.
Still no reply to my complaint from {DAY}.
""",
neutral="""
Can I send photos of the damaged {PRODUCT} through the chat?
Is there a support desk at the {STORE} in {CITY} or only online?
{PERSON} from support said to expect an email, how long does that usually take?
What information does support need to trace {ORDER}?
Can someone from support call me instead of emailing?
""",
positive="""
{PERSON} from support stayed on the line until the refund showed up.
I expected a fight about the broken {PRODUCT}, support just said sorry and sent a new one.
The chat agent {PERSON} had it sorted before my coffee got cold.
Support remembered my previous issue without me explaining it again.
Honestly the nicest phone call I've had all week was with {PERSON} from support.
""",
),
),
}
for _t, _d in MORE.items():
    BANK[_t]["context"] += _d["context"]
    for _s in ("negative", "neutral", "positive"):
        BANK[_t]["core"][_s] += _d["core"][_s]
        BANK[_t]["standalone"][_s] += _d["standalone"][_s]

# closers: whole short sentences added after a text (sentiment-compatible)
CLOSERS = dict(
negative="""Really disappointed.|Not ordering again.|Please sort this out.|This is the second time this month.
|Fix it please!!|I'm done.|So frustrating.|What a waste of time.|Expected better from {STORE}.|Unacceptable.
|Never again.|Thanks for nothing.|smh|Not happy at all.|I want my money back.|Do better.|Ugh.""",
neutral="""Thanks.|Let me know.|Just curious.|Can someone confirm?|Not urgent.|Any info would help.|Thanks in advance.
|Please advise.|Cheers.|Just checking.|I'll wait for an update.""",
positive="""Thanks so much!|Will definitely order again.|Keep it up!|Five stars.|Made my day.|Really impressed.
|Great job, team.|Love it!|So happy.|Highly recommend.|Thank you!!|You guys rock.|Very pleased.""",
)
CLOSERS = {k: [v.strip() for v in vals.split("|") if v.strip()] for k, vals in CLOSERS.items()}

# contexts that fit a core of any topic: they set the scene with words of several topics (an order, the
# app, a store, points), so the topic has to come from the core clause, as the guidelines say
SHARED_CONTEXT = """I ordered a {PRODUCT} through the app {WHEN}
I bought a {PRODUCT} at {STORE} {WHEN}
I picked up my online order at the {STORE} in {CITY} {WHEN}
I used my points and a coupon on a {PRODUCT} {WHEN}
I paid for the {PRODUCT} with {PAYBRAND} in the app
this was about the {PRODUCT} I ordered for delivery {WHEN}
I bought a {PRODUCT} for {MONEY} and scanned the receipt for points
I placed {ORDER} in the app and chose store pickup
I got the {BP} on sale at {STORE}
the {PRODUCT} came from {STORE} {WHEN}
I did my weekly shop at {STORE} {WHEN}
it's about {ORDER}, a {PRODUCT} I bought {WHEN}
I ordered a {PRODUCT} as a gift for {PERSON}
I checked the app before going to {STORE} {WHEN}
I shopped at the {STORE} on {STREET} {WHEN}
I got a {PRODUCT} with the member discount {WHEN}
I spent {MONEY} at {STORE} {WHEN}
we moved to {CITY} last month and set up the app again
I ordered from {STORE} for the first time {WHEN}
I used a {SMALL} voucher on a {PRODUCT}
I bought the {BP} through the app
I had a question about the {PRODUCT} I ordered {WHEN}
I placed a big order for my mum's birthday {WHEN}
I was shopping for a {PRODUCT} {WHEN}"""

# concessions: a clause of the other polarity that the writer sets aside ("X, but <core>"); the label
# follows the clause after "but" (see the sentiment guidelines: a waved-away complaint stays positive,
# polite words around a complaint stay negative).
CONCESSIONS = dict(
positive="""it took a bit longer than I hoped|I was skeptical at first|I had a small problem at the start
|it wasn't perfect|I almost gave up on it|the website was a bit confusing|I was annoyed at first
|there was a hiccup on the first day|it's not the cheapest option|I had my doubts|things got off to a rocky start
|I was ready to complain|there was some confusion at first|I expected the worst|I nearly cancelled
|the first attempt failed|I was not thrilled at the start|honestly I was close to leaving a bad review""",
negative="""the staff were polite|I really wanted this to work|I've been a loyal customer for years|the first one was fine
|they apologised|I like the idea|it started well|everyone was friendly enough|on paper it looked great
|the ad looked promising|I gave it a fair chance|I usually love this company|the reviews were good
|I was excited at first|they did respond eventually|the price was great|I tried to stay patient|the app looks nice""",
)
CONCESSIONS = {k: items(v) for k, v in CONCESSIONS.items()}

# casual-writing pass (applied only to literal text, never inside an entity)
MISSPELL = {"received": "recieved", "definitely": "definately", "disappointed": "dissapointed", "until": "untill",
            "because": "becuase", "which": "wich", "separate": "seperate", "their": "thier", "really": "realy",
            "probably": "probly", "immediately": "immediatly", "tomorrow": "tommorow", "address": "adress",
            "package": "pakage", "weird": "wierd", "believe": "beleive", "already": "allready"}
CHAT = {"you": "u", "are": "r", "because": "bc", "though": "tho", "please": "pls", "thanks": "thx",
        "really": "rly", "I don't know": "idk", "to be honest": "tbh", "people": "ppl", "before": "b4"}
OPENERS = ["Hi,", "Hey,", "Hello team,", "Quick feedback:", "FYI", "So", "Okay so", "Honestly,", "Just saying,",
           "Update:", "Hi there,", "Heads up:", "Not sure who to ask, but", "Long time user here.", "Morning,",
           "Hello,", "A quick one:", "Right,", "Well,", "Ok,"]
EMOJI = {"negative": ["😡", "😤", "🙄", "👎"], "neutral": ["🤔", "🙏"], "positive": ["🙂", "🙌", "😍", "👍", "🎉"]}
SENTIMENTS = ("negative", "neutral", "positive")
SLOT_RE = re.compile(r"\{([A-Z]+)\}")
TAG_RE = re.compile(r"^\[([a-z,]+)\]\s*")


def lines(s: str) -> list[str]:
    return [l.strip() for l in s.strip().split("\n") if l.strip()]


def tags_of(phrase: str, topic: str) -> frozenset:
    "The product categories a phrase fits: its [tag], else durable goods for product phrases, else all."
    m = TAG_RE.match(phrase)
    if m:
        t = m.group(1).split(",")
        out = frozenset(CATEGORIES if t == ["all"] else t)
        assert out <= set(CATEGORIES), f"unknown category in {phrase!r}"
        return out
    return frozenset(DURABLE if topic == "product" else CATEGORIES)


def untag(phrase: str) -> str: return TAG_RE.sub("", phrase)


# --------------------------------------------------------------------------------------------------
# The partition: phrases and entity strings belong to "train" or "eval".
# --------------------------------------------------------------------------------------------------
def partition(name: str, values: list[str], share: float, stratum=lambda v: 0) -> dict[str, list[str]]:
    """Cut `values` into a train part and an eval part (about `share` of each `stratum`, at least one when the
    stratum has two values or more), seeded by `name`."""
    ev, rng = set(), random.Random(f"{SEED}/{name}")
    groups = defaultdict(list)
    for v in sorted(set(values)): groups[stratum(v)].append(v)
    for key in sorted(groups):
        vals = groups[key]; rng.shuffle(vals)
        ev |= set(vals[:max(1, round(len(vals) * share)) if len(vals) > 1 else 0])
    return {"train": [v for v in values if v not in ev], "eval": [v for v in values if v in ev]}


def phrase_stratum(p: str) -> tuple:
    "Phrases are partitioned within strata, so that both sides get texts with people in them."
    return "{PERSON}" in p


ENT_SHARE = 0.4  # share of each closed entity list that only evaluation texts use
ENT = {k: partition(k, LISTS[k][1], ENT_SHARE) for k in PARTITIONED}
ALL_BRANDS = sorted({b for _, its in CATEGORIES.values() for _, bs in its for b in bs})
BRAND_SIDE = {b: s for s, part in partition("BRAND", ALL_BRANDS, ENT_SHARE).items() for b in part}
ITEM_SIDE = {it: s for c, (_, its) in CATEGORIES.items()
             for s, part in partition(f"PRODUCT/{c}", [i for i, _ in its], ENT_SHARE).items() for it in part}


def _phrase_partition():
    "For each phrase list (topic x kind x sentiment), which phrases belong to the evaluation side."
    parts = {}
    is_long = lambda p: len(p.split()) >= 25
    # long texts are few (about one per list): they are partitioned together, across lists
    long_eval = set(partition("long", [p for b in BANK.values() for s in SENTIMENTS for p in lines(b["standalone"][s])
                                       if is_long(p)], EVAL_SHARE)["eval"])
    for topic, b in BANK.items():
        parts[(topic, "context")] = partition(f"ctx/{topic}", lines(b["context"]), EVAL_SHARE, phrase_stratum)
        for s in SENTIMENTS:
            parts[(topic, "core", s)] = partition(f"core/{topic}/{s}", lines(b["core"][s]), EVAL_SHARE, phrase_stratum)
            short = partition(f"alone/{topic}/{s}", [p for p in lines(b["standalone"][s]) if not is_long(p)], EVAL_SHARE, phrase_stratum)
            longs = [p for p in lines(b["standalone"][s]) if is_long(p)]
            parts[(topic, "standalone", s)] = {"train": short["train"] + [p for p in longs if p not in long_eval],
                                               "eval": short["eval"] + [p for p in longs if p in long_eval]}
    for s in SENTIMENTS:
        parts[("closer", s)] = partition(f"closer/{s}", CLOSERS[s], EVAL_SHARE)
        if s in CONCESSIONS: parts[("concession", s)] = partition(f"conc/{s}", CONCESSIONS[s], EVAL_SHARE)
    parts[("opener",)] = partition("opener", OPENERS, EVAL_SHARE)
    parts[("shared",)] = partition("shared", lines(SHARED_CONTEXT), EVAL_SHARE, phrase_stratum)
    return parts


PHRASES = _phrase_partition()


# --------------------------------------------------------------------------------------------------
# Slot fillers
# --------------------------------------------------------------------------------------------------
NUMWORDS = "two three four five six seven eight nine ten".split()


def money(lo: float, hi: float, rng: random.Random, side: str, cur: str = "$", words: bool = True) -> str:
    "A random amount between lo and hi (log-uniform) in currency `cur`, written as people write prices."
    if words and rng.random() < 0.05:
        return pick_list("MONEYWORD", side, rng)
    v = lo * (hi / lo) ** rng.random()
    if v < 30 and rng.random() < 0.6: s = f"{int(v)}.{rng.choice(['99', '49', '50', '95', '29', str(rng.randint(10, 89))])}"
    elif v < 300 and rng.random() < 0.4: s = f"{int(v)}.99"
    else: s = f"{int(v):,}" if v >= 1000 else str(int(v))
    if words and cur == "$" and rng.random() < 0.04 and "." not in s and int(s.replace(",", "")) < 200: return f"{s} bucks"
    return cur + s


def pick_list(name: str, side: str, rng: random.Random, avoid=(), keep=lambda v: True) -> str:
    "A value of a closed list: train texts use the train part; eval texts the eval part with probability P_UNSEEN."
    if name not in ENT: pool = LISTS[name][1]
    elif side == "train": pool = ENT[name]["train"]
    else: pool = ENT[name]["eval" if rng.random() < P_UNSEEN else "train"]
    choices = [v for v in pool if v not in avoid and keep(v)] or [v for v in pool if keep(v)] or pool
    return rng.choice(choices)


def pick_date(kind: str, side: str, rng: random.Random) -> str:
    if kind == "DAY":
        r = rng.random()
        if r < 0.35: return pick_list("WEEKDAY", side, rng)
        if r < 0.55: return pick_list("HOLIDAY", side, rng)
        month, d = rng.choice(LISTS["MONTH"][1]), rng.randint(1, 28)
        suffix = "th" if 10 <= d <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
        return rng.choice([f"{month} {d}", f"{month} {d}{suffix}", f"{d} {month}" if len(month) > 3 else f"{month} {d}"])
    r = rng.random()
    if r < 0.6: return pick_list("RELDATE", side, rng)
    if r < 0.85: return "last " + pick_list("WEEKDAY", side, rng)
    if r < 0.92: return "this past " + pick_list("WEEKDAY", side, rng)
    return f"{rng.choice(NUMWORDS[2:])} days ago"


def pick_product(cat: str, side: str, rng: random.Random, with_brand: bool, avoid=()):
    "An item of category `cat` (and a maker of it when `with_brand`), honouring the split's partition."
    unseen = side == "eval" and rng.random() < P_UNSEEN
    its = CATEGORIES[cat][1]
    if with_brand:
        pairs = [(b, i) for i, bs in its for b in bs if i not in avoid]
        ok = [(b, i) for b, i in pairs if (BRAND_SIDE[b] == "eval" or ITEM_SIDE[i] == "eval") == unseen]
        return rng.choice(ok or [(b, i) for b, i in pairs if BRAND_SIDE[b] == ITEM_SIDE[i] == "train"] or pairs)
    pool = [i for i, _ in its if i not in avoid]
    ok = [i for i in pool if (ITEM_SIDE[i] == "eval") == unseen]
    return None, rng.choice(ok or [i for i in pool if ITEM_SIDE[i] == "train"] or pool)


def pick_brand(side: str, rng: random.Random, avoid=()) -> str:
    unseen = side == "eval" and rng.random() < P_UNSEEN
    pool = [b for b in ALL_BRANDS if (BRAND_SIDE[b] == "eval") == unseen and b not in avoid]
    return rng.choice(pool)


def slot_value(slot: str, ctx: dict, rng: random.Random):
    "[(string, label or None), ...] for one slot."
    side, used = ctx["side"], ctx["used"]
    if slot in ("PRODUCT", "BP"):
        b, i = pick_product(ctx["cat"], side, rng, slot == "BP", used)
        return [(b, "BRAND"), (" ", None), (i, "PRODUCT")] if b else [(i, "PRODUCT")]
    if slot == "BRAND": return [(pick_brand(side, rng, used), "BRAND")]
    if slot == "STORE" and ctx["has_product"]:
        return [(pick_list(slot, side, rng, used, keep=lambda v: ctx["cat"] in STORE_SELLS[v]), "STORE")]
    if slot in ("PHONEBRAND", "PAYBRAND", "COURIER", "STORE", "CITY"):
        return [(pick_list(slot, side, rng, used), LISTS[slot][0])]
    if slot == "STREET":
        if rng.random() < 0.2: return [(pick_list("NAMEDSTREET", side, rng, used), "LOCATION")]
        return [(pick_list("STREETNAME", side, rng) + " " + pick_list("STREETTYPE", side, rng), "LOCATION")]
    if slot == "PERSON":
        if rng.random() < 0.15: return [(pick_list("TITLE", side, rng) + " " + pick_list("SURNAME", side, rng), "PERSON")]
        return [(pick_list("FIRSTNAME", side, rng, used), "PERSON")]
    if slot in ("DAY", "WHEN"): return [(pick_date(slot, side, rng), "DATE")]
    if slot == "MONEY":
        lo, hi = CATEGORIES[ctx["cat"]][0] if ctx["has_product"] else (5, 300)
        return [(money(lo, hi, rng, side, ctx["cur"]), "MONEY")]
    if slot == "SMALL": return [(money(3, 30, rng, side, ctx["cur"], words=False), "MONEY")]
    return [(pick_list(slot, side, rng, used), None)]


def substitute(lit: str, table: dict) -> str:
    for a, b in table.items():
        lit = re.sub(rf"\b{re.escape(a)}\b", b, lit)
    return lit


def fill(template: str, rng: random.Random, ctx: dict, casual: dict | None = None):
    """Fill slots; return (text, spans). `casual` holds the word substitutions for literal parts."""
    text, spans, pos, plural = "", [], 0, False
    ctx["used"] = set()
    agree = lambda lit: next((AGREE[v] + lit[len(v):] for v in AGREE if lit.startswith(v)), lit) if plural else lit
    for m in SLOT_RE.finditer(template):
        lit = agree(template[pos:m.start()])
        if casual: lit = substitute(lit, casual)
        pieces = slot_value(m.group(1), ctx, rng)
        first = pieces[0][0]
        if re.search(r"(^|\s)the $", lit, re.I) and first.lower().startswith("the "): lit = lit[:-4]  # "the the ..."
        text += lit
        art = re.search(r"(^|\s)([aA]) $", text)
        if art and pieces[-1][1] == "PRODUCT" and pieces[-1][0] in UNIT_OF and len(pieces) == 1:
            text = text[:-2] + text[-2] + UNIT_OF[first][1:] + " "  # a -> a pair of
        elif art and (first[0] in "aeioAEIO" or first.startswith(("HDMI", "NYX"))):
            text = text[:-2] + text[-2] + "n "  # a -> an
        for s, label in pieces:
            if label: spans.append({"start": len(text), "end": len(text) + len(s), "label": label})
            ctx["used"].add(s)
            text += s
        plural = pieces[-1][0] in PLURAL
        pos = m.end()
    tail = agree(template[pos:])
    text += substitute(tail, casual) if casual else tail
    return text, spans


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


# --------------------------------------------------------------------------------------------------
# Composing one candidate
# --------------------------------------------------------------------------------------------------
P_CROSS = 0.35  # chance that the context clause is a shared one (the topic is the core's)


def compose(topic: str, sentiment: str, side: str, rng: random.Random):
    """One candidate: (template pieces, phrases used, product categories that fit)."""
    P = lambda *k: PHRASES[k][side]
    shape = rng.choices(["standalone", "ctx+core", "core", "conc+core", "ctx+core+closer", "core+closer"],
                        [34, 26, 8, 0 if sentiment == "neutral" else 12, 12, 8])[0]
    if shape == "standalone":
        t = rng.choice(P(topic, "standalone", sentiment))
        return [untag(t)], (t,), tags_of(t, topic)
    core = rng.choice(P(topic, "core", sentiment))
    tags = tags_of(core, topic)
    core_t = untag(core)
    used = [core]
    if shape == "conc+core":
        conc = rng.choice(P("concession", sentiment))
        return [cap(conc) + ", but " + core_t + "."], (conc, core), tags
    if shape.startswith("ctx"):
        ctx_topic = topic
        if rng.random() < P_CROSS: pool, ctx_topic = P("shared"), "shared"
        else: pool = [c for c in P(topic, "context") if sentiment != "neutral" or "~" not in c[:1]]
        ctx = rng.choice(pool)
        used.insert(0, ctx)
        tags &= tags_of(ctx, ctx_topic)
        ctx_t = untag(ctx)
        if ctx_t.startswith("~"):
            parts = [cap(ctx_t[1:]) + ", " + core_t + "."]
        else:
            joiner = rng.choices([" and ", ", and ", ", but ", ". ", " - ", " and now "],
                                 [34, 20, 16 if sentiment != "positive" else 4, 18, 6, 6 if sentiment == "negative" else 0])[0]
            parts = [cap(ctx_t) + joiner + (cap(core_t) if joiner == ". " else core_t) + "."]
    else:
        parts = [cap(core_t) + "."]
    if shape.endswith("closer"):
        closer = rng.choice(P("closer", sentiment))
        parts.append(closer); used.append(closer)
    return parts, tuple(used), tags


def render(parts: list[str], topic: str, sentiment: str, side: str, cats: frozenset, rng: random.Random):
    casual = None
    r = rng.random()
    if r < 0.12: casual = CHAT
    elif r < 0.22: casual = MISSPELL
    template = " ".join(parts)
    if rng.random() < 0.10:
        op = rng.choice(PHRASES[("opener",)][side])
        keep = template.startswith(("I ", "I'", "{"))
        template = op + " " + (template if keep else template[:1].lower() + template[1:])
    has_product = "{PRODUCT}" in template or "{BP}" in template
    ok = sorted(c for c in cats if "{BP}" not in template or any(bs for _, bs in CATEGORIES[c][1]))
    ctx = {"side": side, "cat": rng.choice(ok), "has_product": has_product, "cur": rng.choices("$€£", [75, 12, 13])[0]}
    text, spans = fill(template, rng, ctx, casual)
    style = rng.random()
    if style < 0.08:  # all lower case (spans keep their offsets: str.lower keeps the length here)
        low = text.lower()
        if len(low) == len(text): text = low
    elif style < 0.14 and text[-1] in ".!":
        text = text[:-1]  # no final punctuation
    elif style < 0.19 and sentiment != "neutral" and text.endswith("."):
        text = text[:-1] + "!!"
    if rng.random() < 0.06:
        text = f"{text} {rng.choice(EMOJI[sentiment])}"
    return text, spans


# --------------------------------------------------------------------------------------------------
# Overlap checks: the evaluation side must not repeat training text (tests/test_dataset.py measures the
# same with mtst.course.evaluation.text_overlap, on words only; here both word views are checked)
# --------------------------------------------------------------------------------------------------
def token_views(text: str) -> tuple[list[str], list[str]]:
    "Lower-cased word tokens two ways: BERT-style (punctuation split off and kept) and words only."
    low = text.lower()
    return re.findall(r"\w+|[^\w\s]", low), re.findall(r"\w+", low)


def ngrams(toks: list[str], n: int = NGRAM) -> set:
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def norm_tokens(text: str) -> frozenset:
    return frozenset(re.findall(r"\w+", text.lower()))


class NearDupIndex:
    "Token sets of the accepted texts, with an inverted index, to find a text's near duplicates fast."
    def __init__(self, threshold: float): self.threshold, self.sizes, self.postings = threshold, [], defaultdict(list)
    def add(self, toks: frozenset):
        for t in toks: self.postings[t].append(len(self.sizes))
        self.sizes.append(len(toks))
    def near(self, toks: frozenset) -> bool:
        "Whether some accepted text has token-set Jaccard >= threshold with `toks`."
        common = Counter(i for t in toks for i in self.postings.get(t, ()))
        return any(k / (len(toks) + self.sizes[i] - k) >= self.threshold for i, k in common.items())


class TrainIndex:
    "The training texts' 8-grams and token strings, to reject evaluation texts that overlap them."
    def __init__(self): self.grams, self.joined = set(), [[], []]
    def add(self, text: str):
        for k, toks in enumerate(token_views(text)):
            self.grams |= {(k,) + g for g in ngrams(toks)}
            self.joined[k].append(" " + " ".join(toks) + " ")
    def overlaps(self, text: str) -> bool:
        for k, toks in enumerate(token_views(text)):
            if any((k,) + g in self.grams for g in ngrams(toks)): return True
            key = " " + " ".join(toks) + " "
            if any(key in t for t in self.joined[k]): return True
        return False


CAP = {"standalone": 2, "core": 6, "context": 6, "closer": 8, "concession": 6, "shared": 6}  # uses per phrase per cell


def generate(seed: int = SEED, near_dup: float = NEAR_DUP) -> dict[str, list[dict]]:
    "All texts: {'train': [...], 'eval': [...]}; train first, then evaluation texts that do not overlap it."
    rng = random.Random(seed)
    kind = {}
    for key, part in PHRASES.items():
        for side_list in part.values():
            for p in side_list: kind[p] = key[1] if key[0] in BANK else key[0]
    seen_norm, near, index = set(), NearDupIndex(near_dup), TrainIndex()
    out, rejected = {"train": [], "eval": []}, 0
    for side in ("train", "eval"):
        for topic in BANK:
            for sentiment in SENTIMENTS:
                accepted, tries, target = 0, 0, PER_CELL[side]
                uses = defaultdict(int)
                first = list(PHRASES[(topic, "standalone", sentiment)][side])
                rng.shuffle(first)
                while accepted < target and tries < target * 200:
                    tries += 1
                    if first and rng.random() < 0.5:
                        t = first.pop()
                        parts, used, cats = [untag(t)], (t,), tags_of(t, topic)
                    else:
                        parts, used, cats = compose(topic, sentiment, side, rng)
                    if not cats or any(uses[u] >= CAP.get(kind.get(u), 2) for u in used) or uses[used] >= 1: continue
                    text, spans = render(parts, topic, sentiment, side, cats, rng)
                    key = " ".join(re.findall(r"\w+", text.lower()))
                    toks = norm_tokens(text)
                    if key in seen_norm or near.near(toks): continue
                    if side == "eval" and index.overlaps(text):
                        rejected += 1; continue
                    seen_norm.add(key); near.add(toks)
                    if side == "train": index.add(text)
                    uses[used] += 1
                    for u in used: uses[u] += 1
                    out[side].append({"text": text, "topic": topic, "sentiment": sentiment, "entities": spans})
                    accepted += 1
                if accepted < target:
                    print(f"warning: only {accepted} {side} texts for {topic}/{sentiment}")
    print(f"evaluation candidates rejected for overlap with train (contained or shared {NGRAM}-gram): {rejected}")
    return out


def split(rows: dict[str, list[dict]], seed: int = SEED) -> dict[str, list[dict]]:
    "Train as generated; each evaluation cell shuffled and cut in half into validation and test."
    rng = random.Random(seed + 1)
    cells = defaultdict(list)
    for r in rows["eval"]: cells[(r["topic"], r["sentiment"])].append(r)
    out = {"train": list(rows["train"]), "validation": [], "test": []}
    for key in sorted(cells):
        cell = cells[key]; rng.shuffle(cell)
        h = len(cell) // 2
        out["validation"] += cell[:h]; out["test"] += cell[h:]
    for name, part in out.items():
        rng.shuffle(part)
        for k, r in enumerate(part): r["id"] = f"{name}-{k:04d}"
    return out


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description="Write the course dataset (deterministic).")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default: this folder, data/)")
    out = ap.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    for name, part in split(generate()).items():
        with open(out / f"{name}.jsonl", "w", encoding="utf-8", newline="\n") as f:
            for r in part:
                f.write(json.dumps({"id": r["id"], "text": r["text"], "topic": r["topic"], "sentiment": r["sentiment"],
                                    "entities": r["entities"]}, ensure_ascii=False) + "\n")
        print(f"{name}: {len(part)}")


if __name__ == "__main__":
    main()
