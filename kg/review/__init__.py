"""Reading the curated facts against their articles, as a second curator would.

`kg coverage` (which article sentences the facts cover, which are left out on purpose and
why, which are not covered at all) and the review rules (a quote far from its speaker's
name, a statement's text not in its evidence sentences, a contradiction whose words do not
name what it contradicts, ...). Both read a built graph and the article texts.
May import: kg.ingest, kg.emit, kg.model, kg.errors, kg.project.
"""
