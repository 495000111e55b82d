"""Maximum lengths of text fields.

One table used by the form, the importers, the domain validation and the
database CHECK constraints, so the same rule applies everywhere.
"""

USERNAME = 40
ACTOR = 64  # a username, or os: and an operating-system account name
PERSON_NAME = 120
PHONE_RAW = 40
PHONE_E164 = 16
EMAIL = 254
ADDRESS = 200
POSTCODE = 8
DESCRIPTION = 4000
NOTE = 4000
REASON = 500
CODE = 40
LABEL = 120
REFERENCE = 20
STREET_NAME = 100
LOCALITY = 60
TOWN = 60
SETTING_VALUE = 2000
AUDIT_VALUE = 4000
TELEPHONY_ID = 80  # call ids, queue and agent names in telephony logs
TELEPHONY_DATA = 400
