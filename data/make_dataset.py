"""Write the course dataset: data/{train,validation,test}.jsonl.

Customer feedback about a shopping & rewards app. Sentences are composed from hand-written phrase
banks (below): a topic-specific *context* clause, a *core* clause that carries the topic and the
sentiment, an optional *closer*, or a hand-written *standalone* sentence. Slots such as {STORE} are
filled from entity lists and become character spans. A light "casual writing" pass adds
lower-casing, dropped punctuation, common misspellings and chat abbreviations to some texts (never
inside an entity). Candidates that are exact or near duplicates (token Jaccard >= 0.55) of an accepted
text are rejected, then the data is split 80/10/10 stratified by topic x sentiment.

Deterministic: `python data/make_dataset.py` always writes the same bytes (seeded RNG).
"""
from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path

SEED = 13
PER_CELL = 60          # target texts per (topic, sentiment) cell; 7 topics x 3 sentiments
NEAR_DUP = 0.55         # reject a candidate whose token-set Jaccard with an accepted text is >= this
OUT = Path(__file__).resolve().parent

# --------------------------------------------------------------------------------------------------
# Entity slot fillers. Each slot name maps to (entity label or None, values).
# Guidelines (see README.md): PRODUCT = the item (not the maker); BRAND = a maker, courier or payment
# provider; STORE = a shop/chain where people buy; LOCATION = a city, neighbourhood, street or mall;
# DATE = a day or a relative day/week/month reference (not durations, not clock times);
# MONEY = an amount of currency (not reward points); PERSON = a named person.
# --------------------------------------------------------------------------------------------------
SLOTS = {
    "PRODUCT": ("PRODUCT", """air fryer|wireless earbuds|yoga mat|coffee maker|4K TV|running shoes|winter jacket|phone case
        |blender|gaming chair|baby stroller|electric toothbrush|office chair|standing desk|laptop bag|rice cooker
        |vacuum cleaner|mattress topper|bluetooth speaker|smartwatch|protein powder|dog food|cat litter|olive oil
        |paper towels|printer ink|desk lamp|hiking boots|kettle|toaster|water filter|board game|skincare set
        |sunscreen|gas grill|lawn mower|camping tent|backpack|monitor|mechanical keyboard|wireless mouse|HDMI cable
        |USB-C charger|noise cancelling headphones|tablet|e-reader|espresso machine|frying pan|knife set|bath towels
        |bed sheets|blackout curtains|space heater|ceiling fan|wifi router|webcam|rain boots|denim jacket
        |slow cooker|hair dryer|baby formula|cereal|almond milk|dish soap|laundry detergent|phone charger"""),
    "BRAND": ("BRAND", """Nike|Adidas|Samsung|Sony|Dyson|Philips|KitchenAid|Ninja|Bose|LG|Lenovo|HP|Logitech|Levi's
        |Patagonia|The North Face|Keurig|Brita|Crocs|Under Armour|Garmin|Fitbit|Anker|JBL|Canon|Nestlé|L'Oréal
        |Häagen-Dazs|Cuisinart|Oral-B|Pampers|Tefal|Asics|New Balance|Razer|Breville|Coleman|iRobot"""),
    # a maker and one of its items: written "BRAND PRODUCT", two adjacent spans
    "BP": ("BRAND PRODUCT", """Dyson vacuum cleaner|Dyson hair dryer|Samsung 4K TV|Samsung tablet|LG monitor
        |Sony noise cancelling headphones|Bose bluetooth speaker|JBL bluetooth speaker|Nike running shoes
        |Adidas running shoes|Asics running shoes|New Balance running shoes|Patagonia winter jacket
        |The North Face backpack|The North Face winter jacket|Levi's denim jacket|KitchenAid blender|Ninja air fryer
        |Philips air fryer|Philips electric toothbrush|Oral-B electric toothbrush|Keurig coffee maker
        |Cuisinart slow cooker|Tefal frying pan|Brita water filter|Logitech wireless mouse|Razer mechanical keyboard
        |Razer gaming chair|Lenovo laptop|HP printer|Canon printer|Garmin smartwatch|Fitbit smartwatch
        |Anker phone charger|Crocs clogs|Under Armour hoodie|Pampers diapers|Nestlé cereal|L'Oréal shampoo
        |Häagen-Dazs ice cream|iRobot robot vacuum|Breville espresso machine|Coleman camping tent"""),
    "PHONEBRAND": ("BRAND", "Samsung|Motorola|Xiaomi|OnePlus|Nokia|Huawei|Google|Sony"),
    "PAYBRAND": ("BRAND", "Visa|Mastercard|PayPal|Apple Pay|Google Pay|Amex|Klarna|Venmo|Afterpay|Discover"),
    "COURIER": ("BRAND", "UPS|FedEx|DHL|USPS|Royal Mail|Canada Post|OnTrac|Evri"),
    "STORE": ("STORE", """FreshMart|Walmart|Target|Best Buy|Costco|Home Depot|Trader Joe's|Whole Foods|Kroger
        |Walgreens|CVS|IKEA|Macy's|Sephora|PetSmart|GreenLeaf Market|Corner Pantry|TechHub|Urban Outfitters
        |Safeway|Aldi|Lidl|H&M|Daily Basket|MegaMart|Sunrise Grocers|Bloom & Co|Kohl's|Staples|Petco"""),
    "CITY": ("LOCATION", """Denver|Austin|Portland|Brooklyn|Seattle|Chicago|San Diego|Phoenix|Atlanta|Boston|Miami
        |Toronto|Leeds|Manchester|Dublin|Oakland|Tampa|Columbus|Madison|Montréal|Zürich|Sacramento|Pittsburgh
        |Nashville|Raleigh|Salt Lake City|Bristol|Glasgow|Calgary|Houston|Queens|Minneapolis"""),
    "STREET": ("LOCATION", """Main Street|Elm Street|5th Avenue|Oak Road|Market Street|Maple Ave|Route 9|Westfield Mall
        |King Street|Broadway|Lakeshore Drive|Pine Street|Union Square|Riverside Drive|Harbor Mall|High Street
        |Cedar Lane|Mission Street|the Eastgate Mall|Sunset Boulevard"""),
    "DAY": ("DATE", """Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|March 3rd|May 12th|June 2|the 14th
        |the 1st|Black Friday|Christmas Eve|Boxing Day|Cyber Monday|New Year's Day|April 21|October 9th
        |Labor Day|the 28th|Jan 5|Sept 30"""),
    "WHEN": ("DATE", """yesterday|today|last Friday|last week|last weekend|two weeks ago|last month|last Tuesday
        |three days ago|the other day|this week|on Monday|on Saturday|on the 3rd|earlier this month|last night
        |a week ago|over the weekend|on Black Friday|this past Sunday"""),
    "MONEY": ("MONEY", """$45|$12.99|$3.50|$120|$1,299|€30|£18.40|40 bucks|twenty dollars|$0.99|$250|$60|$19.95
        |$7|€85|£5|$349.99|$15|$89|$2.49|$500|$34.20|10 dollars|$75|$9.99"""),
    "PERSON": ("PERSON", """Maria|Jake|Priya|Tom|Ahmed|Chloe|Mr. Alvarez|Sam|Keisha|Luis|Olga|Hiroshi|José|Zoë|Ben
        |Fatima|Daniel|Ms. Kowalski|Aisha|Marco|Jenny|Kevin|Nadia|Rob|Sofia|Dev|Grace|Omar|Lena|Carlos"""),
    # not entities
    "POINTS": (None, "500 points|2,000 points|1200 pts|300 points|5k points|750 points|10,000 points|250 points|80 points"),
    "DAYS": (None, "three days|two weeks|ten days|a full week|five days|over a week|nine days|a month"),
    "SHORTDUR": (None, "45 minutes|an hour|20 minutes|two hours|half an hour|90 minutes|forty minutes|four hours"),
    "LONGDUR": (None, "three months|six weeks|a year|two months|eight months|over a year|four months|a few weeks"),
    "ORDER": (None, "order #48213|order 99120|order #A-5521|order 31877|order #77002|my last order"),
    "N": (None, "2|3|4|5|6|two|three|four"),
}
SLOTS = {k: (lab, [v.strip() for v in vals.split("|") if v.strip()]) for k, (lab, vals) in SLOTS.items()}

# --------------------------------------------------------------------------------------------------
# Phrase banks per topic. Each line is one phrase; {SLOT} placeholders are filled at random.
# context: a neutral clause that sets the scene (no sentiment);
# core[sentiment]: a clause (lower-case start, no final punctuation) carrying topic and sentiment;
# standalone[sentiment]: complete texts with their own punctuation.
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
I paid {MONEY} for next-day delivery
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
the eggs were smashed and leaking all over the {PRODUCT}
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
Paid {MONEY} for express and it came slower than standard shipping, unbelievable.
My {PRODUCT} came with a hole in the box and a cracked base.
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
picked up a {PRODUCT} at {STORE} on {DAY}
I ordered the {PRODUCT} for {MONEY}
we've had the {PRODUCT} for {LONGDUR} now
my sister recommended the {BP}
my friend {PERSON} recommended the {BP}
I got the {PRODUCT} on sale for {MONEY}
this is already my second {BP}
bought a {PRODUCT} as a gift {WHEN}
I got the {PRODUCT} from the {STORE} in {CITY}
I've been using the {PRODUCT} every day for {LONGDUR}
I replaced my old one with the {BP}
""",
core=dict(
negative="""
it stopped working after {LONGDUR}
it fell apart the first week
it smells like burnt plastic out of the box
the color looks nothing like the photos
it's way smaller than the description said
one of the parts was cracked
it feels cheap and flimsy
it leaks no matter what I do
a piece snapped off on the second use
it was already damaged when I opened it
the quality is not what it used to be
it's so loud that we can't use it at night
the finish is peeling off already
it doesn't do half of what the listing promised
I regret buying it
""",
neutral="""
I'm wondering if it comes with a warranty
I need to know if it's dishwasher safe
it's the grey version, not the black one
I'm trying to figure out which size to get
I want to know if replacement parts are sold separately
the manual is only in French and Spanish
it runs on {N} AA batteries
I'm not sure if it fits a queen bed
it looks similar to the one at {STORE}
the listing doesn't say what it's made of
""",
positive="""
it works even better than advertised
the build quality is honestly excellent for the price
I use it every single day
it still looks brand new
it's so easy to clean
it was a great gift, my dad loves it
it's exactly as described
it's the best purchase I've made all year
it's held up really well
my kids use it constantly and it hasn't broken
it beats the one I had before
it's sturdy, quiet and easy to set up
""",
),
standalone=dict(
negative="""
The {PRODUCT} broke within a week. Total waste of {MONEY}.
Do not buy the {BP}, it's junk.
Ordered a medium and got something that fits like an XS.
My {PRODUCT} arrived with a missing power cable, so it's useless.
Cheap plastic, wobbly legs, and the screws didn't match the holes.
Why does a {MONEY} {PRODUCT} feel this flimsy?
The {PRODUCT} is nothing like the product photos, super disappointed.
Three of the {N} bowls were chipped straight out of the box.
The zipper on my {BP} broke the first day.
The {PRODUCT} from {STORE} had mold on it.
Returned the {PRODUCT}. Returned the replacement too.
Smells awful, looks cheap, and it's already scratched.
""",
neutral="""
Is the {BP} compatible with a {BP}?
What's the difference between the two {PRODUCT} models?
Does the {PRODUCT} come in a larger size?
Are the {PRODUCT} refills sold at {STORE}?
Is the {PRODUCT} vegan?
Could you tell me the weight of the {PRODUCT}?
Bought the {PRODUCT}, will report back after a few weeks.
How long is the warranty on the {PRODUCT}?
Does this {PRODUCT} need assembly?
The {PRODUCT} is listed as {MONEY} online but {MONEY} in store.
""",
positive="""
Absolutely love my new {BP}!
The {PRODUCT} is worth every penny.
Great {PRODUCT}, my whole family uses it.
Not gonna lie, the {PRODUCT} is way nicer than I expected for {MONEY}.
Best {PRODUCT} I've owned, hands down.
The {PRODUCT} from {STORE} is fantastic quality.
Bought a second {PRODUCT} for my parents because the first one is so good.
Super comfy, looks great, no complaints at all.
This {BP} is a game changer for my mornings.
Can't believe how good the {PRODUCT} is for the price.
""",
))

BANK["store"] = dict(
context="""
I went to the {STORE} on {STREET} {WHEN}
we stopped by {STORE} in {CITY} on {DAY}
I was at the {STORE} near {STREET} around closing time
I went to pick up my online order at {STORE}
my husband shops at the {CITY} {STORE} every week
I popped into {STORE} to grab a {PRODUCT}
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
they helped me carry the {PRODUCT} to my car
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
a hidden service fee of {MONEY} appeared at the end
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
I'm wondering if the {MONEY} deposit is refundable
I need to know which card was charged
I'd like to remove my old {PAYBRAND} account from the app
the charge is listed under {STORE} rather than the app
I want to know if price adjustments apply after purchase
""",
positive="""
the refund came through in just two days
checkout with {PAYBRAND} took seconds
they fixed the double charge right away
the price match saved me {MONEY}
paying with {PAYBRAND} in the app is so convenient
the {MONEY} credit showed up instantly
I got my money back before I even shipped the return
the split payment option worked perfectly
""",
),
standalone=dict(
negative="""
Charged {MONEY} for an order I cancelled {WHEN}.
Still no refund for the {PRODUCT} I returned on {DAY}.
Why was I charged a {MONEY} "convenience fee"??
Card declined three times at the {STORE} self-checkout.
The shelf said {MONEY}, the register charged {MONEY}.
Two charges of {MONEY} on my {PAYBRAND} for one order!
Refund "processed" {DAYS} ago and still nothing in my account.
{PAYBRAND} checkout fails every time with a generic error.
Paid {MONEY} for shipping on a {MONEY} item. Ridiculous.
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
Got {MONEY} back thanks to the price match, love it.
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
I was promised {MONEY} cashback from the promo on {DAY}
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
you need a ridiculous {POINTS} for a {MONEY} voucher
the bonus offer didn't apply to {STORE} purchases
my points expired after only {LONGDUR}
I can't combine the coupon with my member discount
the referral bonus never arrived
""",
neutral="""
I'm wondering how many points I need for a {MONEY} voucher
I'd like to know if points transfer to my partner's account
I need to check when my points expire
I'm not sure whether purchases at {STORE} earn double points
I want to know if the {MONEY} reward can be used online
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
I got a free {PRODUCT} with my points
the {MONEY} birthday voucher was a lovely surprise
the double points offer made a real difference
redeeming was quick and painless
the new tier perks are actually worth it
the cashback landed in my account the next day
the personalized coupons are genuinely useful
I saved {MONEY} on groceries this month with coupons
""",
),
standalone=dict(
negative="""
Where are my {POINTS} from last month's shopping at {STORE}?
Points expired without any warning. Not cool.
The "exclusive" member deals are worse than regular sale prices.
Scanned {N} receipts {WHEN} and got zero points.
You devalued the points AGAIN? I'm out.
{POINTS} for a {MONEY} coupon is a joke.
My birthday reward never came this year.
Lost Gold status because of a glitch, and nobody can fix it.
Coupon says valid at all stores but {STORE} in {CITY} refused it.
The cashback from the promo on {DAY} still hasn't appeared.
""",
neutral="""
How many points do I get per {MONEY} spent?
Do points expire if I don't shop for a while?
Can I use points and a coupon on the same order?
When does the double points weekend start?
Is the {MONEY} welcome voucher valid at {STORE}?
How do I check my tier status?
Do online orders earn the same points as in-store purchases?
Can I donate my points to charity?
I have {POINTS} pending since {DAY}, is that normal?
Do points from {STORE} and online orders go into one balance?
How long does it take for scanned receipts to show up as points?
Is there a way to see which receipts earned points?
Can I merge two rewards accounts?
Does the {MONEY} cashback count toward my tier?
What's the minimum to redeem points?
""",
positive="""
Just redeemed {POINTS} for a {PRODUCT}, so happy!
The rewards program is honestly the best part of the app.
Love the double points weekends!!
Got a {MONEY} voucher on my birthday, thank you!
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
Ordered a {PRODUCT} from {STORE} {WHEN} for my daughter's party on {DAY}, paid {MONEY} extra for guaranteed delivery, waited in all day, and at 9pm got an email saying it "could not be delivered" with no attempt, no call and no new date, so the party went ahead without it.
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
Oh great, another {BP} that died right after the warranty ended.
It's not terrible, but for {MONEY} I expected it to at least last a year.
Looks lovely, but it doesn't actually work.
I wanted to love the {BP} because the design is beautiful and the reviews were great, but after {LONGDUR} the motor started grinding, the buttons stick, and now it only works if I unplug it and wait five minutes, which makes it pretty much useless.
I can't recommend the {PRODUCT}.
""",
neutral="""
Where can I find the specs?
It's fine, does what it says, nothing special.
The {PRODUCT} arrived {WHEN}, haven't tried it yet.
Comparing the {BP} with the cheaper one at {STORE}, the first is lighter but the second has a longer warranty, and I can't decide which one makes more sense for a small apartment.
Is the {PRODUCT} the same one they sell at {STORE}?
Average product for an average price.
""",
positive="""
Perfect, just perfect.
Not what I expected, in a good way.
A bit pricey at {MONEY}, but honestly worth it.
Wasn't sure about the {PRODUCT} at first but it's grown on me.
I've tried at least {N} different {PRODUCT} models over the years and this is the first one that is quiet, easy to clean and still works exactly like on day one after months of daily use, so I finally stopped looking.
Never thought I'd get this excited about a {PRODUCT}.
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
I'm not paying {MONEY} in fees for a {MONEY} order.
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
I was charged {MONEY} twice at the {STORE} on {STREET}, and before I could even call, the app had flagged it, refunded one charge and added a {MONEY} credit as an apology, which was honestly more than I expected.
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
If I return something I bought with points, do the points go back to my account or do I get a {MONEY} store credit instead, and does it matter whether I bought it online or at the {STORE} in {CITY}?
Coupons reset on {DAY}.
""",
positive="""
Got a free {PRODUCT}!
Not bad at all, {POINTS} already and it's only {DAY}.
The rewards are small, but they add up fast if you shop every week.
Never expected to get anything useful from a loyalty program.
I was pretty skeptical about the rewards program, but after {LONGDUR} of normal grocery shopping at {STORE} I had enough points for a {BP}, and redeeming it took about ten seconds in the app.
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
I was ready to cancel my account after the mess with {ORDER}, but {PERSON} from support called me back, explained what had gone wrong, refunded the {MONEY} delivery fee and added a voucher, so I'm staying.
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
I booked the {PRODUCT} delivery for {DAY} between 8 and 12
I sent a {PRODUCT} to my brother in {CITY}
""",
core=dict(
negative="""
I spent the whole morning at home and nobody came
the app still says "preparing your order"
the box was open and the receipt was missing
they left it with a neighbour I've never met
the {PRODUCT} arrived, the charger did not
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
we ordered {N} of the {PRODUCT} for the office
I compared the {PRODUCT} with the one at {STORE}
I bought the {PRODUCT} in the sale on {DAY} for {MONEY}
""",
core=dict(
negative="""
two of them already have dead pixels
I'm back to using my old one
it needs to be reset every other day
the instructions were missing and half the screws too
it looks worn out after just {LONGDUR}
the smell still hasn't gone away
""",
neutral="""
I'm wondering whether the {MONEY} version is the same inside
I need the model number for the warranty form
I'd like to know if the {PRODUCT} works with a {PHONEBRAND} phone
the box says made in Portugal
""",
positive="""
I ended up buying a second one for my mother
it's quieter than anything I've owned
the kids fight over who gets to use it
I haven't thought about it once, it just works
""",
),
standalone=dict(
negative="""
The {PRODUCT} is now a very expensive doorstop.
Two weeks in and the {PRODUCT} already wobbles.
I read the reviews, ignored the warnings, and now I own a {PRODUCT} that only works on Tuesdays.
The {PRODUCT} is listed as waterproof, my soaked socks disagree.
My second {BP} in a year, same fault as the first one.
""",
neutral="""
Is the {BP} the 2023 or the 2024 model?
Which {PRODUCT} is the one in the {STORE} ad?
The {PRODUCT} I got is dark blue, the picture showed navy, close enough.
Looking for a {PRODUCT} under {MONEY}, any suggestions from the app?
Does the {BP} come with a spare filter?
""",
positive="""
My {PRODUCT} survived a move, two toddlers and a dog.
Used the {BP} every single day for {LONGDUR} and it still looks new.
Replaced three cheap ones with this {PRODUCT} and I'm finally done shopping for it.
The {PRODUCT} paid for itself in a month.
Bought the {PRODUCT} on a whim, now I can't imagine the kitchen without it.
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
the {PRODUCT} was in the seasonal aisle this time
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
the price-drop alert saved me {MONEY} on a {PRODUCT}
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
Price alerts in the app got me the {BP} for {MONEY} less.
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
the total jumped by {MONEY} on the last screen
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
the member price saved me {MONEY}
""",
),
standalone=dict(
negative="""
I had {POINTS} on {DAY} and {POINTS} on {DAY}, and I didn't redeem anything.
The member price at the {STORE} in {CITY} is higher than the normal price online.
Two years as a Gold member and my birthday voucher was {MONEY}.
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
My {MONEY} birthday voucher paid for a whole cake.
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

# casual-writing pass (applied only to literal text, never inside an entity)
MISSPELL = {"received": "recieved", "definitely": "definately", "disappointed": "dissapointed", "until": "untill",
            "because": "becuase", "which": "wich", "separate": "seperate", "their": "thier", "really": "realy",
            "probably": "probly", "immediately": "immediatly", "tomorrow": "tommorow", "address": "adress",
            "package": "pakage", "weird": "wierd", "believe": "beleive", "already": "allready"}
CHAT = {"you": "u", "are": "r", "because": "bc", "though": "tho", "please": "pls", "thanks": "thx",
        "really": "rly", "I don't know": "idk", "to be honest": "tbh", "people": "ppl", "before": "b4"}
OPENERS = ["Hi,", "Hey,", "Hello team,", "Quick feedback:", "FYI", "So", "Okay so", "Honestly,", "Just saying,",
           "Update:", "Hi there,", "Heads up:", "Not sure who to ask, but"]
EMOJI = {"negative": ["😡", "😤", "🙄", "👎"], "neutral": ["🤔", "🙏"], "positive": ["🙂", "🙌", "😍", "👍", "🎉"]}

SLOT_RE = re.compile(r"\{([A-Z]+)\}")


def lines(s: str) -> list[str]:
    return [l.strip() for l in s.strip().split("\n") if l.strip()]


def fill(template: str, rng: random.Random, casual: dict | None = None):
    """Fill slots; return (text, spans). `casual` holds the word substitutions for literal parts."""
    text, spans, pos, used = "", [], 0, set()
    for m in SLOT_RE.finditer(template):
        lit = template[pos:m.start()]
        if casual: lit = substitute(lit, casual)
        label, values = SLOTS[m.group(1)]
        choices = [v for v in values if v not in used] or values
        value = rng.choice(choices); used.add(value)
        if re.search(r"(^|\s)the $", lit, re.I) and value.lower().startswith("the "): lit = lit[:-4]  # "the the 14th"
        text += lit
        if (value[0] in "aeioAEIO" or value.startswith("HDMI")) and re.search(r"(^|\s)[aA] $", text):
            text = text[:-2] + text[-2] + "n "  # a -> an
        if label == "BRAND PRODUCT":  # longest known brand prefix, then the item
            brand = max((b for b in SLOTS["BRAND"][1] if value.startswith(b + " ")), key=len)
            spans.append({"start": len(text), "end": len(text) + len(brand), "label": "BRAND"})
            spans.append({"start": len(text) + len(brand) + 1, "end": len(text) + len(value), "label": "PRODUCT"})
        elif label: spans.append({"start": len(text), "end": len(text) + len(value), "label": label})
        text += value
        pos = m.end()
    tail = template[pos:]
    text += substitute(tail, casual) if casual else tail
    return text, spans


def substitute(lit: str, table: dict) -> str:
    for a, b in table.items():
        lit = re.sub(rf"\b{re.escape(a)}\b", b, lit)
    return lit


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def compose(topic: str, sentiment: str, rng: random.Random):
    """One candidate text as a list of template pieces, joined and filled by `render`."""
    b = BANK[topic]
    shape = rng.choices(["standalone", "ctx+core", "core", "ctx+core+closer", "core+closer"], [38, 27, 12, 13, 10])[0]
    if shape == "standalone":
        t = rng.choice(lines(b["standalone"][sentiment]))
        return [t], (t,)
    core = rng.choice(lines(b["core"][sentiment]))
    if shape.startswith("ctx"):
        ctx = rng.choice([c for c in lines(b["context"]) if sentiment != "neutral" or not c.startswith("~")])
        if ctx.startswith("~"):
            return [cap(ctx[1:]) + ", " + core + "."] + ([rng.choice(CLOSERS[sentiment])] if shape.endswith("closer") else []), (ctx, core)
        joiner = rng.choices([" and ", ", and ", ", but ", ". ", " - ", " and now "],
                             [34, 20, 16 if sentiment != "positive" else 4, 18, 6, 6 if sentiment == "negative" else 0])[0]
        core = cap(core) if joiner == ". " else core
        parts = [cap(ctx) + joiner + core + "."]
    else:
        parts = [cap(core) + "."]
    if shape.endswith("closer"):
        parts.append(rng.choice(CLOSERS[sentiment]))
    return parts, (ctx, core) if shape.startswith("ctx") else (core,)


def render(parts: list[str], sentiment: str, rng: random.Random):
    casual = None
    r = rng.random()
    if r < 0.12: casual = CHAT
    elif r < 0.22: casual = MISSPELL
    template = " ".join(parts)
    if rng.random() < 0.10:
        op = rng.choice(OPENERS)
        first = template[:1]
        keep = template.startswith(("I ", "I'", "{"))
        template = op + " " + (template if keep else first.lower() + template[1:])
    text, spans = fill(template, rng, casual)
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


def norm_tokens(text: str) -> frozenset:
    return frozenset(re.findall(r"\w+", text.lower()))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


CAP = {"standalone": 2, "core": 4, "context": 6}  # how often one phrase may be used (with different fills)


def generate(seed: int = SEED, per_cell: int = PER_CELL, near_dup: float = NEAR_DUP) -> list[dict]:
    rng = random.Random(seed)
    rows, seen_norm, token_sets = [], set(), []
    kind = {c: "core" for t in BANK.values() for v in t["core"].values() for c in lines(v)}
    kind.update({c: "context" for t in BANK.values() for c in lines(t["context"])})
    cap_of = lambda u: CAP[kind.get(u, "standalone")]
    for topic in BANK:
        for sentiment in ("negative", "neutral", "positive"):
            accepted, tries = 0, 0
            uses = defaultdict(int)  # phrase caps count within one (topic, sentiment) cell
            first = lines(BANK[topic]["standalone"][sentiment])  # every standalone text gets one chance first
            rng.shuffle(first)
            while accepted < per_cell and tries < per_cell * 60:
                tries += 1
                if first: parts, used = [first[-1]], (first.pop(),)
                else: parts, used = compose(topic, sentiment, rng)
                if any(uses[u] >= cap_of(u) for u in used) or uses[used] >= 1: continue
                text, spans = render(parts, sentiment, rng)
                key = " ".join(re.findall(r"\w+", text.lower()))
                toks = norm_tokens(text)
                if key in seen_norm or any(jaccard(toks, t) >= near_dup for t in token_sets): continue
                seen_norm.add(key); token_sets.append(toks)
                uses[used] += 1
                for u in used: uses[u] += 1
                rows.append({"text": text, "topic": topic, "sentiment": sentiment, "entities": spans})
                accepted += 1
            if accepted < per_cell:
                print(f"warning: only {accepted} texts for {topic}/{sentiment}")
    return rows


def split(rows: list[dict], seed: int = SEED, fractions=(0.8, 0.1, 0.1)) -> dict[str, list[dict]]:
    "Stratified by (topic, sentiment): each cell is shuffled and cut 80/10/10."
    rng = random.Random(seed + 1)
    cells = defaultdict(list)
    for r in rows: cells[(r["topic"], r["sentiment"])].append(r)
    out = {"train": [], "validation": [], "test": []}
    for key in sorted(cells):
        cell = cells[key]; rng.shuffle(cell)
        n_val = round(len(cell) * fractions[1]); n_test = round(len(cell) * fractions[2])
        out["test"] += cell[:n_test]; out["validation"] += cell[n_test:n_test + n_val]; out["train"] += cell[n_test + n_val:]
    for name, part in out.items():
        rng.shuffle(part)
        for k, r in enumerate(part): r["id"] = f"{name}-{k:04d}"
    return out


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description="Write the course dataset (deterministic).")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default: this folder, data/)")
    out = ap.parse_args(argv).out
    rows = generate()
    for name, part in split(rows).items():
        with open(out / f"{name}.jsonl", "w", encoding="utf-8", newline="\n") as f:
            for r in part:
                f.write(json.dumps({"id": r["id"], "text": r["text"], "topic": r["topic"], "sentiment": r["sentiment"],
                                    "entities": r["entities"]}, ensure_ascii=False) + "\n")
        print(f"{name}: {len(part)}")


if __name__ == "__main__":
    main()
