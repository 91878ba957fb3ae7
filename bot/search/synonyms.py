"""The field's abbreviations and what they stand for: searched both ways (BCF finds "Better Care
Fund", "better care fund" finds BCF). One line each, `SHORT = long form[; another long form]`."""

from __future__ import annotations

TABLE = """
A&E = accident and emergency
ASC = adult social care
BCF = better care fund
CAMHS = child and adolescent mental health services; children and adolescent mental health services
CQC = care quality commission
CSC = children's social care
CYP = children and young people
DPH = director of public health
DToC = delayed transfers of care
EHCP = education health and care plan
FTE = first time entrants
GP = general practitioner; general practice
HWB = health and wellbeing board
ICB = integrated care board
ICP = integrated care partnership
ICS = integrated care system
JHWS = joint health and wellbeing strategy
JSNA = joint strategic needs assessment
LAC = looked after children; children looked after
LSCP = local safeguarding children partnership
NEET = not in education employment or training
NHS = national health service
NWL = north west london
PCN = primary care network
RBKC = royal borough of kensington and chelsea
SEMH = social emotional and mental health
SEND = special educational needs and disabilities; special educational needs
SENCO = special educational needs coordinator
UASC = unaccompanied asylum seeking children
VCS = voluntary and community sector
WCC = westminster city council
YJB = youth justice board
YJS = youth justice service
"""


def parse(table: str) -> dict[str, tuple[str, ...]]:
    """Each abbreviation (lower case, only its letters) and its long forms (lower case)."""
    found: dict[str, tuple[str, ...]] = {}
    for line in table.strip().splitlines():
        short, _, longs = line.partition("=")
        key = "".join(c for c in short.lower() if c.isalnum())
        found[key] = tuple(" ".join(part.lower().split()) for part in longs.split(";") if part.strip())
    return found


SYNONYMS = parse(TABLE)
