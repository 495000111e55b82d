"""The council's starting catalogue: services, enquiry groups and categories.

Drawn from the council's contact centre (Streetpride, council tax, benefits,
parking, housing) and common council practice. It seeds a new database; after
that the catalogue is data that administrators edit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSeed:
    code: str
    name: str
    contact_email: str


@dataclass(frozen=True)
class GroupSeed:
    code: str
    name: str
    prefix: str


@dataclass(frozen=True)
class CategorySeed:
    code: str
    name: str
    group: str
    service: str
    target: int
    unit: str  # "working_hours" or "working_days"
    location_required: bool
    prompts: tuple[str, ...] = ()
    keywords: str = ""


SERVICES = (
    ServiceSeed("streetpride", "Streetpride", "streetpride@example.gov.uk"),
    ServiceSeed("local_taxation", "Local Taxation", "council.tax@example.gov.uk"),
    ServiceSeed("business_rates", "Revenues & Payments", "business.rates@example.gov.uk"),
    ServiceSeed("benefits", "Benefit Assessment", "benefits@example.gov.uk"),
    ServiceSeed("parking", "Parking Services", "parking@example.gov.uk"),
    ServiceSeed("housing", "Housing", "housing.repairs@example.gov.uk"),
    ServiceSeed("social_care", "Adult Social Care", "adult.care@example.gov.uk"),
    ServiceSeed("customer_services", "Customer Services", "customer.services@example.gov.uk"),
)

GROUPS = (
    GroupSeed("streetpride", "Streetpride", "SP"),
    GroupSeed("council_tax", "Council tax", "CT"),
    GroupSeed("business_rates", "Business rates", "BR"),
    GroupSeed("benefits", "Benefits", "BEN"),
    GroupSeed("parking", "Parking", "PK"),
    GroupSeed("housing", "Housing repairs", "HR"),
    GroupSeed("social_care", "Adult social care", "ASC"),
    GroupSeed("general", "General enquiry", "GEN"),
)

_WHERE = "Where exactly is it? (nearest house number, landmark or lamp column number)"
_HAZARD = "Is it causing a danger to people or traffic right now?"

CATEGORIES = (
    # Streetpride: one hotline for the local environment.
    CategorySeed("litter", "Litter", "streetpride", "streetpride", 5, "working_days", True,
                 (_WHERE, "How much litter: a few items or a large area?"), "rubbish bins"),
    CategorySeed("graffiti", "Graffiti", "streetpride", "streetpride", 10, "working_days", True,
                 (_WHERE, "Is it on council or private property?", "How large is it?"), "tagging paint"),
    CategorySeed("offensive_graffiti", "Offensive graffiti", "streetpride", "streetpride", 24,
                 "working_hours", True,
                 (_WHERE, "Is it racist, obscene or otherwise offensive? (do not repeat it)"),
                 "racist obscene"),
    CategorySeed("fly_tipping", "Fly tipping", "streetpride", "streetpride", 3, "working_days", True,
                 (_WHERE, "What has been dumped and how much?", "Is there asbestos, chemicals or needles?",
                  "Did the caller see who dumped it?"), "dumped waste tipping"),
    CategorySeed("street_light", "Broken street light", "streetpride", "streetpride", 5,
                 "working_days", True,
                 (_WHERE, "What is the number on the lamp column?", "Is it out, flickering or on all day?",
                  _HAZARD), "lamp lighting"),
    CategorySeed("grass_cutting", "Grass cutting", "streetpride", "streetpride", 10, "working_days",
                 True, (_WHERE, "Is it a verge, park or open space?"), "verge mowing"),
    CategorySeed("dog_fouling", "Dog fouling", "streetpride", "streetpride", 5, "working_days", True,
                 (_WHERE, "Is there a regular time the dog is walked there?"), "dog mess"),
    CategorySeed("street_cleansing", "Street cleansing", "streetpride", "streetpride", 5,
                 "working_days", True, (_WHERE, "Is it leaves, mud, broken glass or general dirt?"),
                 "sweeping glass"),
    CategorySeed("pothole", "Pothole or road defect", "streetpride", "streetpride", 2,
                 "working_days", True, (_WHERE, "How deep and wide is it?", _HAZARD), "road damage"),
    CategorySeed("abandoned_vehicle", "Abandoned vehicle", "streetpride", "streetpride", 10,
                 "working_days", True,
                 (_WHERE, "Registration number, make, model and colour?", "How long has it been there?"),
                 "car untaxed"),
    CategorySeed("missed_bin", "Missed bin collection", "streetpride", "streetpride", 2,
                 "working_days", True, ("Which bin: green, black, blue or brown?",
                                        "Was it out by 7am on collection day?"), "refuse collection"),
    # Council tax.
    CategorySeed("ct_payment", "Council tax payment", "council_tax", "local_taxation", 5,
                 "working_days", False, ("Council tax account number?", "Amount and date of payment?"),
                 "pay direct debit instalment"),
    CategorySeed("ct_change", "Council tax change of circumstances", "council_tax", "local_taxation",
                 10, "working_days", False,
                 ("Account number?", "What changed (moved in, moved out, someone left) and when?"),
                 "moving house single person discount"),
    CategorySeed("ct_unoccupied", "Charge on unoccupied property", "council_tax", "local_taxation",
                 10, "working_days", True,
                 ("Date the property became empty?", "Is it furnished or unfurnished?"), "empty property"),
    CategorySeed("ct_reminder", "Council tax reminder or summons", "council_tax", "local_taxation",
                 5, "working_days", False,
                 ("Reference on the reminder or summons?", "Can the caller pay now or set up an arrangement?"),
                 "arrears court liability order bailiff"),
    # Business rates (NNDR).
    CategorySeed("br_enquiry", "Business rates enquiry", "business_rates", "business_rates", 10,
                 "working_days", False, ("Business rates account number?", "Business name and address?"),
                 "nndr rates relief"),
    # Benefits.
    CategorySeed("benefit_new_claim", "Benefit new claim", "benefits", "benefits", 10, "working_days",
                 False, ("Which benefit: housing benefit or council tax support?",
                         "Has the caller got proof of income and rent?"), "housing benefit claim"),
    CategorySeed("benefit_change", "Benefit change of circumstances", "benefits", "benefits", 10,
                 "working_days", False, ("Claim reference?", "What changed and from which date?"),
                 "income change"),
    CategorySeed("benefit_overpayment", "Benefit overpayment", "benefits", "benefits", 15,
                 "working_days", False, ("Claim reference?", "Does the caller dispute the overpayment?"),
                 "owe repay"),
    # Parking.
    CategorySeed("parking_permit", "Parking permit", "parking", "parking", 10, "working_days", False,
                 ("Resident or visitor permit?", "Vehicle registration?"), "resident visitor"),
    CategorySeed("parking_pcn", "Penalty charge notice", "parking", "parking", 10, "working_days",
                 False, ("PCN number?", "Does the caller want to pay or challenge it?"),
                 "parking ticket fine appeal"),
    CategorySeed("parking_obstruction", "Illegal or obstructive parking", "parking", "parking", 24,
                 "working_hours", True, (_WHERE, "Vehicle registration?", "Is it blocking a driveway or dropped kerb?"),
                 "blocking driveway"),
    # Housing repairs.
    CategorySeed("housing_disrepair", "Housing disrepair", "housing", "housing", 20, "working_days",
                 True, ("Tenancy reference?", "What needs repair and in which room?", _HAZARD),
                 "repair tenant"),
    CategorySeed("housing_damp", "Damp and mould", "housing", "housing", 10, "working_days", True,
                 ("Which rooms are affected and how badly?", "Does anyone in the home have a health condition?"),
                 "mould condensation"),
    CategorySeed("housing_emergency", "Emergency repair", "housing", "housing", 4, "working_hours",
                 True, ("Is there no heating, no water, a leak or an electrical danger?",
                        "Is anyone vulnerable in the home?"), "leak heating electrics"),
    # Adult social care.
    CategorySeed("social_care_referral", "Adult social care referral", "social_care", "social_care",
                 2, "working_days", False,
                 ("Who needs support and what is their relationship to the caller?",
                  "Is the person at immediate risk? (if so, transfer to the duty team now)"),
                 "care assessment safeguarding"),
    # General enquiry.
    CategorySeed("general_enquiry", "General enquiry", "general", "customer_services", 10,
                 "working_days", False, ("What does the caller need?",), "information"),
    CategorySeed("compliment", "Compliment", "general", "customer_services", 10, "working_days",
                 False, ("Which service or officer is it about?",), "thanks"),
)

# Settings with their defaults; values are stored as text.
DEFAULT_SETTINGS = {
    "council_name": "Rotherham Metropolitan Borough Council",
    "service_level_seconds": "21",
    "opening_time": "08:00",
    "closing_time": "20:00",
    "working_weekdays": "0,1,2,3,4",
    "bank_holiday_region": "ENG",
    "duplicate_window_days": "14",
}
