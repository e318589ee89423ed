"""Write the example hub's FICTIONAL transcripts: chats/tenants-amenities-2026-10-15.tweets.json
(a chat on X), and chats/tenants-coworking-2026-11-12.{tweets,bsky,mastodon}.json (one chat that
ran on X, Bluesky and Mastodon at once).

Every person, post and link here is made up for the example hub (links go to example.org). The
output is in each API's own shape, as ``chathub fetch`` stores it, and the same every run:

    .venv/bin/python scripts/make_example_transcript.py
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import string
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chathub.capture.bluesky.document import SHAPE as BLUESKY  # noqa: E402
from chathub.capture.mastodon.document import SHAPE as MASTODON  # noqa: E402
from chathub.capture.x.document import write_transcript  # noqa: E402
from chathub.transcripts.store import write_atomic  # noqa: E402

SLUG = "tenants-amenities-2026-10-15"
START = datetime(2026, 10, 15, 17, 0, tzinfo=UTC)  # 13:00 in New York (EDT)
TWEPOCH = 1288834974657

# handle: (name, bio, followers, url)
USERS = {
    "HarborviewCRE": ("Harborview Properties", "Commercial real estate in three harbor cities. "
                      "Fictional, for this example hub.", 8421, "https://example.org/harborview"),
    "maya_ops": ("Maya Okafor", "Tenant experience lead at Harborview. Fictional.", 1893, ""),
    "workplace_dan": ("Dan Whitfield", "Workplace strategist, author of \"The Hybrid Floor\". "
                      "Fictional.", 12650, "https://example.org/hybrid-floor"),
    "facilities_fran": ("Fran Delgado | Facilities", "Facilities manager, 12 floors of glass "
                        "& coffee. Fictional.", 742, ""),
    "officemgr_priya": ("Priya Raman", "Office manager for a 90-person design studio.", 511, ""),
    "broker_ben": ("Ben Adeyemi", "Tenant rep broker. I read leases so you don't have to.", 2304,
                   "https://example.org/ben"),
    "cartandcrema": ("Cart & Crema <coffee bar>", "Espresso carts for office lobbies. "
                     "Fictional vendor.", 3120, "https://example.org/crema"),
    "hybrid_hannah": ("Hannah Kowalski", "Workplace experience at a fintech. Plants, "
                      "playlists, policies.", 988, ""),
    "leo_workspace": ("Leo Marchetti", "Space planner. Measures twice, moves desks once.", 1402, ""),
    "sam_fm": ("Sam Osei", "FM for a life-science campus.", 356, ""),
    "tenantvoice_jo": ("Jo Park", "Runs a tenant association downtown.", 674, ""),
    "gwen_hr": ("Gwen Alvarez (People Ops)", "People ops. Ask me about return-to-office surveys.",
                1210, ""),
    "plantlady_ops": ("Rosa Lindqvist", "Ops manager and unofficial plant doctor.", 845, ""),
    "nate_buildings": ("Nate Brennan", "Building engineer, data nerd.", 433, ""),
    "quietfloor_ali": ("Ali Haddad", "Product lead at a 40-person startup in a shared building.",
                       297, ""),
    "kira_tanaka": ("Kira Tanaka", "COO at a growing logistics firm. Opinions are mine.", 2890,
                    "https://example.org/kira"),
    "lou_reposts": ("Lou Fischer", "Mostly reposts.", 128, ""),
    "private_pat": ("Pat Quinn", "Asked to be left out of the archive (see hide: in the chat).",
                    210, ""),
}

# The conversation: (key, seconds after 13:00, handle, text, options).
# Options: reply (key of the post answered), quote (key), retweet (key), likes, reposts,
# quotes, note (long text), photo (alt text), edited.
CHAT: list[tuple[str, int, str, str, dict]] = [
    ("soon", -300, "HarborviewCRE", "#Tenants starts in 5 minutes! Today: amenities that bring "
     "people back to the office, with guest @workplace_dan. Grab a coffee and join us.", {"likes": 9,
                                                                                        "reposts": 4}),
    ("fran_hi", -160, "facilities_fran", "Early as always. Fran here, facilities for a 12-floor "
     "tower in Boston #Tenants", {"likes": 3}),
    ("welcome", 0, "HarborviewCRE", "Welcome to #Tenants! This hour is about amenities that bring "
     "people back to the office. Our guest is @workplace_dan. Please introduce yourself: name, role, "
     "city.", {"likes": 14, "reposts": 5}),
    ("maya_hi", 35, "maya_ops", "Hi all, I'm Maya and I'm moderating today. We'll post Q1, Q2\u2026 "
     "Answer with A1, A2\u2026 and keep #Tenants in every post so everyone sees it.", {"likes": 8}),
    ("dan_hi", 70, "workplace_dan", "Dan here, workplace strategist in Chicago. Thrilled to be on "
     "#Tenants today. I've walked 200+ offices this year & I have opinions.", {"likes": 21,
                                                                                 "reposts": 2}),
    ("priya_hi", 95, "officemgr_priya", "Priya, office manager for a 90-person design studio in "
     "Philly. First time here! #Tenants", {"likes": 6}),
    ("maya_priya", 120, "maya_ops", "Welcome Priya! Glad you found us.", {"reply": "priya_hi",
                                                                          "likes": 2}),
    ("ben_hi", 130, "broker_ben", "Ben, tenant rep broker in NYC. Here to steal your ideas for my "
     "clients #Tenants", {"likes": 5}),
    ("hannah_hi", 150, "hybrid_hannah", "Hannah from a fintech in Jersey City, workplace experience "
     "lead. Hi everyone! #Tenants", {"likes": 4}),
    ("crema_hi", 175, "cartandcrema", "Hello #Tenants! We run espresso carts in office lobbies, so "
     "we see who comes in & when :)", {"likes": 3}),
    ("kira_hi", 200, "kira_tanaka", "Kira, COO at a logistics firm. We're outgrowing our floor, so "
     "this topic is timely. #Tenants", {"likes": 7}),
    ("pat_hi", 215, "private_pat", "Pat here, lurking and learning #Tenants", {"likes": 1}),
    ("rt_welcome", 230, "lou_reposts", "", {"retweet": "welcome"}),
    ("q1", 300, "HarborviewCRE", "Q1 Which amenity made your team come back to the office, and which "
     "one flopped? #Tenants", {"likes": 18, "reposts": 7}),
    ("dan_a1", 350, "workplace_dan", "A1: Hands down, good coffee & a place to sit with it. The flop "
     "I see everywhere: the nap pod. Nobody wants to be seen napping at work. #Tenants", {"likes": 64,
                                                                                          "reposts": 12,
                                                                                          "quotes": 2}),
    ("fran_a1", 380, "facilities_fran", "A1) Bike storage with showers. Flop: the fancy smart "
     "lockers, too many steps to open one. #Tenants", {"likes": 11}),
    ("priya_a1", 400, "officemgr_priya", "a1 for us it was lunch on Wednesdays. Simple, cheap, "
     "people plan their week around it. #Tenants", {"likes": 23, "reposts": 3}),
    ("ben_re_dan", 420, "broker_ben", "@workplace_dan The nap pod is the new ping-pong table. Every "
     "client asks, nobody uses it.", {"reply": "dan_a1", "likes": 19}),
    ("dan_re_ben", 455, "workplace_dan", "@broker_ben Ha! At least the ping-pong table got used "
     "after 6pm.", {"reply": "ben_re_dan", "likes": 12}),
    ("hannah_a1", 470, "hybrid_hannah", ".@HarborviewCRE A1 Quiet phone booths. Flop: a game room "
     "nobody had time for. #Tenants", {"likes": 9}),
    ("ali_a1", 500, "quietfloor_ali", "A 1 - our building's roof terrace. We hold standups up "
     "there May to October. #Tenants", {"likes": 8}),
    ("jo_noreply", 520, "tenantvoice_jo", "Our tenants asked for one thing above all: daylight at "
     "the desks. Cheap to fix with layout, expensive to ignore.", {"reply": "q1", "likes": 15}),
    ("rt_dan_a1", 530, "lou_reposts", "", {"retweet": "dan_a1"}),
    ("crema_a1", 545, "cartandcrema", "A1 Coffee, obviously, but we're biased. Flop we've seen: a "
     "\"smart\" fridge that locked people out of their own lunch #Tenants", {"likes": 6}),
    ("sam_a1", 575, "sam_fm", "A1. Parking that's actually free. Flop: an app for booking desks "
     "that took 9 taps. #Tenants", {"likes": 5}),
    ("maya_q_sam", 600, "maya_ops", "@sam_fm Nine taps! What did you replace it with?",
     {"reply": "sam_a1", "likes": 2}),
    ("sam_re_maya", 640, "sam_fm", "@maya_ops A whiteboard by the elevator. Low tech, high "
     "adoption.", {"reply": "maya_q_sam", "likes": 13, "reposts": 1}),
    ("pat_a1", 660, "private_pat", "A1 our office dog program, honestly #Tenants", {"likes": 4}),
    ("gwen_a1", 690, "gwen_hr", "A1: Mentoring lunches. Amenities bring people in once; other "
     "people bring them back. #Tenants", {"likes": 41, "reposts": 9}),
    ("leo_re_gwen", 720, "leo_workspace", "@gwen_hr This. The best amenity is your colleagues. "
     "#Tenants", {"reply": "gwen_a1", "likes": 10}),
    ("rosa_a1", 760, "plantlady_ops", "A1 Plants! Real ones. We swapped the plastic ferns and the "
     "mood changed in a week #Tenants", {"likes": 12, "photo": "A sunny office corner with tall "
                                                                "potted plants"}),
    ("leo_a1", 800, "leo_workspace", "A1 Lockers close to the desks. Flop: hot-desking with no "
     "place to leave a jacket. #Tenants", {"likes": 7}),
    ("nate_a1", 840, "nate_buildings", "A1 We measured it: occupancy up 18% on days with a "
     "catered breakfast. Data here https://example.org/occupancy-study #Tenants", {"likes": 16,
                                                                                    "reposts": 6}),
    ("q2", 1080, "maya_ops", "Q2: How do you find out what tenants really want before you spend "
     "the budget? #Tenants", {"likes": 12, "reposts": 5}),
    ("gwen_a2", 1120, "gwen_hr", "A2 Short pulse surveys, 3 questions max, every month. Long "
     "surveys get long silences. Template we use: https://example.org/pulse-survey #Tenants",
     {"likes": 33, "reposts": 11}),
    ("kira_a2", 1160, "kira_tanaka", "A2: honestly we guess, and it shows. We're looking for a "
     "vendor to run a proper tenant survey before we sign our next lease. Can anyone recommend "
     "one? Budget is approved. #Tenants", {"likes": 9}),
    ("ben_re_kira", 1200, "broker_ben", "@kira_tanaka Happy to share the two we use with clients, "
     "DMing you.", {"reply": "kira_a2", "likes": 3}),
    ("priya_a2", 1225, "officemgr_priya", "A2. We put a whiteboard in the kitchen with one "
     "question a week. Better answers than any survey. #Tenants", {"likes": 27, "reposts": 4}),
    ("dan_a2", 1260, "workplace_dan", "A2 Walk the floor at 10:30 and at 3:00. Where people sit "
     "tells you more than what they say. #Tenants", {"likes": 38, "reposts": 8, "note":
                                                   "A2 Walk the floor at 10:30 and at 3:00. Where "
                                                   "people sit tells you more than what they say.\n\n"
                                                   "Then ask three people who stopped coming in "
                                                   "what would bring them back. Not the regulars: "
                                                   "the ones you lost. Their answers are the budget "
                                                   "you should spend. #Tenants"}),
    ("hannah_re_dan2", 1300, "hybrid_hannah", "@workplace_dan Asking the people who stopped coming "
     "is such a good point. We only ever survey the regulars.", {"reply": "dan_a2", "likes": 14}),
    ("nate_q", 1340, "nate_buildings", "Has anyone used badge data to see which amenities get used? "
     "Curious how people handle the privacy side. #Tenants", {"likes": 4}),
    ("jo_a2", 1380, "tenantvoice_jo", "A2 tenant association town halls, twice a year. Landlords "
     "who show up & listen get fewer complaints. #Tenants", {"likes": 10}),
    ("fran_noreply", 1420, "facilities_fran", "We use a QR code on every meeting room door: 'what "
     "was wrong with this room?' Gets 40+ answers a month.", {"reply": "q2", "likes": 17}),
    ("maya_re_fran", 1450, "maya_ops", "@facilities_fran Stealing this for our buildings.",
     {"reply": "fran_noreply", "likes": 5}),
    ("crema_a2", 1480, "cartandcrema", "A2 we count cups per floor per day. Cheap sensor, very "
     "honest. Happy to show anyone how, demo at https://example.org/crema-demo #Tenants",
     {"likes": 2}),
    ("ali_a2", 1530, "quietfloor_ali", "a2: we asked for one wish each in Slack, then voted. Top "
     "wish was better chairs, not a gym #Tenants", {"likes": 6}),
    ("rt_gwen_a2", 1560, "lou_reposts", "", {"retweet": "gwen_a2"}),
    ("sam_a2", 1600, "sam_fm", "A2 We ask at move-in and never again, which I'm realising is the "
     "problem #Tenants", {"likes": 11}),
    ("q3", 1800, "HarborviewCRE", "Q3 Quiet rooms, game rooms, or roof terraces: what earns its "
     "square feet? #Tenants", {"likes": 15, "reposts": 6}),
    ("dan_a3", 1850, "workplace_dan", "A3 Quiet rooms, by a mile. In every building I've studied, "
     "the quiet rooms are booked out by 10am and the game room is a storage room by spring. "
     "#Tenants", {"likes": 52, "reposts": 14}),
    ("dan_a3b", 1880, "workplace_dan", "And size them for one person. Four-person quiet rooms "
     "become meeting rooms within a month.", {"reply": "dan_a3", "likes": 29}),
    ("kira_quote", 1910, "kira_tanaka", "Adding this to our requirements list for the new space. "
     "#Tenants", {"quote": "dan_a3", "likes": 8}),
    ("leo_a3", 1940, "leo_workspace", "A3: Quiet rooms, but put them near the windows, not in the "
     "core. Nobody wants to think in a closet. #Tenants", {"likes": 19, "reposts": 2}),
    ("hannah_a3", 1975, "hybrid_hannah", "A3 The roof terrace wins in summer, the quiet rooms win "
     "the rest of the year <3 #Tenants", {"likes": 9}),
    ("fran_a3", 2010, "facilities_fran", "A3 Quiet rooms. Game rooms are loud & the noise travels "
     "two floors through the ducts, ask me how I know. #Tenants", {"likes": 22}),
    ("nate_re_fran", 2040, "nate_buildings", "@facilities_fran Flexible duct liner fixed that for "
     "us, about $40/ft.", {"reply": "fran_a3", "likes": 6}),
    ("fran_re_nate", 2070, "facilities_fran", "@nate_buildings Writing that down. Which brand?",
     {"reply": "nate_re_fran", "likes": 1}),
    ("nate_re_fran2", 2100, "nate_buildings", "@facilities_fran Spec sheet here: "
     "https://example.org/duct-liner-spec", {"reply": "fran_re_nate", "likes": 4}),
    ("priya_a3", 2130, "officemgr_priya", "A3 a room with a door that locks and a couch. We call "
     "it the library. Always full. #Tenants", {"likes": 14}),
    ("ben_a3", 2160, "broker_ben", "A3 From the lease side: roof terraces add to the rent but "
     "rarely to the renewal. Quiet rooms help renewals. #Tenants", {"likes": 24, "reposts": 5}),
    ("kira_a3", 2200, "kira_tanaka", "A3 Quiet rooms. Also: any recommendations for a space "
     "planner in Newark? We need a quote by December. #Tenants", {"likes": 3}),
    ("leo_re_kira", 2230, "leo_workspace", "@kira_tanaka I'm in Jersey City, happy to talk.",
     {"reply": "kira_a3", "likes": 2}),
    ("gwen_a3", 2260, "gwen_hr", "A 3: game rooms work for onboarding weeks and nothing else. "
     "#Tenants", {"likes": 5}),
    ("rosa_a3", 2300, "plantlady_ops", "A3 Roof terrace with shade. Without shade it's a frying "
     "pan from June on. #Tenants", {"likes": 8}),
    ("ali_q", 2350, "quietfloor_ali", "How do you stop a quiet room from turning into someone's "
     "permanent office? #Tenants", {"likes": 5}),
    ("dan_re_ali", 2400, "workplace_dan", "@quietfloor_ali 90-minute booking limit and no monitors. "
     "Works every time.", {"reply": "ali_q", "likes": 17}),
    ("rt_dan_a3", 2420, "lou_reposts", "", {"retweet": "dan_a3"}),
    ("q4", 2520, "HarborviewCRE", "Q4. What's one small fix that tenants noticed right away? "
     "#Tenants", {"likes": 13, "reposts": 4}),
    ("fran_a4", 2560, "facilities_fran", "A4 Warmer light bulbs in the lobby. Two hundred dollars, "
     "and three people thanked me the next day. #Tenants", {"likes": 31, "reposts": 6}),
    ("sam_a4", 2590, "sam_fm", "A4: wayfinding signs. People had been getting lost between "
     "buildings for years. #Tenants", {"likes": 12}),
    ("priya_a4", 2620, "officemgr_priya", "A4 a second microwave. The noon queue vanished. Never "
     "underestimate the microwave. #Tenants", {"likes": 36, "reposts": 7}),
    ("hannah_re_priya", 2650, "hybrid_hannah", "@officemgr_priya The microwave queue is the true "
     "measure of office attendance", {"reply": "priya_a4", "likes": 20}),
    ("jo_a4", 2690, "tenantvoice_jo", "A4 Fixing the door that slammed. Everyone noticed; nobody had "
     "reported it. #Tenants", {"likes": 9}),
    ("dan_a4", 2720, "workplace_dan", "A4 Hooks. Coat hooks by every desk cluster. It sounds silly "
     "until you watch people drape coats over chairs all winter. #Tenants", {"likes": 44,
                                                                              "reposts": 10}),
    ("leo_re_dan4", 2750, "leo_workspace", "@workplace_dan Hooks are the most underrated fixture "
     "in the building. #Tenants", {"reply": "dan_a4", "likes": 7}),
    ("ali_a4", 2790, "quietfloor_ali", "A4 - water pressure on the 9th floor. Took one plumber and "
     "a morning. #Tenants", {"likes": 4}),
    ("crema_a4", 2830, "cartandcrema", "A4 moving the coffee cart 20 feet closer to the elevators. "
     "Sales up 30%, and so were the hellos. #Tenants", {"likes": 10}),
    ("gwen_a4", 2860, "gwen_hr", "A4 Name signs on desks for new starters in their first week. "
     "Costs nothing. #Tenants", {"likes": 15, "reposts": 2}),
    ("rosa_a4", 2900, "plantlady_ops", "A4 Blinds that actually go down. The afternoon glare on "
     "the west side was a daily complaint. #Tenants", {"likes": 6}),
    ("nate_a4", 2940, "nate_buildings", "A4: we raised the thermostat set point by 1 degree in "
     "summer. Complaints halved, energy bill too. #Tenants", {"likes": 18, "reposts": 3}),
    ("kira_a4", 2990, "kira_tanaka", "A4 Bike racks by the door. Also, if anyone has a broker "
     "to recommend for a 15k sq ft search, I'm looking for one. #Tenants", {"likes": 5}),
    ("ben_re_kira4", 3020, "broker_ben", "@kira_tanaka I'll DM you!", {"reply": "kira_a4",
                                                                       "likes": 2}),
    ("maya_reminder", 3120, "maya_ops", "Ten minutes left on #Tenants. Any last answers to Q1-Q4 "
     "are welcome, just label them.", {"likes": 3}),
    ("late_a1", 3200, "sam_fm", "Late A1 bonus: the bike room needs a pump. #Tenants",
     {"likes": 2}),
    ("wrap", 3360, "HarborviewCRE", "That's a wrap on #Tenants! Thank you @workplace_dan and "
     "everyone who joined. Archive and recap soon at https://example.org/tenants-hub/ See you on "
     "12 November.", {"likes": 22, "reposts": 6}),
    ("dan_bye", 3400, "workplace_dan", "Thanks for having me! Great chat, lots of notes taken "
     "#Tenants", {"likes": 11}),
    ("after1", 3780, "tenantvoice_jo", "Still thinking about the \"ask the people who left\" idea "
     "from today's #Tenants. Bringing it to our next town hall.", {"likes": 8}),
    ("after2", 3900, "hybrid_hannah", "That was my first #Tenants and definitely not the last. "
     "Notes are a mess, but a useful mess.", {"likes": 6}),
    ("after_thread", 4000, "nate_buildings", "@quietfloor_ali @workplace_dan Same for us, plus "
     "a sign: \"this room is for thinking, not living\".", {"reply": "dan_re_ali", "likes": 5}),
]


def snowflake(moment: datetime, rng: random.Random) -> str:
    millis = int(moment.timestamp() * 1000)
    return str(((millis - TWEPOCH) << 22) | (rng.randrange(0, 1024) << 12) | rng.randrange(0, 4096))


def user_id(rng: random.Random) -> str:
    """Older accounts have shorter ids, like real ones."""
    length = rng.choice([9, 10, 18, 19])
    return str(rng.randrange(10 ** (length - 1), 10**length))


def tco(rng: random.Random) -> str:
    return "https://t.co/" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(10))


def entities(plain: str, links: dict[str, str], users: dict[str, dict]) -> dict:
    """Entities of the (unescaped) text, with code point offsets (as Python indexes strings)."""
    result: dict[str, list] = {}
    for match in re.finditer(r"(?<![\w@])@(\w{1,15})", plain):
        handle = match.group(1)
        mention = {"start": match.start(), "end": match.end(), "username": handle}
        if handle in users:
            mention["id"] = users[handle]["id"]
        result.setdefault("mentions", []).append(mention)
    for match in re.finditer(r"(?<![\w#])#(\w+)", plain):
        result.setdefault("hashtags", []).append(
            {"start": match.start(), "end": match.end(), "tag": match.group(1)})
    for short, expanded in links.items():
        start = plain.index(short)
        display = re.sub(r"^https?://(www\.)?", "", expanded)
        display = display if len(display) <= 26 else display[:25] + "\u2026"
        result.setdefault("urls", []).append({"start": start, "end": start + len(short), "url": short,
                                              "expanded_url": expanded, "display_url": display})
    return result


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape(text: str) -> str:
    """X escapes &, < and > in post text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build() -> dict:
    rng = random.Random(20261015)
    users = {h: {"id": user_id(rng), "username": h, "name": n, "description": bio,
                 "public_metrics": {"followers_count": f, "following_count": rng.randrange(80, 900),
                                    "tweet_count": rng.randrange(200, 9000), "listed_count":
                                        rng.randrange(0, 60)},
                 **({"url": url} if url else {}), "created_at": "2019-03-04T12:00:00.000Z"}
             for h, (n, bio, f, url) in USERS.items()}
    ids: dict[str, str] = {}
    posts: list[dict] = []
    replies: dict[str, int] = {}
    for _key, _, _, _, opts in CHAT:
        if "reply" in opts:
            replies[opts["reply"]] = replies.get(opts["reply"], 0) + 1
    retweets = {opts["retweet"]: 0 for _, _, _, _, opts in CHAT if "retweet" in opts}
    for _, _, _, _, opts in CHAT:
        if "retweet" in opts:
            retweets[opts["retweet"]] += 1
    by_key: dict[str, dict] = {}
    users_by_id = {u["id"]: u for u in users.values()}
    media: list[dict] = []
    for key, seconds, handle, text, opts in CHAT:
        moment = START + timedelta(seconds=seconds, milliseconds=rng.randrange(0, 900))
        ident = snowflake(moment, rng)
        ids[key] = ident
        author = users[handle]
        post: dict = {"id": ident, "author_id": author["id"],
                      "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                      "edit_history_tweet_ids": [ident], "lang": "en"}
        if "retweet" in opts:
            original = by_key[opts["retweet"]]
            source = users_by_id[original["author_id"]]["username"]
            body = f"RT @{source}: " + unescape(original["text"])
            post.update(text=escape(body), conversation_id=ident,
                        referenced_tweets=[{"type": "retweeted", "id": original["id"]}],
                        public_metrics={"retweet_count": 0, "reply_count": 0, "like_count": 0,
                                        "quote_count": 0, "bookmark_count": 0, "impression_count": 0},
                        entities=entities(body, {}, users))
            posts.append(post)
            by_key[key] = post
            continue
        links = {url: url for url in re.findall(r"https://example\.org/\S*", text)}
        shortened = text
        expanded: dict[str, str] = {}
        for url in links:
            short = tco(rng)
            shortened = shortened.replace(url, short)
            expanded[short] = url
        if "photo" in opts:
            short = tco(rng)
            shortened += " " + short
            media_key = f"3_{ident}"
            post["attachments"] = {"media_keys": [media_key]}
            media.append({"media_key": media_key, "type": "photo", "alt_text": opts["photo"],
                          "width": 1600, "height": 1200})
        post["text"] = escape(shortened)
        ents = entities(shortened, expanded, users)
        if "photo" in opts:
            start = shortened.index(short)
            ents.setdefault("urls", []).append({
                "start": start, "end": start + len(short), "url": short,
                "expanded_url": f"https://x.com/{handle}/status/{ident}/photo/1",
                "display_url": "pic.x.com/" + short[-10:], "media_key": f"3_{ident}"})
        if ents:
            post["entities"] = ents
        if "note" in opts:
            post["note_tweet"] = {"text": escape(opts["note"]), "entities": entities(opts["note"], {},
                                                                                       users)}
        refs = []
        if "reply" in opts:
            parent = by_key[opts["reply"]]
            refs.append({"type": "replied_to", "id": parent["id"]})
            post["in_reply_to_user_id"] = parent["author_id"]
            post["conversation_id"] = parent["conversation_id"]
        else:
            post["conversation_id"] = ident
        if "quote" in opts:
            refs.append({"type": "quoted", "id": by_key[opts["quote"]]["id"]})
        if refs:
            post["referenced_tweets"] = refs
        likes = opts.get("likes", 0)
        post["public_metrics"] = {
            "retweet_count": opts.get("reposts", 0) + retweets.get(key, 0),
            "reply_count": replies.get(key, 0),
            "like_count": likes,
            "quote_count": opts.get("quotes", 0) + sum(1 for c in CHAT if c[4].get("quote") == key),
            "bookmark_count": likes // 4,
            "impression_count": 40 * likes + 25 * len(post["text"]) // 10 + rng.randrange(60, 400),
        }
        if opts.get("edited"):
            post["edit_history_tweet_ids"] = [snowflake(moment - timedelta(seconds=30), rng), ident]
        posts.append(post)
        by_key[key] = post
    return {
        "data": posts,
        "includes": {"users": list(users.values()), "media": media},
        "meta": {
            "query": "#Tenants -is:retweet",
            "start_time": (START - timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end_time": (START + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "endpoint": "fictional",
            "result_count": len(posts),
            "complete": True,
            "note": "A fictional transcript written for the example hub by "
                    "scripts/make_example_transcript.py. No real posts.",
        },
        "ids": ids,
    }


# --- the chat on three networks ---------------------------------------------------------------

THREE = "tenants-coworking-2026-11-12"
THREE_START = datetime(2026, 11, 12, 18, 0, tzinfo=UTC)  # 13:00 in New York (EST)
# (key, seconds after 13:00, network, author, text, options): reply (key), likes, reposts.
# Authors: an X handle, a Bluesky handle, or a Mastodon user@server.
THREE_CHAT: list[tuple[str, int, str, str, str, dict]] = [
    ("x_welcome", 0, "x", "HarborviewCRE", "Welcome to #Tenants! Today we're on X, Bluesky and Mastodon "
     "at once. Topic: a shared coworking floor in your own building. Say hi!", {"likes": 11}),
    ("b_welcome", 4, "bluesky", "harborview.bsky.social", "Welcome to #Tenants, Bluesky! Same chat, "
     "three networks. Guest today: @farah.bsky.social 👋", {"likes": 9}),
    ("m_welcome", 7, "mastodon", "harborview@mastodon.social", "Welcome to #Tenants on Mastodon! "
     "We're also on X and Bluesky: one archive will hold all three.", {"likes": 6}),
    ("b_lin", 60, "bluesky", "lin-ops.bsky.social", "Lin here, office manager for a 60-person "
     "architecture firm in Providence. Moved to Bluesky last year #Tenants", {"likes": 3}),
    ("m_oskar", 80, "mastodon", "oskar@hachyderm.io", "Oskar, facilities at a small software "
     "company. Hi from the fediverse #Tenants", {"likes": 2}),
    ("x_fran", 95, "x", "facilities_fran", "Fran again, Boston tower. Curious about this one #Tenants",
     {"likes": 4}),
    ("x_q1", 300, "x", "HarborviewCRE", "Q1 Would your team use a shared coworking floor in your own "
     "building? #Tenants", {"likes": 15, "reposts": 4}),
    ("b_q1", 302, "bluesky", "harborview.bsky.social", "Q1 Would your team use a shared coworking "
     "floor in your own building? #Tenants", {"likes": 12}),
    ("m_q1", 304, "mastodon", "harborview@mastodon.social", "Q1 Would your team use a shared "
     "coworking floor in your own building? #Tenants", {"likes": 7}),
    ("x_fran_a1", 340, "x", "facilities_fran", "A1 Yes, for overflow days. Our floor is full every "
     "Tuesday #Tenants", {"likes": 9}),
    ("b_lin_a1", 352, "bluesky", "lin-ops.bsky.social", "A1 Only if it is bookable. A first-come "
     "floor becomes one team's annex in a week #Tenants", {"likes": 14, "reposts": 2}),
    ("b_farah_a1", 370, "bluesky", "farah.bsky.social", "A1 From what we see: tenants use it most for "
     "meeting people from the other companies. That's the real amenity #Tenants", {"likes": 21}),
    ("b_noreply", 395, "bluesky", "jun.bsky.social", "We would, for client meetings. Ours are cramped",
     {"reply": "b_q1", "likes": 5}),
    ("m_oskar_a1", 410, "mastodon", "oskar@hachyderm.io", "A1 We'd use it for focus days. Details: "
     "https://example.org/focus-days #Tenants", {"likes": 4}),
    ("m_noreply", 430, "mastodon", "ines@mastodon.social", "Only with a quiet zone, honestly",
     {"reply": "m_q1", "likes": 3}),
    ("x_q2", 900, "x", "HarborviewCRE", "Q2 What would it need to beat your own meeting rooms? #Tenants",
     {"likes": 10}),
    ("b_q2", 902, "bluesky", "harborview.bsky.social", "Q2 What would it need to beat your own "
     "meeting rooms? #Tenants", {"likes": 8}),
    ("m_q2", 904, "mastodon", "harborview@mastodon.social", "Q2 What would it need to beat your own "
     "meeting rooms? #Tenants", {"likes": 5}),
    ("x_farah_a2", 950, "x", "flex_farah", "A2 Sound. Rooms people can take a call in without "
     "whispering. Then screens that just work #Tenants", {"likes": 17}),
    ("b_lin_a2", 980, "bluesky", "lin-ops.bsky.social", "A2 Booking from the same calendar we "
     "already use. No new app, please #Tenants", {"likes": 11}),
    ("m_farah_a2", 1010, "mastodon", "farah@hachyderm.io", "A2 on Mastodon too: good sound beats "
     "free coffee every time #Tenants", {"likes": 6}),
    ("x_q3", 1500, "x", "HarborviewCRE", "Q3 Who should run it: the landlord, an operator, or the "
     "tenants? #Tenants", {"likes": 8}),
    ("b_q3", 1502, "bluesky", "harborview.bsky.social", "Q3 Who should run it: the landlord, an "
     "operator, or the tenants? #Tenants", {"likes": 6}),
    ("m_q3", 1504, "mastodon", "harborview@mastodon.social", "Q3 Who should run it: the landlord, "
     "an operator, or the tenants? #Tenants", {"likes": 4}),
    ("b_jun_a3", 1560, "bluesky", "jun.bsky.social", "A3 An operator, with a tenants' board that "
     "meets every quarter #Tenants", {"likes": 7}),
    ("m_ines_a3", 1600, "mastodon", "ines@mastodon.social", "A3 The landlord, but with a budget the "
     "tenants can see. Is anyone doing that already? #Tenants", {"likes": 2}),
    ("x_wrap", 2400, "x", "HarborviewCRE", "That's a wrap! Thank you X, Bluesky and Mastodon. The "
     "archive will hold all three networks #Tenants", {"likes": 13}),
]
THREE_NAMES = {
    "HarborviewCRE": "Harborview Properties", "harborview.bsky.social": "Harborview Properties",
    "harborview@mastodon.social": "Harborview Properties", "facilities_fran": "Fran Delgado | Facilities",
    "flex_farah": "Farah Haddad", "farah.bsky.social": "Farah Haddad", "farah@hachyderm.io": "Farah Haddad",
    "lin-ops.bsky.social": "Lin Osei", "jun.bsky.social": "Jun Park", "oskar@hachyderm.io": "Oskar Berg",
    "ines@mastodon.social": "Inês Moreira",
}


def fake_did(handle: str) -> str:
    digest = hashlib.sha256(handle.encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def bluesky_facets(text: str) -> list[dict]:
    """Tags, mentions and links of a post, at UTF-8 byte offsets as Bluesky stores them."""
    found = []
    for match in re.finditer(r"(?<![\w#])#(\w+)|(?<![\w@])@([\w.-]+\.\w+)|https?://\S+", text):
        start = len(text[:match.start()].encode("utf-8"))
        end = start + len(match.group().encode("utf-8"))
        if match.group(1):
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}
        elif match.group(2):
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": fake_did(match.group(2))}
        else:
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": match.group()}
        found.append({"index": {"byteStart": start, "byteEnd": end}, "features": [feature]})
    return found


def mastodon_html(text: str, server: str) -> str:
    def link(match: re.Match[str]) -> str:
        word = match.group()
        if word.startswith("#"):
            return (f'<a href="https://{server}/tags/{word[1:].lower()}" class="mention hashtag" '
                    f'rel="tag">#<span>{word[1:]}</span></a>')
        scheme, rest = word.split("://", 1)
        return (f'<a href="{word}" target="_blank" rel="nofollow noopener" translate="no"><span '
                f'class="invisible">{scheme}://</span><span class="">{rest}</span><span '
                'class="invisible"></span></a>')

    body = re.sub(r"(?<![\w#])#\w+|https?://\S+", link, text.replace("&", "&amp;"))
    return f"<p>{body}</p>"


def build_three(known: list[dict]) -> dict[str, dict]:
    """The three transcripts of the chat that ran on X, Bluesky and Mastodon (``known``: the X
    users of the October chat, who keep their ids)."""
    rng = random.Random(20261112)
    x_users: dict[str, dict] = {u["username"]: u for u in known if u["username"] in THREE_NAMES}
    x_posts: list[dict] = []
    views: list[dict] = []
    statuses: list[dict] = []
    made: dict[str, dict] = {}
    replies: dict[str, int] = {}
    for _, _, _, _, _, opts in THREE_CHAT:
        if "reply" in opts:
            replies[opts["reply"]] = replies.get(opts["reply"], 0) + 1
    for count, (key, seconds, network, author, text, opts) in enumerate(THREE_CHAT, start=1):
        moment = THREE_START + timedelta(seconds=seconds, milliseconds=rng.randrange(0, 900))
        when = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        likes, reposts = opts.get("likes", 0), opts.get("reposts", 0)
        parent = made.get(opts.get("reply", ""))
        if network == "x":
            if author not in x_users or "id" not in x_users[author]:
                x_users[author] = {"id": user_id(rng), "username": author, "name": THREE_NAMES[author],
                                   "public_metrics": {"followers_count": rng.randrange(100, 9000)}}
            ident = snowflake(moment, rng)
            post = {"id": ident, "author_id": x_users[author]["id"], "created_at": when,
                    "conversation_id": ident, "edit_history_tweet_ids": [ident], "lang": "en",
                    "text": escape(text), "entities": entities(text, {}, {}),
                    "public_metrics": {"retweet_count": reposts, "reply_count": replies.get(key, 0),
                                       "like_count": likes, "quote_count": 0}}
            x_posts.append(post)
            made[key] = post
        elif network == "bluesky":
            did = fake_did(author)
            rkey = f"3m{count:011d}"
            record: dict = {"$type": "app.bsky.feed.post", "text": text, "createdAt": when,
                            "langs": ["en"]}
            if bluesky_facets(text):
                record["facets"] = bluesky_facets(text)
            if parent is not None:
                ref = {"uri": parent["uri"], "cid": parent["cid"]}
                record["reply"] = {"root": ref, "parent": ref}
            view = {"uri": f"at://{did}/app.bsky.feed.post/{rkey}", "cid": f"bafyreifake{count:040d}",
                    "author": {"did": did, "handle": author, "displayName": THREE_NAMES[author],
                               "labels": []},
                    "record": record, "indexedAt": when, "replyCount": replies.get(key, 0),
                    "repostCount": reposts, "likeCount": likes, "quoteCount": 0, "labels": []}
            views.append(view)
            made[key] = view
        else:
            user, server = author.split("@")
            ident = str((int(moment.timestamp() * 1000) << 16) + count)
            status = {
                "id": ident, "uri": f"https://{server}/users/{user}/statuses/{ident}",
                "url": f"https://{server}/@{user}/{ident}", "created_at": when,
                "in_reply_to_id": parent["id"] if parent else None,
                "in_reply_to_account_id": parent["account"]["id"] if parent else None,
                "visibility": "public", "language": "en", "sensitive": False, "spoiler_text": "",
                "content": mastodon_html(text, "mastodon.social"), "reblog": None,
                "replies_count": replies.get(key, 0), "reblogs_count": reposts,
                "favourites_count": likes, "edited_at": None, "media_attachments": [], "mentions": [],
                "tags": [{"name": "tenants", "url": "https://mastodon.social/tags/tenants"}],
                "account": {"id": str(abs(hash_int(author))), "username": user,
                            "acct": user if server == "mastodon.social" else author,
                            "display_name": THREE_NAMES[author], "url": f"https://{server}/@{user}",
                            "note": "", "avatar": "", "followers_count": rng.randrange(20, 900)},
                "read_from": "mastodon.social", "local_ids": {"mastodon.social": ident},
            }
            statuses.append(status)
            made[key] = status
    window = {"start_time": "2026-11-12T17:45:00Z", "end_time": "2026-11-12T19:15:00Z",
              "before_minutes": 15, "after_minutes": 30}
    note = "A fictional transcript written for the example hub by scripts/make_example_transcript.py."
    return {
        "x": {"data": x_posts, "includes": {"users": list(x_users.values())},
              "meta": {"query": "#Tenants -is:retweet", "start_time": window["start_time"],
                       "end_time": window["end_time"], "window": window, "endpoint": "fictional",
                       "complete": True, "note": note}},
        "bluesky": {"posts": views, "meta": {"tag": "Tenants", "window": window, "complete": True,
                                             "endpoint": "fictional", "note": note}},
        "mastodon": {"statuses": statuses, "meta": {"tag": "Tenants", "window": window, "complete": True,
                                                    "endpoint": "fictional", "note": note}},
    }


def hash_int(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def main() -> None:
    doc = build()
    ids = doc.pop("ids")
    path = ROOT / "chats" / f"{SLUG}.tweets.json"
    write_transcript(path, doc)
    print(f"wrote {path.relative_to(ROOT)}: {len(doc['data'])} posts")
    for key in ("dan_a1", "gwen_a2", "dan_a3", "fran_a4", "wrap"):
        print(f"  {key}: {ids[key]}")
    three = build_three(doc["includes"]["users"])
    chats = ROOT / "chats"
    write_transcript(chats / f"{THREE}.tweets.json", three["x"])
    write_atomic(chats / f"{THREE}.bsky.json", BLUESKY.dump(three["bluesky"]))
    write_atomic(chats / f"{THREE}.mastodon.json", MASTODON.dump(three["mastodon"]))
    counts = {n: len(d.get("data") or d.get("posts") or d.get("statuses")) for n, d in three.items()}
    print(f"wrote chats/{THREE}.tweets.json, .bsky.json and .mastodon.json: {counts}")


if __name__ == "__main__":
    main()
