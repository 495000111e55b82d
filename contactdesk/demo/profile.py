"""How much the demo contact centre does, and in what mix: the numbers the planner draws
from. They follow the source documents: a telephone contact centre open 08:00-20:00 on
working days, about 1,500 to 2,500 calls a weekday (busier on the first day back after a
weekend or bank holiday, peaking 09:00-11:00, dipping at lunchtime and tailing off in the
evening), about 95% answered within 21 seconds (the performance report's 94.78%), Streetpride
the biggest family of cases; older cases are mostly resolved or closed, recent ones open, some
open ones overdue, a few duplicates and withdrawals.
"""

from datetime import timedelta

BASE_CALLS_PER_DAY = 2000
# Relative volume by weekday; the first working day after a weekend or bank holiday is busiest.
FIRST_DAY_BACK = 1.15
WEEKDAY_FACTOR = {0: 1.15, 1: 1.02, 2: 0.97, 3: 0.95, 4: 0.88, 5: 0.55, 6: 0.45}
DAY_NOISE = 0.06
# Calls per half hour relative to the day's average, keyed by half-hour of the day
# (16 = 08:00-08:30): the 09:00-11:00 peak, the lunchtime dip and the quiet evening.
HALF_HOUR_SHAPE = {
    16: 0.55, 17: 0.95, 18: 1.40, 19: 1.50, 20: 1.50, 21: 1.40, 22: 1.20, 23: 1.00,
    24: 0.80, 25: 0.72, 26: 0.78, 27: 0.95, 28: 1.05, 29: 1.02, 30: 0.98, 31: 0.92,
    32: 0.85, 33: 0.78, 34: 0.68, 35: 0.58, 36: 0.45, 37: 0.36, 38: 0.28, 39: 0.22,
}
OTHER_HALF_HOURS = 0.2

CHANNELS = (("phone", 0.90), ("email", 0.04), ("web", 0.03), ("face_to_face", 0.02), ("letter", 0.01))
OUTCOMES = (("case_created", 0.40), ("information_given", 0.33),
             ("resolved_first_contact", 0.16), ("transferred", 0.11))
# Median talk time in seconds per outcome (AHT lands at about four minutes).
TALK_MEDIAN = {"case_created": 290, "information_given": 175, "resolved_first_contact": 260,
                "transferred": 110}
SERVICE_LEVEL_SECONDS = 21
NEW_CALLER_SHARE = 0.27  # about one caller per 3.7 calls
ANONYMOUS_SHARE = 0.03
MIN_CASES_PER_CATEGORY = 3

# (weight among cases, weight among other enquiries) per category code; unknown codes get (1, 1).
CATEGORY_WEIGHTS = {
    "missed_bin": (9, 6), "fly_tipping": (8, 2), "street_light": (6, 1.5), "pothole": (6, 1.5),
    "litter": (5, 1), "grass_cutting": (4, 1), "dog_fouling": (3, 0.5),
    "street_cleansing": (3, 0.5), "graffiti": (2.5, 0.3), "offensive_graffiti": (0.6, 0.1),
    "abandoned_vehicle": (2, 0.5),
    "ct_payment": (6, 14), "ct_change": (6, 8), "ct_unoccupied": (1.5, 1.5), "ct_reminder": (4, 8),
    "br_enquiry": (1.5, 2),
    "benefit_new_claim": (4, 6), "benefit_change": (4, 6), "benefit_overpayment": (1.5, 2),
    "parking_permit": (2.5, 3), "parking_pcn": (3, 4), "parking_obstruction": (1.5, 0.5),
    "housing_disrepair": (4, 4), "housing_damp": (2.5, 1), "housing_emergency": (2, 1),
    "social_care_referral": (1.5, 3),
    "general_enquiry": (3, 12), "compliment": (0.5, 0.5),
}
# Categories usually reported at the caller's own home.
AT_HOME = {"missed_bin", "housing_disrepair", "housing_damp", "housing_emergency"}
# Groups whose cases, though they need no location, are often about the caller's home.
ABOUT_A_HOME = {"council_tax", "benefits", "housing"}

# A small share of cases leave the default service, with the agent's reason.
OVERRIDE_SHARE = 0.04
OVERRIDES = {
    "fly_tipping": ("housing", "On council housing land: the estate team clears it"),
    "grass_cutting": ("housing", "Communal grass on a housing estate"),
    "litter": ("housing", "Litter in a housing block's communal area"),
    "abandoned_vehicle": ("parking", "Taxed and parked on yellow lines, not abandoned"),
    "ct_unoccupied": ("business_rates", "The empty property is a shop, not a dwelling"),
    "benefit_change": ("local_taxation", "Council tax support only: no housing benefit claim"),
    "general_enquiry": ("social_care", "Caller asking about care at home for a parent"),
    "compliment": ("streetpride", "Compliment for a Streetpride crew"),
    "parking_obstruction": ("streetpride", "Skip on the highway without a licence"),
}

DUPLICATE_SHARE = 0.04  # of Streetpride cases with a location
DUPLICATE_WINDOW = timedelta(days=14)
WITHDRAWN_SHARE = 0.015
FORGOTTEN_SHARE = 0.04  # cases that sit far beyond their target
CLOSE_AFTER_RESOLVE = 0.88
NOTE_COUNTS = ((0, 35), (1, 35), (2, 20), (3, 10))
CALLER_NOTE_SHARE = 0.4
