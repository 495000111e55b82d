"""What people are called and what agents type: caller names, e-mail and phone pieces, the
templates for case descriptions, enquiry summaries, resolutions, withdrawals and notes, and
the helpers that fill a template's ``{placeholders}``, drawing each value from the planner's
random generator only when a template names it (so the draws, and the data, depend only on
the seed).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from .world import Category, Property

# ---------------------------------------------------------------------------
# People

FIRST_NAMES = (
    "Margaret", "Susan", "Julie", "Karen", "Joanne", "Sarah", "Emma", "Rebecca", "Laura", "Jessica",
    "Chloe", "Amy", "Lisa", "Tracey", "Dawn", "Pauline", "Sandra", "Christine", "Hannah", "Sophie",
    "Gemma", "Kelly", "Nicola", "Helen", "Jean", "Maureen", "Shirley", "Amina", "Fatima", "Agnieszka",
    "John", "David", "Michael", "Paul", "Mark", "Andrew", "Steven", "Gary", "Ian", "Peter", "Darren",
    "Lee", "Craig", "Dean", "Wayne", "James", "Daniel", "Thomas", "Ryan", "Jack", "Liam", "Callum",
    "Harry", "George", "Keith", "Brian", "Barry", "Kevin", "Imran", "Mohammed", "Tariq", "Adam",
)
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Walker", "Wright", "Wood", "Robinson", "Thompson",
    "White", "Hughes", "Green", "Hall", "Hill", "Clarke", "Jackson", "Turner", "Johnson", "Shaw",
    "Marsden", "Hirst", "Staniforth", "Fretwell", "Beever", "Outram", "Crookes", "Hobson", "Ogden",
    "Firth", "Ledger", "Turton", "Ellis", "Mellor", "Booth", "Cooper", "Barker", "Sykes", "Hinchliffe",
    "Senior", "Lockwood", "Haigh", "Dyson", "Ackroyd", "Holmes", "Bennett", "Atkinson", "Parkin",
    "Hardcastle", "Gill", "Oldfield", "Stones", "Kaye", "Hussain", "Khan", "Ali", "Ahmed", "Begum",
    "Akhtar", "Kowalski", "Nowak", "O'Brien", "Murphy", "Kelly", "Dawson", "Ward", "Moore", "King",
    "Scott", "Baxter", "Pearson", "Kirk", "Swift", "Fox", "Cartwright", "Greaves", "Hattersley",
)
TITLES = ("Mrs", "Mr", "Miss", "Ms")
EMAIL_DOMAINS = ("example.com", "example.co.uk", "example.org", "example.net")
MOBILE_PREFIXES = ("4", "5", "7", "8", "9")  # 074.., 075.., 077.., 078.., 079..

# ---------------------------------------------------------------------------
# What agents type

_DESCRIPTIONS = {
    "litter": (
        "Litter all along the verge on {street} near {landmark}",
        "Overflowing litter bin outside no. {n} {street}, rubbish blowing about",
        "Takeaway boxes and cans dumped outside the shops on {street}",
        "Lot of litter in the ginnel behind {street}, caller says it has been there weeks",
    ),
    "graffiti": (
        "Graffiti tags on the bus shelter on {street}",
        "Graffiti sprayed on the garden wall of no. {n} {street}",
        "Large graffiti on the substation fence near {landmark}, {street}",
        "Tagging on the railway bridge on {street}, about 2m wide",
    ),
    "offensive_graffiti": (
        "Offensive graffiti on the wall opposite no. {opp} {street}: caller upset, children walk past",
        "Racist graffiti sprayed on the bus shelter on {street} overnight",
        "Obscene graffiti on the side of the shops on {street}, near {landmark}",
    ),
    "fly_tipping": (
        "Mattress and fridge dumped on verge opposite no. {opp} {street}",
        "Black bags and a sofa fly tipped in the ginnel behind {street}",
        "Builders' rubble and plasterboard dumped by {landmark} on {street}",
        "Fly tip at the end of {street}: tyres and a broken wardrobe",
        "About 10 bags of garden waste dumped on the grass near no. {n} {street}",
    ),
    "street_light": (
        "Lamp column {lamp} out for three nights, outside no. {n} {street}",
        "Street light flickering on and off, column {lamp} on {street}",
        "Lamp column {lamp} on {street} on all day",
        "Two street lights out at the bottom of {street}, very dark by {landmark}",
    ),
    "grass_cutting": (
        "Grass verge on {street} not cut for weeks, blocking the view at the junction",
        "Long grass on the open space behind {street}, caller says children can't play on it",
        "Grass cuttings left all over the footpath on {street} after mowing",
    ),
    "dog_fouling": (
        "Dog fouling all along the footpath on {street}, near {landmark}",
        "Dog mess outside no. {n} {street} every morning, same dog walker",
        "Dog fouling on the school route along {street}",
    ),
    "street_cleansing": (
        "Broken glass on the pavement outside no. {n} {street}",
        "Mud all over the road from the building site on {street}",
        "Leaves piled up and blocking the gully on {street}",
        "{street} needs sweeping: general dirt and weeds in the kerb",
    ),
    "pothole": (
        "Pothole about 30cm wide in the road outside no. {n} {street}",
        "Deep pothole at the junction of {street}, cars swerving round it",
        "Broken kerb and hole in the footpath near {landmark}, {street}: trip hazard",
        "Sunken drain cover in the road on {street}, loud bang when cars go over",
    ),
    "abandoned_vehicle": (
        "{colour} {make} reg {reg} parked outside no. {n} {street} for three weeks, not moved",
        "Untaxed {colour} {make} ({reg}) left on {street} with flat tyres",
        "Burnt out car on {street} near {landmark}",
    ),
    "missed_bin": (
        "{Bin} bin missed on {street}, was out by 7am",
        "Whole street missed for {bin} bin collection, {street}",
        "Assisted collection: {bin} bin not emptied at no. {n} {street}, caller is disabled",
        "{Bin} bin missed again at no. {n}, third time this month",
    ),
    "ct_payment": (
        "Wants to set up a direct debit for council tax, account {acct}",
        "Payment of £{amount} made {when} not showing on account {acct}",
        "Wants to change instalment date to the 15th, account {acct}",
        "Paid twice this month by mistake, wants a refund, account {acct}",
    ),
    "ct_change": (
        "Moved out of {street} {when}, wants a final bill, account {acct}",
        "Moved into no. {n} {street}, needs a council tax account setting up",
        "Partner has moved out, now lives alone: single person discount, account {acct}",
        "Student in the household, wants the exemption checking, account {acct}",
    ),
    "ct_unoccupied": (
        "No. {n} {street} empty since {when} after the tenant left, asking about the charge",
        "Mother's house on {street} empty since she went into care, asking about exemption",
        "Landlord querying the empty property charge on {street}, unfurnished",
    ),
    "ct_reminder": (
        "Received a reminder for account {acct}, says they are paid up",
        "Summons received, wants to make an arrangement to pay £{amount} a month",
        "Querying the court costs added to account {acct}",
        "Bailiff letter received, wants to discuss the debt before any visit",
    ),
    "br_enquiry": (
        "Business rates bill for the shop on {street} looks wrong, account {acct}",
        "New business at unit {n}, {street}: needs a rates account opening",
        "Asking about small business rate relief, account {acct}",
    ),
    "benefit_new_claim": (
        "Wants to claim housing benefit and council tax support, just lost job",
        "New claim for council tax support, pension age, needs a form posting",
        "Started a new tenancy on {street}, wants to claim housing benefit",
    ),
    "benefit_change": (
        "Started a new job {when}, 16 hours a week, claim {claim}",
        "Son has moved back home, claim {claim} needs updating",
        "Rent has gone up, landlord's letter to follow, claim {claim}",
    ),
    "benefit_overpayment": (
        "Received an overpayment letter for £{amount}, disputes it, claim {claim}",
        "Wants to arrange repayments on an overpayment of £{amount}, claim {claim}",
    ),
    "parking_permit": (
        "Resident permit renewal for {reg}, new permit not received",
        "Wants visitor permits for carers visiting {street}",
        "Changed car, needs the permit updating to {reg}",
    ),
    "parking_pcn": (
        "Wants to challenge PCN {pcn}: says the signs on {street} are not clear",
        "Wants to pay PCN {pcn}, website not working",
        "PCN {pcn} issued while loading outside no. {n} {street}, wants to appeal",
    ),
    "parking_obstruction": (
        "Car ({reg}) parked across the dropped kerb at no. {n} {street}, caller cannot get out",
        "Cars parked on the double yellows by {landmark} on {street} every school run",
        "Van parked on the pavement on {street}, wheelchair users forced into the road",
    ),
    "housing_disrepair": (
        "Back door won't lock at no. {n} {street}",
        "Kitchen cupboard doors falling off, {street}",
        "Guttering leaking down the front wall at no. {n} {street}",
        "Window in {room} won't close properly, bad draught",
    ),
    "housing_damp": (
        "Black mould in {room}, child has asthma",
        "Damp patch on {room} ceiling getting bigger, no. {n} {street}",
        "Condensation and mould on all the windows, tenant cleans it but it keeps coming back",
    ),
    "housing_emergency": (
        "No heating or hot water at no. {n} {street}, elderly tenant",
        "Water coming through the ceiling from the flat above, {street}",
        "Sparking socket in {room}, tenant has switched off at the fuse box",
        "Front door forced in a break-in overnight, cannot secure the property",
    ),
    "social_care_referral": (
        "Caller worried about {who} ({age}), struggling to manage at home after a fall",
        "Neighbour concerned about an elderly man at no. {n} {street}, not seen for days",
        "Carer asking for a reassessment of the care package for {who}, needs more visits",
    ),
    "general_enquiry": (
        "Wants to know how to renew a bus pass",
        "Asking how to report a noisy neighbour on {street}",
        "Wants a copy of the letter sent last week, has lost it",
        "Asking for a call back from Registrars about a birth certificate",
    ),
    "compliment": (
        "Wanted to thank the bin crew on {street} for always putting the bins back",
        "Compliment for the officer who sorted out council tax account {acct}",
        "Thanks to the Streetpride team for clearing the fly tip on {street} so quickly",
    ),
}
_GENERIC_DESCRIPTIONS = ("{category} reported by the caller", "{category}: caller wants a call back")

# What agents type for calls that did not create a case, per category group and outcome.
_ENQUIRY_SUMMARIES = {
    "streetpride": {
        "information_given": ("Gave bin collection days for {street}",
                              "Explained bulky waste charges and how to book",
                              "Advised which bin takes glass and which takes cardboard",
                              "Street is on the sweeping schedule for next week: told caller"),
        "resolved_first_contact": ("Booked a bulky waste collection",
                                   "Ordered a replacement {bin} bin",
                                   "Checked the job: already fixed, caller happy"),
        "transferred": ("Transferred to the Streetpride depot", "Transferred to Highways"),
    },
    "council_tax": {
        "information_given": ("Explained council tax bands and how to check theirs",
                              "Gave the instalment dates for account {acct}",
                              "Explained how single person discount works"),
        "resolved_first_contact": ("Took a card payment of £{amount}, account {acct}",
                                   "Set up a direct debit, account {acct}",
                                   "Updated the correspondence address, account {acct}"),
        "transferred": ("Transferred to Local Taxation recovery team",),
    },
    "business_rates": {
        "information_given": ("Explained small business rate relief",),
        "resolved_first_contact": ("Took a business rates payment of £{amount}",),
        "transferred": ("Transferred to Business Rates",),
    },
    "benefits": {
        "information_given": ("Explained how to claim council tax support online",
                              "Told caller what proof of income to send",
                              "Gave the date the claim is expected to be assessed"),
        "resolved_first_contact": ("Booked an appointment at the customer service centre",
                                   "Posted a claim form to the caller"),
        "transferred": ("Transferred to Benefit Assessment",),
    },
    "parking": {
        "information_given": ("Gave resident permit prices", "Explained how to challenge a PCN"),
        "resolved_first_contact": ("Took payment for PCN {pcn}", "Renewed resident permit for {reg}"),
        "transferred": ("Transferred to Parking Services",),
    },
    "housing": {
        "information_given": ("Gave the repairs line hours", "Explained the repairs priorities"),
        "resolved_first_contact": ("Booked a repair appointment for next week",),
        "transferred": ("Transferred to the housing emergency repairs line",
                        "Transferred to the neighbourhood housing office"),
    },
    "social_care": {
        "information_given": ("Gave details of carers' support groups",
                              "Explained how a care needs assessment works"),
        "resolved_first_contact": ("Sent the caller the blue badge application pack",),
        "transferred": ("Transferred to the adult social care duty team",),
    },
    "general": {
        "information_given": ("Gave the opening times of Riverside House",
                              "Gave the number for the Registrars",
                              "Explained how to apply for a bus pass"),
        "resolved_first_contact": ("Updated caller's contact details",),
        "transferred": ("Transferred to the switchboard",),
    },
}
_GENERIC_SUMMARIES = {
    "information_given": ("Gave information about {category}",),
    "resolved_first_contact": ("Dealt with {category} enquiry on the call",),
    "transferred": ("Transferred: {category}",),
}

RESOLUTIONS = {
    "streetpride": ("Cleared by the area team", "Repaired", "Inspected and work completed",
                    "Removed", "Job completed by the crew"),
    "council_tax": ("Account updated", "Bill reissued", "Arrangement set up",
                    "Letter sent to the caller"),
    "business_rates": ("Account updated", "Bill reissued"),
    "benefits": ("Claim assessed", "Change processed", "Decision letter sent"),
    "parking": ("Permit issued", "Challenge decided, letter sent", "Enforcement officer attended"),
    "housing": ("Repair completed", "Contractor attended and fixed it",
                "Inspected, works ordered and completed"),
    "social_care": ("Assessment booked", "Passed to the locality team and accepted"),
    "general": ("Caller given the information", "Passed on and acknowledged"),
}
WITHDRAWALS = ("Caller rang back: no longer needed", "Caller sorted it out themselves",
                "Caller withdrew the request", "Logged in error, caller confirmed")
INTERNAL_NOTES = (
    "Passed to {service}.",
    "Chased {service} for an update.",
    "{service} confirm it is with the area team.",
    "Checked for other reports: none open nearby.",
    "Caller is vulnerable: ring before 12:00 if a call back is needed.",
    "Inspector to visit this week.",
    "Waiting for information from the caller.",
    "Spoke to the team leader: job prioritised.",
)
CALLER_NOTES_OPEN = (
    "Rang the caller back: work is booked in.",
    "Caller chased; told them the target date is {due}.",
    "Emailed the caller an update.",
    "Left a voicemail for the caller with an update.",
    "Letter sent to the caller confirming the details.",
)
CALLER_NOTES_DONE = (
    "Caller told of the outcome and happy with it.",
    "Rang the caller to confirm it is done.",
    "Emailed the caller to say the job is complete.",
)

_LANDMARKS = ("the bus stop", "the post box", "the school gates", "the shops", "the play area",
              "the pub", "the church", "the garages", "the chemist", "the community centre")
_COLOURS = ("Silver", "Black", "Blue", "Red", "White", "Grey")
_MAKES = ("Ford Focus", "Vauxhall Corsa", "VW Golf", "Nissan Micra", "Peugeot 206", "Transit van")
_BINS = ("black", "green", "blue", "brown")
_ROOMS = ("the bathroom", "the back bedroom", "the kitchen", "the living room", "the front bedroom")
_WHO = ("her mother", "his father", "her aunt", "his wife", "her husband", "her neighbour")
_WHEN = ("last Friday", "on Monday", "on the 1st", "last week", "two weeks ago", "at the weekend")
_PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------------------
# Filling the templates


class _Values(dict):
    """Template values made on first use, so only what a template names is drawn."""

    def __init__(self, makers: dict[str, Callable[[], str]], **known: str):
        super().__init__(known)
        self._makers = makers

    def __missing__(self, key: str) -> str:
        if key[:1].isupper():  # {Bin} is {bin} at the start of a sentence
            value = _capitalise(self[key.lower()])
        else:
            value = self._makers[key]()
        self[key] = value
        return value


def template_makers(rng: random.Random, streets: list[str]) -> dict[str, Callable[[], str]]:
    """How to make each placeholder's value when a template first names it."""
    return {
        "landmark": lambda: rng.choice(_LANDMARKS),
        "lamp": lambda: str(rng.randint(1, 64)),
        "opp": lambda: str(rng.randint(1, 120)),
        "n": lambda: str(rng.randint(1, 120)),
        "street": lambda: rng.choice(streets),
        "colour": lambda: rng.choice(_COLOURS),
        "make": lambda: rng.choice(_MAKES),
        "reg": lambda: _registration(rng),
        "bin": lambda: rng.choice(_BINS),
        "acct": lambda: str(rng.randint(60_000_000, 69_999_999)),
        "claim": lambda: str(rng.randint(1_000_000, 1_999_999)),
        "pcn": lambda: f"RH{rng.randint(10_000_000, 99_999_999)}",
        "amount": lambda: f"{rng.randint(12, 480)}.{rng.choice(('00', '50', '15', '82'))}",
        "when": lambda: rng.choice(_WHEN),
        "room": lambda: rng.choice(_ROOMS),
        "who": lambda: rng.choice(_WHO),
        "age": lambda: str(rng.randint(68, 96)),
    }


def template_values(makers: dict[str, Callable[[], str]], place: Property | None,
                    category: Category) -> _Values:
    """Values for one template: the category, the place's street and number when known."""
    known = {"category": category.name.lower()}
    if place is not None:
        known["street"] = place.street
        if place.number:
            known["n"] = place.number
    return _Values(makers, **known)


def case_description(rng: random.Random, values: _Values, code: str) -> str:
    """What the agent typed as a new case's description."""
    return _capitalise(rng.choice(_DESCRIPTIONS.get(code, _GENERIC_DESCRIPTIONS))
                       .format_map(values))


def enquiry_summary(rng: random.Random, values: _Values, group: str, outcome: str) -> str:
    """What the agent typed for a call that did not create a case."""
    pool = _ENQUIRY_SUMMARIES.get(group, {}).get(outcome) or _GENERIC_SUMMARIES[outcome]
    return _capitalise(rng.choice(pool).format_map(values))


def short_date(moment: datetime) -> str:
    """``Fri 20 Nov``, as agents write a date in a note."""
    return f"{_DAY_NAMES[moment.weekday()]} {moment.day} {_MONTH_NAMES[moment.month - 1]}"


def _registration(rng: random.Random) -> str:
    letters = "".join(rng.choice(_PLATE_LETTERS) for _ in range(3))
    age = rng.choice(("08", "58", "11", "61", "15", "65", "19", "69", "21", "71", "24", "74"))
    return f"Y{rng.choice(_PLATE_LETTERS)}{age} {letters}"


def _capitalise(text_: str) -> str:
    return text_[:1].upper() + text_[1:]
