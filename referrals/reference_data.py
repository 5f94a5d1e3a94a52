"""The coded lists from docs/domain.md "Coded lists", loaded by a data migration; admins edit them."""

ETHNICITIES = [
    # (code, group, name): ONS 2021 census, England
    ("asian-bangladeshi", "Asian or Asian British", "Bangladeshi"),
    ("asian-chinese", "Asian or Asian British", "Chinese"),
    ("asian-indian", "Asian or Asian British", "Indian"),
    ("asian-pakistani", "Asian or Asian British", "Pakistani"),
    ("asian-other-asian", "Asian or Asian British", "Any other Asian background"),
    ("black-african", "Black, Black British, Caribbean or African", "African"),
    ("black-caribbean", "Black, Black British, Caribbean or African", "Caribbean"),
    (
        "black-other-black",
        "Black, Black British, Caribbean or African",
        "Any other Black background",
    ),
    ("mixed-white-and-asian", "Mixed or multiple ethnic groups", "White and Asian"),
    ("mixed-white-and-black-african", "Mixed or multiple ethnic groups", "White and Black African"),
    (
        "mixed-white-and-black-caribbean",
        "Mixed or multiple ethnic groups",
        "White and Black Caribbean",
    ),
    (
        "mixed-other-mixed",
        "Mixed or multiple ethnic groups",
        "Any other mixed or multiple background",
    ),
    ("white-british", "White", "English, Welsh, Scottish, Northern Irish or British"),
    ("white-irish", "White", "Irish"),
    ("white-gypsy-or-irish-traveller", "White", "Gypsy or Irish Traveller"),
    ("white-roma", "White", "Roma"),
    ("white-other-white", "White", "Any other White background"),
    ("other-arab", "Other ethnic group", "Arab"),
    ("other-other-ethnic-group", "Other ethnic group", "Any other ethnic group"),
    ("not-stated", "Not stated", "Not stated"),
]

OFFENCE_CATEGORIES = [
    ("violence-against-the-person", "Violence against the person"),
    ("sexual-offences", "Sexual offences"),
    ("robbery", "Robbery"),
    ("theft-offences", "Theft offences"),
    ("criminal-damage-and-arson", "Criminal damage and arson"),
    ("drug-offences", "Drug offences"),
    ("possession-of-weapons", "Possession of weapons"),
    ("public-order-offences", "Public order offences"),
    ("miscellaneous-crimes-against-society", "Miscellaneous crimes against society"),
    ("fraud-offences", "Fraud offences"),
    ("summary-non-motoring", "Summary non-motoring"),
    ("summary-motoring", "Summary motoring"),
]

VULNERABILITIES = [
    ("mental-health", "Mental health"),
    ("learning-disability", "Learning disability"),
    ("autism", "Autism"),
    ("adhd", "ADHD"),
    ("speech-language-communication", "Speech, language and communication needs"),
    ("drugs", "Substance misuse: drugs"),
    ("alcohol", "Substance misuse: alcohol"),
    ("self-harm-suicide", "Self-harm and suicide risk"),
    ("physical-health", "Physical health"),
    ("trauma-abuse", "Trauma, including domestic and sexual abuse"),
    ("safeguarding", "Safeguarding"),
    ("housing", "Housing"),
    ("debt-finance", "Debt and finance"),
    ("education-employment-training", "Education, employment and training"),
]
